"""Events: typed from the taxonomy in analyzer/data/events.jsonl, dated, with tickers."""

from __future__ import annotations

import json

import pytest

from analyzer.nlp.components.events import EVENT_TYPES, load_patterns
from analyzer.errors import PatternError
from views_helpers import annotate


def _types(text: str, orgs=None, published="2025-03-31", dates=None) -> list[str]:
    return [e.type for e in annotate(text, orgs, published, dates)._.events]


def test_seed_short_selling_resumed_on_publication_day(seed_text):
    events = annotate(seed_text, {"ECOPRO BM": ("COMPANY", "247540")}, published="2025-03-31",
                      dates={"On the 28th": "2025-03-28", "On the 31st": "2025-03-31"})._.events
    resumed = [e for e in events if e.type == "short_selling_resumed"]
    assert [(e.date, e.sentence) for e in resumed] == [("2025-03-31", 1)]
    assert resumed[0].text.startswith("As short selling resumes")


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Regulators lifted the ban on short selling on Monday.", "short_selling_resumed"),
        ("The regulator banned short selling until June.", "short_selling_ban"),
        ("Samsung Electronics reported a 10% rise in quarterly operating profit.", "earnings"),
        ("Apple raised its full-year guidance.", "guidance"),
        ("Jefferies downgraded the shares.", "rating_change"),
        ("Citi lowered its price target on the stock.", "price_target_change"),
        ("Broadcom agreed to buy VMware for $61 billion.", "merger_acquisition"),
        ("The board approved a $10 billion share buyback.", "buyback"),
        ("The company will pay a special dividend.", "dividend"),
        ("The biotech announced a rights offering to fund trials.", "capital_raise"),
        ("The Fair Trade Commission fined the platform operator.", "lawsuit_regulatory"),
        ("The chief executive stepped down after the audit.", "management_change"),
        ("The stock will be added to the MSCI Korea index.", "index_inclusion"),
        ("The KOSPI fell 2.5% as foreigners sold.", "market_move"),
    ],
)
def test_each_event_type(text, kind):
    assert kind in _types(text)


def test_every_type_has_patterns():
    assert {kind for kind, _ in load_patterns()} == set(EVENT_TYPES)


def test_sector_move_is_not_a_market_move():
    assert "market_move" not in _types("Battery stocks fell sharply on Monday.")


def test_event_date_and_tickers():
    (event,) = annotate("On March 28, Samsung Electronics announced a share buyback.",
                        {"Samsung Electronics": ("COMPANY", "005930")}, "2025-03-31",
                        {"March 28": "2025-03-28"})._.events
    assert (event.type, event.date, event.tickers) == ("buyback", "2025-03-28", ("005930",))


def test_date_before_a_relation_word_is_not_the_event_date():
    (event,) = annotate("On March 28, before short selling resumed, the ratio was 15%.", None, "2025-03-31",
                        {"March 28": "2025-03-28"})._.events
    assert event.date is None


def test_bad_pattern_file_is_a_pattern_error(tmp_path):
    bad = tmp_path / "events.jsonl"
    bad.write_text(json.dumps({"type": "earnings", "pattern": [{"LOWERR": "x"}]}) + "\n")
    with pytest.raises(PatternError, match="line 1"):
        load_patterns.__wrapped__(bad)
    bad.write_text(json.dumps({"type": "weather", "pattern": [{"LOWER": "x"}]}) + "\n")
    with pytest.raises(PatternError, match="unknown type"):
        load_patterns.__wrapped__(bad)
