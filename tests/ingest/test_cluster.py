"""Ingest on a Dask cluster: same rows as one process, a killed worker costs nothing, clear errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from analyzer.ingest import ingest  # noqa: E402
from analyzer.ingest.cluster import Cluster  # noqa: E402
from analyzer.store import open_db  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
NEWSIG = [sys.executable, "-c", "from cli import app; app()"]
DASK = [sys.executable, "-m", "dask"]
TABLES = ("articles", "entities", "mentions", "moves", "metrics", "views", "sectors", "events", "sentences",
          "ingest_errors")

COMPANIES = ["Acme Corp", "Globex Inc", "Initech", "Umbrella Group", "Hooli", "Vandelay Industries",
             "Stark Holdings", "Wayne Enterprises"]
VERBS = [("rose", "beat"), ("fell", "missed"), ("jumped", "topped"), ("slid", "lagged")]


def write_articles(folder: Path, n: int = 40) -> Path:
    """n short made-up wire stories in one JSONL file (plus one exact repeat and one empty body)."""
    lines = []
    for i in range(n):
        company = COMPANIES[i % len(COMPANIES)]
        move, result = VERBS[i % len(VERBS)]
        body = (f"{company} shares {move} {2 + i % 7}.{i % 10}% on day {i} after the company {result} "
                f"estimates for its quarter, reporting revenue of ${100 + i} million. "
                f"\"We expect demand to stay firm,\" its chief executive said in a statement. "
                f"Analysts at one bank kept their rating on the stock, with a target of ${20 + i}.")
        day = 1 + i % 27
        lines.append({"title": f"{company} story {i}", "body": body, "published": f"2021-03-{day:02d}T10:00:00",
                      "url": f"https://news.test/{i}"})
    lines.append(lines[min(3, n - 1)])  # a duplicate in the input
    lines.insert(min(7, n), {"title": "blank", "body": "  "})  # a bad item
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wire.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path


def table_rows(db_path: Path, table: str) -> list[tuple]:
    """Rows without per-run columns (ingest run, time stored), sorted."""
    conn = sqlite3.connect(db_path)
    cur = conn.execute(f"SELECT * FROM [{table}]")
    per_run = {"ingest_run", "ingested_at", "at"} | ({"id"} if table == "ingest_errors" else set())
    keep = [i for i, d in enumerate(cur.description) if d[0] not in per_run]
    out = sorted((tuple(r[i] for i in keep) for r in cur.fetchall()), key=repr)
    conn.close()
    return out


def counters(db_path: Path) -> tuple:
    conn = sqlite3.connect(db_path)
    row = conn.execute("SELECT read, stored, duplicates, near_duplicates, skipped, failed FROM ingest_runs").fetchone()
    conn.close()
    return row


def test_local_cluster_of_two_stores_the_same_rows_as_one_process(tmp_path):
    src = write_articles(tmp_path / "in")
    one = open_db(tmp_path / "one.db")
    single = ingest(one, [src], sentiment=False, batch_size=4)
    two = open_db(tmp_path / "two.db")
    with Cluster("local:2", sentiment=False) as cluster:
        spread = ingest(two, [src], sentiment=False, batch_size=4, cluster=cluster)
    assert (spread.read, spread.stored, spread.duplicates, spread.failed) == (42, 40, 1, 1)
    assert spread.as_dict() == single.as_dict()
    assert spread.workers >= 1
    for table in TABLES:
        assert table_rows(tmp_path / "two.db", table) == table_rows(tmp_path / "one.db", table), table
    assert counters(tmp_path / "two.db") == counters(tmp_path / "one.db")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_workers(address: str, n: int, timeout: float = 40) -> None:
    from distributed import Client

    with Client(address, timeout=10) as c:
        c.wait_for_workers(n, timeout=timeout)


def test_a_worker_killed_mid_run_costs_nothing(tmp_path):
    src = write_articles(tmp_path / "in")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "NEWSIG_THREADS": "1"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": REPO}
    procs = [subprocess.Popen([*DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **quiet)]
    try:
        time.sleep(1)
        workers = [subprocess.Popen([*DASK, "worker", address, "--nthreads", "1", "--no-nanny",
                                     "--no-dashboard", "--host", "127.0.0.1"], **quiet) for _ in range(2)]
        procs += workers
        _wait_workers(address, 2)
        db = open_db(tmp_path / "n.db")
        killed = []

        def on_progress(job):  # once the first batch is stored, kill a worker that has batches queued
            if job.stats.stored and not killed:
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait(10)
                killed.append(True)

        with Cluster(address, sentiment=False) as cluster:
            stats = ingest(db, [src], sentiment=False, batch_size=4, cluster=cluster, on_progress=on_progress)
        assert killed
        assert (stats.stored, stats.failed) == (40, 1)
        assert db.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (40, 40)
        assert db.execute("SELECT count(*) FROM ingest_errors").fetchone()[0] == 1  # the blank body only
        assert db.execute("SELECT count(*) FROM ingest_runs WHERE finished_at IS NOT NULL").fetchone()[0] == 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)


def test_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path):
    src = write_articles(tmp_path / "in", n=2)
    db = tmp_path / "n.db"
    port = _free_port()  # nothing listens there
    out = subprocess.run([*NEWSIG, "ingest", str(src), "--db", str(db), "--cluster", f"tcp://127.0.0.1:{port}",
                          "--no-sentiment"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Cannot reach the Dask scheduler"), out.stderr
    assert not db.exists()


def test_bad_cluster_address_and_workers_together_are_refused(tmp_path):
    src = write_articles(tmp_path / "in", n=1)
    for extra in (["--cluster", "local:0"], ["--cluster", "local:2", "--workers", "2"]):
        out = subprocess.run([*NEWSIG, "ingest", str(src), "--db", str(tmp_path / "n.db"), *extra],
                             capture_output=True, text=True, cwd=REPO, timeout=60)
        assert out.returncode == 1 and out.stderr.startswith("Error: "), out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "n.db").exists()


def test_missing_cluster_extra_is_one_line(tmp_path):
    src = write_articles(tmp_path / "in", n=1)
    no_dask = [sys.executable, "-c", "import sys; sys.modules['distributed'] = None; from cli import app; app()"]
    out = subprocess.run([*no_dask, "ingest", str(src), "--db", str(tmp_path / "n.db"), "--cluster", "local:1"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == ("Error: An optional dependency is not installed: "
                                  "--cluster needs Dask: pip install 'newsig[cluster]'")
    assert not (tmp_path / "n.db").exists()
