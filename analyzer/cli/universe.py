"""``newsig universe show|import|sync``: the ticker universe."""

from __future__ import annotations

from enum import Enum as _UniverseEnum
from pathlib import Path
from typing import Annotated

import typer

from analyzer.cli.common import handle_errors

app = typer.Typer(no_args_is_help=True, help="The ticker universe: look up, import, sync listings.")


@app.command("show")
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


@app.command("import")
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


@app.command("sync")
@handle_errors
def universe_sync(
    source: Annotated[SyncSource, typer.Argument(help="sec (US, SEC's company tickers) or krx (Korea Exchange).")],
) -> None:
    """Download a current listing into your universe (needs the network); built-in entries are kept.

    Example: newsig universe sync sec
    """
    from analyzer.universe import home_dir
    from analyzer.universe import sync_krx, sync_sec

    n = (sync_sec if source == SyncSource.sec else sync_krx)()
    typer.echo(f"Synced {n:,} {source.value.upper()} listings into {home_dir() / f'universe_{source.value}.csv'}")
