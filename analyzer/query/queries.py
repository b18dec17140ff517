"""Read-only questions to the signal database: SQL, daily signals, analyst views, search.

Every read goes through :func:`connect_readonly`: a ``mode=ro`` connection (SQLite
itself refuses writes) plus an authorizer that names what was refused, so
``newsig query "DROP TABLE articles"`` fails with a clear message and changes
nothing. Results are plain :class:`Result` objects; :func:`render` turns them into
a table, CSV or JSON for the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from analyzer.store.views import DAILY_AGGREGATES
from analyzer.errors import BadDate, BadInput, DatabaseError, ReadOnlyQuery

FORMATS = ("table", "csv", "json")

# Authorizer action codes (sqlite3.h) that only read.
_READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                 getattr(sqlite3, "SQLITE_RECURSIVE", 33), sqlite3.SQLITE_TRANSACTION,
                 sqlite3.SQLITE_SAVEPOINT}
_ACTION_NAMES = {
    1: "CREATE INDEX", 2: "CREATE TABLE", 3: "CREATE TEMP INDEX", 4: "CREATE TEMP TABLE",
    5: "CREATE TEMP TRIGGER", 6: "CREATE TEMP VIEW", 7: "CREATE TRIGGER", 8: "CREATE VIEW",
    9: "DELETE", 10: "DROP INDEX", 11: "DROP TABLE", 12: "DROP TEMP INDEX", 13: "DROP TEMP TABLE",
    14: "DROP TEMP TRIGGER", 15: "DROP TEMP VIEW", 16: "DROP TRIGGER", 17: "DROP VIEW",
    18: "INSERT", 19: "PRAGMA", 23: "UPDATE", 24: "ATTACH", 25: "DETACH", 26: "ALTER TABLE",
    27: "REINDEX", 28: "ANALYZE", 29: "CREATE VIRTUAL TABLE", 30: "DROP VIRTUAL TABLE",
}
# PRAGMAs whose argument is a name to look at, not a value to set.
_READ_PRAGMAS = {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
                 "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"}
_DDL = re.compile(r"\s*(CREATE|DROP|ALTER)\s+(TEMP\s+|TEMPORARY\s+)?(UNIQUE\s+)?(VIRTUAL\s+)?"
                  r"(TABLE|INDEX|VIEW|TRIGGER)", re.IGNORECASE)


@dataclass(frozen=True)
class Result:
    """Column names and rows of one query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def _authorizer(denied: list[str]):
    def check(action: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None) -> int:
        if action in _READ_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_UPDATE and arg1 in ("sqlite_master", "sqlite_schema"):
            return sqlite3.SQLITE_OK  # SQLite's own check when a table-valued function (json_each) first loads
        if action == sqlite3.SQLITE_PRAGMA and (arg2 is None or (arg1 or "").lower() in _READ_PRAGMAS):
            return sqlite3.SQLITE_OK
        name = _ACTION_NAMES.get(action, f"action {action}")
        if action == sqlite3.SQLITE_PRAGMA:
            name = f"PRAGMA {arg1} = {arg2}"
        if arg1 in ("sqlite_master", "sqlite_schema", "sqlite_temp_master"):
            name = "schema change"  # DROP/CREATE are first checked as edits of sqlite_master
        denied.append(name)
        return sqlite3.SQLITE_DENY
    return check


class _Conn:
    """A read-only connection that remembers what its authorizer refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.denied: list[str] = []
        try:
            self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            self.conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise DatabaseError(f"{path}: {exc}") from exc
        self.conn.set_authorizer(_authorizer(self.denied))

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Result:
        if re.match(r"\s*vacuum\b", sql, re.IGNORECASE):
            raise ReadOnlyQuery("VACUUM")
        self.denied.clear()
        try:
            cur = self.conn.execute(sql, params)
            rows = cur.fetchall()
        except sqlite3.Error as exc:
            if self.denied:
                what = self.denied[0]
                ddl = _DDL.match(sql)
                if what == "schema change" and ddl:
                    what = " ".join(ddl.group(0).upper().split())
                raise ReadOnlyQuery(what) from exc
            if "readonly" in str(exc):
                raise ReadOnlyQuery(str(exc)) from exc
            raise DatabaseError(str(exc)) from exc
        except (sqlite3.Warning, ValueError, OverflowError) as exc:
            raise DatabaseError(str(exc)) from exc
        columns = [d[0] for d in cur.description or ()]
        return Result(columns, rows)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> _Conn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ensure_schema(path: str | Path) -> None:
    """Bring a newsig database up to date (views, FTS) before reading it; skip foreign files."""
    from analyzer.store import db as store

    path = Path(path)
    with _Conn(path) as ro:
        try:
            is_newsig = ro.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").rows
        except DatabaseError as exc:
            raise DatabaseError(f"{path}: {exc.detail}") from exc
        current = is_newsig and ro.execute(
            "SELECT 1 FROM _migrations WHERE name = 'm020_views_and_fts'").rows
    if is_newsig and not current:
        try:
            store.open_db(path, create=False).conn.close()
        except DatabaseError:
            pass  # a database we may not write to: read what it has


def connect_readonly(path: str | Path) -> _Conn:
    """Open ``path`` read-only; a missing file or folder is a one-line error, never a new database."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"no database at {path}")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database")
    ensure_schema(path)
    return _Conn(path)


def run_query(path: str | Path, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Result:
    """Run one SQL statement read-only, e.g. ``run_query("news.db", "SELECT count(*) FROM articles")``."""
    if not sql.strip():
        raise BadInput("empty SQL")
    with connect_readonly(path) as conn:
        return conn.execute(sql, params)


def _day(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError as exc:
        raise BadDate(f"{name} {value!r}") from exc


def _date_range(where: list[str], params: dict[str, Any], column: str, since: str | None,
                until: str | None) -> None:
    """Add --since / --until bounds (checked dates) on ``column`` to a WHERE list."""
    if since:
        where.append(f"{column} >= :since")
        params["since"] = _day(since, "--since")
    if until:
        where.append(f"{column} <= :until")
        params["until"] = _day(until, "--until")


def signals(path: str | Path, ticker: str, *, since: str | None = None, until: str | None = None,
            min_relevance: float | None = None) -> Result:
    """The daily signal series of one ticker (or Yahoo symbol), oldest first; see ``daily_signals``."""
    where = ["(ticker = :t OR symbol = :t)", "COALESCE(role, 'subject') = 'subject'", "date IS NOT NULL"]
    params: dict[str, Any] = {"t": ticker.strip().upper()}
    _date_range(where, params, "date", since, until)
    if min_relevance is not None:
        where.append("COALESCE(relevance, 1.0) >= :minrel")
        params["minrel"] = float(min_relevance)
    sql = (f"SELECT date, ticker, {DAILY_AGGREGATES} FROM entity_signals "
           f"WHERE {' AND '.join(where)} GROUP BY date, ticker ORDER BY date, ticker")
    return run_query(path, sql, params)


def analyst_views(path: str | Path, *, firm: str | None = None, analyst: str | None = None,
                  ticker: str | None = None, stance: str | None = None, since: str | None = None,
                  until: str | None = None) -> Result:
    """Attributed views, newest first; firm and analyst match case-insensitive substrings."""
    where, params = ["1"], {}
    if firm:
        where.append("firm LIKE '%' || :firm || '%'")
        params["firm"] = firm
    if analyst:
        where.append("analyst LIKE '%' || :analyst || '%'")
        params["analyst"] = analyst
    if ticker:
        where.append("(firm_ticker = :t OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(target_tickers)"
                     " THEN target_tickers ELSE '[]' END) WHERE value = :t))")
        params["t"] = ticker.strip().upper()
    if stance:
        if stance not in ("positive", "negative", "neutral"):
            raise BadInput(f"stance must be positive, negative or neutral, not {stance!r}")
        where.append("stance = :stance")
        params["stance"] = stance
    _date_range(where, params, "date", since, until)
    sql = ("SELECT date, firm, analyst, analyst_title, stance, score, rating, rating_direction, price_target, currency, "
           "target_tickers, targets, quote, article_id FROM analyst_views "
           f"WHERE {' AND '.join(where)} ORDER BY date DESC, firm, analyst, article_id, idx")
    return run_query(path, sql, params)


def fts_query(text: str) -> str:
    """Plain words become one phrase (``short selling`` -> ``"short selling"``); FTS5 syntax passes through."""
    if re.search(r'["*():^]|\b(AND|OR|NOT|NEAR)\b', text):
        return text
    words = re.findall(r"\w+", text)
    if not words:
        raise BadInput(f"nothing to search for in {text!r}")
    return '"' + " ".join(words) + '"'


def articles(path: str | Path, *, ticker: str | None = None, search: str | None = None,
             since: str | None = None, until: str | None = None, limit: int | None = 100) -> Result:
    """Articles about a ticker and/or matching a full-text search; best match (or newest) first."""
    cols = ["a.id", "a.published", "a.title", "a.source", "a.sentiment"]
    joins, where, params = "", ["1"], {}
    order = "a.published DESC, a.id"
    if search:
        joins += " JOIN articles_fts f ON f.rowid = a.rowid"
        where.append("articles_fts MATCH :q")
        params["q"] = fts_query(search)
        cols.append("snippet(articles_fts, 1, '[', ']', '...', 12) AS snippet")
        order = "bm25(articles_fts, 2.0, 1.0), a.published DESC, a.id"
    if ticker:
        joins += (" JOIN (SELECT article_id, MAX(relevance) AS relevance, AVG(sentiment) AS ticker_sentiment"
                  " FROM entities WHERE ticker = :t OR symbol = :t GROUP BY article_id) e"
                  " ON e.article_id = a.id")
        params["t"] = ticker.strip().upper()
        cols += ["e.relevance", "e.ticker_sentiment"]
    _date_range(where, params, "a.published_date", since, until)
    sql = f"SELECT {', '.join(cols)} FROM articles a{joins} WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return run_query(path, sql, params)


# ---- output -------------------------------------------------------------------

def _cell(value: Any, width: int) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 3] + "..."


def render(result: Result, fmt: str = "table", *, width: int = 60) -> str:
    """``table`` (aligned, long cells cut to ``width``), ``csv`` or ``json`` (a list of objects)."""
    if fmt == "json":
        return json.dumps(result.dicts(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(result.rows)
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise BadInput(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    cells = [[_cell(v, width) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)
