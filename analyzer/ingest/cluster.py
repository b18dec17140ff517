"""Ingest on a Dask cluster: workers analyse batches, this process reads and stores.

``newsig ingest PATH... --cluster ADDRESS`` keeps the single-machine driver
(:mod:`.driver`) for everything but the analysis: the client reads the
sources, skips what the database holds, and stores results through the same
store (one writer, one transaction per batch). Only the analysis moves:
:meth:`Cluster.analyze` has the driver's ``analyze`` signature and sends
batches of articles to the workers, at most ``IN_FLIGHT_PER_THREAD`` batches per
worker thread at a time (memory stays flat however long the archive), and
yields the results **in source order** (a reorder buffer), so the database ends
up with the same rows, counters and near-duplicate links as a single-process
run whatever order the batches finish in.

What travels: each task is a reference to :func:`analyze_batch` (by module
path, so every worker needs the same newsig installed, with its models) plus
the batch's ``Article`` records; the results come back as ``ArticleResult``
records. Each worker process builds the spaCy pipeline and loads the sentiment
model once (``pipeline.build_nlp`` is cached per process) on its first batch.

Faults: a worker that dies mid-batch costs nothing (the scheduler recomputes
its batches elsewhere; results are stored once, by the client). A batch that
raises on a worker, or keeps killing workers, is split into single articles;
an article that still fails is yielded as :class:`AnalysisFailed` and the
driver records it in ``ingest_errors``. Losing the scheduler stops the run
(``ClusterLost``); rerunning the same command finishes the rest.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from analyzer.errors import BadSetting, MissingExtra, NewsigError
from analyzer.records import Article, ArticleResult

CONNECT_TIMEOUT_S = 5  # an unreachable scheduler is reported after this long
WORKERS_TIMEOUT_S = 60  # a scheduler with no workers is reported after this long
IN_FLIGHT_PER_THREAD = 2  # batches queued per worker thread: one running, one ready
GROUPS_PER_TASK = 4  # docs of a task go through the pipeline in this many groups (see analyze_batch)


class ClusterError(NewsigError):
    """Dask cluster error"""


class ClusterUnreachable(ClusterError):
    """Cannot reach the Dask scheduler"""


class ClusterMismatch(ClusterError):
    """The cluster's workers cannot run this newsig (install the same newsig, with its models, on every worker)"""


class ClusterLost(ClusterError):
    """Lost the Dask cluster mid-run (rerun the same command to finish the rest)"""


@dataclass(frozen=True)
class AnalysisFailed:
    """Yielded in place of a result for an article that failed on the cluster."""

    article: Article
    error: str


# ---- on the workers ------------------------------------------------------------------

@functools.cache
def worker_info() -> dict[str, Any]:
    """What a worker runs: newsig version and model checksum (``analyzer.version_info``); read once
    per worker process, not per task (the install cannot change under a running worker)."""
    from analyzer import version_info

    return version_info()


def analyze_batch(articles: list[Article], sentiment: bool, batch_size: int,
                  expect: dict[str, Any]) -> tuple[str, list[ArticleResult]]:
    """Run on a worker: analyse one batch; returns (worker address, results in order).

    ``expect`` is the client's ``version_info``: a worker that joined after the
    connect-time check with another newsig or model refuses the work.
    """
    _check(worker_info(), expect, sentiment, "this worker")
    from analyzer.nlp.pipeline import analyze_articles

    # a task is one pipeline run: in groups smaller than the task, the model thread scores one
    # group while spaCy makes the next (one group per task would leave one core idle in turn)
    group = max(1, -(-len(articles) // GROUPS_PER_TASK))
    results = list(analyze_articles(articles, sentiment=sentiment, batch_size=group))
    return _address(), results


def _address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def _check(info: dict[str, Any], expect: dict[str, Any], sentiment: bool, who: str) -> None:
    if info.get("version") != expect.get("version"):
        raise ClusterMismatch(f"{who} has newsig {info.get('version')}, this client {expect.get('version')}")
    if sentiment and info.get("model_sha256") != expect.get("model_sha256"):
        theirs = info.get("model") or "no sentiment model"
        raise ClusterMismatch(f"{who} has model {theirs}, this client {expect.get('model')}")


# ---- on the client ---------------------------------------------------------------------

def parse_address(address: str) -> int | str:
    """``local:N`` -> N (worker processes to start); anything else is a scheduler address."""
    address = address.strip()
    if address.startswith("local:"):
        n = address[len("local:"):]
        if not n.isdigit() or int(n) < 1:
            raise BadSetting(f"--cluster {address}: use local:N with N >= 1 worker processes")
        return int(n)
    if not address:
        raise BadSetting("--cluster needs an address: local:N or tcp://HOST:PORT")
    return address


class Cluster:
    """A Dask client for one ingest run: ``with Cluster("local:2") as c: Ingest(db, cluster=c)``.

    Connecting checks that every worker runs this newsig (version and, with
    sentiment, the model checksum); nothing is written before that succeeds.
    """

    def __init__(self, address: str, *, sentiment: bool = True,
                 connect_timeout: float = CONNECT_TIMEOUT_S, workers_timeout: float = WORKERS_TIMEOUT_S) -> None:
        target = parse_address(address)
        try:
            import distributed
        except ImportError as exc:
            raise MissingExtra("--cluster needs Dask: pip install 'newsig[cluster]'") from exc
        self.address = address
        self.sentiment = sentiment
        self.workers_seen: set[str] = set()
        self._local = None
        self.client = None
        self.info = worker_info()
        try:
            if isinstance(target, int):
                threads = str(max(1, (os.cpu_count() or 1) // target))  # torch threads per worker process
                # Dask's default worker environment pins BLAS to 1 thread and sets MALLOC_TRIM_THRESHOLD_,
                # which turns off glibc's adaptive mmap threshold: every large torch buffer is then a
                # fresh mmap, and the model ran ~1.5x slower than in one process
                import dask

                with dask.config.set({"distributed.nanny.pre-spawn-environ": {}}):
                    self._local = distributed.LocalCluster(
                        n_workers=target, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=logging.ERROR,
                        env={"NEWSIG_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
                             "OPENBLAS_NUM_THREADS": threads, "OMP_WAIT_POLICY": "PASSIVE"})
                self.client = distributed.Client(self._local, timeout=connect_timeout)
            else:
                self.client = _connect(distributed, target, connect_timeout)
            try:
                self.client.wait_for_workers(1, timeout=workers_timeout)
            except (TimeoutError, OSError) as exc:
                raise ClusterUnreachable(f"{address}: no workers joined within {workers_timeout:.0f} s") from exc
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        try:
            infos = self.client.run(worker_info)
        except Exception as exc:  # noqa: BLE001 - e.g. ModuleNotFoundError: analyzer on the worker
            raise ClusterMismatch(f"{type(exc).__name__}: {exc}") from exc
        for addr, info in sorted(infos.items()):
            _check(info, self.info, self.sentiment, f"worker {addr}")

    @property
    def threads(self) -> int:
        """Worker threads now in the cluster (at least 1)."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - the scheduler's problem shows up on the next result
            return 1

    def analyze(self, articles: Iterable[Article], *, sentiment: bool = True, batch_size: int = 32,
                n_process: int = 1) -> Iterator[ArticleResult | AnalysisFailed]:
        """The driver's ``analyze``: results in input order, with bounded batches in flight."""
        pending: deque[tuple[list[Article], Any]] = deque()
        stream = iter(articles)
        more = True
        while True:
            limit = IN_FLIGHT_PER_THREAD * self.threads
            while more and len(pending) < limit:
                batch = list(itertools.islice(stream, batch_size))
                if not batch:
                    more = False
                    break
                pending.append((batch, self._submit(batch, sentiment, batch_size)))
            if not pending:
                return
            batch, future = pending.popleft()
            yield from self._collect(batch, future, sentiment)

    def _submit(self, batch: list[Article], sentiment: bool, batch_size: int) -> Any:
        return self.client.submit(analyze_batch, batch, sentiment, batch_size, self.info, pure=False)

    def _result(self, future: Any) -> list[ArticleResult]:
        """The batch's results; a task error is raised as itself, a lost cluster as ClusterLost."""
        from analyzer.ingest.driver import FATAL

        try:
            addr, results = future.result()
        except FATAL:
            raise
        except Exception as exc:
            if future.status == "error":  # raised on a worker (or KilledWorker: it kept killing them)
                raise _TaskFailed(exc) from exc
            raise ClusterLost(f"{type(exc).__name__}: {exc}") from exc
        finally:
            future.release()
        self.workers_seen.add(addr)
        return results

    def _collect(self, batch: list[Article], future: Any, sentiment: bool) -> Iterator[Any]:
        try:
            yield from self._result(future)
            return
        except _TaskFailed:
            pass
        # split the batch: every article on its own, so only the bad one fails
        singles = [self._submit([art], sentiment, 1) for art in batch]
        for art, single in zip(batch, singles):
            try:
                yield from self._result(single)
            except _TaskFailed as exc:
                err = exc.__cause__
                yield AnalysisFailed(art, f"analysis failed: {type(err).__name__}: {err}")

    def close(self) -> None:
        for thing in (self.client, self._local):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass
        self.client = self._local = None

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _TaskFailed(Exception):
    """A task raised on a worker (its exception is ``__cause__``)."""


def _connect(distributed: Any, address: str, timeout: float) -> Any:
    try:
        return distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterUnreachable(f"{address} ({_reason(exc, timeout)})") from exc


def _reason(exc: BaseException, timeout: float) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"no answer within {timeout:g} s" if "Timed out" in text or isinstance(exc, TimeoutError) else text
