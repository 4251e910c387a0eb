"""Every field entry of the bad-input corpus through POST /api/v1/observations: a clear 4xx, nothing changed.

The rule is that of the files (tests/test_corpus.py): the answer names the problem and the field it is in,
the database is unchanged row for row and the server keeps answering; entries that merely carry payloads are
stored as plain text, exactly as sent. The bodies are the [[entry]] section of tests/corpus/MANIFEST.toml.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geoapp.accounts.administration import delete_upload, list_uploads
from geoapp.domain.users import Actor
from geoapp.store.schema import observations, walks
from tests.conftest import BACKENDS
from tests.corpus.app import open_corpus
from tests.corpus.entries import Entry, load_entries
from tests.observation_files import table_dump

pytestmark = pytest.mark.storage

API = "/api/v1/observations"
ENTRIES = load_entries()


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, tmp_path_factory):
    """One app per database backend for every entry (a rejection changes nothing)."""
    folder = tmp_path_factory.mktemp(f"entries-{request.param}")
    with open_corpus(request.param, folder, folder / "generated") as corpus:
        yield corpus


def send(corpus, entry: Entry):
    """POST the entry's body as the field form's phone does (its session and CSRF token)."""
    return corpus.uploader.post(API, data=entry.data(), content_type=entry.content_type,
                                headers={"Accept": "application/json"})


def cases(outcome: str) -> list:
    return [pytest.param(e, id=e.id) for e in ENTRIES if e.outcome == outcome]


@pytest.mark.parametrize("entry", cases("rejected"))
def test_bad_entry_is_refused_with_its_reason_and_nothing_changes(corpus, entry):
    before = table_dump(corpus.store)
    response = send(corpus, entry)
    assert response.status_code == entry.http, response.get_data(as_text=True)[:500]
    answer = response.get_json()
    assert answer["status"] == "rejected"
    assert any(e["field"] == entry.field and entry.expect in e["message"] for e in answer["errors"]), answer["errors"]
    assert table_dump(corpus.store) == before
    assert corpus.uploader.get("/healthz").status_code == 200


@pytest.mark.parametrize("entry", cases("imported"))
def test_entry_with_payloads_is_stored_as_plain_text(corpus, entry):
    before = {u["id"] for u in list_uploads(corpus.store)}
    response = send(corpus, entry)
    added = [u["id"] for u in list_uploads(corpus.store) if u["id"] not in before]
    try:
        assert response.status_code == entry.http, response.get_data(as_text=True)[:500]
        assert response.get_json()["status"] == entry.expect and len(added) == 1
        with corpus.store.connect() as conn:
            stored = conn.execute(select(walks.c.name, observations.c.comment).join(walks)
                                  .where(observations.c.upload_id == added[0])).one()
        sent = entry.values()
        assert tuple(stored) == (sent["walk"], sent["comment"])
    finally:
        for upload_id in added:
            delete_upload(corpus.store, upload_id, Actor("tests"))


def test_the_manifest_covers_every_class_of_bad_entry():
    assert len(ENTRIES) >= 45
    assert {e.kind for e in ENTRIES} >= {"not JSON", "truncated", "empty", "wrong type", "missing", "coordinates",
                                         "dates", "values", "size", "encoding", "payload", "formula"}
    assert {e.http for e in ENTRIES} == {201, 413, 422}
