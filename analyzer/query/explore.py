"""Take the signal database elsewhere: export for pandas users, browse in Datasette.

Both read through :mod:`analyzer.query.queries` (read-only). Parquet needs ``pyarrow`` and
browsing needs ``datasette``: optional extras (``pip install 'newsig[parquet]'``,
``'newsig[browse]'``) with a clear error when missing.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from analyzer.errors import BadInput, DatabaseError, MissingExtra
from analyzer.query.queries import Result, connect_readonly, run_query
from analyzer.resources import data_path

EXPORT_SUFFIXES = (".csv", ".parquet", ".json", ".jsonl")
METADATA = data_path("datasette_metadata.json")


def _select(path: str | Path, table: str | None, query: str | None) -> Result:
    if bool(table) == bool(query):
        raise BadInput("give exactly one of --table or --query")
    if query:
        return run_query(path, query)
    with connect_readonly(path) as conn:
        known = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").rows}
        if table not in known:
            raise DatabaseError(f"no table or view named {table!r} (have: {', '.join(sorted(known))})")
        return conn.execute(f"SELECT * FROM [{table}]")


def export(path: str | Path, to: str | Path, *, table: str | None = None, query: str | None = None) -> int:
    """Write a table, view or query to CSV, Parquet, JSON or JSON Lines (by suffix); returns rows written."""
    to = Path(to)
    suffix = to.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise BadInput(f"--to must end in {', '.join(EXPORT_SUFFIXES)}, not {to.name!r}")
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise MissingExtra("Parquet export needs pyarrow: pip install 'newsig[parquet]'")
    if not to.parent.exists():
        raise BadInput(f"folder {to.parent} does not exist")
    result = _select(path, table, query)
    if suffix == ".csv":
        with to.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(result.columns)
            writer.writerows(result.rows)
    elif suffix == ".json":
        to.write_text(json.dumps(result.dicts(), ensure_ascii=False), encoding="utf-8")
    elif suffix == ".jsonl":
        with to.open("w", encoding="utf-8") as fh:
            for row in result.dicts():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        import pandas as pd

        pd.DataFrame.from_records(result.rows, columns=result.columns).to_parquet(to, index=False)
    return len(result.rows)


# ---- Datasette ----------------------------------------------------------------

def datasette_metadata(db_path: str | Path) -> dict[str, Any]:
    """The shipped metadata, keyed by this database's name (Datasette names a database by its file stem)."""
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    template = meta.pop("databases")["news"]
    meta["databases"] = {Path(db_path).stem: template}
    return meta


def datasette_args(db_path: str | Path, metadata_path: str | Path, *, port: int = 8001,
                   open_browser: bool = False) -> list[str]:
    """The command line that serves ``db_path`` on 127.0.0.1 only (never on all interfaces)."""
    if importlib.util.find_spec("datasette") is None:
        raise MissingExtra("browsing needs Datasette: pip install 'newsig[browse]'")
    with connect_readonly(db_path):  # checks it exists and brings views/FTS up to date
        pass
    args = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata_path),
            "--host", "127.0.0.1", "--port", str(port)]
    return args + (["--open"] if open_browser else [])


def write_metadata(db_path: str | Path, dest: str | Path) -> Path:
    dest = Path(dest)
    dest.write_text(json.dumps(datasette_metadata(db_path), indent=2), encoding="utf-8")
    return dest
