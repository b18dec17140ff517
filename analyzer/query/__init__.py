"""The read side: read-only SQL, daily signals, analyst views, full-text search, export, Datasette.

- :mod:`.queries` runs questions on a read-only connection and renders results.
- :mod:`.explore` exports tables (CSV, Parquet) and serves the database in Datasette.

Public: :func:`run_query`, :func:`signals`, :func:`analyst_views`, :func:`articles`, :func:`render`,
:func:`connect_readonly`, :func:`export`, :func:`datasette_args`, :func:`write_metadata`.
"""

from analyzer.query.explore import datasette_args, export, write_metadata
from analyzer.query.queries import Result, analyst_views, articles, connect_readonly, render, run_query, signals

__all__ = ["Result", "analyst_views", "articles", "connect_readonly", "datasette_args", "export",
    "render", "run_query", "signals", "write_metadata"]
