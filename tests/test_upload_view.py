"""POST /observations/upload: JSON for scripts, an HTML report for people, 413 beyond the size limit."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.observation_files import EN_HEADERS, counts, csv_bytes, en_rows

JSON = {"Accept": "application/json"}


@pytest.fixture
def client(as_role):
    """A safety-walk team member's browser, logged in as an uploader."""
    return as_role("uploader")


def post(client, data: bytes, filename: str = "walk.csv", headers=None, **form):
    return client.post("/observations/upload", data={"file": (io.BytesIO(data), filename), **form},
                       headers=headers or {}, content_type="multipart/form-data")


def test_form_page_has_labelled_fields_and_a_csrf_slot(client):
    page = client.get("/observations/upload")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="file">' in html and 'id="file" name="file" type="file"' in html
    assert '<label for="walk">' in html and 'name="csrf_token"' in html


def test_json_imported_then_already_imported(client):
    data = csv_bytes(EN_HEADERS, en_rows())
    first = post(client, data, headers=JSON)
    assert first.status_code == 201
    body = first.get_json()
    assert (body["status"], body["rows"], body["walks"]) == ("imported", 3, ["Summer walk"])
    assert body["redactions"] == {"email": 1}
    again = post(client, data, headers=JSON)
    assert again.status_code == 200
    assert again.get_json()["status"] == "already_imported" and "uploaded_at" in again.get_json()


def test_json_rejected_lists_every_problem(client, app):
    rows = en_rows()
    rows[1][3] = "gäng"
    rows[2][1] = "91.5"
    before = counts(app)
    response = post(client, csv_bytes(EN_HEADERS, rows), headers=JSON)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "rejected"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "Category"), (4, "Lat/Lon")]
    assert all(set(e) == {"row", "column", "value", "message"} for e in body["errors"])
    assert counts(app) == before


def test_walk_field_of_the_form(client):
    rows = [r[:-1] for r in en_rows()]
    response = post(client, csv_bytes(EN_HEADERS[:-1], rows), headers=JSON, walk="Formulärvandring")
    assert response.status_code == 201 and response.get_json()["walks"] == ["Formulärvandring"]


def test_html_report_escapes_what_the_file_says(client):
    rows = en_rows()
    rows[0][3] = "<script>alert('x')</script>"
    response = post(client, csv_bytes(EN_HEADERS, rows), filename="<img src=x onerror=alert(1)>.csv",
                    headers={"Accept": "text/html"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "okänd kategori" in html and "inget sparades" in html


def test_html_report_of_an_import(client):
    response = post(client, csv_bytes(EN_HEADERS, en_rows()))
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert "importerad: 3 observationer från vandringen Summer walk" in html and "e-postadresser 1" in html


def test_missing_file_is_a_bad_request(client):
    response = client.post("/observations/upload", data={}, headers=JSON)
    assert response.status_code == 400 and response.get_json()["status"] == "rejected"


def post_encoded(client, data: bytes, headers=None):
    """Post a multipart body built in memory (the test client spools big ones to a file it leaves open)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "big.csv")})
    return client.post("/observations/upload", data=body, headers=headers or {},
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_too_large_upload_gets_413_with_a_clear_message(make_app, as_role):
    client = as_role("uploader", on=make_app(MAX_UPLOAD_MB=1))
    big = b"x" * (2 * 2**20)
    response = post_encoded(client, big, headers=JSON)
    assert response.status_code == 413
    assert "större än 1 MiB" in response.get_json()["errors"][0]["message"]
    client.set_cookie("lang", "en")
    page = post_encoded(client, big)
    assert page.status_code == 413 and "larger than 1 MiB" in page.get_data(as_text=True)


UPLOADS = ("/observations/upload", "/activities/upload", "/surveys/upload", "/actions/upload")


@pytest.mark.parametrize("path", UPLOADS + ("/api/v1/observations",))
def test_every_way_of_uploading_gives_the_one_size_message_in_both_languages(make_app, as_role, path):
    client = as_role("admin", on=make_app(MAX_UPLOAD_MB=1))
    big = b"x" * (2 * 2**20)
    sent = {"data": big, "content_type": "application/json"} if path.startswith("/api/") else None
    for language, message in (("sv", "uppladdningen är större än 1 MiB (GEOAPP_MAX_UPLOAD_MB)"),
                              ("en", "the upload is larger than 1 MiB (GEOAPP_MAX_UPLOAD_MB)")):
        client.set_cookie("lang", language)
        if sent:
            response = client.post(path, headers=JSON, **sent)
        else:
            boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "big.csv")})
            response = client.post(path, data=body, headers=JSON, content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code == 413
        assert [e["message"] for e in response.get_json()["errors"]] == [message]


def test_a_file_over_the_limit_read_by_the_command_line_gets_the_same_message(make_app):
    from geoapp.ingest import import_observations

    app = make_app(MAX_UPLOAD_MB=1)
    with app.app_context():
        report = import_observations(app.extensions["geoapp"], b"x" * (2 * 2**20), "big.csv")
    assert [e.message for e in report.errors] == ["uppladdningen är större än 1 MiB (GEOAPP_MAX_UPLOAD_MB)"]


def test_upload_is_audited_under_the_uploaders_name(client, app):
    from geoapp.store.audit import recent

    assert post(client, csv_bytes(EN_HEADERS, en_rows()), headers=JSON).status_code == 201
    with app.extensions["geoapp"].store.connect() as conn:
        uploads = [e for e in recent(conn) if e["action"] == "upload"]
    assert [e["actor"] for e in uploads] == [client.user_name]
