"""Price files in: symbols, validation with line numbers, idempotent upserts."""

from __future__ import annotations

import gzip

import pytest

from analyzer.errors import BadPriceFile, BadPriceRow
from analyzer.market.prices import benchmark_symbol, import_prices, load_prices, read_prices, yahoo_symbol
from analyzer.store.db import open_db


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "m.db")


@pytest.mark.parametrize("ticker, market, symbol", [
    ("086520", "KOSDAQ", "086520.KQ"), ("5930", "KOSPI", "005930.KS"), ("AAPL", None, "AAPL"),
    ("BRK.B", None, "BRK-B"), ("KOSPI", None, "^KS11"), ("KOSDAQ", None, "^KQ11"), ("^GSPC", None, "^GSPC"),
    ("086520.KQ", None, "086520.KQ"),
])
def test_yahoo_symbol(ticker, market, symbol):
    assert yahoo_symbol(ticker, market) == symbol


def test_benchmark_symbol():
    assert [benchmark_symbol(s) for s in ("005930.KS", "086520.KQ", "AAPL")] == ["^KS11", "^KQ11", "^GSPC"]


def test_real_krx_files(db, shared_data):
    rep = import_prices(db, shared_data / "market" / "krx_daily_prices.csv")
    assert (rep.rows, rep.symbols, rep.first, rep.last, rep.bad) == (744, 12, "2025-02-03", "2025-04-30", ())
    idx = import_prices(db, shared_data / "market" / "krx_index_daily.csv")
    assert idx.symbols == 3
    row = db.execute("SELECT close, basis FROM prices WHERE symbol='086520.KQ' AND date='2025-03-31'").fetchone()
    assert row == (49650.0, "raw")
    assert db.execute("SELECT close FROM prices WHERE symbol='^KS11' AND date='2025-03-31'").fetchone() == (2481.12,)
    assert {r[0] for r in db.execute("SELECT DISTINCT symbol FROM prices WHERE symbol LIKE '^%'")} == {
        "^KS11", "^KQ11", "^KS200"}


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(
        "date,ticker,open,high,low,close,volume\n"
        "2018-01-02,AAPL,1,2,1,1.5,100\n"
        "2018-13-45,AAPL,1,2,1,1.5,100\n"
        "2018-01-03,AAPL,1,2,1,-1.5,100\n"
        "2018-01-04,AAPL,1,2,1,abc,100\n"
        "2018-01-05,AAPL,,2,1,1.6,100\n"
    )
    frame, bad = read_prices(f)
    assert list(frame["date"]) == ["2018-01-02", "2018-01-05"]
    assert [(b.line, b.reason) for b in bad] == [
        (3, "unparseable date '2018-13-45'"), (4, "negative close -1.5"), (5, "close is not a number: 'abc'")]
    with pytest.raises(BadPriceRow, match=r"line 3: unparseable date '2018-13-45' \(and 2 more\)"):
        read_prices(f, strict=True)


def test_missing_columns_fail_naming_them(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("date,ticker,open\n2018-01-02,AAPL,1\n")
    with pytest.raises(BadPriceFile, match="missing column\\(s\\) close"):
        read_prices(f)
    g = tmp_path / "q.csv"
    g.write_text("date,close\n2018-01-02,1\n")
    with pytest.raises(BadPriceFile, match="no symbol, ticker, code or index column"):
        read_prices(g)


def test_column_map_gz_and_compact_dates(tmp_path):
    f = tmp_path / "p.csv.gz"
    with gzip.open(f, "wt", encoding="utf-8") as out:
        out.write("날짜,종목,시장,종가\n20250328,086520,KOSDAQ,\"56,800\"\n2025-03-31T00:00:00+09:00,086520,KOSDAQ,49650\n")
    frame, bad = read_prices(f, column_map={"date": "날짜", "ticker": "종목", "market": "시장", "close": "종가"})
    assert bad == []
    assert frame[["symbol", "date", "close"]].values.tolist() == [
        ["086520.KQ", "2025-03-28", 56800.0], ["086520.KQ", "2025-03-31", 49650.0]]
    with pytest.raises(BadPriceFile, match="lacks: nope"):
        read_prices(f, column_map={"close": "nope"})


def test_upsert_is_idempotent(db, tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("date,symbol,close\n2018-01-02,AAPL,10\n2018-01-03,AAPL,11\n")
    import_prices(db, f)
    f.write_text("date,symbol,close\n2018-01-03,AAPL,12\n")
    import_prices(db, f)
    prices = load_prices(db)
    assert prices["close"].tolist() == [10.0, 12.0]
    assert load_prices(db, ["MSFT"]).empty


def test_parquet(db, tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    f = tmp_path / "p.parquet"
    pd.DataFrame({"date": ["2018-01-02"], "ticker": ["BRK.B"], "close": [200.0]}).to_parquet(f)
    assert import_prices(db, f).rows == 1
    assert load_prices(db)["symbol"].tolist() == ["BRK-B"]
