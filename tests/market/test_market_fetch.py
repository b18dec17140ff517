"""Optional downloads, run offline on recorded responses (tests/fixtures/market)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from analyzer.errors import MarketDataError, OfflineError
from analyzer.market.fetch import DOWNLOADERS, fetch_prices, from_pykrx, from_yahoo, source_for
from analyzer.market.prices import load_prices, store_prices
from analyzer.store.db import open_db

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "market"


def recorded(name: str) -> pd.DataFrame:
    return pd.read_csv(FIX / name, index_col=0)


def test_source_for():
    assert [source_for(s) for s in ("AAPL", "086520.KQ", "005930.KS", "^KS11", "^GSPC")] == [
        "yahoo", "krx", "krx", "krx", "yahoo"]


def test_from_yahoo_recorded():
    frame = from_yahoo(recorded("yahoo_AAPL_history.csv"), "AAPL")
    assert frame["date"].tolist()[:2] == ["2013-02-08", "2013-02-11"]  # local date, not shifted to UTC
    assert frame.iloc[0][["symbol", "close", "adj_close", "volume"]].tolist() == ["AAPL", 67.8542, 67.8542, 158168416.0]


def test_from_pykrx_recorded():
    stock = from_pykrx(recorded("pykrx_086520_ohlcv.csv"), "086520.KQ")
    assert stock.iloc[-1][["date", "close", "basis"]].tolist() == ["2025-03-31", 49650.0, "adjusted"]
    index = from_pykrx(recorded("pykrx_1001_index.csv"), "^KS11")
    assert index["close"].tolist() == [2557.98, 2481.12] and index["basis"].isna().all()


def test_fetch_with_recorded_responses(tmp_path):
    files = {"AAPL": "yahoo_AAPL_history.csv", "086520.KQ": "pykrx_086520_ohlcv.csv", "^KS11": "pykrx_1001_index.csv"}
    calls = []

    def replay(symbol, start, end):
        calls.append((symbol, start, end))
        return recorded(files[symbol]) if symbol in files else pd.DataFrame()

    table = {src: (replay, norm) for src, (_, norm) in DOWNLOADERS.items()}
    frame, empty = fetch_prices(["AAPL", "086520.KQ", "^KS11", "ZZZZ"], start="2013-01-01", end="2025-04-01",
                                downloaders=table, check_online=lambda host: True)
    assert empty == ["ZZZZ"] and len(calls) == 4
    db = open_db(tmp_path / "f.db")
    assert store_prices(db, frame, source="fetch") == 11
    assert sorted(load_prices(db)["symbol"].unique()) == ["086520.KQ", "AAPL", "^KS11"]


def test_offline_is_a_clear_error():
    with pytest.raises(OfflineError, match="cannot reach"):
        fetch_prices(["AAPL"], start="2018-01-01", end="2018-02-01", check_online=lambda host: False)


def test_missing_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "yfinance", None)
    with pytest.raises(MarketDataError, match=r"newsig\[fetch\]"):
        fetch_prices(["AAPL"], start="2018-01-01", end="2018-02-01", check_online=lambda host: True)
    with pytest.raises(MarketDataError, match="--source"):
        fetch_prices(["AAPL"], start="2018-01-01", end="2018-02-01", source="bloomberg")
