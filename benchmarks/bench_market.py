"""Benchmark the market step on real data: price import, event study over the Reuters headlines, seed check.

Run by hand (reads ../shared/data, or $NEWSIG_SHARED):

    .venv/bin/python benchmarks/bench_market.py [--limit N] [--db PATH] [--sentiment lexicon|model]

Prints markdown tables: timings, then the study's IC and quintile spread.

PLACEHOLDER: until ingest + the sentiment model are wired, each headline's
ticker becomes a subject entity whose sentiment is a tiny word lexicon over
the headline (``--sentiment lexicon``, the default here and only here; the
product never uses it). ``--sentiment model`` scores (ticker, headline) pairs
with ``analyzer.sentiment`` when a trained model is present.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSIG_SHARED", ROOT.parent / "shared")) / "data"

POS = {"beat", "beats", "raises", "raise", "upgrade", "upgrades", "upgraded", "rises", "rise", "gains", "jumps",
       "surges", "record", "higher", "wins", "win", "tops", "strong", "boost", "boosts", "soars", "rallies", "up"}
NEG = {"miss", "misses", "cuts", "cut", "downgrade", "downgrades", "downgraded", "falls", "fall", "drops", "slumps",
       "plunges", "lower", "loss", "losses", "weak", "probe", "lawsuit", "sues", "recall", "warns", "down", "slides"}


def lexicon_score(text: str) -> float:
    """PLACEHOLDER sentiment in [-1, 1]: (pos - neg) / (pos + neg) over headline words; 0 when none."""
    words = re.findall(r"[a-z]+", text.lower())
    p, n = sum(w in POS for w in words), sum(w in NEG for w in words)
    return 0.0 if p + n == 0 else (p - n) / (p + n)


def build_db(db, limit: int | None, sentiment: str) -> int:
    """Articles + subject entities straight from the headlines CSV (bypasses the NLP pipeline)."""
    import pandas as pd

    from analyzer.market_io import yahoo_symbol

    h = pd.read_csv(SHARED / "news" / "headlines_with_tickers.csv.gz", dtype=str, keep_default_na=False)
    if limit:
        h = h.sample(n=min(limit, len(h)), random_state=0)
    text = (h["headline"] + "\n" + h["summary"]).tolist()
    h["id"] = [hashlib.sha256(f"{t}|{d}|{x}".encode()).hexdigest()[:16] for t, d, x in zip(h["ticker"], h["date"], text)]
    if sentiment == "model":
        from analyzer.sentiment import load_model  # noqa: F401  (wired once the model lands)

        raise SystemExit("--sentiment model: wire analyzer.sentiment here once the model is trained")
    h["sentiment"] = [lexicon_score(t) for t in h["headline"]]
    articles = [(i, t, d, d) for i, t, d in zip(h["id"], h["headline"], h["date"])]
    ents = [(i, yahoo_symbol(t), t, yahoo_symbol(t), "subject", s)
            for i, t, s in zip(h["id"], h["ticker"], h["sentiment"])]
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        db.conn.executemany("INSERT OR REPLACE INTO articles (id, title, published, published_date) VALUES (?,?,?,?)", articles)
        db.conn.executemany(
            "INSERT OR REPLACE INTO entities (article_id, entity_key, ticker, symbol, role, sentiment) VALUES (?,?,?,?,?,?)", ents)
    return len(ents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="sample N headlines (default: all)")
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--sentiment", choices=("lexicon", "model"), default="lexicon")
    ap.add_argument("--windows", default="-1:0,0:1,0:5", help="event windows, as for newsig market study")
    args = ap.parse_args()

    from analyzer.market import check_moves, parse_windows, run_study, save_study, write_chart
    from analyzer.market_io import import_prices
    from analyzer.store import open_db

    tmp = tempfile.TemporaryDirectory()
    db = open_db(args.db or Path(tmp.name) / "bench.db")
    timings = []

    def timed(label: str, fn):
        t = time.perf_counter()
        out = fn()
        timings.append((label, time.perf_counter() - t))
        return out

    m = SHARED / "market"
    rep = timed("import us_daily_prices (619k rows)", lambda: import_prices(db, m / "us_daily_prices.csv.gz"))
    timed("import us_index_daily", lambda: import_prices(db, m / "us_index_daily.csv"))
    timed("re-import us_daily_prices (upsert)", lambda: import_prices(db, m / "us_daily_prices.csv.gz"))
    n = timed("build events from headlines", lambda: build_db(db, args.limit, args.sentiment))
    res = timed("study --group-by sentiment (compute)", lambda: run_study(db, windows=parse_windows(args.windows)))
    timed("study: save results to SQLite", lambda: save_study(db, res))
    chart = Path(tmp.name) / "car.png"
    timed("study: chart", lambda: write_chart(res, chart))
    d = res.to_dict()

    print(f"| step | seconds |\n|---|---:|")
    for label, s in timings:
        print(f"| {label} | {s:.2f} |")
    print(f"\nprice rows {rep.rows:,}; headline events {n:,}; events with returns {d['events']:,}; skipped {d['skipped']}")
    print(f"\nIC (daily Spearman, {args.sentiment} sentiment placeholder={args.sentiment == 'lexicon'}):\n")
    print("| window | IC mean | IC t | days |\n|---|---:|---:|---:|")
    for ic in d["ic"]:
        fmt = lambda v: "n/a" if v is None else f"{v:+.4f}"  # noqa: E731
        print(f"| {ic['window']} | {fmt(ic['mean'])} | {fmt(ic['t'])} | {ic['days']} |")
    print("\n| group | window | n | mean CAR % | t | hit rate |\n|---|---|---:|---:|---:|---:|")
    for g in d["groups"]:
        hit = "n/a" if g["hit_rate"] is None else f"{g['hit_rate']:.3f}"
        t = "n/a" if g["t"] is None else f"{g['t']:+.2f}"
        print(f"| {g['group']} | {g['window']} | {g['n']} | {100 * g['mean_car']:+.3f} | {t} | {hit} |")
    print("\n| spread | window | mean CAR % | t |\n|---|---|---:|---:|")
    for s in d["spread"]:
        print(f"| {s['top']}-{s['bottom']} | {s['window']} | {100 * (s['mean'] or 0):+.3f} | {s['t'] or 0:+.2f} |")

    # seed check against the KRX file
    timed("import krx_daily_prices", lambda: import_prices(db, m / "krx_daily_prices.csv"))
    t = time.perf_counter()
    checks = check_moves(db)
    print(f"\ncheck over {len(checks)} stated moves: {time.perf_counter() - t:.2f}s")


if __name__ == "__main__":
    main()
