"""Optional downloads of daily prices: Yahoo via ``yfinance``, KRX via ``pykrx`` (``pip install 'newsig[fetch]'``).

Only ``newsig market fetch`` goes online. Each source's response is turned into
the same frame :func:`analyzer.market.prices.store_prices` writes, by small pure
functions (:func:`from_yahoo`, :func:`from_pykrx`) that the tests run on
recorded responses. Offline, the command fails with :class:`OfflineError`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from analyzer.errors import MarketDataError, OfflineError

if TYPE_CHECKING:
    import pandas as pd

HOSTS = {"yahoo": "query1.finance.yahoo.com", "krx": "data.krx.co.kr"}
PYKRX_INDEX = {"^KS11": "1001", "^KQ11": "2001", "^KS200": "1028"}
_KRX_COLUMNS = {"시가": "open", "고가": "high", "저가": "low", "종가": "close", "거래량": "volume"}
_YAHOO_COLUMNS = {"open": "open", "high": "high", "low": "low", "close": "close", "adj close": "adj_close",
                  "adj_close": "adj_close", "volume": "volume"}
FRAME_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume", "basis"]


def source_for(symbol: str) -> str:
    """KRX symbols (``.KS``/``.KQ``, KRX indices) come from pykrx; everything else from Yahoo."""
    return "krx" if symbol.endswith((".KS", ".KQ")) or symbol in PYKRX_INDEX else "yahoo"


def online(host: str, timeout: float = 5.0) -> bool:
    """Whether ``host`` answers on 443 (a cheap check before a library prints its own stack of errors)."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _finish(df: "pd.DataFrame", symbol: str, basis: str | None) -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    for col in FRAME_COLUMNS:
        if col not in df.columns:
            df[col] = np.nan
    df["symbol"], df["basis"] = symbol, basis
    df = df[df["close"].notna() & (df["close"] > 0)]
    out = df[FRAME_COLUMNS].copy()
    for col in ("open", "high", "low", "close", "adj_close", "volume"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out.reset_index(drop=True)


def from_yahoo(raw: "pd.DataFrame", symbol: str) -> "pd.DataFrame":
    """``yfinance.Ticker(symbol).history(auto_adjust=False)`` (Date index, Open..Adj Close, Volume) -> frame."""
    import pandas as pd

    df = raw.copy()
    if isinstance(df.columns, pd.MultiIndex):  # yf.download(...) layout: (field, ticker)
        df.columns = df.columns.get_level_values(0)
    df = df.rename(columns=lambda c: _YAHOO_COLUMNS.get(str(c).strip().lower(), str(c).strip().lower()))
    dates = pd.to_datetime(df.index.astype(str).str.slice(0, 10), format="%Y-%m-%d")
    df = df.reset_index(drop=True)
    df["date"] = dates.strftime("%Y-%m-%d")
    return _finish(df, symbol, None)


def from_pykrx(raw: "pd.DataFrame", symbol: str) -> "pd.DataFrame":
    """pykrx ``get_market_ohlcv_by_date`` / ``get_index_ohlcv_by_date`` (날짜 index, 시가..거래량) -> frame.

    pykrx adjusts for corporate actions by default, so rows are marked ``basis = "adjusted"``.
    """
    import pandas as pd

    df = raw.rename(columns=_KRX_COLUMNS)
    dates = pd.to_datetime(df.index.astype(str).str.slice(0, 10).str.replace("-", ""), format="%Y%m%d")
    df = df.reset_index(drop=True)
    df["date"] = dates.strftime("%Y-%m-%d")
    return _finish(df, symbol, None if symbol.startswith("^") else "adjusted")


def _yahoo_download(symbol: str, start: str, end: str) -> "pd.DataFrame":
    try:
        import yfinance
    except ImportError as exc:
        raise MarketDataError("downloading from Yahoo needs yfinance: pip install 'newsig[fetch]'") from exc
    return yfinance.Ticker(symbol).history(start=start, end=end, auto_adjust=False, actions=False)


def _krx_download(symbol: str, start: str, end: str) -> "pd.DataFrame":
    try:
        from pykrx import stock
    except ImportError as exc:
        raise MarketDataError("downloading from KRX needs pykrx: pip install 'newsig[fetch]'") from exc
    a, b = start.replace("-", ""), end.replace("-", "")
    if symbol in PYKRX_INDEX:
        return stock.get_index_ohlcv_by_date(a, b, PYKRX_INDEX[symbol])
    return stock.get_market_ohlcv_by_date(a, b, symbol.split(".")[0])


Downloader = Callable[[str, str, str], Any]
DOWNLOADERS: dict[str, tuple[Downloader, Callable[[Any, str], "pd.DataFrame"]]] = {
    "yahoo": (_yahoo_download, from_yahoo),
    "krx": (_krx_download, from_pykrx),
}


def fetch_prices(
    symbols: list[str], *, start: str, end: str, source: str = "auto",
    downloaders: dict[str, tuple[Downloader, Callable[[Any, str], "pd.DataFrame"]]] | None = None,
    check_online: Callable[[str], bool] | None = None,
) -> tuple["pd.DataFrame", list[str]]:
    """Download daily prices; returns the frame and the symbols that came back empty."""
    import pandas as pd

    check_online = check_online or online

    table = downloaders or DOWNLOADERS
    if source not in ("auto", *table):
        raise MarketDataError(f"--source must be auto, yahoo or krx, got {source!r}")
    frames, empty = [], []
    checked: set[str] = set()
    for symbol in symbols:
        src = source_for(symbol) if source == "auto" else source
        if src not in checked:
            if not check_online(HOSTS.get(src, src)):
                raise OfflineError(f"cannot reach {HOSTS.get(src, src)} for {symbol}")
            checked.add(src)
        download, normalise = table[src]
        try:
            raw = download(symbol, start, end)
        except (OSError, ConnectionError) as exc:
            raise OfflineError(f"{symbol}: {exc}") from exc
        frame = normalise(raw, symbol) if raw is not None and len(raw) else None
        if frame is None or frame.empty:
            empty.append(symbol)
        else:
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FRAME_COLUMNS)
    return out, empty
