"""A database written before the package layout changed opens, migrates and reads as before."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.store import load_article, migrate, open_db
from analyzer.store.migrations import MIGRATIONS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "pre_layout_seed.sqlite"
SEED_ID = "581f585e0e999066"  # content hash of the seed article, written by newsig 0.1.0 before the move


def _schema(db) -> dict[str, str]:
    return {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name")}


def test_migrations_are_numbered_and_in_name_order():
    names = [f.__name__ for f in MIGRATIONS]
    assert names == sorted(names)
    assert all(n[0] == "m" and n[1:4].isdigit() and n[4] == "_" for n in names)
    assert len(set(names)) == len(names)


def test_pre_layout_database_opens_without_reapplying(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    db = open_db(path)
    applied = [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert applied == [f.__name__ for f in MIGRATIONS]
    assert migrate(db) == []
    article = load_article(db, SEED_ID)
    assert article is not None
    assert db.execute("SELECT COUNT(*) FROM moves WHERE article_id = ?", [SEED_ID]).fetchone()[0] > 5
    assert db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'short selling'").fetchone()[0] == 1


def test_old_schema_equals_a_fresh_one(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "old.db")
    old = _schema(open_db(tmp_path / "old.db"))
    new = _schema(open_db(tmp_path / "new.db"))
    assert old == new


def test_partially_migrated_database_gets_the_rest(tmp_path):
    """A database that stopped after the first three migrations gets the others, in order, once."""
    import sqlite3

    import sqlite_utils

    conn = sqlite3.connect(str(tmp_path / "partial.db"), isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for func in MIGRATIONS[:3]:
        func(db)
        db.execute("INSERT INTO _migrations VALUES (?, 'then')", [func.__name__])
    applied = migrate(db)
    assert applied == [f.__name__ for f in MIGRATIONS[3:]]
    assert _schema(db) == _schema(open_db(tmp_path / "fresh.db"))
