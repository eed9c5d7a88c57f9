"""Parse many new or changed documents at once, in worker processes when it pays."""

from __future__ import annotations

import functools
import gc
import logging
import multiprocessing
import os
import sys
import threading

from .documents import Parsed, parse_document
from .markup import Renderer
from .repository import (
    Options,
)

log = logging.getLogger(__name__)


PARALLEL_MIN = 100  # uncached documents worth starting worker processes for (jobs=None)


_worker_renderer: Renderer | None = None


@functools.cache
def _renderer() -> Renderer:
    """Return this process's Renderer (building one costs more than rendering a page)."""
    return Renderer()


def _init_worker() -> None:
    global _worker_renderer
    _worker_renderer = Renderer()
    # A forked worker inherits the build's paused collector. Collect the worker's own garbage,
    # but leave the inherited objects alone: traversing them would copy every shared page.
    gc.freeze()
    gc.enable()


def _parse_in_worker(job: tuple[str, str, bytes, str]) -> Parsed:
    assert _worker_renderer is not None
    return parse_document(*job, _worker_renderer)


def parse_many(todo: list[tuple], options: Options) -> list[Parsed]:
    """Parse documents, in worker processes when there are enough of them to be worth it."""
    jobs = options.jobs or os.cpu_count() or 1
    jobs = min(jobs, len(todo))
    wanted = jobs > 1 and (options.jobs is not None or len(todo) >= PARALLEL_MIN)
    work = [(folder, source, raw, digest) for _, folder, source, raw, digest, _ in todo]
    if not wanted:
        return [parse_document(*job, _renderer()) for job in work]
    # fork is cheapest (workers inherit the imported modules), but is only safe without threads
    # (the devserver runs an HTTP thread), and on Linux (macOS system libraries object to it).
    forkable = sys.platform.startswith("linux") and threading.active_count() == 1
    method = "fork" if forkable else "spawn"
    context = multiprocessing.get_context(method)
    # This process parses a share itself: one worker fewer to hold in memory, and its results
    # need no pickling.
    share = len(work) * (jobs - 1) // jobs
    chunk = max(1, min(64, share // (jobs * 8)))
    with context.Pool(jobs - 1, initializer=_init_worker) as pool:
        theirs = pool.map_async(_parse_in_worker, work[:share], chunksize=chunk)
        mine = [parse_document(*job, _renderer()) for job in work[share:]]
        return theirs.get() + mine
