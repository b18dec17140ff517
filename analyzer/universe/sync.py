"""``newsig universe sync sec|krx``: download a listing into the user's universe folder.

Optional and online: every network failure becomes :class:`~analyzer.errors.OfflineError`
with one line saying so; the parsers (:func:`sec_listings`, :func:`krx_listings`) are tested
offline against fixtures in the services' documented formats. What it writes is an ordinary
user layer (``universe_sec.csv`` / ``universe_krx.csv``) that :func:`analyzer.universe.listings.load_universe`
reads like any other.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Callable

from analyzer.errors import OfflineError, UniverseError
from analyzer.universe.listings import (
    _TICKER, Listing, _load, clean_company_name, home_dir, normalise_exchange, write_csv, yahoo_symbol,
)

SEC_URL = "https://www.sec.gov/files/company_tickers_exchange.json"
KRX_URL = "http://data.krx.co.kr/comm/bldAttendant/getJsonData.cmd"
KRX_FORM = {"bld": "dbms/MDC/STAT/standard/MDCSTAT01901", "locale": "en_US", "mktId": "ALL", "share": "1", "csvxls_isNo": "false"}


def fetch(url: str, data: dict[str, str] | None = None, timeout: float = 30.0) -> bytes:
    """GET (or POST ``data``) a URL; any network failure becomes OfflineError."""
    import socket
    import urllib.error
    import urllib.parse
    import urllib.request

    agent = os.environ.get("NEWSIG_USER_AGENT", "newsig/0.1 (ticker universe sync; set NEWSIG_USER_AGENT)")
    body = urllib.parse.urlencode(data).encode() if data else None
    req = urllib.request.Request(url, data=body, headers={"User-Agent": agent, "Referer": url})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except (urllib.error.URLError, socket.timeout, ConnectionError) as exc:
        raise OfflineError(f"could not reach {urllib.parse.urlsplit(url).netloc} ({getattr(exc, 'reason', exc)})") from None


def sec_listings(payload: bytes) -> list[Listing]:
    """Parse SEC's company_tickers_exchange.json ({"fields": [...], "data": [[cik, name, ticker, exchange]]})."""
    try:
        blob = json.loads(payload)
        rows = [dict(zip(blob["fields"], r)) for r in blob["data"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise UniverseError(f"unexpected answer from SEC ({exc})") from None
    out = []
    for r in rows:
        ticker, name = str(r.get("ticker") or "").upper(), str(r.get("name") or "").strip()
        if not ticker or not name or not _TICKER.match(ticker):
            continue
        exchange = normalise_exchange(r["exchange"]) if r.get("exchange") else None
        out.append(Listing(name=name, ticker=ticker, exchange=exchange, symbol=ticker.replace(".", "-"),
                           country="US", currency="USD"))
    return out


def krx_listings(payload: bytes) -> list[Listing]:
    """Parse KRX's MDCSTAT01901 JSON (OutBlock_1 rows: ISU_SRT_CD, ISU_ENG_NM/ISU_ABBRV, MKT_TP_NM)."""
    try:
        rows = json.loads(payload)["OutBlock_1"]
    except (ValueError, KeyError, TypeError) as exc:
        raise UniverseError(f"unexpected answer from KRX ({exc})") from None
    out = []
    for r in rows:
        code, market = str(r.get("ISU_SRT_CD", "")), normalise_exchange(str(r.get("MKT_TP_NM", "")))
        if not re.fullmatch(r"[0-9A-Z]{6}", code) or market not in ("KOSPI", "KOSDAQ"):
            continue
        name = clean_company_name(str(r.get("ISU_ENG_NM") or r.get("ISU_ABBRV") or code)) or code
        aliases = tuple(a for a in {str(r.get("ISU_ABBRV") or "").strip()} if a and a != name)
        out.append(Listing(name=name, ticker=code, exchange=market, symbol=yahoo_symbol(code, market), country="KR",
                           currency="KRW", aliases=aliases))
    return out


def _pykrx_listings() -> list[Listing] | None:
    try:
        from pykrx import stock  # optional; Korean names only
    except ImportError:
        return None
    out = []
    for market in ("KOSPI", "KOSDAQ"):
        for code in stock.get_market_ticker_list(market=market):
            name = stock.get_market_ticker_name(code)
            out.append(Listing(name=name, ticker=code, exchange=market, symbol=yahoo_symbol(code, market),
                               country="KR", currency="KRW"))
    return out


def sync_sec(user_dir: Path | None = None, fetcher: Callable[..., bytes] | None = None) -> int:
    """Download SEC's ticker list into ``universe_sec.csv``; returns listings written."""
    rows = sec_listings((fetcher or fetch)(SEC_URL))
    return _write_sync(rows, "universe_sec.csv", user_dir)


def sync_krx(user_dir: Path | None = None, fetcher: Callable[..., bytes] | None = None) -> int:
    """Download the KRX listing (pykrx if installed, else KRX's own JSON) into ``universe_krx.csv``."""
    rows = None if fetcher else _pykrx_listings()
    if rows is None:
        rows = krx_listings((fetcher or fetch)(KRX_URL, KRX_FORM))
    return _write_sync(rows, "universe_krx.csv", user_dir)


def _write_sync(rows: list[Listing], name: str, user_dir: Path | None) -> int:
    if not rows:
        raise UniverseError(f"the download for {name} had no listings; the old file was kept")
    folder = Path(user_dir) if user_dir is not None else home_dir()
    write_csv(rows, folder / name)
    _load.cache_clear()
    return len(rows)
