"""PNG and PDF exports drawn in separate, lower-priority processes: the same files, and a killed process replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from geoapp import config
from geoapp.export import export_view
from geoapp.export.drawing_pool import NICENESS, DrawingPool
from tests.conftest import ROOT
from tests.exporting import VIEW, mapped, pdf_pages  # noqa: F401 (fixtures)


def own_pid(_briefing) -> int:
    return os.getpid()


def own_priority(_briefing) -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.fixture
def pool():
    drawing = DrawingPool(1)
    yield drawing
    drawing.shutdown()


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_an_export_drawn_by_the_pool_is_the_file_drawn_in_the_request(mapped, fmt):
    response = mapped.test_client().get(f"/export/map.{fmt}?{VIEW}")
    assert response.status_code == 200
    with mapped.test_request_context():
        in_thread = export_view(mapped.extensions["geoapp"], fmt, dict(p.split("=") for p in VIEW.split("&")))
    if fmt == "png":
        assert response.data == in_thread.content
    else:  # a PDF carries its moment of creation
        assert pdf_pages(response.data) == pdf_pages(in_thread.content)
    assert response.headers["Content-Disposition"] == f'attachment; filename="{in_thread.filename}"'


def test_drawing_processes_run_at_lower_priority(pool):
    assert pool.draw(own_pid, None) != os.getpid()
    assert pool.draw(own_priority, None) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)


def test_a_killed_drawing_process_is_replaced(pool):
    first = pool.draw(own_pid, None)
    os.kill(first, signal.SIGKILL)
    time.sleep(0.5)
    second = pool.draw(own_pid, None)
    assert second != first and second != os.getpid()


def test_size_0_draws_in_the_calling_process():
    assert DrawingPool(0).draw(own_pid, None) == os.getpid()


@pytest.mark.parametrize("value", ["-1", "17", "many"])
def test_export_processes_out_of_range_is_refused(value):
    with pytest.raises(config.ConfigError, match="GEOAPP_EXPORT_PROCESSES"):
        config.check(config.resolve(environ={"GEOAPP_EXPORT_PROCESSES": value}))


def test_drawing_processes_end_when_their_server_is_killed():
    script = ("import sys; from geoapp.export.drawing_pool import DrawingPool; from tests.test_drawing_pool import own_pid; "
              "print(DrawingPool(1).draw(own_pid, None), flush=True); sys.stdin.read()")
    with subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          cwd=ROOT) as server:
        drawing = int(server.stdout.readline())
        assert os.path.exists(f"/proc/{drawing}")
        server.kill()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{drawing}") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not os.path.exists(f"/proc/{drawing}")
