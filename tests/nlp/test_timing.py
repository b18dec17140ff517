"""When a stated move happened: session, period and qualifier (the newsig_timing component)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
import spacy

from analyzer.nlp.components.context import set_context
from analyzer.nlp.components.timing import (
    MoveTiming, figure_span, load_cues, parse_when, sentence_cues, session_at,
)
from analyzer.records import Move


def _cues(text: str, change: float | None = None, price: float | None = None):
    move = Move(None, None, change, price, None, None, 0)
    return sentence_cues(text, figure_span(text, move), load_cues())


# ---- cue classes, one sentence each (our own wording) ----------------------------------

@pytest.mark.parametrize("text,change,session", [
    ("The Acme index slipped 0.4% in early trade on chip losses.", -0.4, "intraday"),
    ("Widget Co was down 1.25% at 10,100 won as of 0215 GMT.", -1.25, "intraday"),
    ("Widget Co shares were last up 2.5% in afternoon trading.", 2.5, "intraday"),
    ("Widget Co opened 1.1% lower on the tariff news.", -1.1, "intraday"),
    ("The benchmark gained 0.8% to close at 2,611.40.", 0.8, "close"),
    ("Widget Co ended the session 3.2% higher.", 3.2, "close"),
    ("Widget Co finished 1.5% down, its third loss in a row.", -1.5, "close"),
    ("Widget Co fell 4% at the close on Monday.", -4.0, "close"),
    ("Widget Co shares dropped 6% after the bell on weak guidance.", -6.0, "after_hours"),
    ("Widget Co rose 2% in extended trading.", 2.0, "after_hours"),
    ("Widget Co shares rose 3% in premarket trading.", 3.0, "premarket"),
    ("Widget Co was up 1.7% before the bell.", 1.7, "premarket"),
    ("Widget Co rose 2.2% on the results.", 2.2, None),
])
def test_session_cues(text, change, session):
    assert _cues(text, change)[0] == session


def test_the_cue_nearest_the_figure_wins_and_belongs_to_its_own_clause():
    text = "Widget Co opened higher and climbed all day, finishing up 1.8% at a record."
    assert _cues(text, 1.8)[0] == "close"
    text = "Gizmo Corp rose 1% in early trade, while Widget Co closed 2% lower."
    assert _cues(text, 1.0)[0] == "intraday"
    assert _cues(text, -2.0)[0] == "close"


@pytest.mark.parametrize("text,change,period", [
    ("For the week, the Acme index was up 2.4%.", 2.4, "week"),
    ("Widget Co is up 18% so far this year.", 18.0, "ytd"),
    ("Widget Co has lost 12% year-to-date.", -12.0, "ytd"),
    ("Widget Co gained 7% for the month.", 7.0, "month"),
    ("Widget Co has fallen 40% over the past three years.", -40.0, "multi_day"),
    ("Widget Co dropped 9% over five sessions.", -9.0, "multi_day"),
    ("Widget Co fell 5% last week.", -5.0, "last_week"),
    ("Widget Co rose 2% to its highest level in three years.", 2.0, None),  # a superlative: a comparison
    ("Widget Co set its biggest weekly gain, rising 2%.", 2.0, None),
    ("Widget Co rose 3%, extending gains for a fourth straight session.", 3.0, None),  # a streak, not a span
])
def test_period_cues(text, change, period):
    assert _cues(text, change)[1] == period


def test_a_period_cue_belongs_to_its_own_figure():
    text = "Widget Co rose 2% on Monday and is now up 15% this year."
    assert _cues(text, 2.0)[1] is None
    assert _cues(text, 15.0)[1] == "ytd"


@pytest.mark.parametrize("text,change,qualifier", [
    ("Widget Co rose as much as 11.2% to a record.", 11.2, "as_much_as"),
    ("Widget Co fell nearly 3% in recent trade.", -3.0, "nearly"),
    ("Widget Co dropped by more than 5%.", -5.0, "more_than"),
    ("Widget Co rose over 2% on the day.", 2.0, "more_than"),
    ("Widget Co gained about 4%.", 4.0, "about"),
    ("Widget Co slipped less than 1%.", -1.0, "less_than"),
    ("Widget Co fell 3.5% as investors sold.", -3.5, None),
])
def test_qualifiers(text, change, qualifier):
    assert _cues(text, change)[2] == qualifier


def test_figure_span_finds_changes_and_prices_as_written():
    text = "Widget Co lost 2.90% to 12,350 won."
    assert text[slice(*figure_span(text, Move(None, None, -2.9, None, None, None, 0)))] == "2.90%"
    assert text[slice(*figure_span(text, Move(None, None, None, 12350.0, None, None, 0)))] == "12,350"


# ---- time of day -----------------------------------------------------------------------

def test_session_from_the_time_of_writing_against_market_hours():
    seoul = load_cues()["markets"]["KR"]
    day = datetime(2025, 2, 10).date()
    assert session_at(datetime(2025, 2, 10, 0, 30, tzinfo=timezone.utc), day, seoul) == "intraday"  # 09:30 KST
    assert session_at(datetime(2025, 2, 10, 7, 0, tzinfo=timezone.utc), day, seoul) == "close"  # 16:00 KST
    assert session_at(datetime(2025, 2, 9, 23, 30, tzinfo=timezone.utc), day, seoul) == "premarket"  # 08:30 KST
    assert session_at(datetime(2025, 2, 12, 1, 0, tzinfo=timezone.utc), day, seoul) == "close"  # a later day
    assert parse_when("2025-02-10") is None  # a bare date has no time of day
    assert parse_when("2025-02-10T09:40:00+09:00").hour == 9


def _timed(text: str, published: str | None, moves: list[Move]):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsig_paragraphs")
    nlp.add_pipe("newsig_dates")
    doc = nlp.make_doc(text)
    set_context(doc, {"published": published})
    doc = nlp(doc)
    real = [i for i, sent in enumerate(doc.sents) if sent.text.strip()]  # the sentencizer's blank "sentences" aside
    doc._.moves = [replace(m, sentence=real[m.sentence]) for m in moves]  # as newsig_numbers leaves them
    return MoveTiming()(doc)._.moves


def _mv(ticker: str, change: float, sentence: int, date: str | None = "2025-02-10") -> Move:
    return Move(ticker, ticker, change, None, "KRW", date, sentence)


def test_publication_time_wire_stamps_and_paragraphs():
    text = ("0650 GMT - Acme Index rose 1.2% to 2,540.10. Widget Co added 2.1%.\n\n"
            "0045 GMT - Widget Co is up 0.9%, Gizmo Corp gains 1.4% as of 0050 GMT.")
    moves = [_mv("111111", 1.2, 0), _mv("222222", 2.1, 1), _mv("222222", 0.9, 2), _mv("333333", 1.4, 2)]
    got = _timed(text, "2025-02-10T15:20:00+08:00", moves)  # 16:20 KST: written after the close
    assert [m.session for m in got] == ["close", "close", "intraday", "intraday"]
    # no stamps: a story written at 10:00 KST about that day is intraday; about an earlier day, that close
    text = "Widget Co added 2.1%. Gizmo Corp lost 1% on Friday."
    got = _timed(text, "2025-02-10T10:00:00+09:00", [_mv("222222", 2.1, 0), _mv("333333", -1.0, 1, "2025-02-07")])
    assert [m.session for m in got] == ["intraday", "close"]
    # a bare date: only the words tell; the paragraph's earlier move lends its session
    text = "Widget Co closed 2.1% higher. Gizmo Corp lost 1%.\n\nAcme Co rose 3%."
    got = _timed(text, "2025-02-10", [_mv("222222", 2.1, 0), _mv("333333", -1.0, 1), _mv("444444", 3.0, 2)])
    assert [m.session for m in got] == ["close", "close", None]


def test_since_a_date_is_a_period_but_the_highest_since_is_not():
    text = ("Widget Co has risen 20% since January 6. Gizmo Corp jumped 8% to the highest since March 3, 2019. "
            "Acme Co's shares rose 3.1% after it posted a profit of 2 billion won, up from a year earlier.")
    got = _timed(text, "2025-02-10T17:00:00+09:00",
                 [_mv("222222", 20.0, 0), _mv("333333", 8.0, 1), _mv("444444", 3.1, 2)])
    assert [(m.period, m.date) for m in got] == [("since:2025-01-06", "2025-02-10"), (None, "2025-02-10"),
                                                 (None, "2025-02-10")]


def test_last_week_dates_the_move_at_that_week_end():
    got = _timed("Widget Co fell 5% last week.", "2025-02-12T17:00:00+09:00", [_mv("222222", -5.0, 0, "2025-02-12")])
    assert (got[0].period, got[0].date) == ("week", "2025-02-07")


# ---- through the real pipeline ---------------------------------------------------------

def test_pipeline_moves_carry_session_and_period(analyze_fast):
    text = ("South Korea's benchmark Kospi falls 0.7% to 2,498.10 in early trade. "
            "For the week, the Kospi is down 2.2%.")
    out = analyze_fast(text, "2025-02-14T10:05:00+09:00")
    got = [(m["entity"], m["change_pct"], m["session"], m["period"]) for m in out["moves"]]
    assert ("KOSPI", -0.7, "intraday", None) in got
    assert ("KOSPI", -2.2, "intraday", "week") in got


def test_comparison_base_never_dates_a_move(analyze_fast):
    text = ("Gizmo shares in Seoul: Samsung Electronics jumped 6% to the highest since November 3, 2015.\n\n"
            "SK Hynix rose 2.5%, its best finish since Nov. 4, 2024.")
    out = analyze_fast(text, "2025-02-11T16:40:00+09:00")
    assert {m["date"] for m in out["moves"]} == {"2025-02-11"}
