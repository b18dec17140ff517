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
# (section owned by analyze; see analyzer/analyze.py)

# ---- universe --------------------------------------------------------------

# ---- sentiment / model -----------------------------------------------------

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

# ---- market ----------------------------------------------------------------


if __name__ == "__main__":
    app()
