"""Logging in and out: sessions, cookies, CSRF, throttling, bearer tokens and security headers."""

from __future__ import annotations

import re
import stat
import time

import pytest

from geoapp.accounts import service as accounts
from geoapp.accounts.administration import audit_log
from geoapp.domain.users import COMMAND_LINE
from tests.conftest import TEST_PASSWORD, csrf_token, log_in


def store(app):
    return app.extensions["geoapp"].store


def audit_actions(app) -> list[tuple]:
    return [(e["action"], e["actor"]) for e in audit_log(store(app))]


@pytest.fixture
def anna(app):
    accounts.add_account(store(app), "anna", "uploader", TEST_PASSWORD, COMMAND_LINE)
    return "anna"


def test_login_shows_the_account_in_the_header_and_is_audited(app, anna):
    client = app.test_client()
    response = log_in(client, anna)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/account").get_data(as_text=True)
    assert "anna (uppladdare)" in page and "Logga ut" in page
    assert ("login", "anna") in audit_actions(app)


def test_wrong_password_is_refused_and_audited_without_the_password(app, anna):
    client = app.test_client()
    response = log_in(client, anna, "not the right password")
    assert response.status_code == 401
    assert "Fel kontonamn eller lösenord" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    log_in(client, "someone-unknown", "whatever-password")
    entries = [e for e in audit_log(store(app)) if e["action"] == "login_failed"]
    assert [e["actor"] for e in entries] == [None, "anna"]
    assert all("not the right" not in e["detail"] and "someone-unknown" not in e["detail"] for e in entries)


def test_session_cookie_is_httponly_lax_and_secure_only_when_configured(make_app, as_role):
    plain = as_role("viewer", on=make_app())
    cookie = plain.get_cookie("geoapp_session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    secure_app = make_app(SECURE_COOKIES=True)
    client = secure_app.test_client()
    accounts.add_account(store(secure_app), "sec", "viewer", TEST_PASSWORD, COMMAND_LINE)
    https = "https://localhost"
    token = csrf_token(client.get("/login", base_url=https))
    response = client.post("/login", data={"name": "sec", "password": TEST_PASSWORD, "csrf_token": token},
                           headers={"Referer": f"{https}/login"}, base_url=https)
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _session_cookie(client) -> str:
    return client.get_cookie("geoapp_session").value


def test_logout_ends_the_session_on_the_server(app, as_role):
    client = as_role("viewer")
    stolen = _session_cookie(client)
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("geoapp_session", stolen)
    assert replay.get("/account").status_code == 302
    assert ("logout", client.user_name) in audit_actions(app)


def test_a_removed_accounts_session_never_opens_the_account_added_after_it(app):
    accounts.add_account(store(app), "boss", "admin", TEST_PASSWORD, COMMAND_LINE)
    accounts.add_account(store(app), "walker", "uploader", TEST_PASSWORD, COMMAND_LINE)
    old_browser = app.test_client()
    assert log_in(old_browser, "walker").status_code == 302
    accounts.remove_account(store(app), "walker", COMMAND_LINE)
    accounts.add_account(store(app), "newcomer", "admin", TEST_PASSWORD, COMMAND_LINE)
    response = old_browser.get("/admin/accounts")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_id_of_a_removed_account_is_never_given_again(app):
    first = accounts.add_account(store(app), "first", "viewer", TEST_PASSWORD, COMMAND_LINE)
    last = accounts.add_account(store(app), "last", "viewer", TEST_PASSWORD, COMMAND_LINE)
    accounts.remove_account(store(app), "last", COMMAND_LINE)
    again = accounts.add_account(store(app), "again", "viewer", TEST_PASSWORD, COMMAND_LINE)
    assert again.id not in (first.id, last.id)


def test_password_change_ends_every_session(app, as_role):
    client = as_role("viewer")
    other_device = app.test_client()
    other_device.set_cookie("geoapp_session", _session_cookie(client))
    form = {"current_password": TEST_PASSWORD, "new_password": "a much better passphrase", "confirm_password": "a much better passphrase"}
    assert client.post("/account", data=form).status_code == 302
    assert other_device.get("/account").status_code == 302
    assert log_in(app.test_client(), client.user_name, TEST_PASSWORD).status_code == 401
    assert log_in(app.test_client(), client.user_name, "a much better passphrase").status_code == 302
    assert ("password_change", client.user_name) in audit_actions(app)


def test_a_password_change_revokes_the_accounts_api_tokens(app, as_role):
    client = as_role("uploader")
    bearer = {"Authorization": f"Bearer {accounts.issue_token(store(app), client.user_name, COMMAND_LINE)}"}
    assert app.test_client().get("/api/v1/areas", headers=bearer).status_code == 200
    form = {"current_password": TEST_PASSWORD, "new_password": "a much better passphrase",
            "confirm_password": "a much better passphrase"}
    assert client.post("/account", data=form).status_code == 302
    assert app.test_client().get("/api/v1/areas", headers=bearer).status_code == 401
    assert ("token_revoke", client.user_name) in audit_actions(app)


@pytest.mark.parametrize("form, message", [
    ({"current_password": "wrong password!", "new_password": "long enough pass", "confirm_password": "long enough pass"},
     "nuvarande lösenordet är fel"),
    ({"current_password": TEST_PASSWORD, "new_password": "short", "confirm_password": "short"}, "minst 12 tecken"),
    ({"current_password": TEST_PASSWORD, "new_password": "long enough pass", "confirm_password": "long enough pasz"},
     "bekräftelsen skiljer sig åt"),
])
def test_password_change_explains_a_refusal(as_role, form, message):
    client = as_role("viewer")
    response = client.post("/account", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_a_session_lasts_at_most_eight_hours(app, as_role):
    client = as_role("viewer")
    with client.session_transaction() as session:
        session["at"] = int(time.time()) - 8 * 3600 - 1
    assert client.get("/account").status_code == 302


def test_forms_need_a_csrf_token(app, as_role, anna):
    client = app.test_client()
    client.get("/login")
    refused = client.post("/login", data={"name": anna, "password": TEST_PASSWORD})
    assert refused.status_code == 400 and "Formuläret är för gammalt" in refused.get_data(as_text=True)
    admin = as_role("admin")
    del admin.environ_base["HTTP_X_CSRFTOKEN"]
    assert admin.post("/admin/accounts/anna/remove").status_code == 400
    assert admin.post("/logout").status_code == 400


def test_bearer_token_needs_no_csrf_token_and_can_be_revoked(app, anna):
    token = accounts.issue_token(store(app), anna, COMMAND_LINE)
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/areas", headers=bearer).status_code == 200
    # An uploader's token reaches no admin route, and a POST is judged by role rather than by CSRF.
    assert client.post("/admin/uploads/1/delete", headers=bearer).status_code == 403
    accounts.revoke_tokens(store(app), anna, COMMAND_LINE)
    response = client.get("/api/v1/areas", headers=bearer)
    assert response.status_code == 401 and response.is_json


def test_an_export_fetched_with_a_token_is_kept_by_no_cache(app, anna):
    bearer = {"Authorization": f"Bearer {accounts.issue_token(store(app), anna, COMMAND_LINE)}"}
    response = app.test_client().get("/export/cells.csv", headers=bearer)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_a_bad_bearer_token_does_not_fall_back_to_the_session(as_role):
    admin = as_role("admin")
    response = admin.get("/admin/audit", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def _fail(client, name: str, address: str):
    token = csrf_token(client.get("/login"))
    return client.post("/login", data={"name": name, "password": "wrong password", "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_for_one_account_block_it_from_any_address(app, anna):
    client = app.test_client()
    statuses = [_fail(client, anna, f"10.0.0.{i}").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    token = csrf_token(client.get("/login"))
    right = client.post("/login", data={"name": anna, "password": TEST_PASSWORD, "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert right.status_code == 429
    assert "För många misslyckade försök" in right.get_data(as_text=True)
    # Another account from a fresh address is not affected.
    accounts.add_account(store(app), "bert", "viewer", TEST_PASSWORD, COMMAND_LINE)
    assert log_in(app.test_client(), "bert").status_code == 302


def test_five_failures_from_one_address_block_that_address(app, anna):
    client = app.test_client()
    statuses = [_fail(client, f"guess{i}", "10.9.9.9").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert _fail(client, anna, "10.9.9.10").status_code == 401


def test_successful_logins_are_not_throttled(app, anna):
    for _ in range(7):
        assert log_in(app.test_client(), anna).status_code == 302


def test_every_response_carries_the_security_headers(make_app):
    app = make_app(TILES="https://tiles.example.se/{z}/{x}/{y}.png", TILES_ATTRIBUTION="Example", PUBLIC_MAP=True)
    client = app.test_client()
    for url in ("/", "/login", "/healthz", "/api/v1/areas", "/assets/geoapp/geoapp.css", "/no-such-page"):
        with client.get(url) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, url
            assert re.search(r"img-src 'self' data: https://tiles\.example\.se(;|$)", csp), url
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "same-origin"
    page = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    html = page.get_data(as_text=True)
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags)
    assert client.get("/").headers["Content-Security-Policy"] != page.headers["Content-Security-Policy"]


def test_secret_key_is_generated_once_into_the_instance_folder(make_app, tmp_path):
    first = make_app()
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert make_app().secret_key == first.secret_key == key_file.read_text().strip()
    assert make_app(SECRET_KEY="from-the-environment").secret_key == "from-the-environment"
