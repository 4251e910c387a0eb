"""Accounts without storage: roles, names, password hashes and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash, generate_password_hash

from geoapp.i18n import N_, _

# Each role has the rights of the roles before it.
ROLES = ("viewer", "uploader", "admin")
# Role names as pages show them; the command line keeps the keys.
ROLE_LABELS = {"viewer": N_("viewer"), "uploader": N_("uploader"), "admin": N_("admin")}
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
TOKEN_BYTES = 32


class AccountError(ValueError):
    """An account request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class User:
    """A stored account as the app sees it (never its password hash)."""

    id: int
    name: str
    role: str
    session_secret: str = field(default="", repr=False)

    def can(self, role: str) -> bool:
        """Return True when this user has at least the rights of `role`."""
        return role_allows(self.role, role)


@dataclass(frozen=True)
class Actor:
    """Who asks for an audited change: a user name (or the command line) and an address."""

    name: str | None
    address: str | None = None


COMMAND_LINE = Actor("(command line)")


def role_allows(have: str, need: str) -> bool:
    """Return True when role `have` includes the rights of role `need`."""
    return ROLES.index(check_role(have)) >= ROLES.index(check_role(need))


def check_role(role: str) -> str:
    """Return `role` when it is one of ROLES, else raise AccountError."""
    if role not in ROLES:
        raise AccountError(_("unknown role %(role)r; choose one of %(roles)s", role=role, roles=", ".join(ROLES)))
    return role


def check_name(name: str) -> str:
    """Return `name` when it is a valid account name, else raise AccountError."""
    if not NAME_PATTERN.match(name or ""):
        raise AccountError(
            _("account names are 1 to 64 characters: letters, digits and . _ @ -, starting with a letter or digit")
        )
    return name


def check_password(password: str) -> str:
    """Return `password` when it is long enough, else raise AccountError."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("the password must be at least %(n)d characters long", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_("the password must be at most %(n)d characters long", n=MAX_PASSWORD_LENGTH))
    return password


def hash_password(password: str) -> str:
    """Return a salted hash of `password` with werkzeug's current default algorithm."""
    return generate_password_hash(check_password(password))


def password_matches(password_hash: str, password: str) -> bool:
    """Return True when `password` matches the stored hash."""
    return check_password_hash(password_hash, password)


def new_password() -> str:
    """Return a random password, for accounts whose password is printed once."""
    return secrets.token_urlsafe(15)


def new_session_secret() -> str:
    """Return a random secret that binds an account's sessions to it until it is replaced."""
    return secrets.token_hex(32)


def new_token() -> str:
    """Return a new random API token to hand out once."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the stored form of a token: tokens are random, so a plain SHA-256 suffices."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
