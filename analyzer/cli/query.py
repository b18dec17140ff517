"""``newsig query|signals|views|articles|export|browse``: read-only questions to the database."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.cli.common import fail, handle_errors

app = typer.Typer()


class OutFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


DbOption = Annotated[Path, typer.Option("--db", help="SQLite database written by newsig ingest.")]
FormatOption = Annotated[OutFormat, typer.Option("--format", "-f", help="table, csv or json (a list of objects).")]
SinceOption = Annotated[Optional[str], typer.Option("--since", help="First date, YYYY-MM-DD.")]
UntilOption = Annotated[Optional[str], typer.Option("--until", help="Last date, YYYY-MM-DD.")]


def _print_result(result, fmt: OutFormat) -> None:
    from analyzer.query import render

    typer.echo(render(result, fmt.value))


@app.command("query")
@handle_errors
def query_cmd(
    sql: Annotated[str, typer.Argument(help="One SQL statement; the database is opened read-only.")],
    db: DbOption = Path("news.db"),
    fmt: FormatOption = OutFormat.table,
) -> None:
    """Run read-only SQL against the database (writes, ATTACH and PRAGMA writes are refused).

    Example: newsig query "SELECT ticker, count(*) FROM entities GROUP BY ticker" --db news.db
    """
    from analyzer.query import run_query

    _print_result(run_query(db, sql), fmt)


@app.command("signals")
@handle_errors
def signals_cmd(
    ticker: Annotated[str, typer.Option("--ticker", "-t", help="Exchange code (086520, AAPL) or symbol (086520.KQ).")],
    db: DbOption = Path("news.db"),
    since: SinceOption = None,
    until: UntilOption = None,
    min_relevance: Annotated[Optional[float], typer.Option("--min-relevance", help="Skip mentions less relevant than this (0-1).")] = None,
    fmt: FormatOption = OutFormat.table,
) -> None:
    """Daily sentiment signal of one ticker: relevance- and novelty-weighted mean, article count.

    Example: newsig signals --ticker 086520 --since 2025-03-01 --db news.db --format json
    """
    from analyzer.query import signals

    _print_result(signals(db, ticker, since=since, until=until, min_relevance=min_relevance), fmt)


@app.command("views")
@handle_errors
def views_cmd(
    db: DbOption = Path("news.db"),
    firm: Annotated[Optional[str], typer.Option("--firm", help="Firm name contains this (any case).")] = None,
    analyst: Annotated[Optional[str], typer.Option("--analyst", help="Analyst name contains this (any case).")] = None,
    ticker: Annotated[Optional[str], typer.Option("--ticker", "-t", help="Views that target this ticker.")] = None,
    stance: Annotated[Optional[str], typer.Option("--stance", help="positive, negative or neutral.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = OutFormat.table,
) -> None:
    """Attributed analyst and firm views, newest first.

    Example: newsig views --ticker 006400 --stance negative --since 2025-01-01 --db news.db
    """
    from analyzer.query import analyst_views

    _print_result(analyst_views(db, firm=firm, analyst=analyst, ticker=ticker, stance=stance,
                                since=since, until=until), fmt)


@app.command("articles")
@handle_errors
def articles_cmd(
    db: DbOption = Path("news.db"),
    ticker: Annotated[Optional[str], typer.Option("--ticker", "-t", help="Articles about this ticker.")] = None,
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="Full-text search; plain words match as a phrase.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows (0: all).")] = 100,
    fmt: FormatOption = OutFormat.table,
) -> None:
    """Find articles by ticker and/or full-text search (best match, else newest, first).

    Example: newsig articles --search "short selling" --ticker 086520 --db news.db
    """
    from analyzer.query import articles

    _print_result(articles(db, ticker=ticker, search=search, since=since, until=until, limit=limit), fmt)


@app.command("export")
@handle_errors
def export_cmd(
    to: Annotated[Path, typer.Option("--to", help="Output file: .csv, .parquet, .json or .jsonl.")],
    db: DbOption = Path("news.db"),
    table: Annotated[Optional[str], typer.Option("--table", help="A table or view, e.g. daily_signals.")] = None,
    query: Annotated[Optional[str], typer.Option("--query", help="A read-only SQL query instead of --table.")] = None,
) -> None:
    """Export a table, view or query for pandas users (Parquet needs the `parquet` extra).

    Example: newsig export --db news.db --table daily_signals --to signals.parquet
    """
    from analyzer.query import export

    n = export(db, to, table=table, query=query)
    typer.echo(f"Wrote {n} rows to {to}", err=True)


@app.command("browse")
@handle_errors
def browse_cmd(
    db: DbOption = Path("news.db"),
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8001,
    open_browser: Annotated[bool, typer.Option("--open", help="Open a web browser.")] = False,
) -> None:
    """Explore the database in Datasette on 127.0.0.1 (needs the `browse` extra); Ctrl-C stops it.

    Example: newsig browse --db news.db --port 8001 --open
    """
    import signal
    import subprocess
    import tempfile

    from analyzer.query import datasette_args, write_metadata

    with tempfile.TemporaryDirectory() as tmp:
        meta = write_metadata(db, Path(tmp) / "metadata.json")
        args = datasette_args(db, meta, port=port, open_browser=open_browser)
        typer.echo(f"Serving {db} at http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
        proc = subprocess.Popen(args)
        signal.signal(signal.SIGTERM, lambda *_: proc.terminate())  # never leave a server behind
        try:
            code = proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            code = proc.wait()
    if code > 0:
        fail(f"datasette exited with code {code}")
