"""Event study: what happened to each subject's stock after the news, and does the signal predict it?

One event is an (article, subject entity with a symbol). Its event day is the
first trading day of that symbol at or after publication, in the exchange's
local time (news after the close counts for the next session). Returns are
close-to-close (``adj_close`` where the file has one); abnormal returns are
against the entity's market index (:func:`analyzer.market.prices.benchmark_symbol`)
with a market model (alpha, beta over days [-250, -11]) where there are at
least ``min_history`` days of history, else market-adjusted (AR = r - r_index).
Everything is vectorised over a flat (symbol, date) panel: cumulative sums
give any window's sum in O(1), so tens of thousands of events take seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analyzer.errors import MarketDataError, NoPrices
from analyzer.market.prices import benchmark_symbol, load_prices

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((-1, 0), (0, 1), (0, 5))
EXCHANGE_CLOSE = {"Asia/Seoul": (15, 30), "America/New_York": (16, 0)}
GROUP_BYS = ("sentiment", "stance", "event")


def window_name(w: tuple[int, int]) -> str:
    """``(0, 5) -> "[0,+5]"``."""
    return "[" + ",".join(f"{x:+d}" if x else "0" for x in w) + "]"


def parse_windows(text: str) -> tuple[tuple[int, int], ...]:
    """``"-1:0,0:1,0:5"`` or ``"[-1,0],[0,+1]"`` -> ``((-1, 0), (0, 1), ...)``."""
    pairs = re.findall(r"\[?\s*([+-]?\d+)\s*[:,]\s*([+-]?\d+)\s*\]?", text or "")
    rest = re.sub(r"\[?\s*[+-]?\d+\s*[:,]\s*[+-]?\d+\s*\]?", "", text or "").strip(" ,;")
    if not pairs or rest:
        raise MarketDataError(f"windows must look like '-1:0,0:1,0:5', got {text!r}")
    out = tuple((int(a), int(b)) for a, b in pairs)
    for a, b in out:
        if a > b:
            raise MarketDataError(f"window [{a},{b}] ends before it starts")
    return out


def exchange_tz(symbol: str) -> str:
    return "Asia/Seoul" if symbol.endswith((".KS", ".KQ", ".KN")) or symbol in ("^KS11", "^KQ11", "^KS200") else "America/New_York"


def session_dates(published: "pd.Series", symbols: "pd.Series") -> "pd.Series":
    """Calendar date of the session a publication time belongs to (before rolling to a trading day).

    A bare date is that day; a datetime is converted to the exchange's local time
    (one without an offset is taken as local already) and moves to the next day
    if it is at or after the close.
    """
    import pandas as pd

    pub = published.astype("string").str.strip()
    out = pd.to_datetime(pub.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    has_time = pub.str.len().fillna(0) > 10
    tz = symbols.map(exchange_tz)
    aware = pub.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True, na=False)
    for zone, (hh, mm) in EXCHANGE_CLOSE.items():
        sel = has_time & (tz == zone)
        if not sel.any():
            continue
        local = pd.Series(pd.NaT, index=pub.index[sel], dtype="datetime64[ns]")
        a = sel & aware
        if a.any():
            t = pd.to_datetime(pub[a], format="ISO8601", utc=True, errors="coerce")
            local[a[sel]] = t.dt.tz_convert(zone).dt.tz_localize(None).astype("datetime64[ns]")
        n = sel & ~aware
        if n.any():
            local[n[sel]] = pd.to_datetime(pub[n], format="ISO8601", errors="coerce").astype("datetime64[ns]")
        after = (local.dt.hour * 60 + local.dt.minute) >= hh * 60 + mm
        out[sel] = (local.dt.normalize() + pd.to_timedelta(after.astype(int), unit="D")).where(local.notna(), out[sel])
    return out


@dataclass
class StudyResult:
    """Per-event returns, group statistics, IC and the mean CAR paths."""

    group_by: str
    windows: tuple[tuple[int, int], ...]
    events: "pd.DataFrame"
    groups: "pd.DataFrame"
    ic: list[dict[str, Any]]
    ic_window: str | None
    spread: list[dict[str, Any]]
    paths: "pd.DataFrame"
    skipped: dict[str, int] = field(default_factory=dict)
    missing_symbols: list[str] = field(default_factory=list)

    @property
    def primary_ic(self) -> dict[str, Any]:
        return next((d for d in self.ic if d["window"] == self.ic_window), {"mean": None, "t": None, "days": 0})

    def to_dict(self) -> dict[str, Any]:
        ic = self.primary_ic
        return {
            "group_by": self.group_by,
            "events": int(len(self.events[["article_id", "symbol"]].drop_duplicates())) if len(self.events) else 0,
            "ic_mean": ic["mean"], "ic_t": ic["t"], "ic_window": self.ic_window, "ic": self.ic,
            "groups": _records(self.groups[["group", "window", "n", "mean_car", "t", "hit_rate"]]),
            "spread": self.spread,
            "skipped": self.skipped,
            "missing_symbols": self.missing_symbols,
        }


def _clean(v: Any) -> Any:
    import math

    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def _records(df: "pd.DataFrame") -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in df.to_dict("records")]


# ---- events from the store ----------------------------------------------------------

def load_events(db) -> "pd.DataFrame":
    """(article, subject entity with a symbol) rows with the entity's sentiment and the article's date."""
    import pandas as pd

    return pd.read_sql_query(
        """SELECT e.article_id, e.symbol, e.ticker, e.sentiment, a.published
           FROM entities e JOIN articles a ON a.id = e.article_id
           WHERE e.role = 'subject' AND e.symbol IS NOT NULL AND e.symbol != ''
             AND COALESCE(e.kind, 'company') != 'index'""",
        db.conn,
    )


def attach_groups(db, events: "pd.DataFrame", group_by: str) -> "pd.DataFrame":
    """Add ``group`` and ``signal`` columns (an event may fall in several event-type groups)."""
    import json

    import numpy as np
    import pandas as pd

    if group_by == "sentiment":
        ev = events[events["sentiment"].notna()].copy()
        ev["signal"] = ev["sentiment"].astype(float)
        if not len(ev):
            return ev.assign(group=pd.Series(dtype=str))
        # quintile of the average rank: tied scores share a quintile (a group may stay empty)
        pct = (ev["signal"].rank(method="average") - 0.5) / len(ev)
        ev["group"] = "Q" + (np.floor(pct * 5).clip(0, 4).astype(int) + 1).astype(str)
        return ev
    if group_by == "stance":
        views = pd.read_sql_query("SELECT article_id, stance, score, target_tickers FROM views", db.conn)
        views["value"] = views["score"].fillna(views["stance"].map({"positive": 1.0, "negative": -1.0, "neutral": 0.0}))
        rows = []
        for v in views.itertuples(index=False):
            targets = json.loads(v.target_tickers) if v.target_tickers else []
            rows.extend({"article_id": v.article_id, "ticker": t, "value": v.value} for t in targets or [None])
        vv = pd.DataFrame(rows, columns=["article_id", "ticker", "value"])
        named = vv.dropna(subset=["ticker"]).groupby(["article_id", "ticker"])["value"].mean().rename("named")
        overall = vv.groupby("article_id")["value"].mean().rename("overall")
        ev = events.join(named, on=["article_id", "ticker"]).join(overall, on="article_id")
        ev["signal"] = ev["named"].fillna(ev["overall"])
        ev = ev[ev["signal"].notna()].drop(columns=["named", "overall"])
        ev["group"] = np.select([ev["signal"] > 0.1, ev["signal"] < -0.1], ["positive", "negative"], "neutral")
        return ev
    if group_by == "event":
        evs = pd.read_sql_query("SELECT article_id, type, tickers FROM events", db.conn)
        rows = []
        for e in evs.itertuples(index=False):
            tickers = json.loads(e.tickers) if e.tickers else []
            rows.extend({"article_id": e.article_id, "ticker": t, "group": e.type} for t in tickers or [None])
        tv = pd.DataFrame(rows, columns=["article_id", "ticker", "group"])
        named = events.merge(tv.dropna(subset=["ticker"]), on=["article_id", "ticker"])
        general = events.merge(tv[tv["ticker"].isna()].drop(columns="ticker"), on="article_id")
        ev = pd.concat([named, general]).drop_duplicates(["article_id", "symbol", "group"])
        return ev.assign(signal=np.nan)
    raise MarketDataError(f"--group-by must be one of {', '.join(GROUP_BYS)}, got {group_by!r}")


# ---- returns ----------------------------------------------------------------------

@dataclass
class Panel:
    """Flat (symbol, date) arrays with returns, index returns and prefix sums."""

    frame: "pd.DataFrame"  # symbol, date, price, r, m, start, end (row range of the symbol)
    csum: dict[str, "np.ndarray"]


def build_panel(prices: "pd.DataFrame", symbols: list[str]) -> Panel:
    import numpy as np
    import pandas as pd

    px = prices.assign(price=prices["adj_close"].fillna(prices["close"]))
    stocks = px[px["symbol"].isin(symbols)][["symbol", "date", "price"]].reset_index(drop=True)
    bench = px[px["symbol"].isin({benchmark_symbol(s) for s in symbols})][["symbol", "date", "price"]]
    stocks["bench"] = stocks["symbol"].map(benchmark_symbol)
    stocks = stocks.merge(
        bench.rename(columns={"symbol": "bench", "price": "mprice"}), on=["bench", "date"], how="left"
    ).sort_values(["symbol", "date"], kind="stable").reset_index(drop=True)
    same = stocks["symbol"].eq(stocks["symbol"].shift(1))
    stocks["r"] = (stocks["price"] / stocks["price"].shift(1) - 1).where(same)
    stocks["m"] = (stocks["mprice"] / stocks["mprice"].shift(1) - 1).where(same)
    codes = stocks["symbol"].astype("category").cat.codes.to_numpy()
    idx = np.arange(len(stocks))
    first = pd.Series(idx).groupby(codes).transform("min").to_numpy()
    last = pd.Series(idx).groupby(codes).transform("max").to_numpy()
    stocks["start"], stocks["end"] = first, last
    r, m = stocks["r"].to_numpy(float), stocks["m"].to_numpy(float)
    valid = ~np.isnan(r) & ~np.isnan(m)
    r0, m0 = np.where(valid, r, 0.0), np.where(valid, m, 0.0)

    def pre(x: "np.ndarray") -> "np.ndarray":
        return np.concatenate([[0.0], np.cumsum(x, dtype=float)])

    csum = {"n": pre(valid.astype(float)), "r": pre(r0), "m": pre(m0), "rm": pre(r0 * m0), "mm": pre(m0 * m0)}
    return Panel(stocks, csum)


def _window_sum(panel: Panel, key: str, lo: "np.ndarray", hi: "np.ndarray") -> "np.ndarray":
    """Sum of ``key`` over rows lo..hi inclusive (0 where hi < lo)."""
    import numpy as np

    c = panel.csum[key]
    ok = hi >= lo
    lo_c, hi_c = np.clip(lo, 0, len(c) - 1), np.clip(hi + 1, 0, len(c) - 1)
    return np.where(ok, c[hi_c] - c[lo_c], 0.0)


def event_returns(
    panel: Panel, events: "pd.DataFrame", windows: tuple[tuple[int, int], ...], *,
    estimation: tuple[int, int] = (-250, -11), min_history: int = 60, max_gap_days: int = 7,
) -> "pd.DataFrame":
    """Per event: event day, model, beta, and for each window ``car`` (abnormal) and ``ret`` (raw, compounded).

    A window that runs past the symbol's data, or a day without an index close,
    leaves that window's figures empty (NaN) -- never zero.
    """
    import numpy as np
    import pandas as pd

    ev = events.copy()
    ev["session"] = session_dates(ev["published"], ev["symbol"])
    f = panel.frame
    keyed = f[["symbol", "date", "start", "end"]].assign(g=np.arange(len(f)))
    ev = ev.reset_index(drop=True)
    ev["_order"] = np.arange(len(ev))
    has = ev["session"].notna()
    left = ev[has].sort_values("session")
    matched = pd.merge_asof(
        left, keyed.sort_values("date"), left_on="session", right_on="date", by="symbol",
        direction="forward", tolerance=pd.Timedelta(days=max_gap_days),
    )
    ev = pd.concat([matched, ev[~has]]).sort_values("_order").drop(columns="_order").reset_index(drop=True)
    ev = ev.rename(columns={"date": "event_date"})
    ok = ev["g"].notna().to_numpy()
    g = ev["g"].fillna(0).to_numpy(int)
    start = ev["start"].fillna(0).to_numpy(int)
    end = ev["end"].fillna(-1).to_numpy(int)
    # market model over the estimation window (rows with both returns)
    lo, hi = np.maximum(g + estimation[0], start + 1), g + estimation[1]
    n = _window_sum(panel, "n", lo, hi)
    sr, sm = _window_sum(panel, "r", lo, hi), _window_sum(panel, "m", lo, hi)
    srm, smm = _window_sum(panel, "rm", lo, hi), _window_sum(panel, "mm", lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = smm - sm * sm / n
        beta = (srm - sr * sm / n) / var
        alpha = (sr - beta * sm) / n
    model_ok = ok & (n >= min_history) & (var > 0) & np.isfinite(beta)
    ev["model"] = np.where(~ok, None, np.where(model_ok, "market_model", "market_adjusted"))
    alpha, beta = np.where(model_ok, alpha, 0.0), np.where(model_ok, beta, 1.0)
    ev["alpha"], ev["beta"] = np.where(ok, alpha, np.nan), np.where(ok, beta, np.nan)
    price = f["price"].to_numpy(float)
    for w in windows:
        a, b = g + w[0], g + w[1]
        inside = ok & (a >= start + 1) & (b <= end)
        cnt = _window_sum(panel, "n", a, b)
        full = inside & (cnt == (w[1] - w[0] + 1))
        car = _window_sum(panel, "r", a, b) - cnt * alpha - beta * _window_sum(panel, "m", a, b)
        name = window_name(w)
        ev[f"car {name}"] = np.where(full, car, np.nan)
        ev[f"ret {name}"] = np.where(inside, price[np.clip(b, 0, len(price) - 1)] / price[np.clip(a - 1, 0, len(price) - 1)] - 1, np.nan)
    ev["status"] = np.where(ok, "ok", np.where(ev["session"].isna(), "no date", "no prices near the event day"))
    return ev.drop(columns=["start", "end"])


def car_paths(panel: Panel, ev: "pd.DataFrame", lo: int, hi: int) -> "pd.DataFrame":
    """Mean cumulative abnormal return from day ``lo`` to each day in [lo, hi], by group."""
    import numpy as np
    import pandas as pd

    f = panel.frame
    use = ev[ev["g"].notna()]
    g = use["g"].to_numpy(int)[:, None] + np.arange(lo, hi + 1)[None, :]
    start = f["start"].to_numpy()[use["g"].to_numpy(int)][:, None]
    end = f["end"].to_numpy()[use["g"].to_numpy(int)][:, None]
    inside = (g >= start + 1) & (g <= end)
    gi = np.clip(g, 0, len(f) - 1)
    ar = f["r"].to_numpy(float)[gi] - use["alpha"].to_numpy()[:, None] - use["beta"].to_numpy()[:, None] * f["m"].to_numpy(float)[gi]
    ar = np.where(inside, ar, np.nan)
    path = np.cumsum(ar, axis=1)  # a NaN anywhere makes the rest of that path NaN
    frame = pd.DataFrame(path, columns=list(range(lo, hi + 1)))
    frame["group"] = use["group"].to_numpy()
    return frame.groupby("group").mean().T.rename_axis("day")


def _t(mean: "pd.Series", std: "pd.Series", n: "pd.Series") -> "pd.Series":
    import numpy as np

    return (mean / (std / np.sqrt(n))).where(n > 1)


def summarise(ev: "pd.DataFrame", windows: tuple[tuple[int, int], ...], group_by: str) -> "pd.DataFrame":
    """n, mean CAR, t-statistic and hit rate per (group, window)."""
    import numpy as np
    import pandas as pd

    parts = []
    for w in windows:
        name = window_name(w)
        d = ev[["group", "signal", f"car {name}"]].rename(columns={f"car {name}": "car"}).dropna(subset=["car"])
        sign = np.sign(d["signal"])
        hit = (np.sign(d["car"]) == sign).astype(float).where(sign != 0) if group_by != "event" else (d["car"] > 0).astype(float)
        d = d.assign(hit=hit)
        s = d.groupby("group").agg(n=("car", "size"), mean_car=("car", "mean"), sd=("car", "std"), hit_rate=("hit", "mean"))
        s["t"] = _t(s["mean_car"], s["sd"], s["n"])
        parts.append(s.reset_index().assign(window=name))
    if not parts:
        return pd.DataFrame(columns=["group", "window", "n", "mean_car", "t", "hit_rate"])
    return pd.concat(parts)[["group", "window", "n", "mean_car", "t", "hit_rate"]].reset_index(drop=True)


def information_coefficient(ev: "pd.DataFrame", window: str, min_per_day: int = 5) -> dict[str, Any]:
    """Daily cross-sectional Spearman correlation of signal and CAR; its mean and t over days."""
    import numpy as np

    d = ev[["event_date", "signal", f"car {window}"]].dropna()
    d.columns = ["day", "x", "y"]
    d = d[d.groupby("day")["x"].transform("size") >= min_per_day]
    if not len(d):
        return {"window": window, "mean": None, "t": None, "days": 0}
    d = d.assign(x=d.groupby("day")["x"].rank(), y=d.groupby("day")["y"].rank())
    d = d.assign(xy=d["x"] * d["y"], xx=d["x"] ** 2, yy=d["y"] ** 2)
    s = d.groupby("day")[["x", "y", "xy", "xx", "yy"]].mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        ic = (s["xy"] - s["x"] * s["y"]) / np.sqrt((s["xx"] - s["x"] ** 2) * (s["yy"] - s["y"] ** 2))
    ic = ic.replace([np.inf, -np.inf], np.nan).dropna()
    if not len(ic):
        return {"window": window, "mean": None, "t": None, "days": 0}
    t = ic.mean() / (ic.std() / np.sqrt(len(ic))) if len(ic) > 1 and ic.std() > 0 else None
    return {"window": window, "mean": _clean(float(ic.mean())), "t": _clean(t), "days": int(len(ic))}


def spread(ev: "pd.DataFrame", windows: tuple[tuple[int, int], ...], top: str, bottom: str) -> list[dict[str, Any]]:
    """Top-minus-bottom group mean CAR per window with a Welch t-statistic."""
    import numpy as np

    out = []
    for w in windows:
        col = f"car {window_name(w)}"
        a, b = ev.loc[ev["group"] == top, col].dropna(), ev.loc[ev["group"] == bottom, col].dropna()
        diff = a.mean() - b.mean() if len(a) and len(b) else np.nan
        se = np.sqrt(a.var() / len(a) + b.var() / len(b)) if len(a) > 1 and len(b) > 1 else np.nan
        out.append({"window": window_name(w), "top": top, "bottom": bottom, "mean": _clean(float(diff)),
                    "t": _clean(float(diff / se)) if se and np.isfinite(se) and se > 0 else None})
    return out


def run_study(
    db, *, windows: tuple[tuple[int, int], ...] = DEFAULT_WINDOWS, group_by: str = "sentiment",
    min_history: int = 60, min_per_day: int = 5, events: "pd.DataFrame | None" = None,
) -> StudyResult:
    """The whole study over the store: events -> returns -> groups, IC, spread, paths."""
    import pandas as pd

    if group_by not in GROUP_BYS:
        raise MarketDataError(f"--group-by must be one of {', '.join(GROUP_BYS)}, got {group_by!r}")
    base = load_events(db) if events is None else events
    if not db.execute("SELECT 1 FROM prices LIMIT 1").fetchone():
        raise NoPrices()
    grouped = attach_groups(db, base, group_by)
    symbols = sorted(set(grouped["symbol"]))
    prices = load_prices(db, symbols + sorted({benchmark_symbol(s) for s in symbols}))
    have = set(prices["symbol"])
    missing = sorted(s for s in symbols if s not in have)
    panel = build_panel(prices, symbols)
    ev = event_returns(panel, grouped, windows, min_history=min_history)
    ev.loc[ev["symbol"].isin(missing), "status"] = "no prices for the symbol"
    skipped = ev.loc[ev["status"] != "ok", "status"].value_counts().to_dict()
    if len(base) > len(base.merge(grouped[["article_id", "symbol"]].drop_duplicates(), on=["article_id", "symbol"])):
        skipped[f"no {group_by}"] = int(len(base) - len(grouped[["article_id", "symbol"]].drop_duplicates()))
    ok = ev[ev["status"] == "ok"]
    groups = summarise(ok, windows, group_by)
    ic_windows = [window_name(w) for w in windows] if group_by != "event" else []
    ic = [information_coefficient(ok, w, min_per_day) for w in ic_windows]
    primary = next((window_name(w) for w in windows if w[0] >= 0), window_name(windows[0])) if ic_windows else None
    ends = {"sentiment": ("Q5", "Q1"), "stance": ("positive", "negative")}
    sp = spread(ok, windows, *ends[group_by]) if group_by in ends and len(ok) else []
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    paths = car_paths(panel, ok, lo, hi) if len(ok) else pd.DataFrame()
    return StudyResult(group_by, windows, ok.reset_index(drop=True), groups, ic, primary, sp, paths,
                       {str(k): int(v) for k, v in skipped.items()}, missing)
