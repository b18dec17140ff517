"""The ``newsig`` command line: parse arguments, call :mod:`analyzer`, print.

Library code raises :class:`analyzer.errors.NewsigError`; only this module
turns errors into ``Error: ...`` on stderr and an exit code. Heavy imports
live inside the commands so ``newsig --help`` stays instant.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Turn financial news into trading signals.")
universe_app = typer.Typer(no_args_is_help=True, help="The ticker universe: look up, import, sync listings.")
model_app = typer.Typer(no_args_is_help=True, help="Train and evaluate the sentiment model.")
market_app = typer.Typer(no_args_is_help=True, help="Market prices, fact checks and event studies.")
app.add_typer(universe_app, name="universe")
app.add_typer(model_app, name="model")
app.add_typer(market_app, name="market")


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=code)


def handle_errors(func):
    """Turn library errors (and a few OS errors) into one-line messages."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from analyzer.errors import NewsigError

        try:
            return func(*args, **kwargs)
        except NewsigError as exc:
            fail(exc.message)
        except (OSError, UnicodeError) as exc:
            fail(str(exc))

    return wrapper


# ---- analyze ---------------------------------------------------------------

@app.command()
@handle_errors
def analyze(
    text: Annotated[Optional[str], typer.Argument(help="Article text, or - to read it from standard input.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the article from a file (.txt, .md, .json, .html ...).")] = None,
    date: Annotated[Optional[str], typer.Option("--date", "-d", help="Publication date (YYYY-MM-DD or ISO datetime); relative dates resolve against it.")] = None,
    title: Annotated[Optional[str], typer.Option(help="Article title.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Publisher.")] = None,
    url: Annotated[Optional[str], typer.Option(help="Article URL.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table (for people) or json (the newsig.article/1 contract).")] = "table",
    db: Annotated[Optional[Path], typer.Option("--db", envvar="NEWSIG_DB", help="Also store the result in this SQLite database (default: $NEWSIG_DB; none = don't store).")] = None,
    sentiment: Annotated[bool, typer.Option("--sentiment/--no-sentiment", help="Run the transformer sentiment model.")] = True,
    sentences: Annotated[bool, typer.Option("--sentences", help="Table format: also list every sentence with its score.")] = False,
) -> None:
    """Analyse one article: companies and tickers, moves, metrics, views, sentiment.

    Example: newsig analyze --file corpus/short_selling_resumes_2025-03-31.txt --date 2025-03-31
    """
    import json

    from analyzer.inputs import make_article
    from analyzer.pipeline import analyze as run_analysis

    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    stdin = None
    if text == "-":
        text, stdin = None, sys.stdin.buffer.read()
    if text is None and file is None and stdin is None:
        if sys.stdin.isatty():
            raise typer.BadParameter("give TEXT, --file PATH or - for standard input")
        stdin = sys.stdin.buffer.read()
    article = make_article(text, file=file, stdin=stdin, published=date, title=title, source=source, url=url)
    result = run_analysis(article, sentiment=sentiment)
    if db is not None:
        from analyzer.store import open_db, save

        save(open_db(db), result)
    data = result.to_dict()
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from analyzer.render import print_article

        print_article(data, sentences=sentences)
        if db is not None:
            typer.echo(f"stored as {data['article']['id']} in {db}", err=True)


# ---- universe --------------------------------------------------------------
# (section owned by universe; see analyzer/universe.py)
from enum import Enum as _UniverseEnum


@universe_app.command("show")
@handle_errors
def universe_show(
    query: Annotated[str, typer.Argument(help="A name, alias, ticker or symbol (any case).")],
) -> None:
    """Look a name or code up and show how it links: listing, codes and the names that match.

    Example: newsig universe show "ecopro bm"
    """
    from analyzer.universe import AMBIGUOUS, case_sensitive, load_universe

    universe = load_universe()
    found = universe.lookup(query)
    if not found:
        if " ".join(query.lower().split()) in AMBIGUOUS:
            typer.echo(f"'{query}' is a group name shared by several listings: it is never linked on its own.")
        else:
            typer.echo(f"No listing matches '{query}'.")
        close = universe.suggest(query)
        if close:
            typer.echo("Close names: " + ", ".join(close))
        raise typer.Exit(code=1)
    if len(found) > 1:
        typer.echo(f"'{query}' names {len(found)} listings; in text it links to none of them unless a code says which.")
    q = " ".join(query.split()).lower()
    for x in found:
        typer.echo(f"{x.name}\t{x.ticker or '-'}\t{x.exchange or '-'}\t{x.symbol or '-'}")
        details = [f"kind: {x.kind}"] + [f"{k}: {v}" for k, v in (("country", x.country), ("currency", x.currency), ("sector", x.sector)) if v]
        typer.echo("  " + " | ".join(details))
        matched = [n for n in x.names if n.lower() == q]
        if matched:
            how = "exact case only" if case_sensitive(matched[0]) else "any case"
            typer.echo(f"  matches: {', '.join(matched)} ({how})")
        elif q.upper() in {(x.ticker or "").upper(), (x.symbol or "").upper()}:
            typer.echo(f"  matches: code {query.upper()}")
        if x.aliases:
            typer.echo(f"  aliases: {', '.join(x.aliases)}")


@universe_app.command("import")
@handle_errors
def universe_import(
    file: Annotated[Path, typer.Argument(help="CSV with columns name,ticker,exchange,symbol,country,currency,sector,aliases,kind.", exists=True, dir_okay=False)],
) -> None:
    """Add or override listings from your own CSV (validated fully before anything is written).

    Example: newsig universe import my_watchlist.csv
    """
    from analyzer.universe import home_dir, import_csv

    n = import_csv(file)
    typer.echo(f"Imported {n} listings into {home_dir() / 'universe.csv'}")


class SyncSource(str, _UniverseEnum):
    sec = "sec"
    krx = "krx"


@universe_app.command("sync")
@handle_errors
def universe_sync(
    source: Annotated[SyncSource, typer.Argument(help="sec (US, SEC's company tickers) or krx (Korea Exchange).")],
) -> None:
    """Download a current listing into your universe (needs the network); built-in entries are kept.

    Example: newsig universe sync sec
    """
    from analyzer.universe import home_dir
    from analyzer.universe_sync import sync_krx, sync_sec

    n = (sync_sec if source == SyncSource.sec else sync_krx)()
    typer.echo(f"Synced {n:,} {source.value.upper()} listings into {home_dir() / f'universe_{source.value}.csv'}")


# ---- sentiment / model -----------------------------------------------------

SENTIMENT_DATASETS = ("fpb", "fpb-allagree", "sentfin", "twitter", "all")


def _sentiment_items(text: Optional[str], file: Optional[Path], entity: Optional[str]) -> list[tuple[str, Optional[str]]]:
    """(text, entity) pairs from the argument, a text file (one sentence a line) or JSONL."""
    import json

    from analyzer.errors import BadInput

    if file is None:
        return [(text, entity)] if text and text.strip() else []
    items: list[tuple[str, Optional[str]]] = []
    lines = file.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if file.suffix.lower() == ".jsonl":
            try:
                row = json.loads(line)
                items.append((str(row["text"]), row.get("entity") or entity))
            except (ValueError, KeyError, TypeError) as exc:
                raise BadInput(f"{file}:{n}: expected a JSON object with a text field ({exc})") from exc
        else:
            items.append((line.strip(), entity))
    return items


@app.command("sentiment")
@handle_errors
def sentiment_cmd(
    text: Annotated[Optional[str], typer.Argument(help="One sentence to classify, or - for one sentence per line on standard input.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", exists=True, dir_okay=False, help="One sentence per line, or .jsonl with text and optional entity.")] = None,
    entity: Annotated[Optional[str], typer.Option("--entity", "-e", help="Score the sentiment towards this entity (target-dependent).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or table.")] = "jsonl",
    batch_size: Annotated[int, typer.Option(min=1, help="Sentences per model batch.")] = 64,
    model: Annotated[Optional[Path], typer.Option("--model", file_okay=False, help="Model folder (default: the shipped models/).")] = None,
    precision: Annotated[Optional[str], typer.Option("--precision", help="int8 (default, ~2x faster) or fp32 (exact weights); default from $NEWSIG_SENTIMENT_PRECISION.")] = None,
) -> None:
    """Classify financial sentences as negative, neutral or positive (score = P(pos) - P(neg)).

    Example: newsig sentiment "Intel tumbled 8.4% while Nvidia rose 3.1%" --entity Intel
    """
    import json

    if fmt not in ("jsonl", "table"):
        raise typer.BadParameter("use jsonl or table", param_hint="--format")
    if text is not None and file is not None:
        raise typer.BadParameter("give TEXT or --file, not both")
    if text == "-":
        text = None
        items = [(line.strip(), entity) for line in sys.stdin.read().splitlines() if line.strip()]
    else:
        items = _sentiment_items(text, file, entity)
    if not items:
        raise typer.BadParameter("give a sentence, or --file with one sentence per line")
    from analyzer.sentiment import load_model

    preds = load_model(model, _precision(precision)).predict([t for t, _ in items], [e for _, e in items], batch_size=batch_size)
    if fmt == "jsonl":
        for (t, e), p in zip(items, preds):
            row = {"text": t, "entity": e, "label": p.label, "score": round(p.score, 4), "probs": {k: round(v, 4) for k, v in p.probs.items()}}
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    typer.echo(f"{'label':<9} {'score':>6}  {'entity':<16} text")
    for (t, e), p in zip(items, preds):
        short = t if len(t) <= 80 else t[:77] + "..."
        typer.echo(f"{p.label:<9} {p.score:>+6.3f}  {(e or '-')[:16]:<16} {short}")


def _precision(value: str | None) -> str | None:
    """Check a --precision value (None: the environment's default)."""
    from analyzer.sentiment import PRECISIONS

    if value is not None and value not in PRECISIONS:
        raise typer.BadParameter(f"use {' or '.join(PRECISIONS)}", param_hint="--precision")
    return value


@model_app.command("train")
@handle_errors
def model_train(
    data: Annotated[Optional[Path], typer.Option("--data", file_okay=False, help="Shared data folder (default: $NEWSIG_SHARED/data or ../shared/data).")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", exists=True, dir_okay=False, help="Train on your own CSV with text,label[,entity] instead.")] = None,
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Where to write the model (use models/ to replace the shipped one).")] = Path("runs/sentiment-model"),
    epochs: Annotated[Optional[int], typer.Option("--epochs", min=1, help="Override the epochs of every teacher and the student.")] = None,
    teachers: Annotated[Optional[int], typer.Option("--teachers", min=1, help="Use only the first N teachers of the recipe (1 = no distillation).")] = None,
    device: Annotated[Optional[str], typer.Option("--device", help="cpu or cuda (default: cuda when available).")] = None,
) -> None:
    """Train the sentiment model: the shipped recipe (3 teachers, distilled student) or your own CSV.

    The shipped model took ~7 minutes on one H100; on a 2-core CPU expect hours
    (try --teachers 1 --epochs 2 first).

    Example: newsig model train --out runs/my-model --teachers 1 --epochs 2
    """
    import json
    from dataclasses import replace

    from analyzer.training import Recipe, train_recipe

    recipe = Recipe()
    if teachers:
        recipe.teachers = recipe.teachers[:teachers]
    if epochs:
        recipe.teachers = [replace(t, epochs=epochs) for t in recipe.teachers]
        recipe.student = replace(recipe.student, epochs=epochs)
    report = train_recipe(out, data=data, csv=csv, recipe=recipe, device=device, log=lambda s: typer.echo(s, err=True))
    typer.echo(json.dumps({"out": str(out), "dev": report.get("dev")}, indent=1))


@model_app.command("eval")
@handle_errors
def model_eval(
    csv: Annotated[Optional[Path], typer.Option("--csv", exists=True, dir_okay=False, help="Labelled CSV with text,label[,entity].")] = None,
    dataset: Annotated[str, typer.Option("--dataset", help="fpb, fpb-allagree, sentfin, twitter or all.")] = "all",
    split: Annotated[str, typer.Option("--split", help="dev (for choosing) or test (for reporting once).")] = "dev",
    data: Annotated[Optional[Path], typer.Option("--data", file_okay=False, help="Shared data folder (default: $NEWSIG_SHARED/data or ../shared/data).")] = None,
    model: Annotated[Optional[Path], typer.Option("--model", file_okay=False, help="Model folder (default: the shipped models/).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    precision: Annotated[Optional[str], typer.Option("--precision", help="int8 (default, ~2x faster) or fp32 (exact weights); default from $NEWSIG_SENTIMENT_PRECISION.")] = None,
) -> None:
    """Accuracy, macro-F1 and confusion matrix of the sentiment model on a labelled CSV or the shared splits.

    Example: newsig model eval --dataset fpb --split dev
    """
    import json

    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    if dataset not in SENTIMENT_DATASETS:
        raise typer.BadParameter(f"use one of {', '.join(SENTIMENT_DATASETS)}", param_hint="--dataset")
    if split not in ("dev", "test"):
        raise typer.BadParameter("use dev or test", param_hint="--split")
    from analyzer.sentiment import load_model
    from analyzer.training import evaluate, load_csv, load_dataset

    if csv is not None:
        sets = {csv.name: load_csv(csv)}
    else:
        names = SENTIMENT_DATASETS[:-1] if dataset == "all" else (dataset,)
        sets = {f"{n}/{split}": load_dataset(n, split, data) for n in names}
    m = load_model(model, _precision(precision))
    results = {name: evaluate(m, rows) for name, rows in sets.items()}
    if fmt == "json":
        typer.echo(json.dumps(results, indent=1))
        return
    typer.echo(f"{'dataset':<20} {'n':>5} {'accuracy':>8} {'macro-F1':>8}")
    for name, r in results.items():
        typer.echo(f"{name:<20} {r['n']:>5} {r['accuracy']:>8.4f} {r['macro_f1']:>8.4f}")
    for name, r in results.items():
        typer.echo(f"\n{name}: confusion (rows gold, columns predicted: {' '.join(x[:3] for x in r['labels'])})")
        for lab, row in zip(r["labels"], r["confusion"]):
            typer.echo(f"  {lab:<9}" + "".join(f"{v:>6}" for v in row))


# ---- views / ingest / query ------------------------------------------------

# -- ingest: batch archives into SQLite (analyzer/ingest.py, analyzer/sources.py) --
@app.command("ingest")
@handle_errors
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (recursive); - reads JSONL from stdin.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to create or add to.")] = Path("news.db"),
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Articles per batch and per transaction.")] = 32,
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes (n_process).")] = 1,
    field: Annotated[Optional[list[str]], typer.Option("--field", help="FIELD=NAME: read FIELD (title, body, published, url, source, tickers) from key/column NAME.")] = None,
    no_sentiment: Annotated[bool, typer.Option("--no-sentiment", help="Skip the transformer (faster).")] = False,
) -> None:
    """Analyse an archive (txt, md, json, jsonl, csv, html, RSS/Atom, .gz) and store every article once.

    Re-running skips what is stored; an interrupted run finishes the rest. Bad
    items are recorded in the ingest_errors table and the exit code is 1.

    Example: newsig ingest archive/ news.jsonl.gz --db news.db
    """
    from analyzer.ingest import run_cli
    from analyzer.sources import parse_fields
    from analyzer.store import open_db

    stats = run_cli(open_db(db), paths, fields=parse_fields(field or []), batch_size=batch_size,
                    workers=workers, sentiment=not no_sentiment)
    if not stats.ok:
        raise typer.Exit(code=1)

# -- end ingest --

# -- query: read-only questions, export, browse (analyzer/query.py, analyzer/explore.py) --
from enum import Enum


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
    from analyzer.explore import export

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

    from analyzer.explore import datasette_args, write_metadata

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

# -- end query --

# ---- market ----------------------------------------------------------------
# (section owned by market; see analyzer/market.py)
from enum import Enum as _Enum


class MarketFormat(str, _Enum):
    table = "table"
    csv = "csv"
    json = "json"


class StudyGroup(str, _Enum):
    sentiment = "sentiment"
    stance = "stance"
    event = "event"


MarketDb = Annotated[Path, typer.Option("--db", help="SQLite database (created if missing).", dir_okay=False)]


def _pct(v, digits: int = 2) -> str:
    return "-" if v is None else f"{v:+.{digits}f}"


@market_app.command("import")
@handle_errors
def market_import(
    files: Annotated[list[Path], typer.Argument(help="CSV/CSV.gz/Parquet price files.", exists=True, dir_okay=False)],
    db: MarketDb,
    column: Annotated[Optional[list[str]], typer.Option("--column", help="FIELD=COLUMN for other layouts, e.g. ticker=code (repeatable).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on the first bad row instead of skipping it.")] = False,
) -> None:
    """Import daily prices (stocks or index series), upserting on (symbol, date); bad rows are reported and skipped.

    Example: newsig market import ../shared/data/market/krx_daily_prices.csv --db news.db
    """
    from analyzer.market import import_prices, parse_column_map
    from analyzer.store import open_db

    store = open_db(db)
    mapping = parse_column_map(column)
    for f in files:
        rep = import_prices(store, f, column_map=mapping, strict=strict)
        for bad in rep.bad[:20]:
            typer.echo(f"Skipped {f.name} {bad}", err=True)
        if len(rep.bad) > 20:
            typer.echo(f"Skipped {len(rep.bad) - 20} more bad rows in {f.name}", err=True)
        span = f", {rep.first} .. {rep.last}" if rep.rows else ""
        typer.echo(f"{f.name}: {rep.rows:,} rows for {rep.symbols:,} symbols{span}; {len(rep.bad)} bad rows skipped")


@market_app.command("fetch")
@handle_errors
def market_fetch(
    symbols: Annotated[list[str], typer.Argument(help="Yahoo-style symbols: AAPL, 086520.KQ, ^KS11.")],
    db: MarketDb,
    start: Annotated[str, typer.Option("--start", help="First date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last date, YYYY-MM-DD.")],
    source: Annotated[str, typer.Option("--source", help="auto (KRX symbols via pykrx, others via Yahoo), yahoo or krx.")] = "auto",
) -> None:
    """Download daily prices from Yahoo (yfinance) or KRX (pykrx): needs network and the optional fetch extra.

    Example: newsig market fetch AAPL ^GSPC --start 2018-01-01 --end 2018-03-31 --db news.db
    """
    from analyzer.market_fetch import fetch_prices
    from analyzer.market_io import store_prices
    from analyzer.store import open_db

    frame, empty = fetch_prices(symbols, start=start, end=end, source=source)
    store = open_db(db)
    n = store_prices(store, frame, source=f"fetch:{source}") if len(frame) else 0
    for s in empty:
        typer.echo(f"No prices returned for {s}", err=True)
    typer.echo(f"Fetched {n:,} rows for {len(symbols) - len(empty)} of {len(symbols)} symbols")


@market_app.command("study")
@handle_errors
def market_study(
    db: MarketDb,
    windows: Annotated[str, typer.Option("--windows", help="Event windows in trading days, e.g. '-1:0,0:1,0:5'.")] = "-1:0,0:1,0:5",
    group_by: Annotated[StudyGroup, typer.Option("--group-by", help="sentiment (quintiles), stance (analyst views) or event (type).")] = StudyGroup.sentiment,
    fmt: Annotated[MarketFormat, typer.Option("--format", "-f", help="table, csv (group rows) or json.")] = MarketFormat.table,
    chart: Annotated[Optional[Path], typer.Option("--chart", help="Write a PNG of mean CAR paths by group here.", dir_okay=False)] = None,
    min_history: Annotated[int, typer.Option("--min-history", help="Days of history needed for a market-model beta.")] = 60,
) -> None:
    """Event study: abnormal returns after each article for its subjects, by group, with IC and top-minus-bottom spread.

    Example: newsig market study --db news.db --windows=-1:0,0:1,0:5 --group-by sentiment --chart car.png
    """
    import json as _json

    from analyzer.market import parse_windows, study, write_chart
    from analyzer.store import open_db

    result = study(open_db(db, create=False), windows=parse_windows(windows), group_by=group_by.value,
                   min_history=min_history)
    data = result.to_dict()
    if chart is not None:
        write_chart(result, chart)
    if fmt is MarketFormat.json:
        typer.echo(_json.dumps(data, indent=2))
    elif fmt is MarketFormat.csv:
        typer.echo(result.groups[["group", "window", "n", "mean_car", "t", "hit_rate"]].to_csv(index=False), nl=False)
    else:
        from rich.table import Table

        from analyzer.render import make_console

        table = Table(title=f"Mean CAR (%) by {group_by.value}: {data['events']:,} events")
        for col in ("group", "window", "n", "mean CAR %", "t", "hit rate"):
            table.add_column(col, justify="left" if col in ("group", "window") else "right")
        for g in data["groups"]:
            table.add_row(str(g["group"]), g["window"], f"{g['n']:,}", _pct(g["mean_car"] and 100 * g["mean_car"], 3),
                          _pct(g["t"]), "-" if g["hit_rate"] is None else f"{g['hit_rate']:.3f}")
        console = make_console()
        console.print(table)
        for ic in data["ic"]:
            console.print(f"IC {ic['window']}: mean {_pct(ic['mean'], 4)}, t {_pct(ic['t'])}, {ic['days']} days")
        for s in data["spread"]:
            console.print(f"{s['top']}-{s['bottom']} {s['window']}: {_pct(s['mean'] and 100 * s['mean'], 3)} %, t {_pct(s['t'])}")
        if data["skipped"]:
            console.print("Skipped: " + ", ".join(f"{k} ({v})" for k, v in data["skipped"].items()))
        if data["missing_symbols"]:
            shown = ", ".join(data["missing_symbols"][:10])
            console.print(f"No prices for: {shown}" + (" ..." if len(data["missing_symbols"]) > 10 else ""))
    if chart is not None and fmt is MarketFormat.table:
        typer.echo(f"Chart written to {chart}")


@market_app.command("check")
@handle_errors
def market_check(
    db: MarketDb,
    fmt: Annotated[MarketFormat, typer.Option("--format", "-f", help="table, csv or json.")] = MarketFormat.table,
    tolerance: Annotated[float, typer.Option("--tolerance", help="Allowed gap for a stated % change, in percentage points.")] = 0.05,
    price_tolerance: Annotated[float, typer.Option("--price-tolerance", help="Allowed relative gap for a stated price.")] = 0.005,
) -> None:
    """Fact-check every stated move and price against the close on its date: match, mismatch or no_data.

    Example: newsig market check --db news.db --format json
    """
    import json as _json

    from analyzer.market import check_moves
    from analyzer.store import open_db

    checks = check_moves(open_db(db, create=False), change_tolerance=tolerance, price_tolerance=price_tolerance)
    rows = [c.to_dict() for c in checks]
    if fmt is MarketFormat.json:
        typer.echo(_json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt is MarketFormat.csv:
        import csv as _csv

        writer = _csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["ticker"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        from rich.table import Table

        from analyzer.render import make_console

        table = Table(title=f"Stated moves vs the market ({len(rows)})")
        for col in ("ticker", "entity", "date", "stated %", "actual %", "stated price", "actual price", "status"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["ticker"] or "-", r["entity"] or "-", r["date"] or "-", _pct(r["stated_change_pct"]),
                          _pct(r["actual_change_pct"]),
                          "-" if r["stated_price"] is None else f"{r['stated_price']:,.2f}",
                          "-" if r["actual_price"] is None else f"{r['actual_price']:,.2f}",
                          r["status"] + (f" ({r['note']})" if r["note"] else ""))
        make_console().print(table)



if __name__ == "__main__":
    app()
