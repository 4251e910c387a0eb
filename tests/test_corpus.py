"""Every file of the bad-input corpus through every path of each import it concerns: a clear answer, nothing changed.

Rejected uploads are not written to the audit log (it records changes, and a rejection changes
nothing), so the content comparison covers every table, the audit log included.
To cover a new import path, add it to IMPORT_PATHS; to cover a new kind of bad input, add a
file to tests/corpus/files (or a generator to tests/corpus/generate.py) and an entry to MANIFEST.toml.
The field API's JSON bodies are the manifest's [[entry]] section, run by tests/test_corpus_entries.py.
"""

from __future__ import annotations

import ast
import html
import re
import socket
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete

from geoapp.accounts.administration import delete_upload, list_uploads
from geoapp.cli import main as cli_main
from geoapp.domain.users import Actor
from geoapp.ingest.importer import clean_filename
from geoapp.ingest.places import register
from geoapp.store import Store
from geoapp.store.actions import list_actions
from geoapp.store.schema import actions, places
from tests.conftest import BACKENDS
from tests.corpus import IMPORTS, Case, load_cases, multipart, unescaped_markup
from tests.corpus.app import open_corpus
from tests.corpus.generate import LIMITS
from tests.observation_files import table_dump

pytestmark = pytest.mark.storage

CASES = load_cases()
BEYOND_TWICE_THE_LIMIT = "big_string_200mb.geojson"
# One problem as the report lists it: the row as the file numbers it, the column's header, the message.
PAGE_PROBLEM = re.compile(r"<tr><td>(.*?)</td><td>(.*?)</td><td><code>.*?</code></td><td>(.*?)</td></tr>", re.S)
COMMAND_PROBLEM = re.compile(r"^  .*?(?:, row (\d+))?(?:, column ('.*?'|\".*?\"))?: (.*)$", re.M)


@pytest.fixture(scope="session")
def generated_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("generated-corpus")


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, tmp_path_factory, generated_folder):
    """One app per database backend for the whole corpus (a rejection changes nothing)."""
    with open_corpus(request.param, tmp_path_factory.mktemp(f"corpus-{request.param}"), generated_folder) as corpus:
        yield corpus


@dataclass
class Answer:
    """What the user got: an HTTP or exit status, the text they read, the page, and each (row, column, problem)."""

    code: int
    text: str
    page: str = ""
    problems: list[tuple[int | None, str | None, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportPath:
    """One way in: the import it serves (observations, activities, places), and how a file is sent that way."""

    imports: str
    run: Callable[[object, Case], Answer]
    upload: bool


def _post(corpus, case: Case, url: str, accept: str):
    stream, length, content_type = multipart(case.path(corpus.generated), case.sent_name, case.form())
    with stream:
        return corpus.uploader.post(url, input_stream=stream, content_length=length, content_type=content_type,
                                    headers={"Accept": accept})


def upload_json(url: str) -> ImportPath:
    """POST `url` as a script (Accept: application/json)."""
    def run(corpus, case: Case) -> Answer:
        body = _post(corpus, case, url, "application/json")
        document = body.get_json()
        problems = [(e["row"], e["column"], e["message"]) for e in document.get("errors", [])]
        return Answer(body.status_code, json_text(document), problems=problems)
    return ImportPath(url.split("/")[1], run, upload=True)


def json_text(body: dict) -> str:
    """Return what a script reads in the upload's JSON answer: the verdict, each problem and value."""
    return " ".join([body["message"], *body["walks"], *(f"{e['message']} {e['value']}" for e in body.get("errors", []))])


def upload_page(url: str) -> ImportPath:
    """POST `url` from the form (Accept: text/html): the report page."""
    def run(corpus, case: Case) -> Answer:
        response = _post(corpus, case, url, "text/html")
        page = response.get_data(as_text=True)
        problems = [(int(row) if row else None, html.unescape(column) or None, html.unescape(message))
                    for row, column, message in PAGE_PROBLEM.findall(page)]
        return Answer(response.status_code, html.unescape(page), page, problems)
    return ImportPath(url.split("/")[1], run, upload=True)


def command(imports: str) -> ImportPath:
    """`geoapp IMPORTS import FILE [--walk W] [--sheet S]` (--walk for observations only), exit 0 or 1."""
    def run(corpus, case: Case) -> Answer:
        options = [part for key, value in case.form().items() if key == "sheet" or imports == "observations"
                   for part in (f"--{key}", value)]
        result = corpus.app.test_cli_runner().invoke(cli_main, [imports, "import", str(case.path(corpus.generated)),
                                                               *options])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        problems = [(int(row) if row else None, ast.literal_eval(column) if column else None, message)
                    for row, column, message in COMMAND_PROBLEM.findall(result.stderr)]
        return Answer({0: 201, 1: 422}.get(result.exit_code, result.exit_code), result.stdout + result.stderr,
                      problems=problems)
    return ImportPath(imports, run, upload=False)


IMPORT_PATHS = {
    "observations-upload-json": upload_json("/observations/upload"),
    "observations-upload-page": upload_page("/observations/upload"),
    "observations-command": command("observations"),
    "activities-upload-json": upload_json("/activities/upload"),
    "activities-upload-page": upload_page("/activities/upload"),
    "activities-command": command("activities"),
    "places-command": command("places"),
    "surveys-upload-json": upload_json("/surveys/upload"),
    "surveys-upload-page": upload_page("/surveys/upload"),
    "surveys-command": command("surveys"),
    "actions-upload-json": upload_json("/actions/upload"),
    "actions-upload-page": upload_page("/actions/upload"),
    "actions-command": command("actions"),
}


def runs(outcome: str) -> list:
    """Return a pytest param for each case of `outcome` and each path of the imports it goes through."""
    return [pytest.param(case, path, id=f"{case.name}-{path}") for case in CASES if case.outcome == outcome
            for path, way in IMPORT_PATHS.items() if way.imports in case.imports]


def expected_code(case: Case, way: ImportPath) -> int:
    return case.http if way.upload else 422


def shown_name(case: Case, way: ImportPath, code: int) -> str:
    """Return the file name the answer must give: the one geoapp keeps, or "(upload)" for a body refused unread."""
    if code == 413:
        return "(upload)"
    return (case.stored_name or clean_filename(case.sent_name)) if way.upload else case.file


@pytest.mark.parametrize("case, path", runs("rejected"))
def test_bad_file_is_refused_with_its_reason_and_nothing_changes(corpus, case, path):
    way = IMPORT_PATHS[path]
    expect = case.expected(way.imports)
    before = table_dump(corpus.store)
    answer = way.run(corpus, case)
    assert answer.code == expected_code(case, way), answer.text
    assert expect in answer.text
    assert f" in {shown_name(case, way, answer.code)}; nothing was saved" in answer.text
    if case.row is not None or case.column is not None:
        assert any((row, column) == (case.row, case.column) and expect in message
                   for row, column, message in answer.problems), answer.problems
    assert case.absent is None or case.absent not in answer.text + answer.page
    assert list(unescaped_markup(answer.page)) == []
    assert table_dump(corpus.store) == before
    assert corpus.uploader.get("/healthz").status_code == 200


def stored(corpus, imports: str) -> dict[int, str]:
    """Return what an import of `imports` adds, by id: uploads with their kept file name, or places by name."""
    if imports == "places":
        return {p["id"]: p["name"] for p in register(corpus.app.extensions["geoapp"])}
    if imports == "actions":  # an action list keeps no upload record: each row is an action of its own
        with corpus.store.connect() as conn:
            return {a["id"]: a["title"] for a in list_actions(conn)}
    return {u["id"]: u["filename"] for u in list_uploads(corpus.store)}


def remove(corpus, imports: str, added: dict[int, str]) -> None:
    """Take away what one import added, so that the next path can import the same file again."""
    if imports in ("places", "actions"):
        table = places if imports == "places" else actions
        with corpus.store.begin() as conn:
            conn.execute(delete(table).where(table.c.id.in_(list(added))))
        return
    for upload_id in added:
        delete_upload(corpus.store, upload_id, Actor("tests"))


@pytest.mark.parametrize("case, path", runs("imported"))
def test_file_with_payloads_imports_as_plain_text(corpus, case, path):
    way = IMPORT_PATHS[path]
    before = stored(corpus, way.imports)
    answer = way.run(corpus, case)
    added = {key: name for key, name in stored(corpus, way.imports).items() if key not in before}
    try:
        assert answer.code == 201, answer.text
        assert case.expected(way.imports) in answer.text and added
        assert list(unescaped_markup(answer.page)) == []
        if way.imports == "places":  # the activity form lists every place of the register
            page = corpus.uploader.get("/activities/new").get_data(as_text=True)
        elif way.imports == "actions":  # the action list shows every action, with its title
            page = corpus.uploader.get("/actions").get_data(as_text=True)
        else:
            [name] = added.values()
            assert not any(c in name for c in "/\\\x00") and not name.startswith("..")
            assert not (way.upload and case.stored_name) or name == case.stored_name
            page = corpus.admin.get("/admin/uploads").get_data(as_text=True)
        assert all(name in html.unescape(page) for name in added.values())
        assert list(unescaped_markup(page)) == []
    finally:
        remove(corpus, way.imports, added)


def test_the_manifest_lists_every_committed_file_and_covers_every_class_and_import():
    listed = {c.file for c in CASES if not c.generated}
    assert listed == {p.name for p in (Path(__file__).parent / "corpus" / "files").iterdir()}
    assert len({c.file for c in CASES}) >= 120
    assert {c.kind for c in CASES} >= {"encoding", "truncated", "binary", "empty", "headers only", "columns", "dates",
                                       "coordinates", "rows", "size", "zip bomb", "xml bomb", "formula", "payload",
                                       "file name"}
    for imports in IMPORTS:
        covered = [c for c in CASES if imports in c.imports]
        assert {c.kind for c in covered} >= {"encoding", "truncated", "binary", "empty", "headers only", "columns",
                                             "rows", "size", "zip bomb", "xml bomb", "payload"}, imports
        assert any(c.outcome == "imported" for c in covered), imports
    assert {way.imports for way in IMPORT_PATHS.values()} == set(IMPORTS)


@pytest.mark.parametrize("path", [p for p, way in IMPORT_PATHS.items() if "page" not in p])
def test_a_200_mb_file_is_refused_by_its_size_without_being_read(corpus, path):
    case = next(c for c in CASES if c.file == BEYOND_TWICE_THE_LIMIT)
    way = IMPORT_PATHS[path]
    case.path(corpus.generated)  # written before measuring
    tracemalloc.start()
    try:
        answer = way.run(corpus, case)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.code == expected_code(case, way) and "larger than 2 MiB" in answer.text
    assert peak < 32 * 2**20, f"peak Python memory {peak / 2**20:.0f} MiB"


def test_served_corpus_leaves_the_server_answering(serve, database_url, tmp_path):
    """The whole refused corpus against a real `geoapp serve`, through both uploads; it still answers, nothing is stored."""
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
    uploads = [(case, imports) for case in CASES if case.outcome == "rejected" and case.file != BEYOND_TWICE_THE_LIMIT
               for imports in ("observations", "activities") if imports in case.imports]
    for case, imports in uploads:  # the 200 MB file is refused by waitress at its headers, below
        stream, length, content_type = multipart(case.path(tmp_path), case.sent_name, case.form())
        with stream:
            response = session.post(f"{base}{imports}/upload", data=stream,
                                    headers={"Content-Type": content_type, "Content-Length": str(length)}, timeout=60)
        assert response.status_code == case.http, (case.name, imports, response.text[:300])
        assert case.expected(imports) in json_text(response.json()), (case.name, imports)
    for path in ("observations/upload", "activities/upload"):
        assert "413 Request Entity Too Large" in post_headers_only(base, path, 200 * 2**20, token)
    assert session.get(base + "healthz", timeout=10).json() == {"status": "ok"}
    assert session.get(base + "api/v1/summary", timeout=30).status_code == 200
    session.close()
    assert table_dump(store) == before
    store.dispose()


def post_headers_only(base: str, path: str, length: int, token: str) -> str:
    """Announce an upload of `length` bytes to `path`, send none of it, and return the status line of the answer."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(f"POST /{path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                           f"Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                           f"Content-Length: {length}\r\n\r\n".encode())
        return connection.recv(200).decode("latin-1").splitlines()[0]
