"""``newsig sentiment`` and ``newsig model train|eval``: the finance-tuned sentiment model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.cli.common import handle_errors

app = typer.Typer()
model_app = typer.Typer(no_args_is_help=True, help="Train and evaluate the sentiment model.")


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

    from analyzer.sentiment.training import Recipe, train_recipe

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
    from analyzer.sentiment.training import evaluate, load_csv, load_dataset

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
