"""SQLite storage of analysed articles (sqlite-utils), with numbered migrations.

Writes are idempotent on the article's content hash: storing the same text
twice replaces its rows, never duplicates them. Each article is written in one
transaction, so a crash never leaves half an article behind. The schema is
documented in ``docs/schema.md``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analyzer.errors import DatabaseError
from analyzer.records import SCHEMA, ArticleResult

CHILD_TABLES = ("entities", "mentions", "moves", "metrics", "views", "sectors", "events", "sentences")


def open_db(path: str | Path, *, create: bool = True):
    """Open (and migrate) the database at ``path``; WAL mode and a busy timeout for concurrent use."""
    import sqlite_utils

    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(f"no database at {path}")
    if path.parent and not path.parent.exists():
        raise DatabaseError(f"folder {path.parent} does not exist")
    try:
        conn = sqlite3.connect(str(path), timeout=60, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: {exc}") from exc
    db = sqlite_utils.Database(conn)
    migrate(db)
    return db


@contextlib.contextmanager
def write_transaction(db) -> Iterator[Any]:
    """One write transaction that takes the write lock up front (``BEGIN IMMEDIATE``), so a
    concurrent writer waits on the busy timeout instead of failing; commits, or rolls back on error."""
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        yield db


def migrate(db) -> list[str]:
    """Apply migrations not yet recorded in ``_migrations``, each in its own transaction."""
    from analyzer.store.migrations import MIGRATIONS

    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for func in MIGRATIONS:
        if func.__name__ in done:
            continue
        with write_transaction(db):
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", [func.__name__]).fetchone():
                continue
            func(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", [func.__name__, _now()])
        applied.append(func.__name__)
    return applied


# ---- writes -----------------------------------------------------------------

def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value: Iterable[str]) -> str:
    return json.dumps(list(value), ensure_ascii=False)


def entity_key(entity) -> str:
    """Key of an entity within its article: its symbol when linked, ``org:<name>`` when not
    (so an unlinked "KKR" never collides with the listed KKR)."""
    if entity.symbol or entity.ticker:
        return entity.symbol or entity.ticker
    return "org:" + entity.name


def article_rows(result: ArticleResult) -> dict[str, list[dict[str, Any]]]:
    """The rows one article becomes, table by table."""
    a = result.article
    aid = a.id
    published = a.published
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [{
            "id": aid, "title": a.title, "published": published,
            "published_date": published[:10] if published else None, "source": a.source,
            "url": a.url, "language": a.language, "chars": len(a.text), "body": a.text,
            "sentiment": result.sentiment, "origin": a.origin, "ingested_at": _now(),
        }],
    }
    rows["entities"] = []
    rows["mentions"] = []
    seen: set[str] = set()
    for e in result.entities:
        key = entity_key(e)
        if key in seen:
            continue
        seen.add(key)
        rows["entities"].append({
            "article_id": aid, "entity_key": key, "name": e.name, "ticker": e.ticker,
            "exchange": e.exchange, "symbol": e.symbol, "role": e.role, "kind": e.kind,
            "country": e.country, "sector": e.sector, "sentiment": e.sentiment,
            "relevance": e.relevance, "mention_count": len(e.mentions),
        })
        for m in e.mentions:
            rows["mentions"].append({
                "article_id": aid, "entity_key": key, "text": m.text, "start": m.start,
                "end": m.end, "sentence": m.sentence,
            })
    rows["moves"] = [
        {"article_id": aid, "idx": i, "ticker": m.ticker, "entity": m.entity, "change_pct": m.change_pct,
         "price": m.price, "currency": m.currency, "date": m.date, "sentence": m.sentence, "text": m.text,
         "session": m.session, "period": m.period, "qualifier": m.qualifier}
        for i, m in enumerate(result.moves)
    ]
    rows["metrics"] = [
        {"article_id": aid, "idx": i, "ticker": m.ticker, "entity": m.entity, "metric": m.metric,
         "value": m.value, "unit": m.unit, "date": m.date, "sentence": m.sentence, "text": m.text}
        for i, m in enumerate(result.metrics)
    ]
    rows["views"] = [
        {"article_id": aid, "idx": i, "analyst": v.analyst, "title": v.title, "firm": v.firm,
         "firm_ticker": v.firm_ticker, "quote": v.quote, "stance": v.stance, "score": v.score,
         "targets": _json(v.targets), "target_tickers": _json(v.target_tickers), "rating": v.rating,
         "price_target": v.price_target, "previous_price_target": v.previous_price_target,
         "currency": v.currency, "sentence": v.sentence, "stance_source": v.stance_source,
         "rating_direction": v.rating_direction, "target_direction": v.target_direction, "role": v.role}
        for i, v in enumerate(result.views)
    ]
    rows["sectors"] = [
        {"article_id": aid, "name": s.name, "sentiment": s.sentiment, "mentions": s.mentions,
         "tickers": _json(s.tickers), "favoured": None if s.favoured is None else int(s.favoured)}
        for s in result.sectors
    ]
    rows["events"] = [
        {"article_id": aid, "idx": i, "type": e.type, "date": e.date, "sentence": e.sentence,
         "tickers": _json(e.tickers), "text": e.text}
        for i, e in enumerate(result.events)
    ]
    rows["sentences"] = [
        {"article_id": aid, "idx": s.index, "start": s.start, "end": s.end, "text": s.text,
         "sentiment": s.sentiment, "score": s.score}
        for s in result.sentences
    ]
    return rows


def _write(db, result: ArticleResult) -> None:
    rows = article_rows(result)
    aid = result.article.id
    for table in CHILD_TABLES:
        db.execute(f"DELETE FROM [{table}] WHERE article_id = ?", [aid])
    db["articles"].upsert_all(rows["articles"], pk="id", alter=True)
    for table in CHILD_TABLES:
        if rows[table]:
            db[table].insert_all(rows[table], alter=True)


def save(db, result: ArticleResult) -> str:
    """Store one article in one transaction; returns its id. Re-saving replaces, never duplicates."""
    with write_transaction(db):
        _write(db, result)
    return result.article.id


def save_many(db, results: Iterable[ArticleResult]) -> list[str]:
    """Store a batch in one transaction (all or nothing)."""
    ids = []
    with write_transaction(db):
        for result in results:
            _write(db, result)
            ids.append(result.article.id)
    return ids


def record_error(db, origin: str, error: str) -> None:
    """Remember an input that could not be analysed (file[:line] and the reason)."""
    with db.conn:
        db["ingest_errors"].insert({"origin": origin, "error": error, "at": _now()})


def has_article(db, article_id: str) -> bool:
    return db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is not None


# ---- reads ------------------------------------------------------------------

def load_article(db, article_id: str) -> dict[str, Any]:
    """Turn a stored article back into the JSON contract (``newsig.article/1``)."""
    art = db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
    if art is None:
        raise DatabaseError(f"no article with id {article_id}")
    cols = [d[0] for d in db.execute("SELECT * FROM articles LIMIT 0").description]
    a = dict(zip(cols, art))

    def rows(table: str, order: str) -> list[dict[str, Any]]:
        return list(db.query(f"SELECT * FROM [{table}] WHERE article_id = ? ORDER BY {order}", [article_id]))

    mentions: dict[str, list[dict[str, Any]]] = {}
    for m in rows("mentions", "start"):
        mentions.setdefault(m["entity_key"], []).append(
            {"text": m["text"], "start": m["start"], "end": m["end"], "sentence": m["sentence"]})
    entities = []
    for e in rows("entities", "rowid"):
        key = e.pop("entity_key")
        e.pop("article_id")
        e.pop("mention_count")
        e["mentions"] = mentions.get(key, [])
        entities.append(e)

    def strip(r: dict[str, Any], *json_cols: str) -> dict[str, Any]:
        r = {k: v for k, v in r.items() if k not in ("article_id", "idx")}
        for c in json_cols:
            r[c] = json.loads(r[c]) if r.get(c) else []
        return r

    sectors = []
    for s in rows("sectors", "rowid"):
        s = strip(s, "tickers")
        s["favoured"] = None if s["favoured"] is None else bool(s["favoured"])
        sectors.append(s)
    return {
        "schema": SCHEMA,
        "article": {
            "id": a["id"], "title": a["title"], "published": a["published"], "source": a["source"],
            "url": a["url"], "language": a["language"], "chars": a["chars"], "sentiment": a["sentiment"],
        },
        "entities": entities,
        "moves": [strip(r) for r in rows("moves", "idx")],
        "metrics": [strip(r) for r in rows("metrics", "idx")],
        "views": [strip(r, "targets", "target_tickers") for r in rows("views", "idx")],
        "sectors": sectors,
        "events": [strip(r, "tickers") for r in rows("events", "idx")],
        "sentences": [
            {"index": r["idx"], "start": r["start"], "end": r["end"], "text": r["text"],
             "sentiment": r["sentiment"], "score": r["score"]}
            for r in rows("sentences", "idx")
        ],
    }
