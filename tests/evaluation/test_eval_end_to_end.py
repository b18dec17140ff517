"""End to end on three articles of the shared dev set (skipped when ../shared is absent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NEWSIG_SHARED", REPO.parent / "shared"))
DEV = SHARED / "data" / "extraction" / "dev.jsonl"
needs_dev = pytest.mark.skipif(not DEV.is_file(), reason=f"no dev set at {DEV} (set NEWSIG_SHARED)")


@pytest.fixture(scope="module")
def module_report():
    if not DEV.is_file():
        pytest.skip(f"no dev set at {DEV} (set NEWSIG_SHARED)")
    out = subprocess.run([sys.executable, "-m", "analyzer.evaluation", "--gold", str(DEV), "--no-sentiment",
                          "--limit", "3", "--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@needs_dev
def test_module_entry_scores_three_articles(module_report):
    report = module_report
    assert len(report["articles"]) == 3 and report["sentiment"] is False
    assert 0.0 <= report["score"] <= 1.0
    assert set(report["parts"]) <= {"entities", "moves", "metrics", "views"}  # no sentiment part
    totals = [a["total"] for a in report["articles"]]
    assert report["score"] == pytest.approx(sum(totals) / 3)
    for art in report["articles"]:
        parts = art["parts"]
        assert art["total"] == pytest.approx(sum(p["f1"] for p in parts.values()) / len(parts))
        for part in parts.values():
            for entry in part["missed"] + part["extra"]:
                assert entry["what"] and (entry["text"] is None or isinstance(entry["text"], str))


@needs_dev
def test_module_entry_bad_gold_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"case": "x", "text": "Acme rose 3%.", "gold": {"moves": [{"ticker": "A"}]}}\n')
    out = subprocess.run([sys.executable, "-m", "analyzer.evaluation", "--gold", str(bad)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [f"Error: Bad gold file: {bad}:1: case 'x': gold.moves[0] needs a change_pct or a price"]


@pytest.fixture(scope="module")
def runner():
    from typer.testing import CliRunner

    return CliRunner()


def _cli():
    sys.path.insert(0, str(REPO))
    from cli import app

    return app


@needs_dev
def test_newsig_eval_json_has_score_parts_and_articles(runner, module_report):
    result = runner.invoke(_cli(), ["eval", "--gold", str(DEV), "--no-sentiment", "--limit", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["score"] == pytest.approx(module_report["score"])  # same pipeline, same numbers
    assert report["parts"] == pytest.approx(module_report["parts"])
    assert [a["case"] for a in report["articles"]] == [a["case"] for a in module_report["articles"]]


@needs_dev
def test_newsig_eval_tables_with_misses(runner, module_report):
    first = module_report["articles"][0]["case"]
    result = runner.invoke(_cli(), ["eval", "--gold", str(DEV), "--no-sentiment", "--case", first, "--misses"])
    assert result.exit_code == 0, result.output
    assert "Parts" in result.stdout and first in result.stdout and "score " in result.stdout
    assert "sentiment off" in result.stdout


def test_newsig_eval_bad_gold_and_bad_format(runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("[1, 2]\n")
    result = runner.invoke(_cli(), ["eval", "--gold", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: Bad gold file: {bad}:1: expected a JSON object"
    result = runner.invoke(_cli(), ["eval", "--gold", str(bad), "--format", "xml"])
    assert result.exit_code == 2
