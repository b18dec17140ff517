"""Ingest speed and memory on the Reuters sample: articles/s, peak RSS, time per stage.

Run by hand (it takes minutes on 2 cores), prints a markdown table::

    .venv/bin/python benchmarks/bench_ingest.py --limit 500
    .venv/bin/python benchmarks/bench_ingest.py --limit 2000 --workers 2 --no-sentiment
    .venv/bin/python benchmarks/bench_ingest.py --limit 500 --cluster local:2
    .venv/bin/python benchmarks/bench_ingest.py --limit 800 --compare /tmp/oldmain

``--compare TREE`` runs the same articles, one run after another in fresh processes,
through another checkout (e.g. the previous main: ``git worktree add /tmp/oldmain
589bbe2``), through this tree, and through this tree with ``--cluster local:1`` and
``local:2``; it prints articles/s, the ratio to the other tree, the load average, and
the single SQLite writer's measured batches/s (the ceiling of any cluster).

Stages: parse (read + JSON + checks), spaCy (tokenizer, statistical model and
our rule components, exclusive time per component), transformer (the
``newsig_sentiment`` component), extract (Doc -> records), SQLite (store, plus
near-duplicate linking). Component times are measured in this process, so with
``--workers > 1`` only the totals are meaningful.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import resource
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if "--child" not in sys.argv:  # a child imports the tree its PYTHONPATH names (--compare runs another checkout)
    sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("NEWSIG_SHARED", REPO.parent / "shared")) / "data"
TRANSFORMER = ("newsig_sentiment",)


def rss_mb() -> float:
    """Resident memory now (Linux /proc), MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class ComponentClock:
    """Exclusive time per pipeline component (nested generators subtract their inner stages)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = defaultdict(float)
        self.total = 0.0

    def wrap(self, nlp) -> None:
        """Put a timing proxy in front of each component (spaCy's Cython classes can't be patched)."""
        nlp._components[:] = [(name, _Timed(self, name, proc)) for name, proc in nlp._components]

    def _timed(self, name, gen):
        while True:
            t0, before = time.perf_counter(), self.total
            try:
                doc = next(gen)
            except StopIteration:
                return
            own = time.perf_counter() - t0 - (self.total - before)
            self.times[name] += own
            self.total += own
            yield doc


class _Timed:
    """Stands in for a component in ``nlp.pipeline``; nlp.pipe calls ``.pipe(docs, batch_size=...)``."""

    def __init__(self, clock: ComponentClock, name: str, proc) -> None:
        self.clock, self.name, self.proc = clock, name, proc

    def __call__(self, doc):
        return self.proc(doc)

    def pipe(self, docs, **kw):
        gen = self.proc.pipe(docs, **kw) if hasattr(self.proc, "pipe") else (self.proc(d) for d in docs)
        return self.clock._timed(self.name, gen)

    def __getattr__(self, attr):
        return getattr(self.proc, attr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=2000, help="articles to ingest (the sample has 2,000)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-sentiment", action="store_true")
    ap.add_argument("--cluster", help="local:N or tcp://HOST:PORT: analyse on Dask")
    ap.add_argument("--compare", metavar="TREE", help="another checkout to compare with (see above)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.compare:
        return compare(args)
    if args.child:
        return child(args)

    from analyzer.ingest import Ingest
    from analyzer.nlp import build_nlp
    from analyzer.store import open_db

    src = SHARED / "news" / "reuters_sample.jsonl.gz"
    if not src.exists():
        sys.exit(f"no Reuters sample at {src} (set NEWSIG_SHARED)")
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    part = tmp / "reuters.jsonl.gz"
    with gzip.open(src, "rb") as fin, gzip.open(part, "wb") as fout:
        fout.writelines(itertools.islice(fin, args.limit))

    rss0 = rss_mb()
    t0 = time.perf_counter()
    nlp = build_nlp(sentiment=not args.no_sentiment)
    load_s = time.perf_counter() - t0
    clock = ComponentClock()
    clock.wrap(nlp)
    rss_loaded = rss_mb()
    samples: list[float] = []

    def on_progress(job: Ingest) -> None:
        if job.stats.read % 50 == 0:
            samples.append(rss_mb())

    db = open_db(tmp / "bench.db")
    cluster = None
    if args.cluster:
        from analyzer.ingest.cluster import Cluster

        cluster = Cluster(args.cluster, sentiment=not args.no_sentiment)
    t1 = time.perf_counter()
    job = Ingest(db, batch_size=args.batch_size, workers=args.workers, sentiment=not args.no_sentiment,
                 on_progress=on_progress, cluster=cluster)
    stats = job.run([part])
    wall = time.perf_counter() - t1
    if cluster is not None:
        cluster.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t = stats.timings
    transformer = sum(v for k, v in clock.times.items() if k in TRANSFORMER)
    spacy = sum(v for k, v in clock.times.items() if k not in TRANSFORMER)
    extract = max(t["analyze"] - clock.total, 0.0) if args.workers == 1 else float("nan")
    rows = [
        ("parse (read, JSON, checks)", t["parse"]),
        ("spaCy (tokenizer, model, our components)", spacy if args.workers == 1 else float("nan")),
        ("transformer (sentiment)", transformer if args.workers == 1 else float("nan")),
        ("extract (Doc -> records)", extract),
        ("analyze total", t["analyze"]),
        ("SQLite store (save_many)", t["store"]),
        ("SQLite near-duplicates + novelty", t["link"]),
    ]
    print(f"\n### newsig ingest: {stats.stored:,} Reuters articles, batch {args.batch_size}, "
          f"workers {args.workers}, sentiment {'off' if args.no_sentiment else 'on'}, {os.cpu_count()} cores\n")
    print("| stage | seconds | share |\n| --- | ---: | ---: |")
    for name, sec in rows:
        print(f"| {name} | {sec:.1f} | {sec / wall:.0%} |")
    print(f"| **wall (excl. model load {load_s:.1f} s)** | **{wall:.1f}** | |")
    print(f"\n- throughput: **{stats.stored / wall:.1f} articles/s** "
          f"({stats.read:,} read, {stats.stored:,} stored, {stats.duplicates} duplicates, "
          f"{stats.near_duplicates} near-duplicates, {stats.failed} failed)")
    print(f"- memory: {rss0:.0f} MB at start, {rss_loaded:.0f} MB with models loaded, "
          f"RSS during run {min(samples or [0]):.0f}..{max(samples or [0]):.0f} MB, peak {peak:.0f} MB")
    if args.workers == 1 and not args.cluster:
        top = sorted(clock.times.items(), key=lambda kv: -kv[1])[:6]
        print("- slowest components: " + ", ".join(f"{k} {v:.1f} s" for k, v in top))
    batches = -(-stats.stored // args.batch_size)
    writer = t["store"] + t["link"]
    print(f"- SQLite writer: {batches / max(writer, 1e-9):.1f} batches/s "
          f"(= {stats.stored / max(writer, 1e-9):.0f} articles/s, the ceiling of any cluster)")


def sample(limit: int) -> Path:
    src = SHARED / "news" / "reuters_sample.jsonl.gz"
    if not src.exists():
        sys.exit(f"no Reuters sample at {src} (set NEWSIG_SHARED)")
    part = Path(tempfile.mkdtemp(prefix="bench_ingest_")) / "reuters.jsonl.gz"
    with gzip.open(src, "rb") as fin, gzip.open(part, "wb") as fout:
        fout.writelines(itertools.islice(fin, limit))
    return part


def child(args) -> None:
    """One timed run in this process (whatever tree is first on sys.path); one JSON line out."""
    import json

    from analyzer.ingest import Ingest  # both layouts export it here
    from analyzer.store import open_db

    part = sample(args.limit)
    kw = {}
    cluster = None
    if args.cluster:
        from analyzer.ingest.cluster import Cluster

        cluster = Cluster(args.cluster, sentiment=not args.no_sentiment)
        kw["cluster"] = cluster
    try:
        from analyzer.nlp.pipeline import build_nlp
    except ImportError:  # the layout before the subpackages
        from analyzer.pipeline import build_nlp
    if not args.cluster:  # load outside the timed run (a cluster loads on its workers)
        nlp = build_nlp(sentiment=not args.no_sentiment)
        if not args.no_sentiment:
            nlp.get_pipe("newsig_sentiment").model  # the transformer loads lazily on the first doc otherwise
    db = open_db(part.parent / "bench.db")
    t0 = time.perf_counter()
    stats = Ingest(db, batch_size=args.batch_size, sentiment=not args.no_sentiment, **kw).run([part])
    wall = time.perf_counter() - t0
    if cluster is not None:
        cluster.close()
    print(json.dumps({"stored": stats.stored, "wall": wall, "store": stats.timings["store"],
                      "link": stats.timings["link"], "workers": getattr(stats, "workers", 0),
                      "load": os.getloadavg()[0]}))


def compare(args) -> None:
    """Old tree, this tree, this tree on local:1 and local:2: same articles, fresh processes."""
    import json
    import subprocess

    runs = [("previous main", Path(args.compare), None), ("this tree", REPO, None),
            ("this tree --cluster local:1", REPO, "local:1"), ("this tree --cluster local:2", REPO, "local:2")]
    out = []
    for name, tree, cluster in runs:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--limit", str(args.limit),
               "--batch-size", str(args.batch_size)] + (["--no-sentiment"] if args.no_sentiment else []) \
            + (["--cluster", cluster] if cluster else [])
        # -S: site-packages on PYTHONPATH after the tree, but no .pth files run, so this venv's
        # editable install of the current checkout cannot lend the other tree its modules
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), sysconfig.get_paths()["purelib"]])}
        cmd = [cmd[0], "-S", *cmd[1:]]
        load0 = os.getloadavg()[0]
        proc = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"{name} failed:\n{proc.stderr[-2000:]}")
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res.update(name=name, load0=load0)
        out.append(res)
        print(f"{name}: {res['stored'] / res['wall']:.2f} articles/s", file=sys.stderr)
    base = out[0]["stored"] / out[0]["wall"]
    print(f"\n### newsig ingest, {out[0]['stored']:,} Reuters articles, batch {args.batch_size}, "
          f"sentiment {'off' if args.no_sentiment else 'on'}, {os.cpu_count()} cores\n")
    print("| run | articles/s | vs previous main | load avg (start / end) | SQLite writer batches/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in out:
        rate = r["stored"] / r["wall"]
        batches = -(-r["stored"] // args.batch_size)
        writer = batches / max(r["store"] + r["link"], 1e-9)
        print(f"| {r['name']} | {rate:.2f} | {rate / base:.2f}x | {r['load0']:.1f} / {r['load']:.1f} | {writer:.0f} |")


if __name__ == "__main__":
    main()
