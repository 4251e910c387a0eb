"""Every file of the bad-input corpus, through every import path: a clear answer, and nothing changed.

Rejected uploads are not written to the audit log (it records changes, and a rejection changes
nothing), so the content comparison covers every table, the audit log included.
To cover a new import path, add a function to IMPORT_PATHS; to cover a new kind of bad input, add a
file to tests/corpus/files (or a generator to tests/corpus/generate.py) and an entry to MANIFEST.toml.
"""

from __future__ import annotations

import html
import socket
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from geoapp import create_app
from geoapp.administration import delete_upload, list_uploads
from geoapp.cli import main as cli_main
from geoapp.store import Store
from geoapp.users import Actor
from tests.conftest import BACKENDS, client_as, fresh_database
from tests.corpus import Case, load_cases, multipart, unescaped_markup
from tests.corpus.generate import LIMITS
from tests.observation_files import table_dump

CASES = load_cases()
REJECTED = [c for c in CASES if c.outcome == "rejected"]
IMPORTED = [c for c in CASES if c.outcome == "imported"]
BEYOND_TWICE_THE_LIMIT = "big_string_200mb.geojson"


@dataclass
class Corpus:
    """An app with the corpus limits, an uploader's and an admin's browser, and the generated files' folder."""

    app: object
    uploader: object
    admin: object
    generated: Path

    @property
    def store(self):
        return self.app.extensions["geoapp"].store


@pytest.fixture(scope="session")
def generated_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("generated-corpus")


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, tmp_path_factory, generated_folder):
    """One app per database backend for the whole corpus (a rejection changes nothing), speaking English.

    The manifest quotes the English messages; their Swedish translations are checked in test_i18n.
    """
    folder = tmp_path_factory.mktemp(f"corpus-{request.param}")
    with fresh_database(request.param, folder) as url:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance"), "TILES": "none",
                          "TESTING": True, "LANGUAGE": "en", **LIMITS})
        yield Corpus(app, client_as(app, "uploader", "team"), client_as(app, "admin", "owner"), generated_folder)
        app.extensions["geoapp"].store.dispose()


@dataclass
class Answer:
    """What the user got: an HTTP status or exit status, the text they read, and the upload's stored name."""

    code: int
    text: str
    page: str = ""


def _post(corpus: Corpus, case: Case, accept: str):
    stream, length, content_type = multipart(case.path(corpus.generated), case.sent_name, case.form())
    with stream:
        return corpus.uploader.post("/observations/upload", input_stream=stream, content_length=length,
                                    content_type=content_type, headers={"Accept": accept})


def upload_json(corpus: Corpus, case: Case) -> Answer:
    """POST /observations/upload as a script (Accept: application/json)."""
    response = _post(corpus, case, "application/json")
    return Answer(response.status_code, json_text(response.get_json()))


def json_text(body: dict) -> str:
    """Return what a script reads in the upload's JSON answer: the verdict, each problem and value."""
    return " ".join([body["message"], *body["walks"], *(f"{e['message']} {e['value']}" for e in body.get("errors", []))])


def upload_page(corpus: Corpus, case: Case) -> Answer:
    """POST /observations/upload from the form (Accept: text/html): the report page."""
    response = _post(corpus, case, "text/html")
    page = response.get_data(as_text=True)
    return Answer(response.status_code, html.unescape(page), page)


def command(corpus: Corpus, case: Case) -> Answer:
    """`geoapp observations import FILE [--walk W] [--sheet S]`, exit 0 or 1."""
    options = [part for key, value in case.form().items() for part in (f"--{key}", value)]
    result = corpus.app.test_cli_runner().invoke(cli_main, ["observations", "import", str(case.path(corpus.generated)),
                                                           *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return Answer({0: 201, 1: 422}.get(result.exit_code, result.exit_code), result.stdout + result.stderr)


IMPORT_PATHS = {"upload-json": upload_json, "upload-page": upload_page, "command": command}


def expected_code(case: Case, path: str) -> int:
    return case.http if path.startswith("upload") else 422


@pytest.mark.parametrize("path", IMPORT_PATHS)
@pytest.mark.parametrize("case", REJECTED, ids=[c.name for c in REJECTED])
def test_bad_file_is_refused_with_its_reason_and_nothing_changes(corpus, case, path):
    before = table_dump(corpus.store)
    answer = IMPORT_PATHS[path](corpus, case)
    assert answer.code == expected_code(case, path), answer.text
    assert case.expect in answer.text
    assert "nothing was saved" in answer.text or answer.code == 413
    assert list(unescaped_markup(answer.page)) == []
    assert table_dump(corpus.store) == before
    assert corpus.uploader.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", IMPORT_PATHS)
@pytest.mark.parametrize("case", IMPORTED, ids=[c.name for c in IMPORTED])
def test_file_with_payloads_imports_as_plain_text(corpus, case, path):
    before = {u["id"] for u in list_uploads(corpus.store)}
    answer = IMPORT_PATHS[path](corpus, case)
    added = [u for u in list_uploads(corpus.store) if u["id"] not in before]
    try:
        assert answer.code == 201, answer.text
        assert case.expect in answer.text and len(added) == 1
        assert list(unescaped_markup(answer.page)) == []
        stored = added[0]["filename"]
        assert not any(c in stored for c in "/\\\x00") and not stored.startswith("..")
        if path.startswith("upload") and case.stored_name:
            assert stored == case.stored_name
        admin_page = corpus.admin.get("/admin/uploads").get_data(as_text=True)
        assert stored in html.unescape(admin_page) and list(unescaped_markup(admin_page)) == []
    finally:
        for upload in added:  # so that the next import path can import the same file again
            delete_upload(corpus.store, upload["id"], Actor("tests"))


def test_the_manifest_lists_every_committed_file_and_covers_every_class():
    listed = {c.file for c in CASES if not c.generated}
    assert listed == {p.name for p in (Path(__file__).parent / "corpus" / "files").iterdir()}
    assert len({c.file for c in CASES}) >= 40
    assert {c.kind for c in CASES} >= {"encoding", "truncated", "binary", "empty", "headers only", "columns", "dates",
                                       "coordinates", "rows", "size", "zip bomb", "xml bomb", "formula", "payload",
                                       "file name"}


@pytest.mark.parametrize("path", ["upload-json", "command"])
def test_a_200_mb_file_is_refused_by_its_size_without_being_read(corpus, path):
    case = next(c for c in CASES if c.file == "big_string_200mb.geojson")
    case.path(corpus.generated)  # written before measuring
    tracemalloc.start()
    try:
        answer = IMPORT_PATHS[path](corpus, case)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.code == expected_code(case, path) and "larger than 2 MiB" in answer.text
    assert peak < 32 * 2**20, f"peak Python memory {peak / 2**20:.0f} MiB"


def test_served_corpus_leaves_the_server_answering(serve, database_url, tmp_path):
    """The whole refused corpus against a real `geoapp serve`; it still answers and nothing is stored."""
    import requests

    from tests.conftest import TEST_PASSWORD

    environment = {"DATABASE_URL": database_url, "LANGUAGE": "en", **LIMITS}
    assert serve.run("users", "add", "team", "--role", "uploader", stdin=TEST_PASSWORD + "\n", **environment).returncode == 0
    token = serve.run("users", "token", "team", **environment).stdout.strip().split()[-1]
    base = serve(**environment)
    store = Store(database_url)
    before = table_dump(store)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    for case in REJECTED:
        if case.file == BEYOND_TWICE_THE_LIMIT:
            continue  # refused by waitress at its headers, below
        stream, length, content_type = multipart(case.path(tmp_path), case.sent_name, case.form())
        with stream:
            response = session.post(base + "observations/upload", data=stream,
                                    headers={"Content-Type": content_type, "Content-Length": str(length)}, timeout=60)
        assert response.status_code == case.http, (case.name, response.text[:300])
        assert case.expect in json_text(response.json()), case.name
    assert "413 Request Entity Too Large" in post_headers_only(base, 200 * 2**20, token)
    assert session.get(base + "healthz", timeout=10).json() == {"status": "ok"}
    assert session.get(base + "api/v1/summary", timeout=30).status_code == 200
    session.close()
    assert table_dump(store) == before
    store.dispose()


def post_headers_only(base: str, length: int, token: str) -> str:
    """Announce an upload of `length` bytes, send none of it, and return the status line of the answer."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(f"POST /observations/upload HTTP/1.1\r\nHost: {address.netloc}\r\n"
                           f"Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                           f"Content-Length: {length}\r\n\r\n".encode())
        return connection.recv(200).decode("latin-1").splitlines()[0]
