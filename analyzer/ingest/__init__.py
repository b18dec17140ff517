"""Batch ingest: sources -> pipeline -> store, idempotent and resumable.

- :mod:`.driver` reads the sources, skips what the database holds, analyses in batches and stores
  each batch in one transaction; failures go to ``ingest_errors`` and the run goes on.
- :mod:`.cluster` runs the analysis on Dask workers (``newsig ingest --cluster``); the driver
  still reads and stores, in source order.

Public: :func:`ingest`, :class:`Ingest`, :func:`run_cli`.
"""

import os

# torch's OpenMP threads sleep when idle instead of spinning: on a machine shared with other
# work, spinning threads steal the cores that do the work (on the 2-core CI machine under load,
# 2-3x the CPU per article). OpenMP reads this once, when torch loads, so it is set before
# anything imports torch (a process that loaded torch already keeps its policy).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from analyzer.ingest.driver import Ingest, IngestStats, ingest, run_cli  # noqa: E402

__all__ = ["Ingest", "IngestStats", "ingest", "run_cli"]
