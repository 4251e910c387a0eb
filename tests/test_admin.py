"""The admin pages: uploads and deleting one, accounts, and the audit log."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from geoapp.store.schema import observations, uploads, walks
from tests.conftest import TEST_PASSWORD, log_in

COMMENT = "lampan vid tunneln trasig"


def add_upload(app, filename: str, rows: int) -> int:
    """Store an upload with `rows` observations, as an accepted walk file would."""
    store = app.extensions["geoapp"].store
    now = datetime(2025, 3, 4, 18, 30, tzinfo=timezone.utc)
    with store.begin() as conn:
        upload_id = conn.execute(uploads.insert().values(
            kind="observations", sha256=filename.ljust(64, "0")[:64], filename=filename, uploaded_by="walker",
            uploaded_at=now, rows=rows, redactions=0)).inserted_primary_key[0]
        walk_id = conn.execute(walks.insert().values(name=f"walk of {filename}")).inserted_primary_key[0]
        conn.execute(observations.insert(), [
            {"upload_id": upload_id, "walk_id": walk_id, "observed_at": now, "category": "lighting", "severity": 2,
             "positive": False, "comment": COMMENT, "lon": 15.39 + i / 1000, "lat": 60.48, "e": 496000.0 + i,
             "n": 6705000.0, "area_code": "2081R013"}
            for i in range(rows)
        ])
    return upload_id


def count_observations(app, upload_id: int) -> int:
    with app.extensions["geoapp"].store.connect() as conn:
        return conn.execute(select(func.count()).where(observations.c.upload_id == upload_id)).scalar_one()


@pytest.fixture
def admin(as_role):
    """An admin reading the pages in English (the Swedish default is covered by test_i18n)."""
    client = as_role("admin")
    client.set_cookie("lang", "en")
    return client


def test_admin_lists_uploads_newest_first(app, admin):
    add_upload(app, "tjarna-mars.csv", 3)
    page = admin.get("/admin/uploads").get_data(as_text=True)
    assert "tjarna-mars.csv" in page and "walker" in page and "4 Mar 2025 18:30" in page  # English page: the month spelled out
    assert "<td>observations file</td>" in page
    assert COMMENT not in page


def test_the_kind_of_upload_is_named_in_the_page_language(app, as_role):
    add_upload(app, "tjarna-mars.csv", 3)
    page = as_role("admin").get("/admin/uploads").get_data(as_text=True)
    assert "<td>observationsfil</td>" in page and "<td>observations</td>" not in page


def test_deleting_an_upload_removes_its_observations_and_is_audited(app, admin):
    keep, drop = add_upload(app, "keep.csv", 2), add_upload(app, "drop.csv", 3)
    version = app.extensions["geoapp"].store.data_version()
    response = admin.post(f"/admin/uploads/{drop}/delete", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Deleted upload {drop} (drop.csv, 3 rows)" in page
    assert "keep.csv" in page
    assert count_observations(app, drop) == 0 and count_observations(app, keep) == 2
    assert app.extensions["geoapp"].store.data_version() == version + 1
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "upload_delete" in audit and "drop.csv" in audit and admin.user_name in audit
    assert COMMENT not in audit and "15.39" not in audit and "496000" not in audit


def test_deleting_a_missing_upload_is_a_404(admin):
    assert admin.post("/admin/uploads/12345/delete").status_code == 404


def test_an_uploader_cannot_delete_an_upload(app, as_role):
    upload_id = add_upload(app, "walk.csv", 1)
    assert as_role("uploader").post(f"/admin/uploads/{upload_id}/delete").status_code == 403
    assert count_observations(app, upload_id) == 1


def test_admin_adds_and_removes_an_account(app, admin):
    form = {"name": "karin", "role": "uploader", "password": TEST_PASSWORD}
    page = admin.post("/admin/accounts", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Added karin as uploader" in page
    assert log_in(app.test_client(), "karin").status_code == 302
    taken = admin.post("/admin/accounts", data=form)
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    short = admin.post("/admin/accounts", data={**form, "name": "lena", "password": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    page = admin.post("/admin/accounts/karin/remove", follow_redirects=True).get_data(as_text=True)
    assert "Removed karin" in page
    assert log_in(app.test_client(), "karin").status_code == 401


def test_an_admin_cannot_remove_their_own_account(admin):
    page = admin.post(f"/admin/accounts/{admin.user_name}/remove", follow_redirects=True).get_data(as_text=True)
    assert "you cannot remove your own account" in page
    assert admin.get("/admin/accounts").status_code == 200


def test_audit_log_shows_who_did_what_and_escapes_it(app, admin):
    log_in(app.test_client(), "nobody-here", "wrong password")
    admin.post("/admin/accounts", data={"name": "nils", "role": "viewer", "password": TEST_PASSWORD})
    upload_id = add_upload(app, "<script>alert(1)</script>.csv", 1)
    assert "&lt;script&gt;alert(1)" in admin.get("/admin/uploads").get_data(as_text=True)
    admin.post(f"/admin/uploads/{upload_id}/delete")
    page = admin.get("/admin/audit").get_data(as_text=True)
    for action in ("login", "login_failed", "account_add", "upload_delete"):
        assert f"<td>{action}</td>" in page
    assert "nils as viewer" in page and "unknown account name" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
