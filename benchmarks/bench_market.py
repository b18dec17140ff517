"""Benchmark the market step on real data: price import, event study over the Reuters headlines, seed check.

Run by hand (reads ../shared/data, or $NEWSIG_SHARED):

    .venv/bin/python benchmarks/bench_market.py [--limit N] [--db PATH]

Prints markdown tables: timings, then the study's IC and quintile spread.

Each headline's ticker becomes a subject entity whose sentiment is the shipped
model's entity-level score of (company name, headline), the same call the
pipeline makes for an entity mention. (Running all 95k headlines through the
full pipeline would take hours on 2 cores; the entity score is what the study
uses.)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSIG_SHARED", ROOT.parent / "shared")) / "data"

def build_db(db, limit: int | None) -> int:
    """Articles + subject entities straight from the headlines CSV (bypasses the NLP pipeline)."""
    import pandas as pd

    from analyzer.market import yahoo_symbol
    from analyzer.store import write_transaction

    h = pd.read_csv(SHARED / "news" / "headlines_with_tickers.csv.gz", dtype=str, keep_default_na=False)
    if limit:
        h = h.sample(n=min(limit, len(h)), random_state=0)
    text = (h["headline"] + "\n" + h["summary"]).tolist()
    h["id"] = [hashlib.sha256(f"{t}|{d}|{x}".encode()).hexdigest()[:16] for t, d, x in zip(h["ticker"], h["date"], text)]
    from analyzer.sentiment import load_model

    names = [c or t for c, t in zip(h["company"], h["ticker"])]
    preds = load_model().predict(h["headline"].tolist(), names, batch_size=128)
    h["sentiment"] = [round(p.score, 4) for p in preds]
    articles = [(i, t, d, d) for i, t, d in zip(h["id"], h["headline"], h["date"])]
    ents = [(i, yahoo_symbol(t), t, yahoo_symbol(t), "subject", s)
            for i, t, s in zip(h["id"], h["ticker"], h["sentiment"])]
    with write_transaction(db):
        db.conn.executemany("INSERT OR REPLACE INTO articles (id, title, published, published_date) VALUES (?,?,?,?)", articles)
        db.conn.executemany(
            "INSERT OR REPLACE INTO entities (article_id, entity_key, ticker, symbol, role, sentiment) VALUES (?,?,?,?,?,?)", ents)
    return len(ents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="sample N headlines (default: all)")
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--windows", default="-1:0,0:1,0:5", help="event windows, as for newsig market study")
    args = ap.parse_args()

    from analyzer.market import check_moves, parse_windows, run_study, save_study, write_chart
    from analyzer.market import import_prices
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
    n = timed("score headlines (entity-level model) and store events", lambda: build_db(db, args.limit))
    res = timed("study --group-by sentiment (compute)", lambda: run_study(db, windows=parse_windows(args.windows)))
    timed("study: save results to SQLite", lambda: save_study(db, res))
    chart = Path(tmp.name) / "car.png"
    timed("study: chart", lambda: write_chart(res, chart))
    d = res.to_dict()

    print("| step | seconds |\n|---|---:|")
    for label, s in timings:
        print(f"| {label} | {s:.2f} |")
    print(f"\nprice rows {rep.rows:,}; headline events {n:,}; events with returns {d['events']:,}; skipped {d['skipped']}")
    print("\nIC (daily Spearman of entity sentiment vs CAR):\n")
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
