"""The ``newsig`` console entry point: the root app, joining one sub-app per command family.

The commands live in :mod:`analyzer.cli` (``analyze``, ``sentiment``, ``ingest``, ``query``,
``universe``, ``market``); library code raises, only those modules print and exit.
"""

from __future__ import annotations

import typer

from analyzer.cli import analyze, evaluate, ingest, market, query, sentiment, universe
from analyzer.cli.common import fail, handle_errors  # noqa: F401  (kept for scripts that import them from cli)

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Turn financial news into trading signals.")


def _version(value: bool) -> None:
    if value:
        from analyzer import version_info

        info = version_info()
        typer.echo(f"newsig {info['version']} (model {info['model'] or 'missing'})")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Print the version and the model's checksum prefix (as analyzer.version_info()), then exit.",
    ),
) -> None:
    """Turn financial news into trading signals."""


app.add_typer(analyze.app)
app.add_typer(sentiment.app)
app.add_typer(ingest.app)
app.add_typer(query.app)
app.add_typer(evaluate.app)
app.add_typer(universe.app, name="universe")
app.add_typer(sentiment.model_app, name="model")
app.add_typer(market.app, name="market")

if __name__ == "__main__":
    app()
