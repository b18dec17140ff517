"""Like with like: close, intraday range, period and unverifiable checks on a small hand-made price frame."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.market import check_moves, store_prices
from analyzer.market.check import rounding_tolerance, stated_interval
from analyzer.records import Article, ArticleResult, Entity, Move
from analyzer.store.db import open_db, save

# Widget Co (123456.KS) over two weeks; Friday 2025-02-07 closes at 100.
BARS = [
    ("2024-12-30", 90, 91, 89, 90.0),
    ("2025-02-03", 96, 97, 95, 96.0),
    ("2025-02-07", 99, 101, 98, 100.0),
    ("2025-02-10", 101, 106, 97, 104.0),  # +4.00% close to close; range -3.00 .. +6.00
    ("2025-02-11", 104, 105, 103, 103.0),
    ("2025-02-12", 103, 104, 102, 102.0),
]


@pytest.fixture
def db(tmp_path):
    store = open_db(tmp_path / "t.db")
    frame = pd.DataFrame([
        {"symbol": "123456.KS", "date": d, "open": o, "high": h, "low": lo, "close": c, "adj_close": None,
         "volume": 1000.0, "basis": "raw"} for d, o, h, lo, c in BARS
    ] + [{"symbol": "654321.KS", "date": "2025-02-10", "open": None, "high": None, "low": None, "close": 50.0,
          "adj_close": None, "volume": None, "basis": "raw"},
         {"symbol": "654321.KS", "date": "2025-02-07", "open": None, "high": None, "low": None, "close": 49.0,
          "adj_close": None, "volume": None, "basis": "raw"}])
    store_prices(store, frame)
    return store


def _check(db, *moves: Move, published: str = "2025-02-10T17:00:00+09:00") -> list:
    art = Article(text=f"Widget Co story {len(moves)} {moves[0].change_pct}", published=published)
    ents = (Entity("Widget Co", "123456", "KOSPI", "123456.KS", "subject", ()),
            Entity("Gizmo", "654321", "KOSPI", "654321.KS", "subject", ()))
    save(db, ArticleResult(article=art, entities=ents, moves=moves))
    return [c for c in check_moves(db) if c.article_id == art.id]


def _mv(change, session=None, period=None, qualifier=None, price=None, ticker="123456", date="2025-02-10"):
    return Move(ticker, "Widget Co", change, price, "KRW", date, 0, session=session, period=period, qualifier=qualifier)


def test_close_is_close_to_close_with_rounding(db):
    got = _check(db, _mv(4.0, "close"), _mv(4.3, "close"), _mv(4.04, None), _mv(4.0, "close", qualifier="nearly"))
    assert [(c.status, c.comparison, c.actual_change_pct) for c in got] == [
        ("match", "close", 4.0), ("mismatch", "close", 4.0), ("match", "close", 4.0), ("match", "close", 4.0)]
    assert got[1].reason == "stated +4.3%, actual +4.00%"


def test_intraday_is_plausible_inside_the_days_range(db):
    got = _check(db, _mv(-2.5, "intraday"), _mv(5.9, "premarket"), _mv(7.5, "intraday"),
                 _mv(6.0, "intraday", qualifier="as_much_as"), _mv(1.0, "intraday", price=105.0))
    assert [c.status for c in got] == ["plausible", "plausible", "mismatch", "plausible", "plausible"]
    assert {c.comparison for c in got} == {"intraday_range"}
    assert (got[0].actual_low_pct, got[0].actual_high_pct, got[0].base_date) == (-3.0, 6.0, "2025-02-07")
    assert got[2].reason == "+7.5% outside the day's range -3.00..+6.00%"


def test_period_changes_are_measured_from_the_close_before_the_period(db):
    got = _check(db, _mv(2.0, "close", "week", date="2025-02-12"), _mv(13.3, "close", "ytd", date="2025-02-12"),
                 _mv(8.0, "intraday", "week", date="2025-02-10"), _mv(20.0, "close", "multi_day"),
                 published="2025-02-12T17:00:00+09:00")
    week, ytd, week_intraday, span = got
    assert (week.status, week.comparison, week.base_date, week.actual_change_pct) == (
        "match", "period_close", "2025-02-07", 2.0)  # from the Friday before the week to Wednesday
    assert (ytd.status, ytd.base_date, ytd.actual_change_pct) == ("match", "2024-12-30", 13.33)
    assert (week_intraday.status, week_intraday.comparison) == ("mismatch", "period_range")  # beyond Monday's high
    assert (span.status, span.reason) == ("unverifiable", "period not resolved (multi_day)")


def test_unverifiable_reasons(db):
    got = _check(db, _mv(2.0, "intraday", ticker="654321"), _mv(2.0, "after_hours"),
                 _mv(2.0, "close", period="since:2024-06-03"))
    assert [(c.status, c.reason) for c in got] == [
        ("unverifiable", "no high/low in the data for 654321.KS on 2025-02-10"),
        ("unverifiable", "after-hours trade is not in daily prices"),
        ("unverifiable", "no 123456.KS price before the period (2024-06-04)"),
    ]


def test_stated_figures_allow_their_rounding_and_qualifiers():
    assert rounding_tolerance(21.0) == 0.5 and rounding_tolerance(2.9) == pytest.approx(0.05)
    assert rounding_tolerance(0.71) == 0.05
    assert stated_interval(-4.0, "nearly", 0.05) == pytest.approx((-4.5, -3.4))
    assert stated_interval(3.0, "more_than", 0.05) == pytest.approx((2.5, 4.0))


def test_a_price_from_before_a_split_is_not_compared_with_an_adjusted_series(db):
    got = _check(db, _mv(4.0, "close", price=728.0))  # 7 x 104: the series was split 7:1 since
    assert (got[0].status, got[0].note) == ("match", "series looks split-adjusted (x7): stated price not compared")
