"""``newsig eval``: score newsig against a hand-labelled (gold) JSONL file.

Thin: parse the options, call :func:`analyzer.evaluation.evaluate`, print rich tables
(or the report as JSON). Format and score: docs/evaluation.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from analyzer.cli.common import handle_errors

app = typer.Typer()


@app.command("eval")
@handle_errors
def eval_cli(
    gold: Annotated[Path, typer.Option("--gold", "-g", help="Labelled JSONL file (format: docs/evaluation.md).")],
    misses: Annotated[bool, typer.Option("--misses", help="Also list each gold fact not found and each prediction not in the gold, with its sentence.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table (for people) or json (score, parts, articles).")] = "table",
    sentiment: Annotated[bool, typer.Option("--sentiment/--no-sentiment", help="Run the sentiment model and score entity sentiment.")] = True,
    case: Annotated[Optional[str], typer.Option("--case", help="Only the cases whose name contains this.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Only the first N cases (after --case).")] = None,
) -> None:
    """Measure extraction on labelled articles: precision / recall / F1 per part, per-article totals, the set's score.

    Example: newsig eval --gold ../shared/data/extraction/dev.jsonl --case korea --misses
    """
    from analyzer.evaluation import evaluate

    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    report = evaluate(gold, case=case, limit=limit, sentiment=sentiment)
    if fmt == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print_report(report, misses=misses)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_report(report: dict[str, Any], *, misses: bool = False) -> None:
    """Parts table, articles table, the score line; then the misses per article."""
    from rich.console import Console
    from rich.table import Table

    from analyzer.evaluation import PARTS

    console = Console()
    parts = Table(title="Parts (mean over the articles where each applies)", title_justify="left", title_style="bold")
    for col in ("part", "articles", "precision", "recall", "F1"):
        parts.add_column(col, justify="left" if col == "part" else "right")
    for part in PARTS:
        d = report["details"].get(part)
        if d:
            parts.add_row(part, str(d["articles"]), _num(d["precision"]), _num(d["recall"]), _num(d["f1"]))
    shown = [p for p in PARTS if p in report["details"]]
    arts = Table(title="Articles", title_justify="left", title_style="bold")
    arts.add_column("case", overflow="fold")
    arts.add_column("total", justify="right")
    for p in shown:
        arts.add_column(p, justify="right")
    for art in report["articles"]:
        arts.add_row(art["case"], _num(art["total"]),
                     *(_num(art["parts"][p]["f1"]) if p in art["parts"] else "" for p in shown))
    console.print(parts)
    console.print(arts)
    console.print(f"[bold]score {report['score']:.3f}[/bold] over {len(report['articles'])} articles "
                  f"({report['seconds']:.1f} s, sentiment {'on' if report['sentiment'] else 'off'})")
    if misses:
        from analyzer.evaluation.report import format_misses

        console.print()
        for line in format_misses(report):
            console.print(line, markup=False, highlight=False)
