"""Fact-check stated moves against the price store, like with like.

Every stated move carries when it happened (``moves.session``, ``moves.period``,
``moves.qualifier``; see :mod:`analyzer.nlp.components.timing`). The check compares it with
the figure of the same kind and says which comparison it made:

* ``close`` -- a closing (or unstated-session) change: the close-to-close change of that day;
  ``match`` within rounding (half a unit of the stated precision, at least 0.05 points) or
  the range a qualifier gives ("nearly 4%", "more than 3%"), else ``mismatch``.
* ``intraday_range`` -- an intraday or premarket change: ``plausible`` when it lies within the
  day's range relative to the previous close (open/high/low; an "as much as" figure is the
  day's extreme so far and must not exceed the high or low), ``mismatch`` outside.
* ``period`` -- a change over a week, month, year to date, since a date: the change from the
  last close before the period to that day's close (or its range, for an intraday statement).
* ``unverifiable`` -- with a reason: no ticker, no prices for this market, no price that day, no
  high/low in the data, an after-hours figure, a period that is not resolved.

A stated price is compared the same way (the close, or the day's low..high). Missing data is
never a zero change.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from analyzer.market.prices import yahoo_symbol
from analyzer.store.db import write_transaction

CHANGE_TOLERANCE = 0.05  # percentage points, at least; more for a figure stated with fewer decimals
PRICE_TOLERANCE = 0.005  # relative
STATUSES = ("match", "plausible", "mismatch", "unverifiable")
RANGE_SESSIONS = ("intraday", "premarket")
SPLIT_FACTORS = (1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 8.0, 10.0, 15.0, 20.0)


@dataclass(frozen=True)
class Check:
    """One stated move beside the market's figures, and the comparison that was made."""

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
    status: str  # match | plausible | mismatch | unverifiable
    note: str = ""  # remarks on the data (an adjusted series)
    session: str | None = None
    period: str | None = None
    qualifier: str | None = None
    comparison: str | None = None  # close | intraday_range | period_close | period_range | None (unverifiable)
    base_date: str | None = None  # the close the actual change is measured from
    actual_low_pct: float | None = None  # the day's low and high relative to that close (range comparisons)
    actual_high_pct: float | None = None
    reason: str = ""  # why unverifiable, or what disagrees

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Bar:
    date: str
    open: float | None
    high: float | None
    low: float | None
    close: float
    basis: str | None


# ---- symbols and markets -----------------------------------------------------------

def _symbol_for(ticker: str | None, entity_symbol: str | None, known: set[str]) -> str | None:
    """The entity's symbol, else a KRX code on whichever board has prices, else the Yahoo form of the ticker."""
    if entity_symbol:
        return entity_symbol
    if not ticker:
        return None
    if re.fullmatch(r"\d{6}", ticker):
        return next((ticker + s for s in (".KS", ".KQ", ".KN") if ticker + s in known), ticker + ".KS")
    return yahoo_symbol(ticker)


def market_of(symbol: str) -> str:
    """The price series family a symbol belongs to: an index is its own; '.KS'/'.KQ' -> KRX; no suffix -> US."""
    if symbol.startswith("^") or re.fullmatch(r"\d{6}\.S[SZ]", symbol):
        return symbol
    m = re.search(r"\.([A-Z]{1,3})$", symbol)
    if not m:
        return "US"
    return "KRX" if m.group(1) in ("KS", "KQ", "KN") else m.group(1)


# ---- figures ---------------------------------------------------------------------------

def rounding_tolerance(value: float, floor: float = CHANGE_TOLERANCE) -> float:
    """Half a unit of the figure's last stated decimal, at least ``floor``: '21%' -> 0.5, '2.9%' -> 0.05."""
    text = f"{abs(value):.6f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return max(floor, 0.5 * 10 ** -decimals)


def stated_interval(value: float, qualifier: str | None, tolerance: float) -> tuple[float, float]:
    """The changes a stated figure allows: rounding, widened by 'nearly', 'more than', 'about' ..."""
    a, sign = abs(value), (-1 if value < 0 else 1)
    tol = rounding_tolerance(value, tolerance)
    lo, hi = a - tol, a + tol
    if qualifier == "nearly":
        lo = a - max(0.5, 0.15 * a)
    elif qualifier == "more_than":
        hi = a + max(1.0, 0.3 * a)
    elif qualifier == "less_than":
        lo = max(0.0, a - max(1.0, 0.5 * a))
    elif qualifier == "about":
        lo, hi = a - max(0.5, 0.15 * a), a + max(0.5, 0.15 * a)
    lo = max(lo, 0.0) if a > 0 else lo
    return (sign * lo, sign * hi) if sign > 0 else (sign * hi, sign * lo)


def split_factor(stated: float, close: float) -> float | None:
    """A stated price that is the close times a common split ratio (2, 3, 4, 5, 7, 10, 1.5, 3:2 ...) within
    1%: the series has been split-adjusted since (the vendor's US file is), so the traded price is not comparable."""
    if not stated or not close:
        return None
    ratio = stated / close
    for factor in SPLIT_FACTORS:
        for r in (factor, 1 / factor):
            if abs(ratio / r - 1) <= 0.01:
                return round(r, 4)
    return None


def _pct(value: float, base: float) -> float:
    return round((value / base - 1) * 100, 2)


def period_start(period: str, day: date) -> date | None:
    """The first day of the span a period names; the change is measured from the last close before it."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "ytd":
        return day.replace(month=1, day=1)
    if period.startswith("since:"):
        try:
            return date.fromisoformat(period[6:16]) + timedelta(days=1)  # from that day's close
        except ValueError:
            return None
    return None


# ---- the check -------------------------------------------------------------------------

class _Prices:
    def __init__(self, db) -> None:
        self.db = db
        self.known = {r[0] for r in db.execute("SELECT DISTINCT symbol FROM prices").fetchall()}
        self.markets = {market_of(s) for s in self.known}
        self.cache: dict[str, tuple[list[str], list[Bar]]] = {}

    def bars(self, symbol: str) -> tuple[list[str], list[Bar]]:
        if symbol not in self.cache:
            rows = self.db.execute(
                "SELECT date, open, high, low, close, basis FROM prices WHERE symbol = ? ORDER BY date", [symbol]
            ).fetchall()
            bars = [Bar(*r) for r in rows]
            self.cache[symbol] = ([b.date for b in bars], bars)
        return self.cache[symbol]


def check_moves(
    db, *, change_tolerance: float = CHANGE_TOLERANCE, price_tolerance: float = PRICE_TOLERANCE
) -> list[Check]:
    """Check every stored move that states a change or a price; results also go to ``market_checks``."""
    moves = db.execute(
        """SELECT m.article_id, m.idx, m.ticker, m.entity, m.change_pct, m.price, m.currency, m.date,
                  m.session, m.period, m.qualifier, a.published_date,
                  (SELECT e.symbol FROM entities e WHERE e.article_id = m.article_id AND e.ticker = m.ticker
                     AND e.symbol IS NOT NULL ORDER BY e.role = 'subject' DESC LIMIT 1)
           FROM moves m JOIN articles a ON a.id = m.article_id
           WHERE m.change_pct IS NOT NULL OR m.price IS NOT NULL
           ORDER BY a.published_date, m.article_id, m.idx"""
    ).fetchall()
    prices = _Prices(db)
    out = [_check_one(row, prices, change_tolerance, price_tolerance) for row in moves]
    save_checks(db, out)
    return out


def _check_one(row: tuple, prices: _Prices, change_tol: float, price_tol: float) -> Check:
    aid, idx, ticker, entity, change, price, currency, mdate, session, period, qualifier, pub_day, esym = row
    symbol = _symbol_for(ticker, esym, prices.known)
    day = (mdate or pub_day or "")[:10] or None
    base = dict(article_id=aid, idx=idx, ticker=ticker, symbol=symbol, entity=entity, stated_change_pct=change,
                stated_price=price, currency=currency, session=session, period=period, qualifier=qualifier)

    def unverifiable(reason: str, **extra: Any) -> Check:
        fields = dict(date=day, actual_change_pct=None, actual_price=None) | extra
        return Check(**base, **fields, status="unverifiable", reason=reason)

    if symbol is None:
        return unverifiable(f"no ticker for {entity}" if entity else "no ticker")
    if day is None:
        return unverifiable("no date")
    if symbol not in prices.known:
        market = market_of(symbol)
        return unverifiable(f"no prices for {symbol}" if market in prices.markets
                            else f"no prices for this market ({market})")
    if session == "after_hours":
        return unverifiable("after-hours trade is not in daily prices")
    dates, bars = prices.bars(symbol)
    i = bisect.bisect_right(dates, day) - 1  # the last session at or before the day
    if i < 0 or (dates[i] != day and day != pub_day):
        return unverifiable(f"no {symbol} price on {day}")
    bar = bars[i]
    notes = ["adjusted series"] if bar.basis == "adjusted" else []
    ranged = session in RANGE_SESSIONS or qualifier == "as_much_as"
    # the close the change is measured from
    if period and period != "multi_day":
        start = period_start(period, date.fromisoformat(bar.date))
        if start is None:
            return unverifiable(f"period not resolved ({period})", date=bar.date)
        j = bisect.bisect_left(dates, start.isoformat()) - 1
        if j < 0:
            return unverifiable(f"no {symbol} price before the period ({start.isoformat()})", date=bar.date)
        comparison = "period_range" if ranged else "period_close"
    elif period == "multi_day":
        return unverifiable("period not resolved (multi_day)", date=bar.date)
    else:
        j = i - 1
        if j < 0:
            return unverifiable(f"no {symbol} close before {bar.date}", date=bar.date)
        comparison = "intraday_range" if ranged else "close"
    ref = bars[j]
    actual = _pct(bar.close, ref.close)
    extra = dict(date=bar.date, actual_change_pct=actual, actual_price=bar.close, base_date=ref.date,
                 comparison=comparison, note="; ".join(notes))
    if comparison.endswith("range"):
        points = [p for p in (bar.open, bar.high, bar.low, bar.close) if p is not None]
        if bar.high is None or bar.low is None:
            return unverifiable(f"no high/low in the data for {symbol} on {bar.date}", **extra)
        lo_px, hi_px = min(points), max(points)
        lo, hi = _pct(lo_px, ref.close), _pct(hi_px, ref.close)
        extra |= dict(actual_low_pct=lo, actual_high_pct=hi)
    verdicts: list[str] = []
    reasons: list[str] = []
    if change is not None:
        s_lo, s_hi = stated_interval(change, qualifier, change_tol)
        if comparison.endswith("range"):
            tol = rounding_tolerance(change, change_tol)
            ok = s_hi >= lo - tol and s_lo <= hi + tol
            verdicts.append("plausible" if ok else "mismatch")
            if not ok:
                reasons.append(f"{change:+g}% outside the day's range {lo:+.2f}..{hi:+.2f}%")
        else:
            ok = s_lo - 1e-9 <= actual <= s_hi + 1e-9
            verdicts.append("match" if ok else "mismatch")
            if not ok:
                reasons.append(f"stated {change:+g}%, actual {actual:+.2f}%")
    split = split_factor(price, bar.close) if price is not None else None
    if price is not None and (bar.basis == "adjusted" or split):
        notes.append("adjusted series: stated price not compared" if bar.basis == "adjusted"
                     else f"series looks split-adjusted (x{split:g}): stated price not compared")
        extra["note"] = "; ".join(notes)
    elif price is not None:
        if comparison.endswith("range"):
            ok = lo_px * (1 - price_tol) <= price <= hi_px * (1 + price_tol)
            verdicts.append("plausible" if ok else "mismatch")
            if not ok:
                reasons.append(f"price {price:,g} outside the day's range {lo_px:,g}..{hi_px:,g}")
        else:
            ok = abs(price - bar.close) <= price_tol * bar.close
            verdicts.append("match" if ok else "mismatch")
            if not ok:
                reasons.append(f"price {price:,g}, close {bar.close:,g}")
    if not verdicts:
        return unverifiable("nothing to compare", **extra)
    status = "mismatch" if "mismatch" in verdicts else "plausible" if "plausible" in verdicts else "match"
    return Check(**base, **extra, status=status, reason="; ".join(reasons))


def summary(checks: list[Check]) -> dict[str, int]:
    """Counts per status, every status present: {'match': 9, 'plausible': 0, 'mismatch': 3, 'unverifiable': 0}."""
    counts = dict.fromkeys(STATUSES, 0)
    for c in checks:
        counts[c.status] = counts.get(c.status, 0) + 1
    return counts


def save_checks(db, checks: list[Check]) -> None:
    """Replace the ``market_checks`` table with this run's results."""
    with write_transaction(db):
        db.execute("DELETE FROM market_checks")
        if checks:
            db["market_checks"].insert_all((c.to_dict() for c in checks), alter=True)
