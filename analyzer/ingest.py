"""Batch ingest: stream articles from an archive, analyse them in batches, store each batch once.

Idempotent and resumable by construction: an article is known by its content
hash (and its URL when it has one), both checked against the database before
analysis, and each batch is written in one transaction by
``store.save_many``. A run killed at any moment (``kill -9``) leaves whole
batches only; running it again skips what is stored and finishes the rest.
Near-duplicate links and novelty (``analyzer.novelty``) are written in a
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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from . import store
from .errors import DatabaseError, ModelMissing, NewsigError, UniverseError
from .novelty import link, m010_ingest, unlinked
from .records import Article, ArticleResult
from .sources import SourceError, SourceReader

store.register_migration(m010_ingest)

FATAL = (ModelMissing, UniverseError, DatabaseError)  # the setup is broken: stop, don't blame the article
Analyze = Callable[..., Iterator[ArticleResult]]


@dataclass
class IngestStats:
    """What one run did; ``timings`` are seconds spent per stage."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0  # exact copies (same hash or URL) seen earlier in this run
    near_duplicates: int = 0  # stored, and linked to an earlier story (duplicate_of)
    skipped: int = 0  # already in the database before this run
    failed: int = 0
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
    from .pipeline import analyze_articles

    return analyze_articles(articles, sentiment=sentiment, batch_size=batch_size, n_process=n_process)


class Ingest:
    """One ingest run over a database; ``run(paths)`` returns its ``IngestStats``."""

    def __init__(self, db, *, batch_size: int = 32, workers: int = 1, sentiment: bool = True,
                 analyze: Analyze | None = None,
                 on_error: Callable[[str, str], None] | None = None,
                 on_progress: Callable[["Ingest"], None] | None = None) -> None:
        if batch_size < 1 or workers < 1:
            raise NewsigError("batch size and workers must be at least 1")
        self.db = db
        self.batch_size = batch_size
        self.workers = workers
        self.sentiment = sentiment
        self.analyze = analyze or _default_analyze
        self.on_error = on_error
        self.on_progress = on_progress
        self.stats = IngestStats()
        self.reader: SourceReader | None = None
        self.run_id: int | None = None

    # ---- the run ----------------------------------------------------------------

    def run(self, paths: Iterable[str | Path], *, fields: Mapping[str, str] | None = None,
            stdin: IO[bytes] | None = None) -> IngestStats:
        paths = [str(p) for p in paths]
        self.run_id = self._start(paths)
        leftovers = unlinked(self.db)  # stored by a run that was killed before linking
        if leftovers:
            self._link(leftovers)
        self.reader = SourceReader(paths, fields, stdin)
        pending: list[Article] = []
        for item in self._timed_items():
            if isinstance(item, SourceError):
                self.fail(item.origin, item.error)
            else:
                pending.append(item)
                if len(pending) >= self.batch_size:
                    self._flush(pending)
                    pending = []
            if self.on_progress:
                self.on_progress(self)
        if pending:
            self._flush(pending)
        self._finish()
        if self.on_progress:
            self.on_progress(self)
        return self.stats

    def _timed_items(self) -> Iterator[Article | SourceError]:
        """Source items, checked by ``pipeline.prepare``; time spent counts as parse."""
        from .pipeline import prepare

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

    # ---- one batch ----------------------------------------------------------------

    def _flush(self, batch: list[Article]) -> None:
        fresh = self._new_only(batch)
        if not fresh:
            return
        t0 = time.perf_counter()
        results = self._analyse(fresh)
        t1 = time.perf_counter()
        self.stats.timings["analyze"] += t1 - t0
        if not results:
            return
        ids = self._save(results)
        t2 = time.perf_counter()
        self.stats.timings["store"] += t2 - t1
        self.stats.stored += len(ids)
        self._link(ids)

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
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
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
        seen_ids: set[str] = set()
        seen_urls: set[str] = set()
        for art in batch:
            if art.id in stored or (art.url and art.url in by_url):
                run = stored[art.id] if art.id in stored else by_url[art.url]
                if run == self.run_id:
                    self.stats.duplicates += 1
                else:
                    self.stats.skipped += 1
            elif art.id in seen_ids or (art.url and art.url in seen_urls):
                self.stats.duplicates += 1
            else:
                fresh.append(art)
                seen_ids.add(art.id)
                if art.url:
                    seen_urls.add(art.url)
        return fresh

    def _analyse(self, articles: list[Article]) -> list[ArticleResult]:
        """The whole batch at once; if it fails, article by article so one bad text costs only itself."""
        kw = {"sentiment": self.sentiment, "batch_size": self.batch_size, "n_process": self.workers}
        try:
            return list(self.analyze(articles, **kw))
        except FATAL:
            raise
        except Exception as exc:  # noqa: BLE001 - a pipeline bug on one text must not stop the archive
            if len(articles) == 1:
                self.fail(articles[0].origin or articles[0].id, f"analysis failed: {type(exc).__name__}: {exc}")
                return []
        results = []
        kw["n_process"] = 1
        for art in articles:
            try:
                results.extend(self.analyze([art], **kw))
            except FATAL:
                raise
            except Exception as exc:  # noqa: BLE001
                self.fail(art.origin or art.id, f"analysis failed: {type(exc).__name__}: {exc}")
        return results

    # ---- run bookkeeping -----------------------------------------------------------

    def _start(self, paths: list[str]) -> int:
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
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
        rate = s.read / max(time.perf_counter() - started, 1e-9)
        progress.update(task, completed=reader.done_bytes if reader else 0, articles=s.read, rate=rate)

    def on_error(origin: str, error: str) -> None:
        err.print(f"{escape(origin)}: {escape(error)}", highlight=False, soft_wrap=True)

    fields = options.pop("fields", None)
    with progress:
        stats = Ingest(db, on_error=on_error, on_progress=on_progress, **options).run(
            paths, fields=fields, stdin=sys.stdin.buffer if "-" in paths else None)
    elapsed = time.perf_counter() - started
    print(f"read {stats.read:,}  stored {stats.stored:,}  duplicates {stats.duplicates:,}  "
          f"near-duplicates {stats.near_duplicates:,}  skipped {stats.skipped:,}  failed {stats.failed:,}  "
          f"({stats.stored / max(elapsed, 1e-9):.1f} articles/s)")
    if stats.failed:
        err.print(f"{stats.failed:,} item(s) failed: see the ingest_errors table", highlight=False)
    return stats
