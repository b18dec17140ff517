"""Views, full-text search and indexes that answer the common questions directly.

Created by migrations ``m020_views_and_fts`` and ``m021`` (:mod:`analyzer.store.migrations`). Users (and Datasette) read
these views instead of re-deriving joins; the SQL is the documentation of what a
"daily signal" is (see ``docs/schema.md``). The FTS5 index is external-content
over ``articles(title, body)`` and kept in sync by triggers, so an article stored
by :func:`analyzer.store.db.save` is searchable at once, whoever writes it.
"""

from __future__ import annotations

from typing import Any


# Weight of one entity row in the daily signal: relevance (NULL = unknown = 1)
# times novelty (1 = a new story, 0 = a repeat; NULL = unknown = 1, or 0 for a
# row linked to an earlier story through duplicate_of).
_NOVELTY = "COALESCE(a.novelty, CASE WHEN a.duplicate_of IS NULL THEN 1.0 ELSE 0.0 END)"

# The daily signal of one ticker: shared by the ``daily_signals`` view and
# ``analyzer.query.queries.signals`` (which filters entity rows before aggregating).
DAILY_AGGREGATES = """COUNT(DISTINCT article_id) AS articles,
       COUNT(DISTINCT CASE WHEN duplicate_of IS NULL THEN article_id END) AS novel_articles,
       ROUND(SUM(COALESCE(relevance, 1.0) * novelty * sentiment)
             / NULLIF(SUM(CASE WHEN sentiment IS NOT NULL
                           THEN COALESCE(relevance, 1.0) * novelty END), 0), 4) AS sentiment,
       ROUND(SUM(COALESCE(relevance, 1.0) * sentiment)
             / NULLIF(SUM(CASE WHEN sentiment IS NOT NULL
                           THEN COALESCE(relevance, 1.0) END), 0), 4) AS sentiment_all,
       ROUND(AVG(relevance), 4) AS relevance,
       SUM(sentiment > 0) AS positive, SUM(sentiment < 0) AS negative"""

VIEWS: dict[str, str] = {
    "entity_signals": f"""
        SELECT e.article_id, a.published_date AS date, a.published, a.title, a.source, a.url,
               e.ticker, e.symbol, e.exchange, e.name, e.role, e.kind, e.sector,
               e.relevance, e.sentiment AS entity_sentiment, a.sentiment AS article_sentiment,
               COALESCE(e.sentiment, a.sentiment) AS sentiment,
               e.mention_count AS mentions, {_NOVELTY} AS novelty, a.duplicate_of
        FROM entities e JOIN articles a ON a.id = e.article_id""",
    "daily_signals": f"""
        SELECT date, ticker, {DAILY_AGGREGATES}
        FROM entity_signals
        WHERE ticker IS NOT NULL AND date IS NOT NULL AND COALESCE(role, 'subject') = 'subject'
        GROUP BY date, ticker""",
    "analyst_views": """
        SELECT a.published_date AS date, v.analyst, v.title AS analyst_title, v.firm, v.firm_ticker,
               v.stance, v.score, v.rating, v.rating_direction, v.price_target, v.previous_price_target, v.currency,
               v.targets, v.target_tickers, v.quote, v.stance_source, v.target_direction,
               v.article_id, v.idx, a.title AS article_title, a.url, a.source
        FROM views v JOIN articles a ON a.id = v.article_id
        WHERE COALESCE(v.role, 'analyst') = 'analyst'""",
    "view_targets": """
        SELECT av.date, t.value AS ticker, av.analyst, av.firm, av.stance, av.score, av.rating,
               av.price_target, av.quote, av.article_id, av.idx
        FROM analyst_views av, json_each(CASE WHEN json_valid(av.target_tickers)
                                              THEN av.target_tickers ELSE '[]' END) t""",
    "analyst_summary": """
        SELECT firm, analyst, COUNT(*) AS views,
               SUM(stance = 'positive') AS positive, SUM(stance = 'negative') AS negative,
               SUM(stance = 'neutral') AS neutral, ROUND(AVG(score), 4) AS mean_score,
               MIN(date) AS first_date, MAX(date) AS last_date
        FROM analyst_views GROUP BY firm, analyst""",
    "firm_summary": """
        SELECT firm, COUNT(*) AS views, COUNT(DISTINCT analyst) AS analysts,
               SUM(stance = 'positive') AS positive, SUM(stance = 'negative') AS negative,
               SUM(stance = 'neutral') AS neutral, ROUND(AVG(score), 4) AS mean_score,
               MIN(date) AS first_date, MAX(date) AS last_date
        FROM analyst_views WHERE firm IS NOT NULL GROUP BY firm""",
}

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "body")

# Same names as sqlite-utils' enable_fts(create_triggers=True), so sqlite-utils and
# Datasette recognise the index; written out because enable_fts() commits mid-migration.
FTS_SQL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS [{FTS_TABLE}] USING FTS5 (
        [title], [body], tokenize='porter unicode61', content=[articles])""",
    """CREATE TRIGGER IF NOT EXISTS [articles_ai] AFTER INSERT ON [articles] BEGIN
        INSERT INTO [articles_fts] (rowid, [title], [body]) VALUES (new.rowid, new.[title], new.[body]);
    END""",
    """CREATE TRIGGER IF NOT EXISTS [articles_ad] AFTER DELETE ON [articles] BEGIN
        INSERT INTO [articles_fts] ([articles_fts], rowid, [title], [body])
        VALUES ('delete', old.rowid, old.[title], old.[body]);
    END""",
    """CREATE TRIGGER IF NOT EXISTS [articles_au] AFTER UPDATE OF [title], [body] ON [articles] BEGIN
        INSERT INTO [articles_fts] ([articles_fts], rowid, [title], [body])
        VALUES ('delete', old.rowid, old.[title], old.[body]);
        INSERT INTO [articles_fts] (rowid, [title], [body]) VALUES (new.rowid, new.[title], new.[body]);
    END""",
    f"INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}]) VALUES ('rebuild')",
]

INDEXES = [
    # signals --ticker: entity rows of one ticker, then the article by primary key
    "CREATE INDEX IF NOT EXISTS idx_entities_ticker_role ON entities (ticker, role, article_id)",
    "CREATE INDEX IF NOT EXISTS idx_articles_date_id ON articles (published_date, id)",
    "CREATE INDEX IF NOT EXISTS idx_views_stance ON views (stance)",
]


def ensure_novelty_columns(db: Any) -> None:
    """Add ``articles.novelty`` / ``duplicate_of`` unless the ingest migration already did."""
    cols = {row[1] for row in db.execute("PRAGMA table_info(articles)").fetchall()}
    if "novelty" not in cols:
        db.execute("ALTER TABLE articles ADD COLUMN novelty REAL")
    if "duplicate_of" not in cols:
        db.execute("ALTER TABLE articles ADD COLUMN duplicate_of TEXT")


def refresh_views(db: Any) -> None:
    """(Re)create every view from :data:`VIEWS`; safe to call from a later migration."""
    for name in reversed(list(VIEWS)):
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    for name, sql in VIEWS.items():
        db.execute(f"CREATE VIEW [{name}] AS {sql.strip()}")
