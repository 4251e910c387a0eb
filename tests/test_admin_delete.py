"""Deleting an upload asks first, naming what goes; field form entries are listed and deleted per walk and day."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from geoapp.store.schema import observations, uploads, walks
from tests.observation_files import PLACES_WGS84
from tests.test_admin import add_upload, count_observations

pytestmark = pytest.mark.storage


@pytest.fixture
def admin(as_role):
    client = as_role("admin")
    client.set_cookie("lang", "en")
    return client


def spread_upload(app, filename: str, walk: str, days: list[int]) -> int:
    """Store an upload with one observation on each of `days` of March 2025 (18:30 UTC) in walk `walk`."""
    store = app.extensions["geoapp"].store
    with store.begin() as conn:
        upload_id = conn.execute(uploads.insert().values(
            kind="observations", sha256=filename.ljust(64, "0")[:64], filename=filename, uploaded_by="walker",
            uploaded_at=datetime(2025, 3, 9, tzinfo=timezone.utc), rows=len(days), redactions=0)).inserted_primary_key[0]
        walk_id = conn.execute(walks.insert().values(name=walk)).inserted_primary_key[0]
        conn.execute(observations.insert(), [
            {"upload_id": upload_id, "walk_id": walk_id, "observed_at": datetime(2025, 3, d, 18, 30, tzinfo=timezone.utc),
             "category": "lighting", "lon": 15.39, "lat": 60.48, "e": 496000.0 + i, "n": 6705000.0,
             "area_code": "2081R013", "record_key": 0} for i, d in enumerate(days)])
    return upload_id


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_list_links_to_a_confirmation_instead_of_deleting(app, admin):
    upload_id = add_upload(app, "drop.csv", 3)
    page = admin.get("/admin/uploads").get_data(as_text=True)
    assert f'href="/admin/uploads/{upload_id}/delete"' in page
    assert f'action="/admin/uploads/{upload_id}/delete"' not in page  # no one-click delete
    confirm = admin.get(f"/admin/uploads/{upload_id}/delete")
    assert confirm.status_code == 200 and count_observations(app, upload_id) == 3
    text = text_of(confirm.get_data(as_text=True))
    assert f"Delete upload {upload_id}?" in text
    assert "Uploaded by walker on 4 Mar 2025 19:30: observations file drop.csv." in text
    assert "3 observations of walk “walk of drop.csv”, 4 Mar 2025" in text
    assert f"Yes, delete upload {upload_id}" in text and "No, keep it" in text
    assert 'name="csrf_token"' in confirm.get_data(as_text=True)
    done = admin.post(f"/admin/uploads/{upload_id}/delete", follow_redirects=True)
    assert f"Deleted upload {upload_id} (drop.csv, 3 rows)" in done.get_data(as_text=True)
    assert count_observations(app, upload_id) == 0


def test_the_confirmation_names_every_walk_and_its_dates_escaped(app, admin):
    upload_id = spread_upload(app, "two-days.csv", "<b>Kvällsvandring</b>", [4, 6, 5])
    page = admin.get(f"/admin/uploads/{upload_id}/delete").get_data(as_text=True)
    assert "<b>Kvällsvandring</b>" not in page
    assert "3 observations of walk “&lt;b&gt;Kvällsvandring&lt;/b&gt;”, 4 Mar 2025 to 6 Mar 2025" in text_of(page)


def test_the_confirmation_speaks_swedish(app, as_role):
    upload_id = spread_upload(app, "mars.csv", "Marsvandring", [4, 6])
    text = text_of(as_role("admin").get(f"/admin/uploads/{upload_id}/delete").get_data(as_text=True))
    assert f"Ta bort uppladdning {upload_id}?" in text
    assert "2 observationer från vandringen ”Marsvandring”, 2025-03-04 till 2025-03-06" in text
    assert f"Ja, ta bort uppladdning {upload_id}" in text and "Nej, behåll den" in text


def test_confirming_a_missing_upload_is_a_404(admin):
    assert admin.get(f"/admin/uploads/{2**31}/delete").status_code == 404
    assert admin.get("/admin/uploads/12345/delete").status_code == 404


def entry(walk: str, at: str, n: int) -> dict:
    lat, lon = PLACES_WGS84[n % len(PLACES_WGS84)]
    return {"idempotency_key": str(uuid.uuid4()), "walk": walk, "observed_at": at, "lat": lat, "lon": lon,
            "category": "belysning", "severity": 2, "comment": None}


@pytest.fixture
def entered(app, as_role):
    """Field form entries: three of Majvandring on 14 May, one of it on 15 May and two of Parkvandring on 14 May."""
    phone = as_role("uploader", name="anna")
    sent = [("Majvandring", "2025-05-14T19:4%d:00+02:00" % i, i) for i in range(3)]
    sent += [("Majvandring", "2025-05-15T19:00:00+02:00", 0)]
    sent += [("Parkvandring", "2025-05-14T20:0%d:00+02:00" % i, i) for i in range(2)]
    for walk, at, n in sent:
        assert phone.post("/api/v1/observations", json=entry(walk, at, n)).status_code == 201
    return app


def group_rows(page: str) -> list[str]:
    return [text_of(row).strip() for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "field form" in row]


def test_field_form_entries_are_one_row_per_walk_and_day(entered, admin):
    page = admin.get("/admin/uploads").get_data(as_text=True)
    rows = group_rows(page)
    assert len(rows) == 3, rows
    assert any(r.startswith("3 entries field form entry walk Majvandring, 14 May 2025 3 anna") for r in rows), rows
    assert any(r.startswith("1 entry field form entry walk Majvandring, 15 May 2025 1 anna") for r in rows), rows
    assert any(r.startswith("2 entries field form entry walk Parkvandring, 14 May 2025 2 anna") for r in rows), rows


def test_deleting_a_walks_day_of_field_entries_asks_then_takes_only_those(entered, admin):
    page = admin.get("/admin/uploads").get_data(as_text=True)
    link = re.search(r'href="(/admin/uploads/field/(\d+)/2025-05-14/delete)"[^>]*Majvandring', page).group(1)
    confirm = text_of(admin.get(link).get_data(as_text=True))
    assert "Delete the field form entries of Majvandring on 14 May 2025?" in confirm
    assert "3 observations of walk “Majvandring”, 14 May 2025" in confirm and "Yes, delete 3 observations" in confirm
    store = entered.extensions["geoapp"].store
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(observations)).scalar_one() == 6
    done = admin.post(link, follow_redirects=True).get_data(as_text=True)
    assert "Deleted 3 observations of walk Majvandring entered in the field form on 14 May 2025." in done
    with store.connect() as conn:
        left = conn.execute(select(walks.c.name, func.count()).select_from(observations).join(walks)
                            .group_by(walks.c.name)).all()
    assert dict(left) == {"Majvandring": 1, "Parkvandring": 2}
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert audit.count('data-action="upload_delete"') == 3
    assert admin.post(link).status_code == 404  # nothing left of that walk on that day


def test_a_field_group_is_deleted_only_with_the_csrf_token(entered, admin):
    page = admin.get("/admin/uploads").get_data(as_text=True)
    link = re.search(r'href="(/admin/uploads/field/\d+/2025-05-15/delete)"', page).group(1)
    del admin.environ_base["HTTP_X_CSRFTOKEN"]
    assert admin.post(link).status_code == 400
    assert len(group_rows(admin.get("/admin/uploads").get_data(as_text=True))) == 3


def test_a_field_group_of_a_day_that_is_no_date_is_a_404(entered, admin):
    assert admin.get("/admin/uploads/field/1/2025-13-40/delete").status_code == 404
    assert admin.get("/admin/uploads/field/1/1999-01-01/delete").status_code == 404


def test_an_upload_of_several_walks_says_how_much_goes_in_all(app, admin):
    upload_id = spread_upload(app, "two.csv", "Första", [4, 5])
    with app.extensions["geoapp"].store.begin() as conn:
        walk_id = conn.execute(walks.insert().values(name="Andra")).inserted_primary_key[0]
        conn.execute(observations.insert().values(
            upload_id=upload_id, walk_id=walk_id, observed_at=datetime(2025, 3, 8, 18, tzinfo=timezone.utc),
            category="litter", lon=15.39, lat=60.48, e=496100.0, n=6705000.0, area_code="2081R013", record_key=0))
    text = text_of(admin.get(f"/admin/uploads/{upload_id}/delete").get_data(as_text=True))
    assert "3 observations of 2 walks, 4 Mar 2025 to 8 Mar 2025:" in text
    assert "1 observation of walk “Andra”, 8 Mar 2025" in text and "2 observations of walk “Första”" in text
