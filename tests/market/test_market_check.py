"""Seed article's stated moves vs the real KRX closes."""

from __future__ import annotations

import pytest

from analyzer.market import check_moves, import_prices
from analyzer.market.check import summary
from analyzer.records import Article, ArticleResult, Move
from analyzer.store.db import open_db, save
from market_seed import seed_result


@pytest.fixture
def seed_db(tmp_path, shared_data):
    db = open_db(tmp_path / "seed.db")
    save(db, seed_result())
    import_prices(db, shared_data / "market" / "krx_daily_prices.csv")
    return db


def test_seed_check(seed_db):
    checks = {c.ticker: c for c in check_moves(seed_db)}
    eco = checks["086520"]
    assert (eco.symbol, eco.date, eco.stated_change_pct, eco.actual_change_pct, eco.stated_price, eco.actual_price,
            eco.status) == ("086520.KQ", "2025-03-31", -12.59, -12.59, 49650.0, 49650.0, "match")
    mismatches = {t: (c.stated_change_pct, c.actual_change_pct) for t, c in checks.items() if c.status == "mismatch"}
    assert mismatches == {"450080": (-6.40, -9.83), "096770": (-4.55, -7.11), "006400": (-4.16, -5.47)}
    assert checks["085660"].status == "match" and checks["085660"].actual_change_pct == -2.69  # rounding tolerated
    assert "adjusted" in checks["085660"].note
    assert sum(c.status == "match" for c in checks.values()) == 9
    assert {c.comparison for c in checks.values()} == {"close"}  # no session stated: the close of that day
    stored = seed_db.execute("SELECT status, COUNT(*) FROM market_checks GROUP BY status ORDER BY status").fetchall()
    assert stored == [("match", 9), ("mismatch", 3)]
    assert summary(list(checks.values())) == {"match": 9, "plausible": 0, "mismatch": 3, "unverifiable": 0}


def test_unverifiable_is_never_a_zero_change_and_says_why(seed_db):
    art = Article(text="Foo fell 3% on Sunday and Nvidia rose.", published="2025-03-30")
    save(seed_db, ArticleResult(article=art, moves=(
        Move(ticker="NVDA", entity="Nvidia", change_pct=2.0, price=None, currency=None, date="2025-03-31", sentence=0),
        Move(ticker="086520", entity="Ecopro", change_pct=-3.0, price=None, currency=None, date="2025-03-28", sentence=0),
        Move(ticker="247540", entity="ECOPRO BM", change_pct=-3.0, price=None, currency=None, date="2025-03-29",
             sentence=0),
        Move(ticker=None, entity="Foo", change_pct=-3.0, price=None, currency=None, date=None, sentence=0),
    )))
    got = {(c.entity, c.status, c.actual_change_pct, c.reason) for c in check_moves(seed_db) if c.article_id == art.id}
    assert ("Nvidia", "unverifiable", None, "no prices for this market (US)") in got
    assert ("ECOPRO BM", "unverifiable", None, "no 247540.KQ price on 2025-03-29") in got  # a Saturday, named
    assert ("Foo", "unverifiable", None, "no ticker for Foo") in got
    eco = next(c for c in check_moves(seed_db) if c.article_id == art.id and c.entity == "Ecopro")
    assert eco.status == "mismatch" and eco.comparison == "close" and eco.date == "2025-03-28"


def test_tolerances_are_settable(seed_db):
    loose = {c.ticker: c.status for c in check_moves(seed_db, change_tolerance=3.0)}
    assert loose["450080"] == "mismatch" and loose["096770"] == "match"


def test_check_cli_summary_line_and_json_rows(seed_db, tmp_path):
    import json

    from typer.testing import CliRunner

    from cli import app

    db_file = tmp_path / "seed.db"
    res = CliRunner().invoke(app, ["market", "check", "--db", str(db_file)])
    assert res.exit_code == 0, res.output
    assert "12 stated moves: 9 match, 0 plausible, 3 mismatch, 0 unverifiable" in res.output
    rows = json.loads(CliRunner().invoke(app, ["market", "check", "--db", str(db_file), "-f", "json"]).output)
    sdi = next(r for r in rows if r["ticker"] == "006400")
    assert (sdi["comparison"], sdi["base_date"], sdi["reason"]) == ("close", "2025-03-28", "stated -4.16%, actual -5.47%")
