"""Analyst views: speaker, title, firm, quote, targets, rating / price target, stance."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from analyzer.nlp.components.quotes import find_quotes, interim_lexicon_stance, score_views
from analyzer.nlp.components.ratings import parse_amount, parse_rating_change
from analyzer.records import View
from views_helpers import annotate

SEED_ORGS = {
    "Heungkuk Securities": ("FIRM", None),
    "DAOL Investment & Securities": ("FIRM", "030210"),
    "Ecopro": ("COMPANY", "086520"),
    "HLB": ("COMPANY", "028300"),
}

US = """Nvidia shares rose 4% on Tuesday after the chipmaker reported record data center revenue.

"Nvidia remains our top pick for the year, and we see plenty of upside from here," said Stacy Rasgon, an analyst at Bernstein. "Demand for accelerators is still far ahead of supply."

Not everyone was convinced. Morgan Stanley analyst Joseph Moore cut his rating on Intel to underweight and lowered his price target to $18 from $25.

"The turnaround is taking longer than we thought," Moore wrote in a note to clients.

"This is a market that punishes any disappointment."
"""
US_ORGS = {"Nvidia": ("COMPANY", "NVDA"), "Intel": ("COMPANY", "INTC"), "Morgan Stanley": ("FIRM", "MS"),
           "Bernstein": ("FIRM", None)}

KR = """Choi Jae-won, head of research at Kiwoom Securities, said the rebound in memory prices may be short-lived. Choi said foreign investors were still selling chip stocks.

Kiwoom Securities raised its target price for SK hynix to 260,000 won from 230,000 won.

Lee Min-ho, a strategist at Mirae Asset Securities, warned that exporters face weaker demand from China."""
KR_ORGS = {"Kiwoom Securities": ("FIRM", "039490"), "SK hynix": ("COMPANY", "000660"),
           "Mirae Asset Securities": ("FIRM", "006800")}


@pytest.fixture(scope="module")
def seed_views(seed_text):
    return annotate(seed_text, SEED_ORGS, published="2025-03-31")._.views


@pytest.fixture(scope="module")
def us_views():
    return annotate(US, US_ORGS, published="2024-05-22")._.views


@pytest.fixture(scope="module")
def kr_views():
    return annotate(KR, KR_ORGS, published="2025-04-02")._.views


def test_seed_has_two_views_with_speakers_titles_firms(seed_views):
    assert [(v.analyst, v.title, v.firm) for v in seed_views] == [
        ("Jung Jin-soo", "researcher", "Heungkuk Securities"),
        ("Kim Ji-hyun", "researcher", "DAOL Investment & Securities"),
    ]
    assert seed_views[1].firm_ticker == "030210"


def test_seed_jung_is_negative_on_secondary_battery(seed_views):
    jung = seed_views[0]
    assert jung.quote.startswith("the performance of the secondary battery sector")
    assert jung.stance == "negative" and jung.score < 0
    assert "secondary battery" in jung.targets
    assert jung.stance_source == "interim_lexicon"


def test_seed_kim_quotes_form_one_view_favouring_sectors(seed_views):
    kim = seed_views[1]
    assert "volatility will increase" in kim.quote and "a defensive strategy" in kim.quote
    assert set(kim.targets) >= {"semiconductors", "banks", "capital goods"}
    assert kim.stance in {"neutral", "negative"}  # cautious, not bullish
    assert kim.sentence == 17


def test_quote_before_attribution_and_continuing_quote(us_views):
    rasgon = us_views[0]
    assert (rasgon.analyst, rasgon.title, rasgon.firm) == ("Stacy Rasgon", "analyst", "Bernstein")
    assert "top pick" in rasgon.quote and "Demand for accelerators" in rasgon.quote
    assert rasgon.target_tickers == ("NVDA",)
    assert rasgon.stance == "positive"


def test_rating_and_target_cut_merge_with_surname_quote(us_views):
    moore = us_views[1]
    assert (moore.analyst, moore.title, moore.firm, moore.firm_ticker) == \
        ("Joseph Moore", "analyst", "Morgan Stanley", "MS")
    assert (moore.rating, moore.price_target, moore.previous_price_target, moore.currency) == \
        ("underweight", 18.0, 25.0, "USD")
    assert "turnaround is taking longer" in moore.quote
    assert moore.target_tickers == ("INTC",) and moore.stance == "negative"


def test_a_quote_with_neither_person_nor_firm_is_not_a_view(us_views):
    assert not any("punishes any disappointment" in v.quote for v in us_views)
    assert len(us_views) == 2


def test_korean_style_indirect_speech_and_surname(kr_views):
    choi = kr_views[0]
    assert (choi.analyst, choi.title, choi.firm) == ("Choi Jae-won", "head of research", "Kiwoom Securities")
    assert "short-lived" in choi.quote and "foreign investors were still selling" in choi.quote
    assert "semiconductors" in choi.targets


def test_a_firms_target_raise_joins_the_view_of_its_analyst(kr_views):
    kiwoom = kr_views[0]
    assert kiwoom.analyst == "Choi Jae-won" and kiwoom.firm == "Kiwoom Securities"
    assert (kiwoom.price_target, kiwoom.previous_price_target, kiwoom.currency) == (260000.0, 230000.0, "KRW")
    assert "000660" in kiwoom.target_tickers and kiwoom.stance == "positive" and kiwoom.target_direction == 1


def test_firm_target_price_raise_without_a_person():
    text = "Shares of SK hynix rose 2%.\n\nKiwoom Securities raised its target price for SK hynix to 260,000 won."
    (view,) = annotate(text, KR_ORGS)._.views
    assert view.analyst is None and view.firm == "Kiwoom Securities" and view.role == "analyst"
    assert view.price_target == 260000.0 and view.stance == "positive"


def test_warned_that(kr_views):
    lee = kr_views[1]
    assert (lee.analyst, lee.title, lee.firm) == ("Lee Min-ho", "strategist", "Mirae Asset Securities")
    assert lee.quote == "exporters face weaker demand from China"
    assert lee.stance == "negative"


def test_ambiguous_surname_is_not_guessed():
    text = ("Kim Min-su, an analyst at KB Securities, expects a rebound. Kim Ji-hyun, a researcher at "
            "DAOL Investment & Securities, disagrees.\n\n\"Exports will disappoint this quarter,\" Kim said.")
    views = annotate(text)._.views
    assert not any(v.quote.startswith("Exports") for v in views)  # neither Kim, and no one else


def test_quote_in_a_new_paragraph_is_not_given_to_the_previous_speaker():
    text = ('"Margins will recover next year," said Park Seo-jun, an analyst at Samsung Securities.\n\n'
            'Shares of the company fell 3%.\n\n"We are not buying this rally at all," one fund manager said.')
    views = annotate(text)._.views
    assert [v.analyst for v in views] == ["Park Seo-jun"]
    assert "buying this rally" not in views[0].quote


def test_according_to_an_analyst_or_a_brokerage_is_a_view():
    text = ("Shares of Samsung Electronics rose 3% on Monday.\n\n"
            "According to Kim Ji-hyun, a researcher at DAOL Investment & Securities, chip prices are likely to "
            "rebound in the second half.\n\n"
            "Memory demand should stay strong through next year, according to Park Yu-ak, an analyst at Kiwoom "
            "Securities.")
    views = annotate(text)._.views
    assert [(v.analyst, v.title, v.firm) for v in views] == [
        ("Kim Ji-hyun", "researcher", "DAOL Investment & Securities"), ("Park Yu-ak", "analyst", "Kiwoom Securities")]
    assert views[0].quote == "chip prices are likely to rebound in the second half"
    assert views[1].quote == "Memory demand should stay strong through next year"


def test_a_company_short_name_is_not_an_analyst(analyze_fast):
    text = ("Fourth-quarter profit at Husky Energy Inc. (HSE.TO) fell as revenue declined. Husky said it agreed "
            "to dispose of certain noncore assets in western Canada.")
    assert all(v["analyst"] != "Husky" for v in analyze_fast(text)["views"])


def test_market_talk_time_stamp_is_not_part_of_the_quote():
    views = annotate("0648 GMT - U.S. inflation data will do little to calm markets obsessed with tariffs, says "
                     "Federated Hermes' Damian McIntyre in a note.")._.views
    assert views and views[0].quote.startswith("U.S. inflation data")


def test_according_to_drops_the_wire_dateline():
    views = annotate("NEW YORK (Reuters) - Washington Mutual Inc may set aside as much as $30 billion for credit "
                     "losses, according to Lehman Brothers analyst Bruce Harting.")._.views
    assert [(v.analyst, v.firm, v.quote) for v in views] == [
        ("Bruce Harting", "Lehman Brothers", "Washington Mutual Inc may set aside as much as $30 billion for credit losses")]


@pytest.mark.parametrize("text", [
    "Exports rose 5% in March, according to data from the Korea Customs Service.",
    "Option volume was 15 million contracts, according to Trade Alert.",
    "Inflation expectations were unchanged, according to The Wall Street Journal.",
    "According to the company, operating profit will double this year.",
    "Short selling balances hit a record, according to the Korea Exchange.",
])
def test_according_to_data_or_an_exchange_is_no_view(text):
    assert annotate(text)._.views == []


def test_scare_quotes_are_not_views():
    doc = annotate('The government\'s "value-up" program lifted bank shares on Monday.')
    assert doc._.views == []


def test_find_quotes_pairs_straight_and_curly_marks():
    text = 'He said "one two" and “three four”.\n"open paragraph'
    assert [text[s:e] for s, e, _ in find_quotes(text)] == ["one two", "three four", "open paragraph"]
    assert [closed for *_, closed in find_quotes(text)] == [True, True, False]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("cut his rating to underperform", ("underperform", -1, None, None, None)),
        ("raised her target price for SK hynix to 260,000 won from 230,000 won", (None, 0, 260000.0, 230000.0, "KRW")),
        ("lowered his price target to $18 from $25", (None, 0, 18.0, 25.0, "USD")),
        ("upgraded the shares to buy with a price target of €95", ("buy", 1, 95.0, None, "EUR")),
        ("reiterated its overweight rating", ("overweight", 1, None, None, None)),
        ("the stock could rise to $30", (None, 0, None, None, None)),
    ],
)
def test_parse_rating_change(text, expected):
    rc = parse_rating_change(text)
    assert (rc.rating, rc.rating_direction, rc.price_target, rc.previous_price_target, rc.currency) == expected


@pytest.mark.parametrize("text,action", [
    ("cut his rating on the stock to equal-weight from overweight", -1),
    ("downgraded Tesla to hold", -1),
    ("upgraded the shares to neutral from sell", 1),
    ("reiterated its overweight rating", 0),
])
def test_rating_action_is_the_verb_not_the_rating_word(text, action):
    assert parse_rating_change(text).action == action


def test_a_downgrade_to_a_neutral_rating_reads_negative():
    """"Cut to hold" is a downgrade: the verb, not the neutral word, sets the direction."""
    cut = _view("we see the outlook as balanced", rating="hold", rating_direction=-1)
    kept = _view("we see the outlook as balanced", rating="hold", rating_direction=0)
    assert score_views([cut], _FakeModel0())[0].stance == "negative"
    assert score_views([kept], _FakeModel0())[0].stance == "neutral"
    assert interim_lexicon_stance(cut)[0] == "negative"


def test_parse_amount():
    assert parse_amount("HK$12.5") == (12.5, "HKD")
    assert parse_amount("95 pence") == (95.0, "GBX")


def _view(quote: str, **kw) -> View:
    return View(analyst=None, title=None, firm=None, quote=quote, stance="neutral", score=None, **kw)


def test_interim_stance_uses_negation_and_rating_direction():
    assert interim_lexicon_stance(_view("we do not see any downside"))[0] == "positive"
    label, score = interim_lexicon_stance(_view("no comment on the quarter", rating="sell"))
    assert label == "negative" and score == -0.6


@dataclass
class _Pred:
    label: str
    score: float


class _FakeModel:
    def predict(self, texts, targets=None):
        return [_Pred("positive", 0.6) for _ in texts]


class _FakeModel0:
    def predict(self, texts, targets=None):
        return [_Pred("neutral", 0.0) for _ in texts]


def test_score_views_takes_the_model_and_adjusts_for_a_downgrade():
    views = [_view("a"), _view("b", rating="underweight", price_target=18.0, previous_price_target=25.0)]
    scored = score_views(views, _FakeModel())
    assert [(v.stance, v.score, v.stance_source) for v in scored] == [
        ("positive", 0.6, "model"), ("negative", -0.36, "model")]


# -- issue 13: firms, roles, actions ---------------------------------------------------------

def _views(text, orgs=None):
    return annotate(text, orgs or {}, published="2025-02-12")._.views


def test_unknown_firm_before_analyst_title_is_the_firm():
    views = _views('"Demand looks soft into spring," Brightwater Research analyst Dana Holt said in a note.')
    assert [(v.analyst, v.firm, v.role) for v in views] == [("Dana Holt", "Brightwater Research", "analyst")]


def test_analysts_at_a_firm_give_a_view_credited_to_the_firm():
    views = _views("Analysts at Kestrel Partners said the margin miss would weigh on the shares for months.")
    assert [(v.analyst, v.firm) for v in views] == [(None, "Kestrel Partners")]
    views = _views('"The guidance leaves little room for error," Ridgeline analysts wrote in a note to clients.')
    assert [(v.analyst, v.firm) for v in views] == [(None, "Ridgeline")]


def test_title_is_not_glued_to_the_name_and_executives_are_marked():
    orgs = {"Northwind": ("COMPANY", "NWND")}
    views = _views('"Bookings will pick up," said Northwind Chief Executive Maria Olsen.', orgs)
    assert [(v.analyst, v.title, v.firm, v.role) for v in views] == \
        [("Maria Olsen", "chief executive", "Northwind", "executive")]


def test_executive_of_an_unknown_company_and_officials_are_not_views():
    views = _views('"We are not worried," said Acme Widgets CEO Tom Reed. '
                   '"Rates can stay on hold," said Treasury Secretary Ann Lowe.')
    assert views == []


def test_the_company_speaking_for_itself_is_an_executive_view():
    orgs = {"Northwind": ("COMPANY", "NWND")}
    views = _views("Northwind said it expects sales to grow about 10% next year.", orgs)
    assert [(v.firm, v.role) for v in views] == [("Northwind", "executive")]


def test_a_firms_later_rating_sentence_joins_its_analysts_view():
    text = ('"Pricing is turning against the company," Brightwater Research analyst Dana Holt said in a note. '
            "Brightwater maintained a price target of $16.\n\n"
            '"The quarter was solid," said Sam Ito, an analyst at Ridgeline. The analyst reiterated Outperform.')
    holt, ito = _views(text)
    assert (holt.analyst, holt.firm, holt.price_target) == ("Dana Holt", "Brightwater Research", 16.0)
    assert (ito.analyst, ito.rating, ito.stance) == ("Sam Ito", "outperform", "positive")


def test_subjectless_rating_sentence_joins_the_firm_view_before():
    orgs = {"Kestrel": ("FIRM", None)}
    (view,) = _views("Kestrel cut its price target to $27 from $32, citing a soft outlook. It kept its neutral rating.",
                     orgs)
    assert (view.firm, view.rating, view.price_target, view.stance) == ("Kestrel", "neutral", 27.0, "neutral")


@pytest.mark.parametrize("text, rating, direction", [
    ("We reiterate Outperform on the shares.", "outperform", 0),
    ("The broker maintained its ‘Buy’ rating.", "buy", 0),
    ("She kept her Overweight rating and raised our target.", "overweight", 0),
    ("They maintain Neutral.", "neutral", 0),
])
def test_kept_ratings_are_read(text, rating, direction):
    rc = parse_rating_change(text)
    assert (rc.rating, rc.action) == (rating, direction)


def test_rating_words_in_plain_prose_are_not_ratings():
    assert not parse_rating_change("Management maintained a positive outlook for the year.").found
    assert not parse_rating_change("Markets expect the central bank to keep its rate hold.").found


def test_target_move_without_an_amount_has_a_direction():
    rc = parse_rating_change("We raised our target after the quarter.")
    assert rc.found and rc.price_target is None and rc.target_direction == 1


def test_rating_decides_the_stance_before_the_target():
    assert interim_lexicon_stance(_view("solid quarter", rating="neutral", price_target=27.0,
                                        previous_price_target=32.0))[0] == "neutral"
    assert interim_lexicon_stance(_view("weak quarter", rating="outperform", price_target=3.0,
                                        previous_price_target=3.5))[0] == "positive"
    assert interim_lexicon_stance(_view("no comment", target_direction=-1))[0] == "negative"


def test_named_analysts_right_after_a_firms_view_belong_to_that_firm():
    text = ("Ridgeline analysts said the quarter was a clean beat for the lender. "
            '"Margins held up better than we feared," analysts Sam Ito and Lena Park said in a note.')
    views = _views(text)
    assert [(v.analyst, v.firm) for v in views] == [("Sam Ito", "Ridgeline"), ("Lena Park", "Ridgeline")]
