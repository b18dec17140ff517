"""Batch ingest: sources -> pipeline -> store, idempotent and resumable.

- :mod:`.driver` reads the sources, skips what the database holds, analyses in batches and stores
  each batch in one transaction; failures go to ``ingest_errors`` and the run goes on.

Public: :func:`ingest`, :class:`Ingest`, :func:`run_cli`.
"""

from analyzer.ingest.driver import Ingest, IngestStats, ingest, run_cli

__all__ = ["Ingest", "IngestStats", "ingest", "run_cli"]
