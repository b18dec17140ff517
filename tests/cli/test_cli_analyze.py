"""`newsig analyze` seen from outside: the JSON contract, storage, and one-line errors."""

from __future__ import annotations

import json
import sqlite3

import click
import pytest
from typer.testing import CliRunner

from cli import app

from conftest import SEED

runner = CliRunner()
CONTRACT_KEYS = {"schema", "article", "entities", "moves", "metrics", "views", "sectors", "events", "sentences"}


def _run(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, list(args), input=input)


def test_json_contract_on_seed():
    res = _run("analyze", "--file", str(SEED), "--date", "2025-03-31", "--format", "json", "--no-sentiment")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) >= CONTRACT_KEYS
    assert data["schema"] == "newsig.article/1"
    assert data["article"]["published"] == "2025-03-31"
    assert data["article"]["chars"] == len(SEED.read_text().strip())
    ent = next(e for e in data["entities"] if e["ticker"] == "086520")
    assert {"name", "ticker", "exchange", "symbol", "role", "mentions", "sentiment", "relevance"} <= set(ent)
    assert {"text", "start", "end", "sentence"} == set(ent["mentions"][0])
    text = SEED.read_text().strip()
    m = ent["mentions"][0]
    assert text[m["start"]:m["end"]] == m["text"]
    for s in data["sentences"]:
        assert text[s["start"]:s["end"]] == s["text"]
    assert ent["sentiment"] is None  # --no-sentiment: null, never invented


def test_text_argument_and_stdin_give_the_same_article():
    text = "Ecopro fell 3.2% on the 31st."
    a = json.loads(_run("analyze", text, "--date", "2025-03-31", "--format", "json", "--no-sentiment").stdout)
    b = json.loads(_run("analyze", "-", "--date", "2025-03-31", "--format", "json", "--no-sentiment",
                        input=text).stdout)
    assert a["article"]["id"] == b["article"]["id"]
    assert a["moves"] == b["moves"]


def test_db_stores_once_and_round_trips(tmp_path):
    db = tmp_path / "news.db"
    text = "Samsung SDI fell 4.16% on Monday, while LG Chem rose 1.2%."
    for _ in range(2):
        res = _run("analyze", text, "--date", "2025-03-31", "--db", str(db), "--format", "json", "--no-sentiment")
        assert res.exit_code == 0, res.output
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 1
    assert conn.execute("select count(*) from moves").fetchone()[0] == 2
    from analyzer.store.db import load_article, open_db

    stored = load_article(open_db(db), json.loads(res.stdout)["article"]["id"])
    assert stored["moves"] == json.loads(res.stdout)["moves"]


@pytest.mark.parametrize(
    "args,content,needle",
    [
        (["--file", "{tmp}/empty.txt"], b"", "empty"),
        (["--file", "{tmp}/blank.txt"], b"  \n\t\n ", "empty"),
        (["--file", "{tmp}/image.bin"], bytes(range(256)) * 8, "binary"),
        (["--file", "{tmp}/latin1.txt"], "Société Générale fell 3%".encode("latin-1"), "UTF-8"),
        (["--file", "{tmp}/missing.txt"], None, "no such file"),
        (["Ecopro fell 3%", "--date", "31/03/2025"], None, "valid date"),
        (["   "], None, "empty"),
    ],
)
def test_bad_input_is_one_line_error(tmp_path, args, content, needle):
    if content is not None:
        (tmp_path / args[1].split("/")[-1]).write_bytes(content)
    res = _run("analyze", *[a.replace("{tmp}", str(tmp_path)) for a in args], "--no-sentiment")
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], res.stderr
    assert "Traceback" not in res.output


def test_oversized_article_is_refused_clearly(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Ecopro fell 3%. " * 140_000)  # ~2.2 million characters
    res = _run("analyze", "--file", str(big), "--no-sentiment")
    assert res.exit_code == 1 and "limit" in res.stderr


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in group.commands.items():
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")


def test_every_command_has_help_text():
    import typer.main

    root = typer.main.get_command(app)
    for name, cmd in _commands(root):
        assert (cmd.help or "").strip(), f"`newsig {name}` has no help text"
