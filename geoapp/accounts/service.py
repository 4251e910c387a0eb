"""Account work that is stored and audited: log in and out, manage accounts, passwords and tokens."""

from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy.exc import IntegrityError

from geoapp.domain import users
from geoapp.domain.users import AccountError, Actor, User
from geoapp.i18n import _
from geoapp.store import Store
from geoapp.store import users as stored
from geoapp.store.audit import record

DEMO_ACCOUNTS = (("demo-uploader", "uploader"), ("demo-admin", "admin"))


@cache
def _decoy_hash() -> str:
    # Checked for unknown names so that a wrong name takes as long as a wrong password.
    return users.hash_password(users.new_password())


def log_in(store: Store, name: str, password: str, address: str | None) -> User | None:
    """Return the account when name and password match, recording the attempt either way."""
    with store.begin() as conn:
        user = stored.find_user(conn, name)
        known_hash = stored.password_hash(conn, name) if user else None
        ok = users.password_matches(known_hash or _decoy_hash(), password) and user is not None
        if ok:
            record(conn, "login", actor=user.name, address=address)
        else:
            # An unknown name is not stored: people type their password into the name field.
            record(conn, "login_failed", actor=user.name if user else None,
                   detail="" if user else "unknown account name", address=address)
    return user if ok else None


def log_out(store: Store, user: User, address: str | None) -> None:
    """End every session of the account and record it."""
    with store.begin() as conn:
        stored.end_sessions(conn, user.id)
        record(conn, "logout", actor=user.name, address=address)


def session_user(store: Store, user_id: int, session_secret: str) -> User | None:
    """Return the account of a session when the session still carries the account's current secret."""
    with store.connect() as conn:
        user = stored.user_by_id(conn, user_id)
    return user if user and secrets.compare_digest(user.session_secret, session_secret) else None


def token_user(store: Store, token: str) -> User | None:
    """Return the account owning a live API token, or None."""
    with store.connect() as conn:
        return stored.user_for_token(conn, users.hash_token(token))


def list_accounts(store: Store) -> list[dict]:
    """Return every account with its role, creation time and number of live tokens."""
    with store.connect() as conn:
        return stored.list_users(conn)


def add_account(store: Store, name: str, role: str, password: str, by: Actor) -> User:
    """Create an account; raise AccountError when the request is invalid or the name is taken."""
    password_hash = users.hash_password(password)
    try:
        with store.begin() as conn:
            user = stored.add_user(conn, users.check_name(name), users.check_role(role), password_hash)
            record(conn, "account_add", actor=by.name, detail=f"{name} as {role}", address=by.address)
    except IntegrityError:
        raise AccountError(_("an account called %(name)r already exists", name=name)) from None
    return user


def remove_account(store: Store, name: str, by: Actor) -> None:
    """Delete an account and its tokens; raise AccountError when there is none or it is one's own."""
    if name == by.name:
        raise AccountError(_("you cannot remove your own account"))
    with store.begin() as conn:
        if not stored.remove_user(conn, name):
            raise AccountError(_("there is no account called %(name)r", name=name))
        record(conn, "account_remove", actor=by.name, detail=name, address=by.address)


def change_password(store: Store, name: str, new: str, by: Actor, current: str | None = None) -> None:
    """Set a new password, end the account's sessions and revoke its tokens; `current` must match when given."""
    new_hash = users.hash_password(new)
    with store.begin() as conn:
        old_hash = stored.password_hash(conn, name)
        if old_hash is None:
            raise AccountError(_("there is no account called %(name)r", name=name))
        if current is not None and not users.password_matches(old_hash, current):
            raise AccountError(_("the current password is wrong"))
        stored.update_user(conn, name, password_hash=new_hash)
        record(conn, "password_change", actor=by.name, detail=name, address=by.address)
        _revoke_with_password(conn, name, by)


def issue_token(store: Store, name: str, by: Actor) -> str:
    """Store a new API token for the account and return it; only its hash is kept."""
    token = users.new_token()
    with store.begin() as conn:
        stored.add_token(conn, _existing(conn, name).id, users.hash_token(token))
        record(conn, "token_issue", actor=by.name, detail=name, address=by.address)
    return token


def revoke_tokens(store: Store, name: str, by: Actor) -> int:
    """Revoke every API token of the account; return how many were live."""
    with store.begin() as conn:
        count = stored.revoke_tokens(conn, _existing(conn, name).id)
        record(conn, "token_revoke", actor=by.name, detail=f"{name}: {count} token(s)", address=by.address)
    return count


def reset_demo_accounts(store: Store) -> dict[str, str]:
    """Create or reset the demo uploader and admin with new random passwords; return them by name."""
    passwords = {name: users.new_password() for name, _role in DEMO_ACCOUNTS}
    with store.begin() as conn:
        for name, role in DEMO_ACCOUNTS:
            password_hash = users.hash_password(passwords[name])
            if not stored.update_user(conn, name, role=role, password_hash=password_hash):
                stored.add_user(conn, name, role, password_hash)
            record(conn, "account_reset", actor=users.COMMAND_LINE.name, detail=f"{name} as {role} (demo)")
            _revoke_with_password(conn, name, users.COMMAND_LINE)
    return passwords


def _revoke_with_password(conn, name: str, by: Actor) -> None:
    # A password is replaced when the account may be in the wrong hands: its tokens go with the old one.
    count = stored.revoke_tokens(conn, _existing(conn, name).id)
    if count:
        record(conn, "token_revoke", actor=by.name, detail=f"{name}: {count} token(s), with the old password",
               address=by.address)


def _existing(conn, name: str) -> User:
    user = stored.find_user(conn, name)
    if user is None:
        raise AccountError(_("there is no account called %(name)r", name=name))
    return user
