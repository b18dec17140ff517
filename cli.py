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

# ---- market ----------------------------------------------------------------


if __name__ == "__main__":
    app()
