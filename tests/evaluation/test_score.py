"""Each scoring rule of the extraction README on small hand-made gold / prediction dicts."""

from __future__ import annotations

import pytest

from analyzer.evaluation.score import (
    letters, norm_ticker, score_article, score_entities, score_metrics, score_moves, score_sentiment,
    score_views, summarise,
)


def gold(**parts):
    base = {"entities": [], "optional_entities": [], "ignore_tickers": [], "moves": [], "metrics": [],
            "views": [], "sentiment": {}}
    return {**base, **parts}


def ent(ticker, role="subject", sentiment=None, name="Acme"):
    return {"name": name, "ticker": ticker, "role": role, "sentiment": sentiment,
            "mentions": [{"text": name, "start": 0, "end": 4, "sentence": 0}]}


def move(ticker, pct, price=None, sentence=0):
    return {"ticker": ticker, "change_pct": pct, "price": price, "sentence": sentence}


def view(analyst, firm, stance="positive", firm_ticker=None):
    return {"analyst": analyst, "firm": firm, "stance": stance, "firm_ticker": firm_ticker, "sentence": 0}


# ---- tickers ---------------------------------------------------------------

@pytest.mark.parametrize("raw, want", [
    ("aapl", "AAPL"), ("NYSE:BRK.B", "BRK.B"), ("KRX: 005930", "005930"), ("086520.KQ", "086520"),
    ("005930.KS", "005930"), ("7203", "7203"), (None, None),
])
def test_tickers_upper_case_without_yahoo_suffix_or_exchange_prefix(raw, want):
    assert norm_ticker(raw) == want


def test_letters_only_lower_case():
    assert letters("J.P. Morgan & Co.") == "jpmorganco"


# ---- entities --------------------------------------------------------------

def test_entities_f1_of_ticker_sets():
    s = score_entities({"entities": [ent("AAA"), ent("BBB"), ent("CCC")]}, gold(entities=["AAA", "BBB", "DDD", "EEE"]))
    assert (s.precision, s.recall) == (pytest.approx(2 / 3), 0.5)
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_entities_skip_sources_null_tickers_ignored_and_optional():
    pred = {"entities": [ent("AAA"), ent("GS", role="source"), ent(None), ent("NWSA"), ent("OPT")]}
    s = score_entities(pred, gold(entities=["AAA", "OPT"], optional_entities=["OPT"], ignore_tickers=["NWSA"]))
    assert (s.credit, s.predicted, s.gold, s.f1) == (1, 1, 1, 1.0)


def test_entities_compare_normalised_tickers():
    s = score_entities({"entities": [ent("005930.KS"), ent("NASDAQ:NVDA")]}, gold(entities=["005930", "nvda"]))
    assert s.f1 == 1.0


def test_entities_same_ticker_twice_counts_once():
    s = score_entities({"entities": [ent("AAA"), ent("AAA.KS")]}, gold(entities=["AAA"]))
    assert (s.predicted, s.f1) == (1, 1.0)


def test_nothing_predicted_nothing_gold_is_perfect_but_one_side_empty_is_zero():
    assert score_entities({"entities": []}, gold()).f1 == 1.0
    assert score_entities({"entities": [ent("AAA")]}, gold()).f1 == 0.0
    assert score_entities({"entities": []}, gold(entities=["AAA"])).f1 == 0.0


# ---- moves -----------------------------------------------------------------

def test_move_needs_ticker_and_change_within_0_011():
    g = gold(moves=[{"ticker": "AAA", "change_pct": -7.0, "price": None, "optional": False}])
    assert score_moves({"moves": [move("AAA", -7.01)]}, g).f1 == 1.0
    assert score_moves({"moves": [move("AAA", -7.02)]}, g).f1 == 0.0
    assert score_moves({"moves": [move("AAA", 7.0)]}, g).f1 == 0.0  # sign matters
    assert score_moves({"moves": [move("BBB", -7.0)]}, g).f1 == 0.0


def test_move_price_within_half_a_percent_only_where_gold_has_one():
    g = gold(moves=[{"ticker": "AAA", "change_pct": 2.0, "price": 100.0, "optional": False}])
    assert score_moves({"moves": [move("AAA", 2.0, 100.4)]}, g).f1 == 1.0
    assert score_moves({"moves": [move("AAA", 2.0, 100.6)]}, g).f1 == 0.0
    assert score_moves({"moves": [move("AAA", 2.0, None)]}, g).f1 == 0.0
    g_no_price = gold(moves=[{"ticker": "AAA", "change_pct": 2.0, "price": None, "optional": False}])
    assert score_moves({"moves": [move("AAA", 2.0, 55.0)]}, g_no_price).f1 == 1.0


def test_moves_greedy_in_gold_order_each_prediction_used_once():
    g = gold(moves=[{"ticker": "AAA", "change_pct": 1.0, "price": None, "optional": False},
                    {"ticker": "AAA", "change_pct": 1.0, "price": None, "optional": False}])
    s = score_moves({"moves": [move("AAA", 1.0)]}, g)
    assert (s.credit, s.precision, s.recall) == (1, 1.0, 0.5)
    # greedy: the first gold move takes the first fitting prediction even if a later gold move needed it
    g2 = gold(moves=[{"ticker": "AAA", "change_pct": 1.0, "price": None, "optional": False},
                     {"ticker": "AAA", "change_pct": 1.0, "price": 10.0, "optional": False}])
    s2 = score_moves({"moves": [move("AAA", 1.0, 10.0), move("AAA", 1.0, 50.0)]}, g2)
    assert (s2.credit, s2.predicted, s2.gold) == (1, 2, 2)


def test_optional_move_matched_neither_helps_nor_hurts():
    g = gold(moves=[{"ticker": "AAA", "change_pct": 3.0, "price": None, "optional": False},
                    {"ticker": "AAA", "change_pct": 5.0, "price": None, "optional": True}])
    s = score_moves({"moves": [move("AAA", 3.0), move("AAA", 5.0)]}, g)
    assert (s.credit, s.predicted, s.gold, s.f1) == (1, 1, 1, 1.0)
    s_missing_optional = score_moves({"moves": [move("AAA", 3.0)]}, g)
    assert s_missing_optional.f1 == 1.0


def test_optional_moves_only_take_predictions_the_required_left():
    g = gold(moves=[{"ticker": "AAA", "change_pct": 3.0, "price": None, "optional": True},
                    {"ticker": "AAA", "change_pct": 3.0, "price": None, "optional": False}])
    s = score_moves({"moves": [move("AAA", 3.0)]}, g)  # required first, although listed second
    assert (s.credit, s.predicted, s.gold) == (1, 1, 1)


def test_move_precision_skips_ignored_tickers_but_counts_null_tickers():
    g = gold(ignore_tickers=["SPX"], moves=[{"ticker": "AAA", "change_pct": 1.0, "price": None, "optional": False}])
    s = score_moves({"moves": [move("AAA", 1.0), move("SPX", 0.5), move(None, 2.0)]}, g)
    assert (s.credit, s.predicted) == (1, 2)
    assert s.precision == 0.5


# ---- metrics ---------------------------------------------------------------

def test_metrics_recall_only_same_ticker_and_absolute_value():
    g = gold(metrics=[{"ticker": "AAA", "metric": "margin", "value": 12.5, "unit": "%"},
                      {"ticker": "AAA", "metric": "sales growth", "value": -3.0, "unit": "%"},
                      {"ticker": "BBB", "metric": "eps", "value": 1.25, "unit": "USD"}])
    pred = {"metrics": [{"ticker": "AAA", "value": 12.51}, {"ticker": "AAA", "value": 3.0},
                        {"ticker": "AAA", "value": 1.25}, {"ticker": "ZZZ", "value": 99.0}]}
    s = score_metrics(pred, g)
    assert (s.credit, s.gold, s.precision, s.f1) == (2, 3, None, pytest.approx(2 / 3))
    assert [m["fact"]["ticker"] for m in s.missed] == ["BBB"]


# ---- views -----------------------------------------------------------------

def test_view_full_credit_and_partial_credit():
    g = gold(views=[{"analyst": "Jane Roe", "firm": "Bank Alpha Securities", "stance": "positive"}])
    assert score_views({"views": [view("jane  roe", "Bank Alpha")]}, g).f1 == pytest.approx(1.0)
    s = score_views({"views": [view("Jane Roe", "Other House", "negative")]}, g)
    assert s.credit == pytest.approx(0.4) and s.f1 == pytest.approx(0.4)
    assert score_views({"views": [view("Jane Roe", None, "positive")]}, g).credit == pytest.approx(0.7)
    assert score_views({"views": [view("John Roe", "Bank Alpha")]}, g).credit == 0


def test_view_null_gold_stance_agrees_with_anything():
    g = gold(views=[{"analyst": "Jane Roe", "firm": "Alpha", "stance": None}])
    assert score_views({"views": [view("Jane Roe", "Alpha", "neutral")]}, g).credit == pytest.approx(1.0)


def test_view_without_analyst_matches_on_firm():
    g = gold(views=[{"analyst": None, "firm": "Gamma Research", "stance": "negative"}])
    assert score_views({"views": [view(None, "Gamma Research Ltd", "negative")]}, g).credit == pytest.approx(1.0)
    assert score_views({"views": [view(None, "Delta", "negative")]}, g).credit == 0


def test_views_each_prediction_used_once_in_gold_order():
    g = gold(views=[{"analyst": "Jane Roe", "firm": "Alpha", "stance": "positive"},
                    {"analyst": "Jane Roe", "firm": "Alpha", "stance": "negative"}])
    s = score_views({"views": [view("Jane Roe", "Alpha", "negative")]}, g)
    assert s.credit == pytest.approx(0.7)  # the first gold view took it: firm right, stance wrong
    assert (s.precision, s.recall) == (pytest.approx(0.7), pytest.approx(0.35))


def test_executive_views_left_out_of_precision():
    g = gold(entities=["AAA"], views=[{"analyst": "Jane Roe", "firm": "Alpha", "stance": "positive"}])
    pred = {"views": [view("Jane Roe", "Alpha"), view("Chief Exec", "Acme Corp", firm_ticker="AAA")]}
    s = score_views(pred, g)
    assert (s.predicted, s.f1) == (1, pytest.approx(1.0))
    s_other = score_views({"views": pred["views"] + [view("Bob Poe", "Beta")]}, g)
    assert s_other.predicted == 2 and s_other.precision == pytest.approx(0.5)


# ---- sentiment -------------------------------------------------------------

def test_sentiment_sign_with_magnitude_above_0_05():
    g = gold(sentiment={"AAA": 1, "BBB": -1, "CCC": 1, "DDD": -1})
    pred = {"entities": [ent("AAA", sentiment=0.3), ent("BBB.KS", sentiment=-0.06),
                         ent("CCC", sentiment=0.05), ent("EEE", sentiment=-0.9)]}
    s = score_sentiment(pred, g)
    assert (s.credit, s.gold, s.f1) == (2, 4, 0.5)


# ---- article and set -------------------------------------------------------

def test_article_total_is_mean_of_parts_that_apply():
    g = gold(entities=["AAA"], moves=[{"ticker": "AAA", "change_pct": 1.0, "price": None, "optional": False}])
    scored = score_article({"entities": [ent("AAA")], "moves": []}, g)
    assert set(scored["parts"]) == {"entities", "moves"}  # no metrics, views or sentiment in the gold
    assert scored["total"] == pytest.approx(0.5)


def test_article_total_with_every_part_and_without_sentiment():
    g = gold(entities=["AAA"], metrics=[{"ticker": "AAA", "metric": "m", "value": 5.0, "unit": "%"}],
             views=[{"analyst": "Jane Roe", "firm": "Alpha", "stance": "positive"}], sentiment={"AAA": 1})
    pred = {"entities": [ent("AAA", sentiment=0.5)], "moves": [], "metrics": [], "views": []}
    scored = score_article(pred, g)
    assert set(scored["parts"]) == {"entities", "moves", "metrics", "views", "sentiment"}
    assert scored["total"] == pytest.approx((1 + 1 + 0 + 0 + 1) / 5)  # no moves either side: 1.0
    assert set(score_article(pred, g, sentiment=False)["parts"]) == {"entities", "moves", "metrics", "views"}


def test_set_score_is_mean_of_article_totals_and_parts_average_where_they_apply():
    g1 = gold(entities=["AAA"], views=[{"analyst": "Jane Roe", "firm": "Alpha", "stance": "positive"}])
    g2 = gold(entities=["BBB"])
    a1 = score_article({"entities": [ent("AAA")], "views": [view("Jane Roe", "Alpha")]}, g1)  # 1, 1, 1
    a2 = score_article({"entities": [], "moves": []}, g2)  # entities 0, moves 1
    s = summarise([a1, a2])
    assert s["score"] == pytest.approx((1.0 + 0.5) / 2)
    assert s["parts"]["entities"]["f1"] == pytest.approx(0.5)
    assert s["parts"]["views"]["articles"] == 1 and s["parts"]["views"]["f1"] == pytest.approx(1.0)


# ---- where a miss comes from -----------------------------------------------

def test_locate_finds_the_sentence_holding_a_missed_number_or_name():
    from analyzer.evaluation.run import locate

    sentences = ["Sales rose 17.5% in FY25.", "Shares of Acme fell 7.5%.", "Acme fell 7% on Monday, said Jane Roe."]
    assert locate({"fact": {"ticker": "AAA", "change_pct": -7.0}}, "moves", sentences) == 2
    assert locate({"fact": {"ticker": "AAA", "value": 17.5}}, "metrics", sentences) == 0
    assert locate({"fact": {"analyst": "Jane Roe", "firm": "Alpha"}}, "views", sentences) == 2
    assert locate({"fact": {"ticker": "AAA", "value": 25.0}}, "metrics", sentences) is None
