"""Serve with several processes: gunicorn's master forks gthread workers that answer on one port.

One process is bound to one core by the GIL; N workers use N cores. gunicorn's master never answers a request:
it starts the workers, starts a new one when one ends, and on SIGTERM stops them all, each finishing the
requests it is in the middle of (SIGINT stops at once). A worker whose master is gone, even by SIGKILL, stops
within a second or two, and the drawing processes of its exports stop with it (geoapp.export.drawing_pool).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from typing import Callable

from gunicorn.app.base import BaseApplication

GRACE = 10  # seconds a stopping worker gives the requests it is in the middle of
KEEPALIVE = 5  # seconds an idle connection stays open for its next request
LONGEST_REQUEST_LINE = 8190  # gunicorn's most; its default of 4094 would refuse long map and API URLs


def refusing_oversized(app, largest: int):
    """Wrap `app` so that a request announcing a body over `largest` bytes is refused at its headers."""
    def guarded(environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > largest:
            # The body is never read; closing the connection spares reading it just to reach a next request.
            start_response("413 Request Entity Too Large",
                           [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")])
            return [f"Request Entity Too Large\r\n\r\nexceeds the largest body of {largest} bytes".encode()]
        return app(environ, start_response)

    return guarded


class Prefork(BaseApplication):
    """gunicorn configured in code: no config file and no GUNICORN_CMD_ARGS are read."""

    def __init__(self, app, settings: dict):
        self.application, self.settings = app, settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def _fork_prepared(before_fork: Callable[[], None]) -> Callable:
    def pre_fork(_server, _worker) -> None:
        before_fork()
        # What the master built stays out of the workers' garbage collections: fewer pages copied after the fork.
        gc.freeze()

    return pre_fork


def _exit_at_once(at_exit: Callable[[], None]) -> Callable:
    def worker_exit(_server, _worker) -> None:
        # Called as the worker ends, its requests finished. The interpreter's teardown would then collect every
        # object inherited from the master, which took seconds on a busy machine and held the whole stop up.
        ending = sys.exc_info()[1]
        code = ending.code if isinstance(ending, SystemExit) and isinstance(ending.code, int) else int(ending is not None)
        try:
            at_exit()
        finally:
            _exit(code)

    return worker_exit


def _exit(code: int) -> None:
    """End this process now, with its output written but without the interpreter's teardown."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve_workers(app, host: str, port: int, workers: int, threads: int, largest_body: int,
                  around_fork: Callable[[], None], ready: Callable[[int], None], started: Callable[[], None]) -> None:
    """Serve `app` with `workers` gunicorn processes of `threads` threads until stopped.

    `around_fork` runs in the master before every fork and in each worker as it ends (it closes pooled database
    connections, which no two processes may share); `ready` gets the port listened on once the socket is bound;
    `started` runs in each worker once it has loaded the app.
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    server = Prefork(refusing_oversized(app, largest_body), {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "graceful_timeout": GRACE,
        "keepalive": KEEPALIVE,
        "limit_request_line": LONGEST_REQUEST_LINE,
        # Which proxy to believe is geoapp's own setting (GEOAPP_TRUSTED_PROXIES), as with waitress.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "proc_name": "geoapp",
        # gunicorn's control socket sits at one path per user, which two servers of one account would share.
        "control_socket_disable": True,
        "pre_fork": _fork_prepared(around_fork),
        "post_worker_init": lambda _worker: started(),
        "worker_exit": _exit_at_once(around_fork),
        "when_ready": lambda arbiter: ready(arbiter.LISTENERS[0].sock.getsockname()[1]),
    })
    try:
        server.run()
        code = 0
    except SystemExit as stop:  # gunicorn's master ends with sys.exit, 0 after a stop
        code = stop.code if isinstance(stop.code, int) else 1
    # Every worker has ended; the master's teardown would only collect what it built, as slowly as a worker's.
    _exit(code)
