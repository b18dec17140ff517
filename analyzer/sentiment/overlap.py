"""Run the sentiment model on a second core while spaCy keeps the first one busy.

An ingest has two kinds of work per article: spaCy's pipeline (Python and Cython, one core)
and the transformer (torch). :class:`ModelRunner` takes a group's texts (:meth:`submit`), and
a background thread scores them batch by batch while the caller goes on with spaCy. When the
caller needs a group's scores before the thread is through (:meth:`Job.result`), it scores
the remaining batches itself instead of waiting, so neither core idles while there is model
work: the thread never waits for spaCy, the caller never waits for the thread.

The batches are the model's own plan (:meth:`SentimentModel.plan`), run whole by one thread
or the other, so scores are those of ``SentimentModel.logits`` on the same texts. Each thread
runs torch single-threaded (two threads, two cores); from the second group on the network
runs as a TorchScript graph (:meth:`SentimentModel.trace`), which holds the GIL only to start
and return, so the caller's Python does not stall the thread between tensor ops.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

SWITCH_INTERVAL = 0.0002  # seconds; Python's default 5 ms makes a thread wait long for the GIL


class Job:
    """One group's texts, in batches claimed one at a time by whichever thread is free."""

    def __init__(self, model: Any, texts: Sequence[str], targets: Sequence[str | None] | None,
                 batch_size: int) -> None:
        import torch

        self.model = model
        self.items = model.encode(texts, targets) if len(texts) else []
        self.batches = model.plan(self.items, batch_size)
        self.logits = torch.zeros(len(self.items), len(model.labels))
        self._next = 0
        self._running = 0
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    @property
    def done(self) -> bool:
        with self._lock:
            return (self._next >= len(self.batches) or self._error is not None) and not self._running

    def work_one(self) -> bool:
        """Score the next unclaimed batch; False when none is left."""
        with self._lock:
            if self._next >= len(self.batches) or self._error is not None:
                return False
            idx = self.batches[self._next]
            self._next += 1
            self._running += 1
        try:
            out, error = self.model.run(self.items, idx), None
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that asks for the result
            out, error = None, exc
        with self._lock:
            if error is not None:
                self._error = self._error or error
            else:
                self.logits[idx] = out
            self._running -= 1
            self._changed.notify_all()
        return True

    def result(self) -> list[Any]:
        """The predictions in input order: scores the batches nobody has taken, then waits for the rest."""
        while self.work_one():
            pass
        with self._lock:
            while self._running:
                self._changed.wait()
            if self._error is not None:
                raise self._error
        return self.model.predictions(self.logits) if self.items else []


class ModelRunner:
    """``with ModelRunner(model) as runner: job = runner.submit(texts, targets); ...; job.result()``."""

    def __init__(self, model: Any, batch_size: int = 32, threads: int | None = None) -> None:
        self.model = model
        self.batch_size = batch_size
        self.threads = threads or _threads_each()
        self._jobs: deque[Job] = deque()
        self._wake = threading.Condition()
        self._closed = False
        self._submitted = 0
        self._thread: threading.Thread | None = None
        self._saved: tuple[int, float] | None = None

    def __enter__(self) -> "ModelRunner":
        import torch

        self._saved = (torch.get_num_threads(), sys.getswitchinterval())
        torch.set_num_threads(self.threads)
        sys.setswitchinterval(min(SWITCH_INTERVAL, self._saved[1]))
        self._thread = threading.Thread(target=self._loop, name="newsig-sentiment", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        import torch

        with self._wake:
            self._closed = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join()
        if self._saved is not None:
            torch.set_num_threads(self._saved[0])
            sys.setswitchinterval(self._saved[1])

    def submit(self, texts: Sequence[str], targets: Sequence[str | None] | None = None) -> Job:
        """Queue a group's texts; the background thread starts on them at once."""
        self._submitted += 1
        if self._submitted == 2:  # a stream, not one article: worth the graph's ~0.2 s set-up
            self.model.trace()
        job = Job(self.model, texts, targets, self.batch_size)
        with self._wake:
            self._jobs.append(job)
            self._wake.notify()
        return job

    def _loop(self) -> None:
        import torch

        torch.set_num_threads(self.threads)
        while True:
            with self._wake:
                while not self._jobs and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                job = self._jobs[0]
            if not job.work_one():
                with self._wake:
                    if self._jobs and self._jobs[0] is job:
                        self._jobs.popleft()


def _threads_each() -> int:
    """torch threads for each of the two threads: half the cores (``NEWSIG_THREADS`` caps the total)."""
    total = int(os.environ.get("NEWSIG_THREADS", 0) or 0) or min(os.cpu_count() or 1, 8)
    return max(1, total // 2)
