"""Fact-check stated moves ("fell 12.59% to 49,650 won") against the closes in the price store.

A stated change is compared with the close-to-close change on the move's
date (its resolved ``date``, else the article's session, the last trading day
at or before publication); a stated price with that day's close. Rounding is
tolerated: 0.05 percentage points for changes, 0.5 % for prices. A move whose
symbol or day has no prices is ``no_data`` -- never a zero change.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from analyzer.market.prices import yahoo_symbol
from analyzer.store import write_transaction

CHANGE_TOLERANCE = 0.05  # percentage points
PRICE_TOLERANCE = 0.005  # relative


@dataclass(frozen=True)
class Check:
    """One stated move beside the market's figures."""

    article_id: str
    idx: int
    ticker: str | None
    symbol: str | None
    entity: str | None
    date: str | None
    stated_change_pct: float | None
    actual_change_pct: float | None
    stated_price: float | None
    actual_price: float | None
    currency: str | None
    status: str  # match | mismatch | no_data
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _symbol_for(ticker: str | None, entity_symbol: str | None, known: set[str]) -> str | None:
    """The entity's symbol, else a KRX code on whichever board has prices, else the Yahoo form of the ticker."""
    if entity_symbol:
        return entity_symbol
    if not ticker:
        return None
    if re.fullmatch(r"\d{6}", ticker):
        return next((ticker + s for s in (".KS", ".KQ", ".KN") if ticker + s in known), ticker + ".KS")
    return yahoo_symbol(ticker)


def _bars(db, symbol: str) -> list[tuple[str, float, str | None]]:
    return db.execute("SELECT date, close, basis FROM prices WHERE symbol = ? ORDER BY date", [symbol]).fetchall()


def check_moves(
    db, *, change_tolerance: float = CHANGE_TOLERANCE, price_tolerance: float = PRICE_TOLERANCE
) -> list[Check]:
    """Check every stored move that states a change or a price; results also go to ``market_checks``."""
    import bisect

    moves = db.execute(
        """SELECT m.article_id, m.idx, m.ticker, m.entity, m.change_pct, m.price, m.currency, m.date,
                  a.published,
                  (SELECT e.symbol FROM entities e WHERE e.article_id = m.article_id AND e.ticker = m.ticker
                     AND e.symbol IS NOT NULL ORDER BY e.role = 'subject' DESC LIMIT 1)
           FROM moves m JOIN articles a ON a.id = m.article_id
           WHERE m.change_pct IS NOT NULL OR m.price IS NOT NULL
           ORDER BY a.published_date, m.article_id, m.idx"""
    ).fetchall()
    known = {r[0] for r in db.execute("SELECT DISTINCT symbol FROM prices").fetchall()}
    cache: dict[str, list[tuple[str, float, str | None]]] = {}
    out: list[Check] = []
    for aid, idx, ticker, entity, change, price, currency, mdate, published, esym in moves:
        symbol = _symbol_for(ticker, esym, known)
        day = mdate or (published[:10] if published else None)
        base = dict(article_id=aid, idx=idx, ticker=ticker, symbol=symbol, entity=entity,
                    stated_change_pct=change, stated_price=price, currency=currency)
        if symbol is None or day is None:
            out.append(Check(**base, date=day, actual_change_pct=None, actual_price=None, status="no_data",
                             note="no ticker" if symbol is None else "no date"))
            continue
        if symbol not in known:
            out.append(Check(**base, date=day, actual_change_pct=None, actual_price=None, status="no_data",
                             note=f"no prices for {symbol}"))
            continue
        bars = cache.setdefault(symbol, _bars(db, symbol))
        dates = [b[0] for b in bars]
        i = bisect.bisect_right(dates, day[:10]) - 1  # last session at or before the day
        if i < 0 or (mdate and dates[i] != mdate[:10]):
            out.append(Check(**base, date=day, actual_change_pct=None, actual_price=None, status="no_data",
                             note=f"no {symbol} close on {day[:10]}"))
            continue
        close, basis = bars[i][1], bars[i][2]
        actual_change = round((close / bars[i - 1][1] - 1) * 100, 2) if i > 0 else None
        verdicts = []
        if change is not None and actual_change is not None:
            verdicts.append(abs(change - actual_change) <= change_tolerance + 1e-9)
        if price is not None:
            verdicts.append(abs(price - close) <= price_tolerance * close)
        notes = []
        if change is not None and actual_change is None:
            notes.append("no previous close")
        if basis == "adjusted":
            notes.append("adjusted series")
        status = "no_data" if not verdicts else ("match" if all(verdicts) else "mismatch")
        out.append(Check(**base, date=dates[i], actual_change_pct=actual_change, actual_price=close,
                         status=status, note="; ".join(notes)))
    save_checks(db, out)
    return out


def save_checks(db, checks: list[Check]) -> None:
    """Replace the ``market_checks`` table with this run's results."""
    with write_transaction(db):
        db.execute("DELETE FROM market_checks")
        if checks:
            db["market_checks"].insert_all((c.to_dict() for c in checks), alter=True)
