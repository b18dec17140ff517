"""Speed of `newsig analyze` and of the extraction pipeline (run by hand; figures go in the README).

    .venv/bin/python benchmarks/bench_analyze.py [--articles 200]

Measures: `newsig --help` and `newsig analyze` of the seed article, cold, from the
shell (best of 3 runs); pipeline build time; articles/second of `nlp.pipe` over
real Reuters articles from ../shared/data/news, with and without the transformer.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSIG_SHARED", REPO.parent / "shared")) / "data"
SEED = REPO / "corpus" / "short_selling_resumes_2025-03-31.txt"
NEWSIG = str(Path(sys.executable).with_name("newsig"))


def best_of(cmd: list[str], n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)


def cold_build(universe: bool, n: int = 3) -> float:
    """Best of n: build_nlp in a fresh interpreter, timed inside it (interpreter start excluded)."""
    code = ("import time; t = time.perf_counter(); from analyzer.nlp.pipeline import build_nlp; "
            f"build_nlp(sentiment=False, universe={universe}); print(time.perf_counter() - t)")
    return min(float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True).stdout) for _ in range(n))


def reuters(n: int):
    from analyzer.records import Article

    with gzip.open(SHARED / "news" / "reuters_sample.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in zip(range(n), fh):
            row = json.loads(line)
            yield Article(text=row["body"], title=row["title"], published=row["published"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200)
    args = ap.parse_args()
    rows = []
    rows.append(("`newsig --help`", f"{best_of([NEWSIG, '--help']):.2f} s"))
    seed = [NEWSIG, "analyze", "--file", str(SEED), "--date", "2025-03-31", "--format", "json"]
    rows.append(("`newsig analyze` seed, cold, no sentiment", f"{best_of(seed + ['--no-sentiment']):.2f} s"))
    rows.append(("`newsig analyze` seed, cold, with sentiment", f"{best_of(seed):.2f} s"))

    for universe in (False, True):
        label = "with" if universe else "without"
        rows.append((f"pipeline build in a fresh process (spaCy import included), {label} the universe linker",
                     f"{cold_build(universe):.2f} s"))

    from analyzer.nlp import analyze_articles, build_nlp, prepare

    if (SHARED / "news").exists():
        articles = [prepare(a) for a in reuters(args.articles)]
        chars = sum(len(a.text) for a in articles)
        for sentiment in (False, True):
            build_nlp(sentiment=sentiment)
            list(analyze_articles(articles[:4], sentiment=sentiment))  # warm
            t = time.perf_counter()
            n = sum(1 for _ in analyze_articles(articles, sentiment=sentiment, batch_size=16))
            dt = time.perf_counter() - t
            label = "with" if sentiment else "without"
            rows.append((f"pipeline, {n} Reuters articles ({chars // n:,} chars avg), {label} sentiment",
                         f"{n / dt:.1f} articles/s"))
    print("| measure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
