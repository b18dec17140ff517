"""What every command shares: one-line errors on stderr and their exit codes."""

from __future__ import annotations

import functools

import typer


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
