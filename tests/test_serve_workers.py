"""`geoapp serve --workers N`: N gunicorn worker processes answer on one port, are replaced when one dies, stop together.

Which process holds which connection is read from /proc (Linux): the children of the served command, the
socket inodes each holds open, and the established connections of the served port in /proc/net/tcp.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from geoapp.store import Store
from geoapp.store.schema import observations, uploads, walks
from tests.conftest import CSRF_FIELD, TEST_PASSWORD
from tests.observation_files import big_csv
from tests.test_corpus import post_headers_only

pytestmark = pytest.mark.slow


def process_state(pid: int) -> tuple[str, int] | None:
    """Return (state letter, parent pid) of a process, or None when it no longer exists."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def gone(pid: int) -> bool:
    """Tell whether a process has exited (a zombie waiting for its new parent to reap it has exited)."""
    state = process_state(pid)
    return state is None or state[0] in "ZX"


def children(pid: int) -> set[int]:
    """Return the live processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            state = process_state(int(entry.name))
            if state and state[1] == pid and state[0] not in "ZX":
                found.add(int(entry.name))
    return found


def wait_for(condition, seconds: float = 15, step: float = 0.05):
    """Return the first true value of `condition()` within `seconds`, or its last value."""
    deadline = time.monotonic() + seconds
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(step)
        value = condition()
    return value


def workers_of(parent: int, count: int) -> set[int]:
    """Return the parent's `count` worker processes once they have all been started."""
    found = wait_for(lambda: (lambda now: now if len(now) == count else None)(children(parent)))
    assert found, f"expected {count} workers, found {children(parent)}"
    return found


def established(port: int) -> set[str]:
    """Return the socket inodes of the established TCP connections whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    return inodes


def sockets_of(pid: int) -> set[str]:
    """Return the inodes of the sockets a process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def port_of(base: str) -> int:
    return urlsplit(base).port


def nobody_listens(port: int) -> bool:
    """Tell whether the port is free: binding it succeeds (SO_REUSEADDR ignores closed connections, not listeners)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def kill_all(pids) -> None:
    """Make sure no process of a failed test goes on serving."""
    for pid in pids:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)


def connections_per_worker(base: str, workers: set[int], path: str = "healthz") -> tuple[dict[int, int], list]:
    """Open keep-alive connections, one GET of `path` each, until every worker holds one; return the count per worker."""
    sessions, held = [], {}
    for _ in range(200):
        session = requests.Session()
        assert session.get(base + path, timeout=30).status_code == 200
        sessions.append(session)
        open_here = established(port_of(base))
        held = {pid: len(sockets_of(pid) & open_here) for pid in workers}
        if all(held.values()):
            break
    return held, sessions


def test_two_workers_answer_requests_on_one_port(serve):
    base = serve("--workers", "2")
    parent = serve.process.pid
    workers = workers_of(parent, 2)
    held, sessions = connections_per_worker(base, workers)
    try:
        assert parent not in workers and all(n > 0 for n in held.values()), held
        # The parent only listens: it holds none of the connections.
        assert not sockets_of(parent) & established(port_of(base))
    finally:
        for session in sessions:
            session.close()


def test_every_worker_refuses_oversized_bodies_at_their_headers(serve):
    base = serve("--workers", "2", MAX_UPLOAD_MB=1)
    workers_of(serve.process.pid, 2)
    answers = [post_headers_only(base, "observations/upload", 3 * 2**20, "no-token") for _ in range(12)]
    assert set(answers) == {"HTTP/1.1 413 Request Entity Too Large"}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_to_the_parent_stops_every_worker_and_frees_the_port(serve, stop):
    base = serve("--workers", "2")
    process = serve.process
    workers = workers_of(process.pid, 2)
    idle = requests.Session()  # an idle keep-alive connection does not hold the stop up
    assert idle.get(base + "healthz", timeout=10).status_code == 200
    started = time.monotonic()
    try:
        os.kill(process.pid, stop)
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 5
        assert all(gone(pid) for pid in workers)
        assert nobody_listens(port_of(base))
        with pytest.raises(requests.ConnectionError):
            requests.get(base + "healthz", timeout=5)
        assert "Traceback" not in process.stdout.read()
    finally:
        idle.close()
        kill_all(workers)


def test_ctrl_c_in_a_terminal_stops_everything_cleanly(tmp_path):
    """Ctrl+C sends SIGINT to the whole foreground process group: the parent and every worker at once."""
    env = {**os.environ, "GEOAPP_TILES": "none", "GEOAPP_INSTANCE_PATH": str(tmp_path / "served")}
    process = subprocess.Popen([sys.executable, "-m", "geoapp", "serve", "--port", "0", "--workers", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               start_new_session=True)
    try:
        # gunicorn's log of its start comes first; geoapp's own line gives the address.
        base = next(m.group(0) for line in process.stdout if (m := re.search(r"http://127\.0\.0\.1:\d+/", line)))
        workers = workers_of(process.pid, 2)
        assert requests.get(base + "healthz", timeout=10).status_code == 200
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert all(gone(pid) for pid in workers)
        assert nobody_listens(port_of(base))
        assert "Traceback" not in process.stdout.read()
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
        process.stdout.close()


def upload_message(base: str, token: str, rows: int) -> bytes:
    """Return the bytes of an HTTP upload of a valid file of `rows` observations, to be sent by hand."""
    request = requests.Request("POST", base + "observations/upload", files={"file": ("walk.csv", big_csv(rows))},
                               headers={"Authorization": f"Bearer {token}", "Connection": "close"}).prepare()
    head = "".join(f"{name}: {value}\r\n" for name, value in request.headers.items())
    return f"POST /observations/upload HTTP/1.1\r\nHost: {urlsplit(base).netloc}\r\n{head}\r\n".encode() + request.body


def answer_to(connection: socket.socket) -> bytes:
    """Read an answer until the server closes the connection."""
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer


def stored_observations(url: str) -> int:
    store = Store(url)
    with store.connect() as conn:
        count = conn.execute(select(func.count()).select_from(observations)).scalar()
    store.dispose()
    return count


def uploader_token(serve, url: str) -> str:
    """Add an uploader account to the database at `url` and return a new API token of it."""
    assert serve.run("users", "add", "team", "--role", "uploader", stdin=TEST_PASSWORD + "\n",
                     DATABASE_URL=url).returncode == 0
    return serve.run("users", "token", "team", DATABASE_URL=url).stdout.strip()


def test_a_request_in_progress_is_finished_before_its_worker_stops(serve, tmp_path):
    url = f"sqlite:///{tmp_path / 'graceful.sqlite3'}"
    token = uploader_token(serve, url)
    base = serve("--workers", "2", DATABASE_URL=url)
    process = serve.process
    workers = workers_of(process.pid, 2)
    message = upload_message(base, token, 300)
    try:
        with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as upload:
            upload.sendall(message[:len(message) // 2])
            assert wait_for(lambda: any(sockets_of(pid) & established(port_of(base)) for pid in workers))
            os.kill(process.pid, signal.SIGTERM)
            time.sleep(2)  # longer than a worker takes to notice the stop
            upload.sendall(message[len(message) // 2:])
            answer = answer_to(upload)
        assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]
        assert process.wait(timeout=20) == 0
        assert stored_observations(url) == 300
    finally:
        kill_all(workers)


def test_one_worker_told_to_stop_finishes_its_request_while_the_others_take_new_ones(serve, tmp_path):
    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    token = uploader_token(serve, url)
    base = serve("--workers", "2", DATABASE_URL=url, LANGUAGE="en")
    process = serve.process
    workers = workers_of(process.pid, 2)
    message, sessions = upload_message(base, token, 300), []
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as upload:
        upload.sendall(message[:len(message) // 2])
        holder = wait_for(lambda: next((pid for pid in workers if sockets_of(pid) & established(port_of(base))), None))
        os.kill(holder, signal.SIGTERM)
        time.sleep(2)  # longer than a worker takes to notice the stop
        for _ in range(5):
            sessions.append(requests.Session())
            asked = time.monotonic()
            assert sessions[-1].get(base + "healthz", timeout=10).status_code == 200
            assert time.monotonic() - asked < 0.5
        upload.sendall(message[len(message) // 2:])
        answer = answer_to(upload)
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]
    assert wait_for(lambda: gone(holder))
    assert holder not in workers_of(process.pid, 2)
    for session in sessions:
        session.close()
    process.terminate()
    assert process.wait(timeout=20) == 0
    said = process.stdout.read()
    assert f"Worker exiting (pid: {holder})" in said and "Traceback" not in said
    assert stored_observations(url) == 300


def test_workers_stop_soon_after_their_parent_is_killed(serve):
    base = serve("--workers", "2")
    process = serve.process
    workers = workers_of(process.pid, 2)
    try:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert wait_for(lambda: all(gone(pid) for pid in workers), seconds=5), "workers outlived their parent"
        assert nobody_listens(port_of(base))
    finally:
        kill_all(workers)


def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(serve):
    base = serve("--workers", "2", LANGUAGE="en")
    process = serve.process
    workers = workers_of(process.pid, 2)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    replaced = workers_of(process.pid, 2) if wait_for(lambda: victim not in children(process.pid)) else set()
    assert len(replaced) == 2 and victim not in replaced and (workers - {victim}) < replaced
    held, sessions = connections_per_worker(base, replaced)
    for session in sessions:
        session.close()
    assert all(n > 0 for n in held.values()), held
    process.terminate()
    assert process.wait(timeout=20) == 0
    assert f"Worker (pid:{victim}) was sent SIGKILL!" in process.stdout.read()


def drawing_processes(workers: set[int]) -> set[int]:
    """Return the export drawing processes of the workers (their children)."""
    return set().union(*(children(pid) for pid in workers))


def test_every_worker_starts_its_drawing_process_with_it_and_the_first_export_does_not_wait_for_one(serve):
    base = serve("--workers", "2", "--demo", EXPORT_PROCESSES=1, EXPORT_CACHE_MB=0)
    process = serve.process
    workers = workers_of(process.pid, 2)

    def drawing(pid: int) -> set[int]:
        return {child for child in children(pid)
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()}

    # Before anyone asks for an export, each worker has one, at low priority once it has started up.
    assert wait_for(lambda: all(drawing(pid) for pid in workers)), "a worker has no drawing process"
    assert wait_for(lambda: all(os.getpriority(os.PRIO_PROCESS, child) > 0 for pid in workers for child in drawing(pid)))
    answer = requests.get(base + "export/map.png", timeout=120)
    assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")
    assert {pid: len(drawing(pid)) for pid in workers} == {pid: 1 for pid in workers}
    process.terminate()
    assert process.wait(timeout=20) == 0


def test_the_drawing_processes_of_every_worker_end_when_the_master_is_killed(serve):
    # No export cache: every request is drawn, by whichever worker takes it.
    base = serve("--workers", "2", "--demo", EXPORT_PROCESSES=1, EXPORT_CACHE_MB=0)
    process = serve.process
    workers = workers_of(process.pid, 2)
    sessions = []
    try:
        # Export over connections of both workers, so that each has started its own drawing process.
        while len(sessions) < 40 and not all(children(pid) for pid in workers):
            sessions.append(requests.Session())
            answer = sessions[-1].get(base + "export/map.png", timeout=120)
            assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG"), answer.status_code
        drawing = drawing_processes(workers)
        assert all(children(pid) for pid in workers), "a worker drew no export"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert wait_for(lambda: all(gone(pid) for pid in workers | drawing), seconds=10), "a process outlived the master"
        assert nobody_listens(port_of(base))
    finally:
        for session in sessions:
            session.close()
        kill_all(workers | drawing_processes(workers))


def holder_of(connection: socket.socket, port: int, workers: set[int]) -> int | None:
    """Return the worker holding the server's end of a client connection to `port`, once one has accepted it."""
    mine = connection.getsockname()[1]
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if (int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)) == (port, mine):
                return next((pid for pid in workers if fields[9] in sockets_of(pid)), None)
    return None


def one_connection_per_worker(base: str, workers: set[int]) -> tuple[dict[int, socket.socket], list]:
    """Open connections until each worker holds one; return them by worker, and the others opened meanwhile."""
    by_worker, spare = {}, []
    while len(by_worker) < len(workers) and len(spare) < 50:
        connection = socket.create_connection(("127.0.0.1", port_of(base)), timeout=30)
        holder = wait_for(lambda: holder_of(connection, port_of(base), workers))
        (spare.append(connection) if holder in by_worker else by_worker.setdefault(holder, connection))
    assert len(by_worker) == len(workers), "a worker took no connection"
    return by_worker, spare


@pytest.mark.parametrize("together", [False, True], ids=["one after the other", "at the same time"])
@pytest.mark.storage
def test_the_same_upload_through_two_workers_is_stored_exactly_once(serve, database_url, together):
    token = uploader_token(serve, database_url)
    base = serve("--workers", "2", DATABASE_URL=database_url)
    by_worker, spare = one_connection_per_worker(base, workers_of(serve.process.pid, 2))
    message, answers = upload_message(base, token, 300), []
    try:
        for connection in by_worker.values():
            connection.sendall(message)
            if not together:
                answers.append(answer_to(connection))
        if together:
            answers = [answer_to(connection) for connection in by_worker.values()]
    finally:
        for connection in [*by_worker.values(), *spare]:
            connection.close()
    assert sorted(answer.split(b" ", 2)[1] for answer in answers) == [b"200", b"201"], answers
    assert stored_observations(database_url) == 300
    store = Store(database_url)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(uploads)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(walks)).scalar() == 1
    store.dispose()


def test_the_number_of_workers_is_checked(serve):
    for args, env in [(("--workers", "0"), {}), (("--workers", "65"), {}), ((), {"WORKERS": "0"}),
                      ((), {"WORKERS": "two"}), ((), {"WORKERS": "65"})]:
        done = serve.run("serve", "--port", "0", *args, **env)
        assert done.returncode == 2, (args, env, done.stderr)
        assert ("--workers" if args else "GEOAPP_WORKERS: expected a whole number from 1 to 64") in done.stderr


def test_the_demo_is_loaded_once_before_the_workers_start_and_reaches_them_all(serve):
    base = serve("--workers", "2", "--demo")
    workers = workers_of(serve.process.pid, 2)
    printed = re.findall(r"^demo:\s+(demo-\w+)\s+(\S+)$", "".join(serve.output), re.M)
    assert sorted(name for name, _ in printed) == ["demo-admin", "demo-uploader"]
    # The map is public for this run in every worker: the API answers without a login over connections of both.
    held, sessions = connections_per_worker(base, workers, "api/v1/summary")
    for session in sessions:
        session.close()
    assert all(held.values()), held
    serve.process.terminate()
    assert serve.process.wait(timeout=20) == 0
    assert "demo:" not in serve.process.stdout.read()


def sessions_by_worker(base: str, workers: set[int]) -> dict[int, requests.Session]:
    """Open keep-alive sessions, each with the login page, until every worker holds one; return one per worker."""
    by_worker, opened = {}, []
    held = {pid: 0 for pid in workers}
    while len(by_worker) < len(workers) and len(opened) < 50:
        session = requests.Session()
        assert session.get(base + "login", timeout=30).status_code == 200
        opened.append(session)
        open_here = established(port_of(base))
        now = {pid: len(sockets_of(pid) & open_here) for pid in workers}
        holder = next(pid for pid in workers if now[pid] > held[pid])
        held = now
        by_worker.setdefault(holder, session)
    assert len(by_worker) == len(workers), "a worker took no connection"
    return by_worker


def failed_login(base: str, session: requests.Session, name: str) -> int:
    token = CSRF_FIELD.search(session.get(base + "login", timeout=30).text).group(1)
    return session.post(base + "login", data={"name": name, "password": "not the password", "csrf_token": token},
                        timeout=30, allow_redirects=False).status_code


REDIS_TEST_DB = "redis://127.0.0.1:6379/15"  # the tests' own database on the local Redis, emptied before use


@pytest.mark.parametrize("storage, sixth", [("memory://", 401), (REDIS_TEST_DB, 429)], ids=["memory", "redis"])
def test_failed_logins_are_counted_across_workers_only_with_a_shared_storage(serve, storage, sixth):
    if storage.startswith("redis"):
        import redis

        redis.Redis.from_url(storage).flushdb()
    base = serve("--workers", "2", RATELIMIT_STORAGE=storage)
    first, second = sessions_by_worker(base, workers_of(serve.process.pid, 2)).values()
    try:
        assert [failed_login(base, first, "nobody") for _ in range(5)] == [401] * 5
        assert failed_login(base, first, "nobody") == 429
        # The other worker has seen no failure of its own: only a shared storage tells it about the five.
        assert failed_login(base, second, "nobody") == sixth
    finally:
        first.close()
        second.close()
