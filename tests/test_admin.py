"""The admin pages: uploads and deleting one, accounts, and the audit log."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from geoapp.accounts import service as accounts
from geoapp.domain.users import COMMAND_LINE
from geoapp.store.schema import observations, uploads, walks
from tests import activity_files
from tests.conftest import TEST_PASSWORD, csrf_token, log_in
from tests.observation_files import EN_HEADERS, PLACES_WGS84, csv_bytes, en_rows

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
             "n": 6705000.0, "area_code": "2081R013", "record_key": i % 256}
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
    assert "tjarna-mars.csv" in page and "walker" in page and "4 Mar 2025 19:30" in page  # English page: the month spelled out; Swedish time
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
    assert 'data-action="upload_delete">upload deleted' in audit and "drop.csv" in audit and admin.user_name in audit
    assert COMMENT not in audit and "15.39" not in audit and "496000" not in audit


def test_deleting_a_missing_upload_is_a_404(admin):
    assert admin.post("/admin/uploads/12345/delete").status_code == 404
    # Beyond what the database's integer holds: had been a 500 on both backends.
    assert admin.post(f"/admin/uploads/{2**31}/delete").status_code == 404
    assert admin.post(f"/admin/uploads/{10**20}/delete").status_code == 404


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
    for action, shown in (("login", "logged in"), ("login_failed", "failed login"), ("account_add", "account added"),
                          ("upload_delete", "upload deleted")):
        assert f'<td data-action="{action}">{shown}</td>' in page
    assert "nils as viewer" in page and "unknown account name" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


AUDIT_ROW = re.compile(r'<tr><td>(.*?)</td><td>(.*?)</td><td data-action="(.*?)">.*?</td><td>(.*?)</td><td>(.*?)</td></tr>')


def audit_rows(admin) -> list[dict]:
    """Return the audit page's rows as the admin sees them: who, action, detail and address."""
    page = admin.get("/admin/audit").get_data(as_text=True)
    return [{"who": who, "action": action, "detail": detail, "address": address}
            for _when, who, action, detail, address in AUDIT_ROW.findall(page)]


def browser_at(app, name: str, address: str, **environ):
    """Return a client logged in as `name` from `address`, sending its CSRF token with every request."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, **environ)
    assert log_in(client, name).status_code == 302
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client.get("/account"))
    return client


def upload(client, url: str, data: bytes, filename: str):
    return client.post(url, data={"file": (io.BytesIO(data), filename)}, headers={"Accept": "application/json"},
                       content_type="multipart/form-data")


def test_every_action_on_the_web_is_audited_with_the_clients_address(app):
    store = app.extensions["geoapp"].store
    for name, role in (("boss", "admin"), ("walker", "uploader"), ("vera", "viewer")):
        accounts.add_account(store, name, role, TEST_PASSWORD, COMMAND_LINE)
    walker, boss = browser_at(app, "walker", "192.0.2.7"), browser_at(app, "boss", "192.0.2.7")
    assert upload(walker, "/observations/upload", csv_bytes(EN_HEADERS, en_rows()), "walk.csv").status_code == 201
    activities = csv_bytes(activity_files.HEADERS, activity_files.rows())
    assert upload(walker, "/activities/upload", activities, "activities.csv").status_code == 201
    entry = {"idempotency_key": str(uuid.uuid4()), "walk": "Fältvandring", "observed_at": "2025-05-14T19:42:10+02:00",
             "lat": PLACES_WGS84[0][0], "lon": PLACES_WGS84[0][1], "category": "belysning"}
    assert walker.post("/api/v1/observations", json=entry).status_code == 201
    activity = {"place": activity_files.TORGET, "kind": "dialogue", "date": "2025-04-02", "time": "18:00"}
    assert walker.post("/activities/new", data=activity).status_code == 302
    new_password = {"current_password": TEST_PASSWORD, "new_password": "a much better passphrase",
                    "confirm_password": "a much better passphrase"}
    assert walker.post("/account", data=new_password).status_code == 302
    boss.post("/admin/accounts", data={"name": "nils", "role": "viewer", "password": TEST_PASSWORD})
    boss.post("/admin/accounts/nils/remove")
    boss.post(f"/admin/uploads/{add_upload(app, 'old.csv', 1)}/delete")
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert log_in(stranger, "vera", "wrong password").status_code == 401
    assert browser_at(app, "vera", "192.0.2.7").post("/logout").status_code == 302
    rows = [row for row in audit_rows(boss) if row["who"] != "(kommandoraden)"]  # the accounts made above
    assert {row["action"] for row in rows} == {"login", "login_failed", "logout", "upload", "activity_record",
                                               "password_change", "account_add", "account_remove", "upload_delete"}
    assert len([row for row in rows if row["action"] == "upload"]) == 3  # a walk file, an activities file, an entry
    assert {row["address"] for row in rows} == {"192.0.2.7"}


@pytest.mark.parametrize("proxies, seen", [(0, "10.0.0.2"), (1, "203.0.113.9"), (2, "198.51.100.4")])
def test_the_address_is_read_from_x_forwarded_for_only_behind_trusted_proxies(make_app, proxies, seen):
    app = make_app(TRUSTED_PROXIES=proxies)
    accounts.add_account(app.extensions["geoapp"].store, "boss", "admin", TEST_PASSWORD, COMMAND_LINE)
    boss = browser_at(app, "boss", "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.9")
    [login] = [row for row in audit_rows(boss) if row["action"] == "login"]
    assert login["address"] == seen


@pytest.mark.parametrize("url, data", [
    ("/observations/upload", csv_bytes(EN_HEADERS, en_rows())),
    ("/activities/upload", csv_bytes(activity_files.HEADERS, activity_files.rows())),
])
def test_a_file_name_is_redacted_before_it_is_stored_or_shown(app, url, data):
    store = app.extensions["geoapp"].store
    for name, role in (("boss", "admin"), ("walker", "uploader")):
        accounts.add_account(store, name, role, TEST_PASSWORD, COMMAND_LINE)
    walker, boss = browser_at(app, "walker", "192.0.2.7"), browser_at(app, "boss", "192.0.2.7")
    refused = upload(walker, url, b"", "walk 811218-9876 anna@example.se.csv")
    assert refused.status_code in (400, 422) and refused.get_json()["file"] == "walk [personnummer] [e-post].csv"
    report = upload(walker, url, data, "walk 811218-9876 070-174 06 50.csv")
    assert report.status_code == 201 and report.get_json()["file"] == "walk [personnummer] [telefonnummer].csv"
    shown = [boss.get(page).get_data(as_text=True) for page in ("/admin/uploads", "/admin/audit")]
    shown.append(walker.post(url, data={"file": (io.BytesIO(data), "811218-9876.csv")},
                             content_type="multipart/form-data").get_data(as_text=True))  # already imported: its page
    assert all("[personnummer]" in page for page in shown[:2])
    assert not any(secret in page for page in shown for secret in ("811218", "9876", "070-174", "anna@"))
    with store.connect() as conn:
        assert conn.execute(select(uploads.c.filename)).scalars().all() == ["walk [personnummer] [telefonnummer].csv"]


def test_the_audit_log_and_the_uploads_speak_swedish_in_swedish_time(app, as_role):
    admin = as_role("admin")  # Swedish, the default
    accounts.add_account(app.extensions["geoapp"].store, "cli-made", "viewer", TEST_PASSWORD, COMMAND_LINE)
    add_upload(app, "tjarna-mars.csv", 3)
    uploads_page = admin.get("/admin/uploads").get_data(as_text=True)
    assert "2025-03-04 19:30" in uploads_page and "18:30" not in uploads_page  # 18:30 UTC is 19:30 in Borlänge
    admin.post("/admin/accounts", data={"name": "nils", "role": "viewer", "password": TEST_PASSWORD})
    log_in(app.test_client(), "nobody-here", "wrong password")
    rows = audit_rows(admin)
    shown = {(row["action"], row["detail"]) for row in rows}
    assert ("account_add", "nils som läsare") in shown and ("login_failed", "okänt kontonamn") in shown
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert ">loggade in</td>" in page and ">misslyckad inloggning</td>" in page and "Tiderna är svensk tid" in page
    assert "(command line)" not in page and "<td>(kommandoraden)</td>" in page
