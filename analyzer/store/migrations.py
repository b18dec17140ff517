"""Every schema migration of the newsig database, numbered and in the order they run.

A database records the names it has applied in ``_migrations``; :func:`analyzer.store.db.migrate`
runs the missing ones in name order, each in its own transaction. The names are part of the
schema: never rename one, add ``mNNN_...`` at the end. (Two ``m010_`` migrations exist for
historical reasons; name order runs ``m010_ingest`` before ``m010_prices``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analyzer.store.views import FTS_SQL, INDEXES, ensure_novelty_columns, refresh_views


# ---- articles and their facts ----------------------------------------------------

def m001_create_tables(db) -> None:
    db["articles"].create(
        {
            "id": str, "title": str, "published": str, "published_date": str, "source": str,
            "url": str, "language": str, "chars": int, "body": str, "sentiment": float,
            "origin": str, "ingested_at": str,
        },
        pk="id",
    )
    db["entities"].create(
        {
            "article_id": str, "entity_key": str, "name": str, "ticker": str, "exchange": str,
            "symbol": str, "role": str, "kind": str, "country": str, "sector": str,
            "sentiment": float, "relevance": float, "mention_count": int,
        },
        pk=("article_id", "entity_key"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["mentions"].create(
        {"article_id": str, "entity_key": str, "text": str, "start": int, "end": int, "sentence": int},
        pk=("article_id", "start"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["moves"].create(
        {
            "article_id": str, "idx": int, "ticker": str, "entity": str, "change_pct": float,
            "price": float, "currency": str, "date": str, "sentence": int, "text": str,
        },
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["metrics"].create(
        {
            "article_id": str, "idx": int, "ticker": str, "entity": str, "metric": str,
            "value": float, "unit": str, "date": str, "sentence": int, "text": str,
        },
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["views"].create(
        {
            "article_id": str, "idx": int, "analyst": str, "title": str, "firm": str,
            "firm_ticker": str, "quote": str, "stance": str, "score": float, "targets": str,
            "target_tickers": str, "rating": str, "price_target": float,
            "previous_price_target": float, "currency": str, "sentence": int, "stance_source": str,
        },
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["sectors"].create(
        {"article_id": str, "name": str, "sentiment": float, "mentions": int, "tickers": str, "favoured": int},
        pk=("article_id", "name"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["events"].create(
        {"article_id": str, "idx": int, "type": str, "date": str, "sentence": int, "tickers": str, "text": str},
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["sentences"].create(
        {"article_id": str, "idx": int, "start": int, "end": int, "text": str, "sentiment": str, "score": float},
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["ingest_errors"].create(
        {"id": int, "origin": str, "error": str, "at": str}, pk="id",
    )


def m002_indexes(db) -> None:
    db["articles"].create_index(["published_date"], if_not_exists=True)
    db["articles"].create_index(["url"], if_not_exists=True)
    db["entities"].create_index(["ticker", "article_id"], if_not_exists=True)
    db["entities"].create_index(["symbol"], if_not_exists=True)
    db["moves"].create_index(["ticker", "date"], if_not_exists=True)
    db["metrics"].create_index(["ticker", "date"], if_not_exists=True)
    db["views"].create_index(["firm"], if_not_exists=True)
    db["views"].create_index(["analyst"], if_not_exists=True)
    db["events"].create_index(["type", "date"], if_not_exists=True)


def m003_view_rating_direction(db) -> None:
    """views.rating_direction: +1 upgrade, -1 downgrade, 0 rating kept (NULL: no rating stated)."""
    if "rating_direction" not in db["views"].columns_dict:
        db["views"].add_column("rating_direction", int)


# ---- batch ingest: near-duplicates, novelty, runs ---------------------------------

def m010_ingest(db) -> None:
    """Columns and tables for batch ingest: near-duplicate links, novelty, runs."""
    articles = db["articles"]
    for name, kind in (("duplicate_of", str), ("novelty", float), ("ingest_run", int)):
        if name not in articles.columns_dict:
            articles.add_column(name, kind)
    articles.create_index(["duplicate_of"], if_not_exists=True)
    db["article_minhash"].create({"article_id": str, "sig": bytes}, pk="article_id", if_not_exists=True)
    db["minhash_bands"].create({"bucket": int, "article_id": str}, pk=("bucket", "article_id"),
                               if_not_exists=True)
    db["minhash_bands"].create_index(["article_id"], if_not_exists=True)
    db["ingest_runs"].create(
        {"id": int, "started_at": str, "finished_at": str, "paths": str, "read": int, "stored": int,
         "duplicates": int, "near_duplicates": int, "skipped": int, "failed": int},
        pk="id", if_not_exists=True,
    )
    db["ingest_errors"].create_index(["origin"], if_not_exists=True)


# ---- market data: prices, study results, fact checks -------------------------------

def m010_prices(db) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS prices (
            symbol TEXT NOT NULL, date TEXT NOT NULL,
            open REAL, high REAL, low REAL, close REAL NOT NULL, adj_close REAL, volume REAL,
            basis TEXT, source TEXT,
            PRIMARY KEY (symbol, date))"""
    )


def m011_market_results(db) -> None:
    """Result tables: the last study per grouping, its per-event returns, and the last fact check."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS study_results (
            group_by TEXT NOT NULL, grp TEXT NOT NULL, window TEXT NOT NULL,
            n INTEGER, mean_car REAL, t REAL, hit_rate REAL, computed_at TEXT,
            PRIMARY KEY (group_by, grp, window))"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS study_events (
            group_by TEXT NOT NULL, article_id TEXT NOT NULL, symbol TEXT NOT NULL, grp TEXT NOT NULL,
            window TEXT NOT NULL, event_date TEXT, signal REAL, car REAL, ret REAL, model TEXT, beta REAL,
            PRIMARY KEY (group_by, article_id, symbol, grp, window))"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS market_checks (
            article_id TEXT NOT NULL, idx INTEGER NOT NULL, ticker TEXT, symbol TEXT, entity TEXT, date TEXT,
            stated_change_pct REAL, actual_change_pct REAL, stated_price REAL, actual_price REAL,
            currency TEXT, status TEXT, note TEXT, PRIMARY KEY (article_id, idx))"""
    )


# ---- read side: views and full-text search ---------------------------------------

def m020_views_and_fts(db: Any) -> None:
    ensure_novelty_columns(db)
    for sql in INDEXES:
        db.execute(sql)
    for sql in FTS_SQL:
        db.execute(sql)
    refresh_views(db)


def m021_views_rating_direction(db: Any) -> None:
    """analyst_views gains rating_direction (the column comes from m003)."""
    refresh_views(db)


def m030_view_role(db: Any) -> None:
    """views.role: analyst | executive (an executive speaking for their own company is not an
    analyst view); views.target_direction: +1 price target raised, -1 cut (NULL: not stated)."""
    columns = db["views"].columns_dict
    if "role" not in columns:
        db["views"].add_column("role", str)
        db.execute("UPDATE views SET role = 'analyst' WHERE role IS NULL")
    if "target_direction" not in columns:
        db["views"].add_column("target_direction", int)


def m031_move_timing(db: Any) -> None:
    """moves.session / period / qualifier: when a stated move happened (premarket | intraday | close |
    after_hours; week | month | ytd | since:<date> | multi_day; as_much_as | nearly | ...). market_checks
    gains what the like-with-like check reports: the move's timing, the comparison made, the day's range
    (or the period's base) and the reason a row is unverifiable or flagged. Old rows keep NULLs."""
    moves = db["moves"].columns_dict
    for name in ("session", "period", "qualifier"):
        if name not in moves:
            db["moves"].add_column(name, str)
    checks = db["market_checks"].columns_dict
    for name, kind in (("session", str), ("period", str), ("qualifier", str), ("comparison", str),
                       ("base_date", str), ("actual_low_pct", float), ("actual_high_pct", float), ("reason", str)):
        if name not in checks:
            db["market_checks"].add_column(name, kind)


def m032_analyst_views_role(db: Any) -> None:
    """analyst_views keeps analysts (and firm-only views): executives speaking for their own company
    stay in ``views`` with role 'executive' but are not analyst views; it gains target_direction."""
    refresh_views(db)


MIGRATIONS: list[Callable[[Any], None]] = sorted(
    [m001_create_tables, m002_indexes, m003_view_rating_direction, m010_ingest, m010_prices,
     m011_market_results, m020_views_and_fts, m021_views_rating_direction, m030_view_role,
     m031_move_timing, m032_analyst_views_role],
    key=lambda f: f.__name__,
)
