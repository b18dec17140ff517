"""``newsig market import|fetch|check|study``: prices, fact checks and event studies."""

from __future__ import annotations

import sys
from enum import Enum as _Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.cli.common import handle_errors

app = typer.Typer(no_args_is_help=True, help="Market prices, fact checks and event studies.")


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


@app.command("import")
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


@app.command("fetch")
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
    from analyzer.market import fetch_prices
    from analyzer.market import store_prices
    from analyzer.store import open_db

    frame, empty = fetch_prices(symbols, start=start, end=end, source=source)
    store = open_db(db)
    n = store_prices(store, frame, source=f"fetch:{source}") if len(frame) else 0
    for s in empty:
        typer.echo(f"No prices returned for {s}", err=True)
    typer.echo(f"Fetched {n:,} rows for {len(symbols) - len(empty)} of {len(symbols)} symbols")


@app.command("study")
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


@app.command("check")
@handle_errors
def market_check(
    db: MarketDb,
    fmt: Annotated[MarketFormat, typer.Option("--format", "-f", help="table, csv or json.")] = MarketFormat.table,
    tolerance: Annotated[float, typer.Option("--tolerance", help="Least allowed gap for a stated % change, in percentage points (a figure stated with fewer decimals gets half its last unit).")] = 0.05,
    price_tolerance: Annotated[float, typer.Option("--price-tolerance", help="Allowed relative gap for a stated price.")] = 0.005,
) -> None:
    """Fact-check every stated move like with like: a close against that day's close, an intraday figure against the day's range, a period change over its period; match, plausible, mismatch or unverifiable (with the reason).

    Example: newsig market check --db news.db --format json
    """
    import json as _json

    from analyzer.market.check import check_moves, summary
    from analyzer.store.db import open_db

    checks = check_moves(open_db(db, create=False), change_tolerance=tolerance, price_tolerance=price_tolerance)
    rows = [c.to_dict() for c in checks]
    counts = summary(checks)
    line = f"{len(rows)} stated moves: " + ", ".join(f"{n} {status}" for status, n in counts.items())
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
        for col in ("ticker", "entity", "date", "when", "stated %", "actual %", "day's range %", "stated price",
                    "actual price", "compared with", "status"):
            table.add_column(col)
        for r in rows:
            when = " ".join(x for x in (r["session"], r["period"], r["qualifier"]) if x) or "-"
            rng = "-" if r["actual_low_pct"] is None else f"{r['actual_low_pct']:+.2f}..{r['actual_high_pct']:+.2f}"
            detail = "; ".join(x for x in (r["reason"], r["note"]) if x)
            table.add_row(r["ticker"] or "-", r["entity"] or "-", r["date"] or "-", when, _pct(r["stated_change_pct"]),
                          _pct(r["actual_change_pct"]), rng,
                          "-" if r["stated_price"] is None else f"{r['stated_price']:,.2f}",
                          "-" if r["actual_price"] is None else f"{r['actual_price']:,.2f}",
                          (r["comparison"] or "-") + (f" from {r['base_date']}" if r["base_date"] else ""),
                          r["status"] + (f" ({detail})" if detail else ""))
        console = make_console()
        console.print(table)
        console.print(line)
