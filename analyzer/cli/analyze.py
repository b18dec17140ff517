"""``newsig analyze``: one article in, its analysis out (tables or the JSON contract)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.cli.common import handle_errors

app = typer.Typer()


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

    from analyzer.nlp.pipeline import analyze as run_analysis
    from analyzer.sources import make_article

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
