"""Stored accounts and their API tokens."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Connection, delete, func, select, update

from geoapp.domain.users import NAME_PATTERN, User, new_session_secret
from geoapp.store.schema import tokens, users

_USER_COLUMNS = (users.c.id, users.c.name, users.c.role, users.c.session_secret)


def _user(row) -> User | None:
    return User(row.id, row.name, row.role, row.session_secret) if row else None


def add_user(conn: Connection, name: str, role: str, password_hash: str) -> User:
    """Insert a new account and return it."""
    secret = new_session_secret()
    new_id = conn.execute(
        users.insert().values(name=name, role=role, password_hash=password_hash, session_secret=secret,
                              created_at=datetime.now(timezone.utc))
    ).inserted_primary_key[0]
    return User(new_id, name, role, secret)


def _impossible(name: str) -> bool:
    # A name no account can have is not looked up: PostgreSQL refuses some of them (NUL) outright.
    return not NAME_PATTERN.match(name or "")


def find_user(conn: Connection, name: str) -> User | None:
    """Return the account called `name`, or None."""
    if _impossible(name):
        return None
    return _user(conn.execute(select(*_USER_COLUMNS).where(users.c.name == name)).first())


def user_by_id(conn: Connection, user_id: int) -> User | None:
    """Return the account with this id, or None."""
    return _user(conn.execute(select(*_USER_COLUMNS).where(users.c.id == user_id)).first())


def password_hash(conn: Connection, name: str) -> str | None:
    """Return the stored password hash of `name`, or None when there is no such account."""
    if _impossible(name):
        return None
    return conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()


def list_users(conn: Connection) -> list[dict]:
    """Return every account by name with its role, creation time and number of live tokens."""
    live = (
        select(tokens.c.user_id, func.count().label("n"))
        .where(tokens.c.revoked_at.is_(None))
        .group_by(tokens.c.user_id)
        .subquery()
    )
    query = (
        select(users.c.name, users.c.role, users.c.created_at, func.coalesce(live.c.n, 0).label("tokens"))
        .select_from(users.outerjoin(live, live.c.user_id == users.c.id))
        .order_by(users.c.name)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def update_user(conn: Connection, name: str, **values) -> bool:
    """Change an account's role or password hash and end its sessions; return False when absent."""
    if _impossible(name):
        return False
    done = conn.execute(update(users).where(users.c.name == name).values(session_secret=new_session_secret(), **values))
    return done.rowcount == 1


def end_sessions(conn: Connection, user_id: int) -> None:
    """Make every session of the account invalid from now on."""
    conn.execute(update(users).where(users.c.id == user_id).values(session_secret=new_session_secret()))


def remove_user(conn: Connection, name: str) -> bool:
    """Delete an account (its tokens go with it); return False when there was none."""
    if _impossible(name):
        return False
    return conn.execute(delete(users).where(users.c.name == name)).rowcount == 1


def add_token(conn: Connection, user_id: int, token_hash: str) -> None:
    """Store the hash of a new API token for the account."""
    conn.execute(tokens.insert().values(user_id=user_id, token_hash=token_hash, created_at=datetime.now(timezone.utc)))


def user_for_token(conn: Connection, token_hash: str) -> User | None:
    """Return the account owning a live token with this hash, or None."""
    query = (
        select(*_USER_COLUMNS)
        .select_from(users.join(tokens, tokens.c.user_id == users.c.id))
        .where(tokens.c.token_hash == token_hash, tokens.c.revoked_at.is_(None))
    )
    return _user(conn.execute(query).first())


def revoke_tokens(conn: Connection, user_id: int) -> int:
    """Revoke every live token of the account; return how many were live."""
    now = datetime.now(timezone.utc)
    done = conn.execute(
        update(tokens).where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None)).values(revoked_at=now)
    )
    return done.rowcount
