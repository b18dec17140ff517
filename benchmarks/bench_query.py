"""Speed of the query commands on a generated database of 100k+ articles.

Rows are generated directly in SQLite (no NLP): tickers follow a Zipf-like
popularity so the busiest ticker (086520) has thousands of entity rows, like a
real archive. Prints a markdown table. Run by hand:

    .venv/bin/python benchmarks/bench_query.py [--articles 100000] [--db /tmp/bench_query.db]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzer.query import queries as query  # noqa: E402
from analyzer.store import db as store  # noqa: E402

WORDS = ("shares fell rose after earnings guidance short selling battery demand analysts said "
         "investors market quarter profit revenue outlook cut raised stock index").split()


def build(path: Path, n_articles: int, seed: int = 7) -> None:
    """Write ``n_articles`` articles with 1-4 entities each, 2,000 tickers, 3 years of dates."""
    rng = random.Random(seed)
    if path.exists():
        path.unlink()
    db = store.open_db(path)
    tickers = ["086520"] + [f"{i:06d}" for i in range(100000, 102000)]
    weights = [1.0 / (rank + 1) for rank in range(len(tickers))]
    start = date(2023, 1, 1)
    articles, entities, views = [], [], []
    for i in range(n_articles):
        aid = f"{i:016x}"
        day = (start + timedelta(days=rng.randrange(3 * 365))).isoformat()
        body = " ".join(rng.choice(WORDS) for _ in range(60))
        articles.append((aid, f"Story {i}", day, day, "bench", body, round(rng.uniform(-1, 1), 3),
                         round(rng.random(), 3)))
        for t in set(rng.choices(tickers, weights, k=rng.randint(1, 4))):
            entities.append((aid, t, t, t, f"{t}.KQ", "subject", rng.uniform(-1, 1), rng.random(), 1))
        if i % 10 == 0:
            views.append((aid, 0, "Analyst", "Firm", "negative", -0.5, '["086520"]', "q"))
    with db.conn:
        db.execute("BEGIN")
        db.conn.executemany("INSERT INTO articles (id, title, published, published_date, source, body, "
                            "sentiment, novelty) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", articles)
        db.conn.executemany("INSERT INTO entities (article_id, entity_key, name, ticker, symbol, role, "
                            "sentiment, relevance, mention_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", entities)
        db.conn.executemany("INSERT INTO views (article_id, idx, analyst, firm, stance, score, target_tickers, "
                            "quote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", views)
    db.execute("ANALYZE")
    db.conn.close()


def best_of(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_query.db"))
    args = parser.parse_args()
    t0 = time.perf_counter()
    build(args.db, args.articles)
    build_s = time.perf_counter() - t0
    counts = query.run_query(args.db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM entities), "
                                      "(SELECT count(*) FROM entities WHERE ticker = '086520')").rows[0]
    newsig = Path(sys.executable).with_name("newsig")
    rows = [
        ("signals --ticker 086520 (in-process)",
         best_of(lambda: query.signals(args.db, "086520"))),
        ("signals --ticker 086520 --since 2025-01-01 (in-process)",
         best_of(lambda: query.signals(args.db, "086520", since="2025-01-01"))),
        ("signals --ticker 101999 (rare ticker, in-process)",
         best_of(lambda: query.signals(args.db, "101999"))),
        ("daily_signals view, one ticker (in-process)",
         best_of(lambda: query.run_query(args.db, "SELECT * FROM daily_signals WHERE ticker = '086520'"))),
        ("articles --search \"short selling\" (in-process, limit 100)",
         best_of(lambda: query.articles(args.db, search="short selling"))),
        ("views --ticker 086520 (in-process)",
         best_of(lambda: query.analyst_views(args.db, ticker="086520"))),
        ("newsig signals --ticker 086520 --format json (CLI, whole process)",
         best_of(lambda: subprocess.run([str(newsig), "signals", "--ticker", "086520", "--db", str(args.db),
                                         "--format", "json"], check=True, capture_output=True), repeat=3)),
    ]
    print(f"Database: {counts[0]:,} articles, {counts[1]:,} entity rows, {counts[2]:,} rows for 086520 "
          f"(built in {build_s:.1f} s)\n")
    print("| query | median time |")
    print("| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
