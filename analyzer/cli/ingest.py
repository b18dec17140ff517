"""``newsig ingest``: batch archives into SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.cli.common import handle_errors

app = typer.Typer()


@app.command("ingest")
@handle_errors
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (recursive); - reads JSONL from stdin.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to create or add to.")] = Path("news.db"),
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Articles per batch and per transaction.")] = 32,
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes (n_process).")] = 1,
    field: Annotated[Optional[list[str]], typer.Option("--field", help="FIELD=NAME: read FIELD (title, body, published, url, source, tickers) from key/column NAME.")] = None,
    no_sentiment: Annotated[bool, typer.Option("--no-sentiment", help="Skip the transformer (faster).")] = False,
    cluster: Annotated[Optional[str], typer.Option("--cluster", metavar="ADDRESS", help="Analyse on Dask: local:N starts N worker processes, tcp://HOST:PORT uses a running scheduler (pip install 'newsig\\[cluster]').")] = None,
) -> None:
    """Analyse an archive (txt, md, json, jsonl, csv, html, RSS/Atom, .gz) and store every article once.

    Re-running skips what is stored; an interrupted run finishes the rest. Bad
    items are recorded in the ingest_errors table and the exit code is 1.

    Example: newsig ingest archive/ news.jsonl.gz --db news.db --cluster local:2
    """
    from contextlib import nullcontext

    from analyzer.errors import BadSetting
    from analyzer.ingest import run_cli
    from analyzer.sources import parse_fields
    from analyzer.store import open_db

    fields = parse_fields(field or [])
    if cluster and workers > 1:
        raise BadSetting("--workers is for one machine; with --cluster the cluster's workers analyse (local:N)")
    session = None
    if cluster:
        from analyzer.ingest.cluster import Cluster

        session = Cluster(cluster, sentiment=not no_sentiment)  # connect and check before writing anything
    with session or nullcontext():
        stats = run_cli(open_db(db), paths, fields=fields, batch_size=batch_size,
                        workers=workers, sentiment=not no_sentiment, cluster=session)
    if not stats.ok:
        raise typer.Exit(code=1)
