"""Separate, lower-priority processes that draw PNG and PDF exports, so the map stays responsive while they draw."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from geoapp.privacy.seal import Shipment, receive, ship

# Drawing a map takes a quarter of a second or more of CPU; at this niceness the scheduler gives the map pages,
# which planners wait for, the cores first.
NICENESS = 10


def _start_worker(parent: int) -> None:
    os.nice(NICENESS)
    # The server's pid is handed over, not read here: a server stopped while this process was starting up has
    # already left it to another parent.
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    # Import everything a drawing needs now, so the first export does not pay for it.
    from geoapp.export import figure, pdf  # noqa: F401


def _exit_with_parent(parent: int) -> None:
    # A drawing process also holds its task queue's writing end, so it would never see the server go after a SIGKILL.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _ready() -> None:
    """Do nothing: a task that has a drawing process started."""


def _draw(render: Callable, shipment: Shipment) -> bytes:
    return render(receive(shipment))


_SHARED: dict[tuple[int, int], "DrawingPool"] = {}
_SHARED_LOCK = threading.Lock()


def shared_pool(size: int) -> "DrawingPool":
    """Return this process's pool of `size` drawing processes; apps of one process share it, a forked child gets its own."""
    with _SHARED_LOCK:
        return _SHARED.setdefault((os.getpid(), size), DrawingPool(size))


class DrawingPool:
    """A pool of `size` drawing processes started on first use; size 0 draws in the calling thread."""

    def __init__(self, size: int):
        self.size = size
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def draw(self, render: Callable, briefing) -> bytes:
        """Return `render(briefing)`, drawn by a pool process; a pool broken by a killed process is replaced once."""
        if self.size == 0:
            return render(briefing)
        shipment = ship(briefing)  # published numbers travel sealed, opened by the privacy module in the drawing process
        try:
            return self._pool().submit(_draw, render, shipment).result()
        except BrokenProcessPool:
            self._replace()
            return self._pool().submit(_draw, render, shipment).result()

    def start(self) -> None:
        """Start the drawing processes now, rather than have the first export wait seconds for them (main thread)."""
        if not self.size:
            return
        # They stop with the server; a Ctrl+C at the terminal reaches them too and, while they start up, would only
        # print their tracebacks. A signal ignored here stays ignored in the processes started meanwhile.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            pool = self._pool()
            for _ in range(self.size):  # each task with no process free starts one; the imports go on in it
                pool.submit(_ready)
        finally:
            signal.signal(signal.SIGINT, previous)

    def shutdown(self) -> None:
        """Stop the drawing processes."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # Spawned, not forked: the server's threads and database connections stay behind.
                self._executor = ProcessPoolExecutor(self.size, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=_start_worker, initargs=(os.getpid(),))
            return self._executor

    def _replace(self) -> None:
        with self._lock:
            broken, self._executor = self._executor, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)
