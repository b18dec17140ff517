"""Batch ingest: stream articles from an archive, analyse them in batches, store each batch once.

Idempotent and resumable by construction: an article is known by its content
hash (and its URL when it has one), both checked against the database before
analysis, and each batch is written in one transaction by
``store.save_many``. A run killed at any moment (``kill -9``) leaves whole
batches only; running it again skips what is stored and finishes the rest.
Near-duplicate links and novelty (``analyzer.store.novelty``) are written in a
second transaction; articles a killed run stored but did not link are linked
at the start of the next run, so the end state is the same.

Bad input never stops a run: every ``SourceError`` and every article the
pipeline rejects is recorded in ``ingest_errors`` (once per origin and reason)
and reported through ``on_error``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from analyzer.store import db as store
from analyzer.errors import DatabaseError, ModelMissing, NewsigError, UniverseError
from analyzer.ingest.cluster import AnalysisFailed, ClusterError
from analyzer.store.novelty import link, unlinked
from analyzer.records import Article, ArticleResult
from analyzer.sources import SourceError, SourceReader


FATAL = (ModelMissing, UniverseError, DatabaseError, ClusterError)  # the setup is broken: stop, don't blame the article
Analyze = Callable[..., Iterator[ArticleResult | AnalysisFailed]]  # results in input order


@dataclass
class IngestStats:
    """What one run did; ``timings`` are seconds spent per stage."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0  # exact copies (same hash or URL) seen earlier in this run
    near_duplicates: int = 0  # stored, and linked to an earlier story (duplicate_of)
    skipped: int = 0  # already in the database before this run
    failed: int = 0
    workers: int = 0  # cluster workers that returned results (0: this process did the analysis)
    timings: dict[str, float] = field(default_factory=lambda: {"parse": 0.0, "analyze": 0.0,
                                                               "store": 0.0, "link": 0.0})

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def as_dict(self) -> dict[str, Any]:
        return {"read": self.read, "stored": self.stored, "duplicates": self.duplicates,
                "near_duplicates": self.near_duplicates, "skipped": self.skipped, "failed": self.failed}


def _default_analyze(articles: list[Article], *, sentiment: bool, batch_size: int,
                     n_process: int) -> Iterator[ArticleResult]:
    from analyzer.nlp import analyze_articles

    return analyze_articles(articles, sentiment=sentiment, batch_size=batch_size, n_process=n_process)


class Ingest:
    """One ingest run over a database; ``run(paths)`` returns its ``IngestStats``."""

    def __init__(self, db, *, batch_size: int = 32, workers: int = 1, sentiment: bool = True,
                 analyze: Analyze | None = None, cluster: Any = None,
                 on_error: Callable[[str, str], None] | None = None,
                 on_progress: Callable[["Ingest"], None] | None = None) -> None:
        if batch_size < 1 or workers < 1:
            raise NewsigError("batch size and workers must be at least 1")
        self.db = db
        self.batch_size = batch_size
        self.workers = workers
        self.sentiment = sentiment
        self.cluster = cluster  # an analyzer.ingest.cluster.Cluster: analysis on its workers
        self.analyze = analyze or (cluster.analyze if cluster is not None else _default_analyze)
        self.on_error = on_error
        self.on_progress = on_progress
        self.stats = IngestStats()
        self.reader: SourceReader | None = None
        self.run_id: int | None = None
        self._inflight: set[str] = set()  # ids and URLs taken but not stored yet (bounded by the pipeline)

    # ---- the run ----------------------------------------------------------------

    def run(self, paths: Iterable[str | Path], *, fields: Mapping[str, str] | None = None,
            stdin: IO[bytes] | None = None) -> IngestStats:
        paths = [str(p) for p in paths]
        self.run_id = self._start(paths)
        leftovers = unlinked(self.db)  # stored by a run that was killed before linking
        if leftovers:
            self._link(leftovers)
        self.reader = SourceReader(paths, fields, stdin)
        batch: list[ArticleResult] = []
        results = self._results(self._fresh())
        while True:
            t0, parse0 = time.perf_counter(), self.stats.timings["parse"]
            result = next(results, None)
            self.stats.timings["analyze"] += time.perf_counter() - t0 - (self.stats.timings["parse"] - parse0)
            if result is not None:
                batch.append(result)
            if batch and (result is None or len(batch) >= self.batch_size):
                self._store(batch)
                batch = []
            if result is None:
                break
        if self.cluster is not None:
            self.stats.workers = len(self.cluster.workers_seen)
        self._finish()
        if self.on_progress:
            self.on_progress(self)
        return self.stats

    def _timed_items(self) -> Iterator[Article | SourceError]:
        """Source items, checked by ``pipeline.prepare``; time spent counts as parse."""
        from analyzer.nlp import prepare

        assert self.reader is not None
        it = iter(self.reader)
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            if isinstance(item, Article):
                try:
                    item = prepare(item)
                except NewsigError as exc:
                    item = SourceError(item.origin or "?", exc.message)
            self.stats.read += 1
            self.stats.timings["parse"] += time.perf_counter() - t0
            yield item

    def fail(self, origin: str, error: str) -> None:
        """Record a bad item (once per origin and reason across runs) and report it."""
        self.stats.failed += 1
        seen = self.db.execute("SELECT 1 FROM ingest_errors WHERE origin = ? AND error = ?",
                               [origin, error]).fetchone()
        if not seen:
            store.record_error(self.db, origin, error)
        if self.on_error:
            self.on_error(origin, error)

    # ---- the stream -----------------------------------------------------------------

    def _fresh(self) -> Iterator[Article]:
        """Articles not stored yet, checked against the database a batch at a time; errors recorded."""
        chunk: list[Article] = []
        for item in self._timed_items():
            if isinstance(item, SourceError):
                self.fail(item.origin, item.error)
            else:
                chunk.append(item)
            if len(chunk) >= self.batch_size:
                yield from self._new_only(chunk)
                chunk = []
            if self.on_progress:
                self.on_progress(self)
        yield from self._new_only(chunk)

    def _results(self, articles: Iterator[Article]) -> Iterator[ArticleResult]:
        """One long ``nlp.pipe`` over the stream (a process pool lives as long as the run).

        If the pipeline raises, the articles it had taken but not returned are retried one
        by one (the bad one is recorded), then the stream resumes where it was.
        """
        kw = {"sentiment": self.sentiment, "batch_size": self.batch_size, "n_process": self.workers}
        taken: deque[Article] = deque()

        def feed() -> Iterator[Article]:
            for art in articles:
                taken.append(art)
                yield art

        while True:
            try:
                for result in self.analyze(feed(), **kw):
                    art = taken.popleft()
                    if isinstance(result, AnalysisFailed):  # the cluster retried it alone already
                        self._forget(art)
                        self.fail(art.origin or art.id, result.error)
                        continue
                    yield result
                return
            except FATAL:
                raise
            except Exception:  # noqa: BLE001 - a pipeline bug on one text must not stop the archive
                stuck = list(taken)
                taken.clear()
            for art in stuck:
                try:
                    for result in self.analyze([art], **{**kw, "n_process": 1}):
                        if isinstance(result, AnalysisFailed):
                            self._forget(art)
                            self.fail(art.origin or art.id, result.error)
                        else:
                            yield result
                except FATAL:
                    raise
                except Exception as exc:  # noqa: BLE001
                    self._forget(art)
                    self.fail(art.origin or art.id, f"analysis failed: {type(exc).__name__}: {exc}")

    # ---- one batch ----------------------------------------------------------------

    def _store(self, results: list[ArticleResult]) -> None:
        t0 = time.perf_counter()
        ids = self._save(results)
        self.stats.timings["store"] += time.perf_counter() - t0
        for result in results:
            self._forget(result.article)
        self.stats.stored += len(ids)
        self._link(ids)

    def _forget(self, art: Article) -> None:
        self._inflight.discard(art.id)
        if art.url:
            self._inflight.discard(art.url)

    def _save(self, results: list[ArticleResult]) -> list[str]:
        """One transaction per batch; if a record will not store, article by article (and that one fails)."""
        try:
            return store.save_many(self.db, results)
        except sqlite3.OperationalError as exc:  # locked for a minute, disk full, read-only: stop
            raise DatabaseError(str(exc)) from exc
        except (sqlite3.DatabaseError, sqlite3.InterfaceError, ValueError, TypeError):
            pass  # retried one by one below, so only the bad record fails
        ids = []
        for result in results:
            try:
                ids.append(store.save(self.db, result))
            except sqlite3.OperationalError as exc:
                raise DatabaseError(str(exc)) from exc
            except (sqlite3.DatabaseError, sqlite3.InterfaceError, ValueError, TypeError) as exc:
                art = result.article
                self.fail(art.origin or art.id, f"could not store: {type(exc).__name__}: {exc}")
        return ids

    def _link(self, ids: list[str]) -> None:
        if not ids:
            return
        t0 = time.perf_counter()
        with store.write_transaction(self.db):
            marks = ",".join("?" * len(ids))
            self.db.execute(f"UPDATE articles SET ingest_run = ? WHERE id IN ({marks}) AND ingest_run IS NULL",
                            [self.run_id, *ids])
        self.stats.near_duplicates += link(self.db, ids)
        self.stats.timings["link"] += time.perf_counter() - t0

    def _new_only(self, batch: list[Article]) -> list[Article]:
        """Drop articles stored before (skipped) or repeated in this run (duplicates)."""
        ids = list({a.id for a in batch})
        urls = list({a.url for a in batch if a.url})
        stored: dict[str, Any] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            stored.update(self.db.execute(f"SELECT id, ingest_run FROM articles WHERE id IN ({marks})", chunk))
        by_url: dict[str, Any] = {}
        for chunk in _chunks(urls, 500):
            marks = ",".join("?" * len(chunk))
            by_url.update(self.db.execute(f"SELECT url, ingest_run FROM articles WHERE url IN ({marks})", chunk))
        fresh: list[Article] = []
        for art in batch:
            if art.id in stored or (art.url and art.url in by_url):
                run = stored[art.id] if art.id in stored else by_url[art.url]
                if run == self.run_id:
                    self.stats.duplicates += 1
                else:
                    self.stats.skipped += 1
            elif art.id in self._inflight or (art.url and art.url in self._inflight):
                self.stats.duplicates += 1  # taken earlier in this run, not stored yet
            else:
                fresh.append(art)
                self._inflight.add(art.id)
                if art.url:
                    self._inflight.add(art.url)
        return fresh

    # ---- run bookkeeping -----------------------------------------------------------

    def _start(self, paths: list[str]) -> int:
        with store.write_transaction(self.db):
            table = self.db["ingest_runs"].insert({"started_at": _now(), "paths": json.dumps(paths)})
            return int(table.last_pk)

    def _finish(self) -> None:
        with self.db.conn:
            self.db["ingest_runs"].update(self.run_id, {"finished_at": _now(), **self.stats.as_dict()})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def ingest(db, paths: Iterable[str | Path], **options: Any) -> IngestStats:
    """Ingest ``paths`` into ``db``; options as for ``Ingest`` plus ``fields``/``stdin``."""
    fields = options.pop("fields", None)
    stdin = options.pop("stdin", None)
    return Ingest(db, **options).run(paths, fields=fields, stdin=stdin)


def run_cli(db, paths: list[str], **options: Any) -> IngestStats:
    """Ingest with a rich progress bar on a terminal (quiet in a pipe), errors on stderr, a summary."""
    import sys

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    err = Console(stderr=True)
    progress = Progress(TextColumn("[bold]ingest"), BarColumn(), TaskProgressColumn(),
                        TextColumn("{task.fields[articles]:,} articles  {task.fields[rate]:.1f}/s"),
                        TimeRemainingColumn(), console=err, disable=not err.is_terminal, transient=True)
    started = time.perf_counter()
    task = progress.add_task("ingest", total=None, articles=0, rate=0.0)

    def on_progress(job: Ingest) -> None:
        reader, s = job.reader, job.stats
        if reader is not None and progress.tasks[task].total is None and "-" not in reader.paths:
            progress.update(task, total=reader.total_bytes or 1)
        done = s.stored + s.duplicates + s.skipped + s.failed  # reading runs a batch or two ahead
        rate = done / max(time.perf_counter() - started, 1e-9)
        progress.update(task, completed=reader.done_bytes if reader else 0, articles=done, rate=rate)

    def on_error(origin: str, error: str) -> None:
        err.print(f"{escape(origin)}: {escape(error)}", highlight=False, soft_wrap=True)

    fields = options.pop("fields", None)
    with progress:
        stats = Ingest(db, on_error=on_error, on_progress=on_progress, **options).run(
            paths, fields=fields, stdin=sys.stdin.buffer if "-" in paths else None)
    elapsed = time.perf_counter() - started
    print(f"read {stats.read:,}  stored {stats.stored:,}  duplicates {stats.duplicates:,}  "
          f"near-duplicates {stats.near_duplicates:,}  skipped {stats.skipped:,}  failed {stats.failed:,}  "
          f"({stats.stored / max(elapsed, 1e-9):.1f} articles/s"
          + (f", {stats.workers} cluster worker{'s' * (stats.workers != 1)})" if options.get("cluster") else ")"))
    if stats.failed:
        err.print(f"{stats.failed:,} item(s) failed: see the ingest_errors table", highlight=False)
    return stats
