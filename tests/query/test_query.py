"""Read-only queries, daily signals, views, full-text search, export and Datasette.

The database is built with ``analyzer.store.db.save`` from hand-made results: the seed
article (short selling resumes, 2025-03-31) and three real Reuters articles from
``../shared/data`` (titles and bodies real, entities hand-made).
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.store import db as store
from analyzer.errors import ReadOnlyQuery
from analyzer.query.queries import articles, fts_query, run_query, signals
from analyzer.records import Article, ArticleResult, Entity, Mention, View
from cli import app

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NEWSIG_SHARED", Path(__file__).resolve().parents[3] / "shared")) / "data"
SEED = ROOT / "corpus" / "short_selling_resumes_2025-03-31.txt"
REUTERS_IDS = {
    "us-apple-cook-idUSBRE91B12S20130212": ("Apple", "AAPL", "NASDAQ", -0.2),
    "us-cardinalhealth-acquisition-idUSBRE91D0PU20130214": ("Cardinal Health", "CAH", "NYSE", 0.4),
    "us-boeing-dreamliner-delays-idUSBRE91J01L20130220": ("Boeing", "BA", "NYSE", -0.6),
}
runner = CliRunner()


def ent(name: str, ticker: str, exchange: str, sentiment: float, relevance: float,
        role: str = "subject", suffix: str = ".KQ", text: str = "") -> Entity:
    symbol = ticker + suffix if ticker.isdigit() else ticker
    start = max(text.find(name), 0)
    return Entity(name=name, ticker=ticker, exchange=exchange, symbol=symbol, role=role,
                  mentions=(Mention(name, start, start + len(name), 0),), sentiment=sentiment,
                  relevance=relevance)


def seed_result() -> ArticleResult:
    text = SEED.read_text(encoding="utf-8")
    return ArticleResult(
        article=Article(text=text, title="Short selling resumes; battery and bio stocks collapse",
                        published="2025-03-31", source="seed"),
        entities=(
            ent("Ecopro", "086520", "KOSDAQ", -0.8, 0.9, text=text),
            ent("ECOPRO BM", "247540", "KOSDAQ", -0.7, 0.6, text=text),
            ent("Samsung SDI", "006400", "KOSPI", -0.5, 0.3, suffix=".KS", text=text),
            ent("HLB", "028300", "KOSDAQ", -0.4, 0.4, text=text),
            ent("Heungkuk Securities", "010240", "KOSPI", 0.0, 0.1, role="source", suffix=".KS", text=text),
        ),
        views=(
            View(analyst="Jung Jin-soo", title="researcher", firm="Heungkuk Securities",
                 quote="the performance of the secondary battery sector in the first quarter is likely to worsen",
                 stance="negative", score=-0.7, targets=("secondary battery",),
                 target_tickers=("006400", "086520"), sentence=5),
            View(analyst="Kim Ji-hyun", title="researcher", firm="DAOL Investment & Securities",
                 quote="a defensive strategy may be effective", stance="neutral", score=0.0, sentence=9),
        ),
        sentiment=-0.6,
    )


def follow_up() -> ArticleResult:
    """A second (hand-written) Ecopro story on 2025-04-01, positive."""
    text = "Ecopro rebounded 5% on Tuesday as short sellers covered positions."
    return ArticleResult(
        article=Article(text=text, title="Ecopro rebounds", published="2025-04-01T10:00:00+09:00"),
        entities=(ent("Ecopro", "086520", "KOSDAQ", 0.6, 0.5),),
        views=(View(analyst="Lee Min", title="analyst", firm="Heungkuk Securities", quote="buy the dip",
                    stance="positive", score=0.5, target_tickers=("086520",)),),
        sentiment=0.5,
    )


def reuters_results() -> list[ArticleResult]:
    path = SHARED / "news" / "reuters_sample.jsonl.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (set NEWSIG_SHARED)")
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] in REUTERS_IDS:
                name, ticker, exchange, score = REUTERS_IDS[row["id"]]
                out.append(ArticleResult(
                    article=Article(text=row["body"], title=row["title"], published=row["published"],
                                    source="Reuters", url=row["url"]),
                    entities=(ent(name, ticker, exchange, score, 0.9),), sentiment=score))
    assert len(out) == len(REUTERS_IDS)
    return out


@pytest.fixture(scope="module")
def news_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("query") / "news.db"
    db = store.open_db(path)
    for result in [seed_result(), follow_up(), *reuters_results()]:
        store.save(db, result)
    store.save(db, seed_result())  # re-saving replaces, and keeps the search index in step
    db.conn.close()
    return path


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def cli_json(*args: str):
    code, out = cli(*args, "--format", "json")
    assert code == 0, out
    return json.loads(out)


# ---- signals -------------------------------------------------------------------

def test_signals_json_daily_series(news_db):
    rows = cli_json("signals", "--ticker", "086520", "--db", str(news_db))
    assert [(r["date"], r["ticker"], r["articles"], r["sentiment"]) for r in rows] == [
        ("2025-03-31", "086520", 1, -0.8), ("2025-04-01", "086520", 1, 0.6)]


def test_signals_filters_by_date_symbol_and_relevance(news_db):
    assert [r["date"] for r in signals(news_db, "086520.KQ", since="2025-04-01").dicts()] == ["2025-04-01"]
    assert [r["date"] for r in signals(news_db, "086520", until="2025-03-31").dicts()] == ["2025-03-31"]
    assert [r["date"] for r in signals(news_db, "086520", min_relevance=0.8).dicts()] == ["2025-03-31"]
    assert signals(news_db, "aapl").dicts()[0]["date"] == "2013-02-12"
    assert signals(news_db, "010240").rows == []  # quoted analyst's employer only: no signal


def test_daily_signal_weights_relevance_and_novelty(tmp_path):
    db = store.open_db(tmp_path / "n.db")
    first = ArticleResult(article=Article(text="Ecopro falls.", published="2025-03-31"),
                          entities=(ent("Ecopro", "086520", "KOSDAQ", -1.0, 1.0),))
    second = ArticleResult(article=Article(text="Ecopro bounces.", published="2025-03-31"),
                           entities=(ent("Ecopro", "086520", "KOSDAQ", 0.5, 0.5),))
    store.save(db, first)
    store.save(db, second)
    rows = run_query(tmp_path / "n.db", "SELECT * FROM daily_signals").dicts()
    assert rows[0]["articles"] == 2
    assert rows[0]["sentiment"] == pytest.approx((-1.0 * 1.0 + 0.5 * 0.5) / 1.5, abs=1e-4)
    # the second story turns out to re-publish the first: it no longer moves the signal
    db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [first.article.id, second.article.id])
    row = run_query(tmp_path / "n.db", "SELECT * FROM daily_signals").dicts()[0]
    assert (row["articles"], row["novel_articles"], row["sentiment"]) == (2, 1, -1.0)
    assert row["sentiment_all"] == pytest.approx(-0.5, abs=1e-4)


# ---- views and articles -------------------------------------------------------------

def test_views_by_ticker_stance_firm(news_db):
    rows = cli_json("views", "--ticker", "006400", "--stance", "negative", "--db", str(news_db))
    assert [(r["analyst"], r["firm"], r["date"]) for r in rows] == [
        ("Jung Jin-soo", "Heungkuk Securities", "2025-03-31")]
    firm = cli_json("views", "--firm", "heungkuk", "--db", str(news_db))
    assert [r["analyst"] for r in firm] == ["Lee Min", "Jung Jin-soo"]  # newest first
    assert [r["analyst"] for r in cli_json("views", "--analyst", "kim", "--db", str(news_db))] == ["Kim Ji-hyun"]
    summary = run_query(news_db, "SELECT firm, views, positive, negative FROM firm_summary ORDER BY firm").rows
    assert summary == [("DAOL Investment & Securities", 1, 0, 0), ("Heungkuk Securities", 2, 1, 1)]


def test_articles_full_text_search(news_db):
    seed_id = seed_result().article.id
    rows = cli_json("articles", "--search", "short selling", "--db", str(news_db))
    assert [r["id"] for r in rows][:1] == [seed_id]
    assert {"id", "title", "published"} <= set(rows[0])
    assert all(r["published"].startswith("2025") for r in rows)  # no Reuters article says it
    apple = articles(news_db, search="Einhorn").dicts()
    assert [r["title"] for r in apple] == ['Apple CEO calls Einhorn lawsuit a "silly sideshow"']
    both = articles(news_db, search="short selling", ticker="086520").dicts()
    assert [r["id"] for r in both] == [seed_id]
    assert articles(news_db, search="short selling", ticker="AAPL").rows == []


def test_articles_by_ticker_and_dates(news_db):
    rows = cli_json("articles", "--ticker", "086520", "--db", str(news_db))
    assert [r["title"] for r in rows] == ["Ecopro rebounds", "Short selling resumes; battery and bio stocks collapse"]
    window = articles(news_db, since="2013-02-13", until="2013-02-28").dicts()
    assert sorted(r["source"] for r in window) == ["Reuters", "Reuters"]


def test_fts_query_phrases_plain_words_and_passes_syntax():
    assert fts_query("short-selling balance") == '"short selling balance"'
    assert fts_query("apple OR boeing") == "apple OR boeing"


def test_search_index_in_sync_after_resave(news_db):
    check = run_query(news_db, "SELECT count(*) FROM articles_fts").rows
    assert check == run_query(news_db, "SELECT count(*) FROM articles").rows == [(5,)]
    conn = sqlite3.connect(news_db)
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()


# ---- read-only guarantees and errors ------------------------------------------------

@pytest.mark.parametrize("sql, what", [
    ("DROP TABLE articles", "DROP TABLE"),
    ("DELETE FROM articles", "DELETE"),
    ("UPDATE articles SET title = 'x'", "UPDATE"),
    ("INSERT INTO ingest_errors (origin, error) VALUES ('x', 'y')", "INSERT"),
    ("ATTACH DATABASE ':memory:' AS other", "ATTACH"),
    ("PRAGMA journal_mode = delete", "PRAGMA journal_mode = delete"),
    ("CREATE TABLE t (x)", "CREATE TABLE"),
    ("VACUUM INTO '/tmp/copy.db'", "VACUUM"),
])
def test_writes_are_refused_and_nothing_changes(news_db, sql, what):
    before = run_query(news_db, "SELECT count(*), group_concat(title) FROM articles").rows
    code, out = cli("query", sql, "--db", str(news_db))
    assert code == 1
    assert out.strip() == f"Error: {ReadOnlyQuery.__doc__}: {what}"
    assert run_query(news_db, "SELECT count(*), group_concat(title) FROM articles").rows == before


def test_read_pragmas_are_allowed(news_db):
    cols = [r[1] for r in run_query(news_db, "PRAGMA table_info(articles)").rows]
    assert "novelty" in cols and "duplicate_of" in cols
    assert run_query(news_db, "PRAGMA journal_mode").rows == [("wal",)]


@pytest.mark.parametrize("args, message", [
    (["query", "SELECT * FROM nope"], "Error: Database error: no such table: nope"),
    (["query", "SELEC 1"], 'Error: Database error: near "SELEC": syntax error'),
    (["signals", "--ticker", "086520", "--since", "March"], "Error: Not a valid date (use YYYY-MM-DD or an ISO datetime): --since 'March'"),
    (["export", "--table", "nope", "--to", "x.csv"], "Error: Database error: no table or view named 'nope'"),
])
def test_bad_input_gets_one_line_error(news_db, args, message):
    code, out = cli(*args, "--db", str(news_db))
    assert code == 1
    assert out.startswith(message) and out.count("\n") == 1


def test_missing_database(tmp_path):
    code, out = cli("query", "SELECT 1", "--db", str(tmp_path / "none.db"))
    assert (code, out) == (1, f"Error: Database error: no database at {tmp_path / 'none.db'}\n")
    assert not (tmp_path / "none.db").exists()


def test_query_formats(news_db):
    sql = "SELECT ticker, count(*) AS n FROM entities WHERE ticker IN ('AAPL', 'BA') GROUP BY ticker ORDER BY ticker"
    assert cli("query", sql, "--db", str(news_db), "--format", "csv") == (0, "ticker,n\nAAPL,1\nBA,1\n")
    assert cli("query", sql, "--db", str(news_db)) == (0, "ticker  n\n------  -\nAAPL    1\nBA      1\n")
    assert cli_json("query", sql, "--db", str(news_db)) == [{"ticker": "AAPL", "n": 1}, {"ticker": "BA", "n": 1}]


def test_old_database_is_upgraded_on_first_read(tmp_path):
    """A database written before the views existed gets them (and a full search index) on first read."""
    path = tmp_path / "old.db"
    db = store.open_db(path)
    store.save(db, seed_result())
    for name in ("entity_signals", "daily_signals", "view_targets", "analyst_summary", "firm_summary",
                 "analyst_views"):
        db.execute(f"DROP VIEW [{name}]")
    db.execute("DROP TABLE articles_fts")
    for trig in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"DROP TRIGGER {trig}")
    db.execute("DELETE FROM _migrations WHERE name = 'm020_views_and_fts'")
    db.conn.close()
    assert [r["date"] for r in signals(path, "086520").dicts()] == ["2025-03-31"]
    assert len(articles(path, search="borrowing balance").rows) == 1


def test_database_from_before_rating_direction_gets_the_column(tmp_path):
    path = tmp_path / "old.db"
    db = store.open_db(path)
    db.execute("DROP VIEW view_targets")
    db.execute("DROP VIEW analyst_summary")
    db.execute("DROP VIEW firm_summary")
    db.execute("DROP VIEW analyst_views")
    db.execute("ALTER TABLE views DROP COLUMN rating_direction")
    db.execute("DELETE FROM _migrations WHERE name IN ('m003_view_rating_direction', 'm021_views_rating_direction')")
    db.conn.commit()
    db.conn.close()
    db = store.open_db(path)
    store.save(db, seed_result())
    assert "rating_direction" in db["views"].columns_dict
    assert {r[0] for r in db.execute("SELECT rating_direction FROM analyst_views")} == {None}


# ---- export --------------------------------------------------------------------

def test_export_csv_and_parquet(news_db, tmp_path):
    code, out = cli("export", "--db", str(news_db), "--table", "daily_signals", "--to", str(tmp_path / "s.csv"))
    assert code == 0 and "Wrote 8 rows" in out
    assert (tmp_path / "s.csv").read_text().splitlines()[0].startswith("date,ticker,articles")
    pytest.importorskip("pyarrow", reason="Parquet export needs the parquet extra (pyarrow)")
    import pandas as pd

    code, out = cli("export", "--db", str(news_db), "--query",
                    "SELECT date, sentiment FROM daily_signals WHERE ticker = '086520' ORDER BY date",
                    "--to", str(tmp_path / "s.parquet"))
    assert code == 0, out
    frame = pd.read_parquet(tmp_path / "s.parquet")
    assert frame.to_dict("records") == [{"date": "2025-03-31", "sentiment": -0.8},
                                         {"date": "2025-04-01", "sentiment": 0.6}]


# ---- Datasette -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_serves_canned_queries(news_db, tmp_path):
    pytest.importorskip("datasette", reason="Datasette is the optional `browse` extra")
    from analyzer.query.explore import datasette_args, write_metadata

    port = _free_port()
    args = datasette_args(news_db, write_metadata(news_db, tmp_path / "meta.json"), port=port)
    assert args[args.index("--host") + 1] == "127.0.0.1"
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"datasette did not start: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.2)
        url = f"{base}/news/daily_signal.json?ticker=086520&_shape=array"
        rows = json.loads(urllib.request.urlopen(url, timeout=10).read())
        assert [(r["date"], r["articles"], r["sentiment"]) for r in rows] == [
            ("2025-03-31", 1, -0.8), ("2025-04-01", 1, 0.6)]
        url = f"{base}/news/search_articles.json?q=Einhorn&_shape=array"
        assert [r["title"] for r in json.loads(urllib.request.urlopen(url, timeout=10).read())] == [
            'Apple CEO calls Einhorn lawsuit a "silly sideshow"']
        meta = json.loads(urllib.request.urlopen(f"{base}/-/metadata.json", timeout=10).read())
        assert "daily_signals" in meta["databases"]["news"]["tables"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_query_command_has_help_with_example():
    for name in ("query", "signals", "views", "articles", "export", "browse"):
        code, out = cli(name, "--help")
        assert code == 0 and "Example:" in out, name


def test_browse_without_datasette_says_how_to_install(news_db, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "datasette" else real(n, *a))
    code, out = cli("browse", "--db", str(news_db))
    assert code == 1 and "pip install 'newsig[browse]'" in out


# ---- a database built by the real pipeline (newsig ingest) ---------------------------

@pytest.fixture(scope="module")
def ingested_db(tmp_path_factory) -> Path:
    from analyzer.ingest.driver import ingest

    tmp = tmp_path_factory.mktemp("ingested")
    lines = [json.dumps({"title": "Short selling resumes", "published": "2025-03-31",
                         "body": SEED.read_text(encoding="utf-8")})]
    lines += [json.dumps({"title": r.article.title, "published": r.article.published, "url": r.article.url,
                          "source": "Reuters", "body": r.article.text}) for r in reuters_results()]
    (tmp / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = store.open_db(tmp / "news.db")
    stats = ingest(db, [tmp / "news.jsonl"], sentiment=False)
    db.conn.close()
    assert stats.stored == 4
    return tmp / "news.db"


def test_commands_on_a_pipeline_built_database(ingested_db):
    db = str(ingested_db)
    seed_id = run_query(db, "SELECT id FROM articles WHERE published = '2025-03-31'").rows[0][0]
    assert [r["id"] for r in cli_json("articles", "--search", "short selling", "--db", db)] == [seed_id]
    assert seed_id in [r["id"] for r in cli_json("articles", "--ticker", "086520", "--db", db)]
    # signals: one row per day the pipeline linked 086520, counting the articles it stored
    stored = run_query(db, "SELECT a.published_date, count(DISTINCT a.id) FROM entities e JOIN articles a "
                           "ON a.id = e.article_id WHERE e.ticker = '086520' AND e.role <> 'source' "
                           "GROUP BY 1 ORDER BY 1").rows
    rows = cli_json("signals", "--ticker", "086520", "--db", db)
    assert [(r["date"], r["articles"]) for r in rows] == stored == [("2025-03-31", 1)]
    # views: exactly the analyst views the pipeline stored; executives speaking for their company are not listed
    stored_views = run_query(db, "SELECT analyst, firm, stance FROM views WHERE COALESCE(role, 'analyst') = 'analyst' "
                                 "ORDER BY analyst").rows
    executives = run_query(db, "SELECT analyst, firm, stance FROM views WHERE role = 'executive'").rows
    listed = sorted(cli_json("views", "--db", db), key=lambda v: str((v["analyst"], v["firm"], v["stance"])))
    assert [(v["analyst"], v["firm"], v["stance"]) for v in listed] == sorted(stored_views, key=str)
    assert ("Jung Jin-soo", "Heungkuk Securities") in [(v["analyst"], v["firm"]) for v in listed]
    assert not set(executives) & {(v["analyst"], v["firm"], v["stance"]) for v in listed}
    assert run_query(db, "SELECT count(*) FROM articles_fts").rows == [(4,)]
