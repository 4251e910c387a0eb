"""Accounts: roles, passwords and tokens, stored on SQLite and PostgreSQL, and the `users` commands."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from geoapp.accounts import service as accounts
from geoapp.accounts.administration import audit_log
from geoapp.domain import users
from geoapp.domain.users import COMMAND_LINE, AccountError
from tests.conftest import CSRF_FIELD, TEST_PASSWORD

pytestmark = pytest.mark.storage


def test_roles_are_ordered_viewer_uploader_admin():
    assert users.role_allows("admin", "uploader") and users.role_allows("uploader", "viewer")
    assert not users.role_allows("viewer", "uploader") and not users.role_allows("uploader", "admin")
    with pytest.raises(AccountError, match="unknown role 'owner'"):
        users.role_allows("owner", "viewer")


def test_passwords_are_salted_hashes_with_a_current_algorithm():
    first, second = users.hash_password(TEST_PASSWORD), users.hash_password(TEST_PASSWORD)
    assert first != second and TEST_PASSWORD not in first
    assert first.startswith(("scrypt:", "pbkdf2:"))
    assert users.password_matches(first, TEST_PASSWORD) and not users.password_matches(first, TEST_PASSWORD + "!")


def test_short_passwords_are_refused_with_the_minimum_length():
    with pytest.raises(AccountError, match="at least 12 characters"):
        users.hash_password("elevenchars")


@pytest.mark.parametrize("name", ["", "-dash", "with space", "x" * 65, "<b>"])
def test_odd_account_names_are_refused(name):
    with pytest.raises(AccountError, match="account names"):
        users.check_name(name)


def test_tokens_are_random_and_stored_only_as_hashes(app):
    store = app.extensions["geoapp"].store
    accounts.add_account(store, "field-app", "uploader", TEST_PASSWORD, COMMAND_LINE)
    token = accounts.issue_token(store, "field-app", COMMAND_LINE)
    assert len(token) >= 40 and token != accounts.issue_token(store, "field-app", COMMAND_LINE)
    with store.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM tokens").scalars().all()
    assert token not in stored and users.hash_token(token) in stored
    assert accounts.token_user(store, token).name == "field-app"
    assert accounts.revoke_tokens(store, "field-app", COMMAND_LINE) == 2
    assert accounts.token_user(store, token) is None


def test_cli_adds_lists_and_removes_accounts(app, runner):
    added = runner("users", "add", "anna", "--role", "uploader", input=TEST_PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "tillagt: anna som uploader" in added.output
    assert accounts.log_in(app.extensions["geoapp"].store, "anna", TEST_PASSWORD, None).role == "uploader"
    listing = runner("users", "list")
    assert re.search(r"^anna\tuploader\tskapat \d{4}-\d\d-\d\d\t0 token$", listing.output, re.M)
    assert runner("users", "remove", "anna").exit_code == 0
    assert "anna" not in runner("users", "list").output
    missing = runner("users", "remove", "anna")
    assert missing.exit_code == 1 and "inget konto som heter 'anna'" in missing.output


@pytest.mark.parametrize("args, stdin, message", [
    (["users", "add", "bo", "--role", "viewer"], "too short\n", "minst 12 tecken"),
    (["users", "add", "bad name", "--role", "viewer"], TEST_PASSWORD + "\n", "kontonamn har"),
    (["users", "token", "nobody"], "", "inget konto som heter 'nobody'"),
    (["users", "password", "nobody"], TEST_PASSWORD + "\n", "inget konto som heter 'nobody'"),
])
def test_cli_rejects_with_a_reason(runner, args, stdin, message):
    result = runner(*args, input=stdin)
    assert result.exit_code == 1
    assert "avvisat: " in result.output and message in result.output


def test_cli_refuses_an_unknown_role_as_a_usage_error(runner):
    assert runner("users", "add", "bo", "--role", "owner", input=TEST_PASSWORD + "\n").exit_code == 2


def test_cli_refuses_a_taken_name(runner):
    assert runner("users", "add", "anna", "--role", "viewer", input=TEST_PASSWORD + "\n").exit_code == 0
    again = runner("users", "add", "anna", "--role", "admin", input=TEST_PASSWORD + "\n")
    assert again.exit_code == 1 and "det finns redan ett konto" in again.output


def test_cli_token_works_as_bearer_until_revoked(app, runner):
    runner("users", "add", "script", "--role", "viewer", input=TEST_PASSWORD + "\n")
    token = runner("users", "token", "script").output.strip()
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/areas", headers=bearer).status_code == 200
    assert "\t1 token" in runner("users", "list").output
    revoked = runner("users", "token", "script", "--revoke")
    assert revoked.exit_code == 0 and "återkallat: 1 token för script" in revoked.output
    assert app.test_client().get("/api/v1/areas", headers=bearer).status_code == 401


def test_cli_password_change_ends_sessions_and_revokes_tokens(app, runner, as_role):
    client = as_role("viewer", name="vera")
    bearer = {"Authorization": f"Bearer {runner('users', 'token', 'vera').output.strip()}"}
    changed = runner("users", "password", "vera", input="a brand new passphrase\n")
    assert changed.exit_code == 0, changed.output
    assert client.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/areas", headers=bearer).status_code == 401
    assert "\t0 token" in runner("users", "list").output
    assert accounts.log_in(app.extensions["geoapp"].store, "vera", "a brand new passphrase", None) is not None


def test_account_changes_are_audited(app, runner):
    runner("users", "add", "eva", "--role", "admin", input=TEST_PASSWORD + "\n")
    runner("users", "token", "eva")
    runner("users", "token", "eva", "--revoke")
    runner("users", "remove", "eva")
    entries = audit_log(app.extensions["geoapp"].store)
    assert [e["action"] for e in entries] == ["account_remove", "token_revoke", "token_issue", "account_add"]
    assert {e["actor"] for e in entries} == {"(command line)"}
    assert TEST_PASSWORD not in str(entries)


def test_demo_accounts_are_reset_with_new_passwords(app):
    store = app.extensions["geoapp"].store
    first = accounts.reset_demo_accounts(store)
    second = accounts.reset_demo_accounts(store)
    assert set(first) == {"demo-uploader", "demo-admin"}
    assert all(first[name] != second[name] for name in first)
    assert accounts.log_in(store, "demo-admin", first["demo-admin"], None) is None
    assert accounts.log_in(store, "demo-admin", second["demo-admin"], None).role == "admin"
    assert accounts.log_in(store, "demo-uploader", second["demo-uploader"], None).role == "uploader"


def test_serve_demo_makes_the_map_public_and_prints_working_passwords(serve):
    base = serve("--demo")
    printed = dict(re.findall(r"^demo:\s+(demo-\w+)\s+(\S+)$", "".join(serve.output), re.M))
    assert set(printed) == {"demo-uploader", "demo-admin"}
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def read(path: str, data: dict | None = None) -> str:
        with browser.open(base + path, data=urllib.parse.urlencode(data).encode() if data else None) as response:
            return response.read().decode()

    assert "Tjärna Ängar" in read("")  # the map, without logging in
    token = CSRF_FIELD.search(read("login")).group(1)
    page = read("login", {"name": "demo-admin", "password": printed["demo-admin"], "csrf_token": token})
    assert "demo-admin (administratör)" in page
    with browser.open(base + "admin/uploads") as admin_page:
        assert admin_page.status == 200


# Runs geoapp with its standard input as the controlling terminal, as when typed in a shell.
ON_A_TERMINAL = ("import fcntl, runpy, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                 "sys.argv[0] = 'geoapp'; runpy.run_module('geoapp', run_name='__main__')")


def test_cli_asks_for_the_password_twice_on_a_terminal_without_echo(tmp_path):
    env = {**os.environ, "GEOAPP_INSTANCE_PATH": str(tmp_path), "GEOAPP_LOAD_DEFAULT_AREAS": "no"}
    terminal, child_end = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", ON_A_TERMINAL, "users", "add", "tty-user", "--role", "viewer"],
                               stdin=child_end, stdout=child_end, stderr=child_end, env=env, start_new_session=True)
    os.close(child_end)
    seen = b""
    for prompt in ("Lösenord:".encode(), "Upprepa för att bekräfta:".encode()):
        while prompt not in seen:
            assert select.select([terminal], [], [], 30)[0], f"no {prompt!r} prompt; saw {seen!r}"
            seen += os.read(terminal, 1024)
        os.write(terminal, TEST_PASSWORD.encode() + b"\n")
    try:
        while chunk := os.read(terminal, 1024):
            seen += chunk
    except OSError:  # the child has exited and closed the terminal
        pass
    os.close(terminal)
    assert process.wait(timeout=60) == 0, seen
    assert "tillagt: tty-user som viewer".encode() in seen and TEST_PASSWORD.encode() not in seen
