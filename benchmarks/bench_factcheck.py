"""Fact-check stated moves in real news against real prices: the Korea and US reports of the README.

Run by hand (reads ../shared/data, or $NEWSIG_SHARED):

    .venv/bin/python benchmarks/bench_factcheck.py [--market korea|us|both] [--us-limit N] [--keep DIR] [--rows]

Korea: the articles of ``news/korea_sample.jsonl`` published in February 2025, checked against
``market/krx_all_daily_2025-02_04.csv.gz`` + ``market/krx_index_daily.csv``.
US: the Reuters articles of ``news/reuters_sample.jsonl.gz`` published inside the US price window
(2013-02-08 .. 2013-11-19), checked against ``market/us_daily_prices.csv.gz`` + ``market/us_index_daily.csv``.

Each report: the counts per status (match, plausible, mismatch, unverifiable), confirmed = match +
plausible, the mismatch share of the checked rows, the unverifiable reasons, the moves dated more
than a month before their article, and (``--rows``) every mismatch with its sentence. The articles go
through the full pipeline without the sentiment model (moves do not need it). ``--keep DIR`` keeps the
databases; ``--reuse`` skips the analysis when a kept database has the articles already.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSIG_SHARED", ROOT.parent / "shared")) / "data"
US_WINDOW = ("2013-02-08", "2013-11-19")


def korea_articles() -> list:
    from analyzer.records import Article

    out = []
    with open(SHARED / "news" / "korea_sample.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if str(r.get("published", "")).startswith("2025-02"):
                out.append(Article(text=r["body"], title=r.get("title"), published=r["published"],
                                   source=r.get("source"), url=r.get("url"), origin=r.get("id")))
    return out


def us_articles(limit: int | None) -> list:
    from analyzer.records import Article

    out = []
    with gzip.open(SHARED / "news" / "reuters_sample.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            day = str(r.get("published", ""))[:10]
            if US_WINDOW[0] <= day <= US_WINDOW[1]:
                out.append(Article(text=r["body"], title=r.get("title"), published=r["published"],
                                   source=r.get("source"), url=r.get("url"), origin=r.get("id")))
    out.sort(key=lambda a: (a.published, a.origin))
    return out[:limit] if limit else out


def analyse_into(db, articles: list, reuse: bool) -> float:
    from analyzer.nlp import analyze_articles, prepare
    from analyzer.store import save_many

    if reuse and db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] >= len(articles):
        return 0.0
    t = time.perf_counter()
    batch = []
    for res in analyze_articles([prepare(a) for a in articles], sentiment=False):
        batch.append(res)
        if len(batch) >= 32:
            save_many(db, batch)
            batch = []
    save_many(db, batch)
    return time.perf_counter() - t


def old_dates(db) -> list[tuple]:
    """Moves dated more than 31 days before their article's publication."""
    rows = db.execute(
        """SELECT a.published_date, m.date, m.entity, m.change_pct, m.text FROM moves m
           JOIN articles a ON a.id = m.article_id WHERE m.date IS NOT NULL AND a.published_date IS NOT NULL"""
    ).fetchall()
    return [r for r in rows if (date.fromisoformat(r[0]) - date.fromisoformat(r[1][:10])).days > 31]


def report(name: str, db, checks: list, *, rows: bool) -> dict:
    counts = collections.Counter(c.status for c in checks)
    confirmed = counts["match"] + counts["plausible"]
    checked = confirmed + counts["mismatch"]
    reasons = collections.Counter(re.sub(r" \(.*\)| (?:for|on|before) .*", "", c.reason) for c in checks if c.status == "unverifiable")
    comparisons = collections.Counter(c.comparison for c in checks if c.status != "unverifiable")
    old = old_dates(db)
    print(f"\n## {name}: {len(checks)} stated moves")
    print(" | ".join(f"{s} {counts[s]}" for s in ("match", "plausible", "mismatch", "unverifiable")))
    share = f"{100 * counts['mismatch'] / checked:.1f}%" if checked else "n/a"
    print(f"confirmed {confirmed}; mismatches {counts['mismatch']} of {checked} checked ({share})")
    print("comparisons: " + ", ".join(f"{k} {v}" for k, v in comparisons.most_common()))
    print("unverifiable: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    print(f"moves dated > 31 days before their article: {len(old)}")
    for r in old[:20]:
        print(f"  {r[0]} -> {r[1]} {r[2]} {r[3]}: {r[4][:140]!r}")
    if rows:
        texts = {(a, i): (t, s, p) for a, i, t, s, p in db.execute("SELECT article_id, idx, text, session, period FROM moves")}
        for c in checks:
            if c.status == "mismatch":
                t, s, p = texts.get((c.article_id, c.idx), ("", None, None))
                print(f"- {c.symbol} {c.date} {c.comparison}: stated {c.stated_change_pct} / {c.stated_price} q={c.qualifier}"
                      f" actual {c.actual_change_pct} / {c.actual_price} range {c.actual_low_pct}..{c.actual_high_pct} [{c.reason}] session={s} period={p}\n    {t[:300]!r}")
    return {"counts": dict(counts), "confirmed": confirmed, "checked": checked, "old_dates": len(old)}


def run(name: str, articles: list, price_files: list[Path], db_path: Path, *, reuse: bool, rows: bool) -> dict:
    from analyzer.market import check_moves, import_prices
    from analyzer.store import open_db

    db = open_db(db_path)
    secs = analyse_into(db, articles, reuse)
    if not db.execute("SELECT COUNT(*) FROM prices").fetchone()[0]:
        for f in price_files:
            import_prices(db, f)
    checks = check_moves(db)
    print(f"\n{name}: {len(articles)} articles analysed in {secs:.0f}s")
    return report(name, db, checks, rows=rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--market", choices=["korea", "us", "both"], default="both")
    ap.add_argument("--us-limit", type=int, default=None, help="only the first N US articles (by publication)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the databases in this folder")
    ap.add_argument("--reuse", action="store_true", help="reuse kept databases' analyses")
    ap.add_argument("--rows", action="store_true", help="print every mismatch with its sentence")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    folder = args.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    m = SHARED / "market"
    out = {}
    if args.market in ("korea", "both"):
        out["korea"] = run("Korea, Feb 2025", korea_articles(),
                           [m / "krx_all_daily_2025-02_04.csv.gz", m / "krx_index_daily.csv"],
                           folder / "korea.db", reuse=args.reuse, rows=args.rows)
    if args.market in ("us", "both"):
        out["us"] = run("US, Reuters 2013", us_articles(args.us_limit),
                        [m / "us_daily_prices.csv.gz", m / "us_index_daily.csv"],
                        folder / "us.db", reuse=args.reuse, rows=args.rows)
    print("\n" + json.dumps(out))


if __name__ == "__main__":
    main()
