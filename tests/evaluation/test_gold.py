"""Reading a gold file: defaults filled in, bad lines named by file, line and field."""

from __future__ import annotations

import json

import pytest

from analyzer.evaluation import BadGold, load_gold


def line(case="c1", **gold):
    return json.dumps({"case": case, "title": "Acme rises", "published": "2025-02-12",
                       "text": "Acme Corp rose 3% on Tuesday.", "gold": gold})


def write(tmp_path, *lines):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_defaults_filled_in(tmp_path):
    (case,) = load_gold(write(tmp_path, line(entities=["ACME"], moves=[{"ticker": "ACME", "change_pct": 3.0}])))
    assert case.case == "c1" and case.published == "2025-02-12"
    assert case.gold["moves"] == [{"ticker": "ACME", "change_pct": 3.0, "price": None, "optional": False}]
    assert case.gold["views"] == [] and case.gold["sentiment"] == {} and case.gold["ignore_tickers"] == []


def test_case_and_limit_select_a_subset(tmp_path):
    path = write(tmp_path, line("us_a"), line("kr_b"), line("us_c"), "")
    assert [c.case for c in load_gold(path, case="US_")] == ["us_a", "us_c"]
    assert [c.case for c in load_gold(path, limit=2)] == ["us_a", "kr_b"]
    with pytest.raises(BadGold, match="no case name contains 'jp'"):
        load_gold(path, case="jp")


@pytest.mark.parametrize("bad, message", [
    ("{not json", r"gold.jsonl:1: not JSON"),
    (json.dumps({"case": "x", "text": "t"}), r"'gold' must be an object"),
    (json.dumps({"case": "x", "text": " ", "gold": {}}), r"'text' must be a non-empty string"),
    (line(moves=[{"ticker": "A", "change_pct": "3%"}]), r"gold.moves\[0\].change_pct must be a number or null"),
    (line(moves=[{"ticker": "A"}]), r"gold.moves\[0\] needs a change_pct or a price"),
    (line(metrics=[{"ticker": "A", "value": None}]), r"gold.metrics\[0\].value must be a number"),
    (line(views=[{"analyst": None, "firm": None}]), r"gold.views\[0\] needs an analyst or a firm"),
    (line(views=[{"analyst": "Jane Roe", "firm": "Alpha", "stance": "bullish"}]), r"stance must be positive"),
    (line(sentiment={"A": 0.5}), r"gold.sentiment must map tickers to 1 or -1"),
    (line(entities="ACME"), r"gold.entities must be a list of ticker strings"),
])
def test_bad_lines_are_one_line_errors(tmp_path, bad, message):
    with pytest.raises(BadGold, match=message) as info:
        load_gold(write(tmp_path, bad))
    assert "\n" not in info.value.message and info.value.message.startswith("Bad gold file: ")


def test_duplicate_case_and_missing_file(tmp_path):
    with pytest.raises(BadGold, match=r":2: case 'c1' appears twice"):
        load_gold(write(tmp_path, line(), line()))
    with pytest.raises(BadGold, match="no such file"):
        load_gold(tmp_path / "nope.jsonl")
