"""Several forked waitress processes serving one listening socket, started, replaced and stopped by their parent.

One process is bound to one core by the GIL; N workers use N cores. The parent never answers a request: it
binds the socket, forks the workers, starts a new one when one ends unexpectedly (waiting longer each time they
keep ending right after their start), and on SIGTERM or SIGINT stops them all, each finishing the requests it
is in the middle of. Every worker holds the read end of a pipe whose write end only the parent holds, so when
the parent is gone, even by SIGKILL, each worker reads end-of-file and stops too.

Connections are spread evenly: a worker accepts new ones only while it holds no more than one more than the
worker holding fewest (geoapp.balance). Without that, one worker won most of a burst of new connections and
kept them, keep-alive, for as long as their clients stayed.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import threading
import time
import traceback
from typing import Callable

import click
from waitress import create_server, wasyncore

from geoapp.balance import Connections
from geoapp.i18n import _

GRACE = 10.0  # seconds a stopping worker gives the requests it is in the middle of
QUICK_END = 10.0  # a worker that ends sooner than this after its start counts towards waiting longer
LONGEST_WAIT = 30.0  # seconds, the most the parent waits before starting a worker again
BACKLOG = 1024  # waitress's default
RECHECK = 0.05  # seconds a worker leaving new connections to others waits before it compares counts again
PARENT_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)


def listen(host: str, port: int) -> socket.socket:
    """Return a socket bound to `host`:`port` (0 picks a free port) and listening, as waitress would bind it."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind(address)
    sock.listen(BACKLOG)
    return sock


def serve_workers(app, sock: socket.socket, count: int, before_fork: Callable[[], None], **options) -> None:
    """Serve `app` on `sock` with `count` worker processes until SIGTERM or SIGINT; return once all have stopped.

    `before_fork` runs before every fork (the database engine's pooled connections must not be shared);
    `options` go to waitress in each worker.
    """
    connections = Connections(count)
    Workers(count, sock, before_fork, connections,
            lambda alive, slot: serve_worker(app, sock, alive, connections.of(slot), options)).run()


class Workers:
    """The parent's side: start `count` workers, replace those that end, stop them all when told to."""

    def __init__(self, count: int, sock: socket.socket, before_fork: Callable[[], None], connections: Connections,
                 work: Callable[[int, int], None]):
        self.count, self.sock, self.before_fork, self.connections, self.work = count, sock, before_fork, connections, work
        self.started: dict[int, tuple[float, int]] = {}  # pid -> when it was started (monotonic), its slot
        self.due: list[tuple[float, int]] = []  # when the next workers are to start (monotonic), in which slot
        self.quick_ends = 0  # workers that ended right after their start, in a row
        self.stopping = False

    def run(self) -> None:
        """Keep `count` workers running until a stop signal, then stop them."""
        self.alive, self.alive_parent = os.pipe()
        self.wake, wake_writer = os.pipe()
        self.wake_fds = (self.wake, wake_writer)
        os.set_blocking(self.wake, False)
        os.set_blocking(wake_writer, False)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in PARENT_SIGNALS}
        # A signal wakes the select() below through this pipe, whenever it arrives.
        previous_wakeup = signal.set_wakeup_fd(wake_writer)
        try:
            self.due = [(time.monotonic(), slot) for slot in range(self.count)]
            while not self.stopping:
                self._reap()
                self._start_due()
                self._sleep(min(self.due, default=(None, None))[0])
        finally:
            self._stop_all()
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for fd in (self.alive, self.alive_parent, *self.wake_fds):
                os.close(fd)

    def _on_signal(self, signum, _frame) -> None:
        if signum != signal.SIGCHLD:
            self.stopping = True

    def _sleep(self, until: float | None) -> None:
        """Wait for a signal, or until the monotonic time `until`."""
        timeout = None if until is None else max(0.0, until - time.monotonic())
        if select.select([self.wake], [], [], timeout)[0]:
            try:
                os.read(self.wake, 512)
            except BlockingIOError:
                pass

    def _start_due(self) -> None:
        now = time.monotonic()
        for due in [d for d in self.due if d[0] <= now]:
            self.due.remove(due)
            self._start(due[1])

    def _start(self, slot: int) -> None:
        self.before_fork()
        sys.stdout.flush()
        sys.stderr.flush()
        # Signals wait until the child has its own handlers, so that none reaches it half set up.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, PARENT_SIGNALS)
        pid = os.fork()
        if pid == 0:
            self._be_worker(slot)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.started[pid] = (time.monotonic(), slot)

    def _be_worker(self, slot: int) -> None:
        """In the child: drop the parent's ends of the pipes, serve, and exit without running the parent's code."""
        status = 1
        try:
            signal.set_wakeup_fd(-1)
            for fd in (self.alive_parent, *self.wake_fds):
                os.close(fd)
            self.work(self.alive, slot)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)

    def _reap(self) -> None:
        """Collect the workers that ended and plan their replacements."""
        while self.started:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            if pid not in self.started:
                continue
            started, slot = self.started.pop(pid)
            self.connections.vacate(slot)  # the others must not wait for it to take its share
            if self.stopping:
                continue
            now = time.monotonic()
            self.quick_ends = self.quick_ends + 1 if now - started < QUICK_END else 0
            # The first quick end is replaced at once (a worker killed by hand); then 1, 2, 4 … s.
            wait = 0.0 if self.quick_ends <= 1 else min(LONGEST_WAIT, 2.0 ** (self.quick_ends - 2))
            self.due.append((now + wait, slot))
            report_end(pid, status, wait)

    def _stop_all(self) -> None:
        """Close the parent's hold on the port, ask every worker to stop and wait; kill those that do not."""
        self.stopping = True
        self.sock.close()
        for pid in self.started:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE + 5
        while self.started and time.monotonic() < deadline:
            self._reap()
            if self.started:
                self._sleep(min(deadline, time.monotonic() + 0.2))
        for pid in list(self.started):
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            del self.started[pid]


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def report_end(pid: int, status: int, wait: float) -> None:
    """Say on stderr that a worker ended unexpectedly, how, and when the next one starts."""
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        message = _("worker process %(pid)d was ended by signal %(signal)s; a new one starts in %(seconds)g s",
                    pid=pid, signal=signal.Signals(-code).name, seconds=wait)
    else:
        message = _("worker process %(pid)d ended with exit status %(code)d; a new one starts in %(seconds)g s",
                    pid=pid, code=code, seconds=wait)
    click.echo(message, err=True)


def serve_worker(app, sock: socket.socket, alive: int, share, options: dict) -> None:
    """Serve `app` on the inherited socket until SIGTERM or the parent's end; then finish what is in progress."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    # Ctrl+C reaches the whole process group; the parent decides and sends SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    connections: dict = {}
    server = create_server(app, map=connections, sockets=[sock], **options)
    threading.Thread(target=_watch_parent, args=(alive, stopping, server), daemon=True).start()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, PARENT_SIGNALS)
    adj = server.adj
    # waitress's own server.run(), one turn at a time, so that a stop can be noticed between turns and a worker
    # holding more than its share of connections can leave new ones to the others.
    while not stopping.is_set():
        server.accepting = share.may_accept(len(server.active_channels))
        # While not accepting, look again soon: another worker's count may have caught up.
        timeout = adj.asyncore_loop_timeout if server.accepting else RECHECK
        wasyncore.loop(timeout=timeout, use_poll=adj.asyncore_use_poll, map=connections, count=1)
    server.del_channel()  # accept no more connections here; the other workers go on accepting them
    sock.close()
    share.leave()  # and they must not hold back new connections for this worker's share
    deadline = time.monotonic() + GRACE
    while any(_in_progress(c) for c in list(connections.values())) and time.monotonic() < deadline:
        wasyncore.loop(timeout=0.05, use_poll=adj.asyncore_use_poll, map=connections, count=1)
    server.task_dispatcher.shutdown(timeout=1)


def _in_progress(connection) -> bool:
    """Tell whether a waitress connection is receiving a request, handling one, or still sending an answer."""
    # HTTPChannel keeps the request being received in `request`, those received but not yet answered in
    # `requests`, and counts the bytes not yet sent in `total_outbufs_len`; other entries (the trigger) have none.
    return (getattr(connection, "request", None) is not None or bool(getattr(connection, "requests", None))
            or bool(getattr(connection, "total_outbufs_len", 0)))


def _watch_parent(alive: int, stopping: threading.Event, server) -> None:
    """Set `stopping` once the parent is gone: the pipe's only writer has closed, so reading it ends."""
    try:
        while os.read(alive, 64):
            pass
    except OSError:
        pass
    stopping.set()
    server.pull_trigger()  # wake the serving loop now rather than at its next timeout
