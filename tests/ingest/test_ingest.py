"""Batch ingest: every good item stored once, every bad one recorded; resumable after kill -9."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.ingest.driver import Ingest, ingest
from analyzer.records import Article, ArticleResult, Entity
from analyzer.store.db import open_db

SHARED = Path(os.environ.get("NEWSIG_SHARED", Path(__file__).resolve().parents[3] / "shared")) / "data"
REUTERS = SHARED / "news" / "reuters_sample.jsonl.gz"
NEWSIG = [sys.executable, "-c", "from cli import app; app()"]
BODY = "Acme Corp shares rose 5% on Tuesday after the company beat analyst estimates for the quarter."


def reuters_lines(n: int) -> list[str]:
    if not REUTERS.exists():
        pytest.skip(f"shared data not found at {SHARED} (set NEWSIG_SHARED)")
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        return list(itertools.islice(f, n))


def fake_analyze(articles, **_):
    """Stand-in for the pipeline where a test is about storage, not extraction."""
    for a in articles:
        if "EXPLODE" in a.text:
            raise RuntimeError("component bug")
        ents = (Entity(name="Acme", ticker="ACME", exchange="NYSE", symbol="ACME", role="subject",
                       mentions=()),) if "Acme" in a.text else ()
        yield ArticleResult(article=a, entities=ents)


def rows(db_path: Path, table: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    cur = conn.execute(f"SELECT * FROM [{table}]")
    keep = [i for i, d in enumerate(cur.description) if d[0] not in drop]
    out = sorted(tuple(r[i] for i in keep) for r in cur.fetchall())
    conn.close()
    return out


def count(db, sql: str) -> int:
    return db.execute(sql).fetchone()[0]


def write_broken_folder(root: Path) -> tuple[int, int]:
    """Good and bad files side by side; returns (good articles, bad items)."""
    (root / "sub").mkdir(parents=True)
    (root / "good.txt").write_text(f"Acme beats estimates\n\n{BODY}\n")
    (root / "sub" / "good.md").write_text("# Globex falls\n\nGlobex Inc shares fell 3% after it cut its outlook.\n")
    (root / "mixed.jsonl").write_text("\n".join([
        json.dumps({"title": "Initech", "body": "Initech Corp said on Monday it would buy back shares."}),
        "{broken json",
        json.dumps({"title": "nothing", "body": ""}),
        json.dumps({"body": "Hooli shares jumped 8% on strong cloud revenue.", "date": "not a date"}),
    ]) + "\n")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x03 binary")
    (root / "latin1.txt").write_bytes("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale shares fell.".encode("latin-1"))
    long_line = json.dumps({"body": " ".join(f"word{i}" for i in range(3000))}).encode() + b"\n"
    (root / "truncated.jsonl.gz").write_bytes(gzip.compress(long_line)[:200])
    (root / "empty.txt").write_text("   \n")
    (root / "unreadable.txt").write_text("Umbrella Corp shares slid 2% after a recall.")
    os.chmod(root / "unreadable.txt", 0)
    # good 3; bad: json line, empty body, bad date, binary, encoding, gzip, empty file, unreadable
    return 3, 8


def test_broken_folder_records_every_failure_and_stores_every_good_file(tmp_path):
    good, bad = write_broken_folder(tmp_path / "in")
    db = open_db(tmp_path / "n.db")
    seen = []
    stats = ingest(db, [tmp_path / "in"], sentiment=False, batch_size=2, on_error=lambda o, e: seen.append(o))
    if os.geteuid() == 0:  # root reads a chmod-0 file anyway
        good, bad = good + 1, bad - 1
    assert (stats.stored, stats.failed) == (good, bad)
    assert count(db, "SELECT count(*) FROM articles") == good
    errors = {Path(o).name for o, in db.execute("SELECT origin FROM ingest_errors")}
    assert {"mixed.jsonl:2", "mixed.jsonl:3", "mixed.jsonl:4", "binary.txt", "latin1.txt", "empty.txt"} <= errors
    assert any(e.startswith("truncated.jsonl.gz") for e in errors) and len(seen) == bad
    again = ingest(db, [tmp_path / "in"], sentiment=False)
    assert (again.stored, again.skipped, again.failed) == (0, good, bad)
    assert count(db, "SELECT count(*) FROM ingest_errors") == bad  # recorded once, not per run


def test_reuters_sample_stored_exactly_once(tmp_path):
    lines = reuters_lines(20)
    src = tmp_path / "reuters.jsonl"
    src.write_text("".join(lines) + lines[0])  # the first story twice: a duplicate in the input
    db = open_db(tmp_path / "n.db")
    stats = ingest(db, [src], sentiment=False, batch_size=8)
    assert (stats.read, stats.stored, stats.duplicates, stats.failed) == (21, 20, 1, 0)
    ids = {Article(text=json.loads(line)["body"]).id for line in lines}
    assert {r[0] for r in db.execute("SELECT id FROM articles")} == ids
    first = json.loads(lines[0])
    assert db.execute("SELECT title, url, published_date FROM articles WHERE url = ?", [first["url"]]).fetchone() == (
        first["title"], first["url"], first["published"][:10])
    again = ingest(db, [src], sentiment=False)
    assert (again.stored, again.skipped, again.duplicates) == (0, 21, 0)  # all stored by an earlier run
    assert count(db, "SELECT count(*) FROM articles") == 20
    assert count(db, "SELECT count(*) FROM ingest_runs WHERE finished_at IS NOT NULL") == 2


def test_same_url_with_new_text_is_skipped(tmp_path):
    db = open_db(tmp_path / "n.db")
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps({"body": BODY, "url": "https://x.test/1"}) + "\n")
    b = tmp_path / "b.jsonl"
    b.write_text(json.dumps({"body": BODY + " Updated.", "url": "https://x.test/1"}) + "\n")
    ingest(db, [a], analyze=fake_analyze)
    assert ingest(db, [b], analyze=fake_analyze).skipped == 1
    assert count(db, "SELECT count(*) FROM articles") == 1


def test_one_bad_article_does_not_sink_its_batch(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"body": f"{BODY} {w}"}) + "\n" for w in ("one", "EXPLODE", "three")))
    db = open_db(tmp_path / "n.db")
    stats = ingest(db, [src], analyze=fake_analyze, batch_size=3)
    assert (stats.stored, stats.failed) == (2, 1)
    assert db.execute("SELECT origin, error FROM ingest_errors").fetchone() == (
        f"{src}:2", "analysis failed: RuntimeError: component bug")


WIRE = ("Acme Corp said on Tuesday it would cut 2,000 jobs and close three plants in Ohio as demand for its "
        "industrial pumps slowed, sending its shares down 4 percent in early trading on the New York Stock "
        "Exchange. The company also lowered its full-year profit forecast, citing weaker orders from oil "
        "and gas customers and a stronger dollar.")


def test_near_duplicates_link_to_the_earliest_story_whatever_the_order(tmp_path):
    stories = [
        {"body": WIRE + " Shares later pared losses.", "published": "2013-07-17T12:00:00", "title": "copy"},
        {"body": WIRE, "published": "2013-07-17T09:00:00", "title": "first"},
        {"body": "Acme Corp named a new chief financial officer on Wednesday, promoting its treasurer.",
         "published": "2013-07-18T09:00:00", "title": "other"},
        {"body": WIRE + " A reprint.", "published": "2013-09-30T09:00:00", "title": "months later"},
    ]
    results = []
    for order in (stories, stories[::-1]):
        src = tmp_path / f"s{len(results)}.jsonl"
        src.write_text("".join(json.dumps(s) + "\n" for s in order))
        db = open_db(tmp_path / f"n{len(results)}.db")
        stats = ingest(db, [src], analyze=fake_analyze, batch_size=1)
        got = {r["title"]: r for r in db.query(
            "SELECT a.title, b.title AS original, a.novelty FROM articles a LEFT JOIN articles b ON b.id = a.duplicate_of")}
        results.append(got)
    assert results[0] == results[1]
    got = results[0]
    assert got["copy"]["original"] == "first" and got["first"]["original"] is None
    assert got["first"]["novelty"] == 1.0 and got["copy"]["novelty"] < 0.4
    assert got["other"]["original"] is None and got["other"]["novelty"] > 0.8
    assert got["months later"]["original"] is None  # outside the window
    assert stats.near_duplicates >= 0


def test_cli_exit_code_summary_and_stderr(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"body": BODY}) + "\n{oops\n")
    db = str(tmp_path / "n.db")
    run = CliRunner().invoke(app, ["ingest", str(src), "--db", db, "--no-sentiment"])
    assert run.exit_code == 1
    assert "read 2  stored 1  duplicates 0  near-duplicates 0  skipped 0  failed 1" in run.stdout
    assert f"{src}:2: invalid JSON" in run.stderr and "Traceback" not in run.stderr
    assert "\x1b[" not in run.stderr  # no progress bar in a pipe
    ok = CliRunner().invoke(app, ["ingest", "-", "--db", db, "--no-sentiment", "--field", "body=story"],
                            input=json.dumps({"story": BODY + " More."}) + "\n")
    assert ok.exit_code == 0 and "stored 1" in ok.stdout, ok.output
    bad = CliRunner().invoke(app, ["ingest", str(src), "--db", db, "--field", "colour=red"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: Input could not be read: unknown field")


def _folder_of_articles(root: Path, n: int) -> Path:
    root.mkdir()
    lines = reuters_lines(n)
    for i in range(0, n, 5):
        (root / f"part{i:03d}.jsonl").write_text("".join(lines[i:i + 5]))
    return root


TABLES = {"articles": ("ingested_at", "ingest_run"), "entities": (), "mentions": (), "moves": (),
          "metrics": (), "views": (), "sectors": (), "events": (), "sentences": (), "article_minhash": ()}


def test_kill_9_then_rerun_equals_uninterrupted_run(tmp_path):
    src = _folder_of_articles(tmp_path / "in", 18)
    repo = Path(__file__).resolve().parents[2]
    cmd = [*NEWSIG, "ingest", str(src), "--no-sentiment", "--batch-size", "3", "--db"]
    full = tmp_path / "full.db"
    subprocess.run([*cmd, str(full)], check=True, capture_output=True, cwd=repo)

    killed = tmp_path / "killed.db"
    proc = subprocess.Popen([*cmd, str(killed)], cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if killed.exists():
            try:
                with sqlite3.connect(killed, timeout=5) as conn:
                    if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 6:
                        break
            except sqlite3.OperationalError:
                pass  # schema not created yet
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(killed) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert partial % 3 == 0  # whole batches only

    rerun = subprocess.run([*cmd, str(killed)], capture_output=True, text=True, cwd=repo)
    assert rerun.returncode == 0, rerun.stderr
    assert f"stored {18 - partial}" in rerun.stdout
    for table, drop in TABLES.items():
        assert rows(killed, table, drop) == rows(full, table, drop), table
    with sqlite3.connect(killed) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_ingests_and_a_reader_at_once(tmp_path):
    src = _folder_of_articles(tmp_path / "in", 10)
    repo = Path(__file__).resolve().parents[2]
    db_path = tmp_path / "n.db"
    open_db(db_path).conn.close()
    cmd = [*NEWSIG, "ingest", "--no-sentiment", "--batch-size", "2", "--db", str(db_path)]
    procs = [subprocess.Popen([*cmd, str(src)], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
             subprocess.Popen([*cmd, str(src / "part005.jsonl")], cwd=repo,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    reader = open_db(db_path)
    reads = 0
    while any(p.poll() is None for p in procs):
        reads += 1
        assert count(reader, "SELECT count(*) FROM articles") <= 10
        time.sleep(0.05)
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert not any("locked" in err for _, err in outs)
    assert count(reader, "SELECT count(*) FROM articles") == 10
    assert count(reader, "SELECT count(*) FROM (SELECT url FROM articles GROUP BY url HAVING count(*) > 1)") == 0
    assert reads > 0


def test_ingest_rejects_bad_settings(tmp_path):
    from analyzer.errors import NewsigError

    with pytest.raises(NewsigError):
        Ingest(open_db(tmp_path / "n.db"), batch_size=0)
