"""The `geoapp users` commands: accounts, their passwords and API tokens."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from geoapp.accounts import service as accounts
from geoapp.cli.reports import reject
from geoapp.domain.users import COMMAND_LINE, ROLES, AccountError
from geoapp.i18n import _, date, ngettext


def _store():
    return current_app.extensions["geoapp"].store


def read_password() -> str:
    """Ask for a password twice on a terminal, else read the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Repeat for confirmation"))
    return sys.stdin.readline().rstrip("\r\n")


@click.group(cls=AppGroup)
def users() -> None:
    """Accounts, passwords and API tokens."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
def add(name: str, role: str) -> None:
    """Add an account; the password comes from a prompt, or standard input when it is not a terminal."""
    try:
        accounts.add_account(_store(), name, role, read_password(), COMMAND_LINE)
    except AccountError as exc:
        reject(str(exc))
    click.echo(_("added: %(name)s as %(role)s", name=name, role=role))


@users.command("list")
def list_() -> None:
    """List every account with its role and number of live API tokens."""
    for a in accounts.list_accounts(_store()):
        created = _("created %(date)s", date=date(a["created_at"]))
        tokens = ngettext("%(num)d token", "%(num)d tokens", a["tokens"])
        click.echo(f"{a['name']}\t{a['role']}\t{created}\t{tokens}")


@users.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove an account and its API tokens."""
    try:
        accounts.remove_account(_store(), name, COMMAND_LINE)
    except AccountError as exc:
        reject(str(exc))
    click.echo(_("removed: %(name)s", name=name))


@users.command("password")
@click.argument("name")
def password(name: str) -> None:
    """Set a new password (prompt or standard input); the account's sessions end and its API tokens are revoked."""
    try:
        accounts.change_password(_store(), name, read_password(), COMMAND_LINE)
    except AccountError as exc:
        reject(str(exc))
    click.echo(_("changed: the password of %(name)s", name=name))


@users.command("token")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Revoke every token of the account instead of issuing one.")
def token(name: str, revoke: bool) -> None:
    """Print a new API token for `Authorization: Bearer …`, or revoke the account's tokens."""
    try:
        if revoke:
            count = accounts.revoke_tokens(_store(), name, COMMAND_LINE)
            click.echo(ngettext("revoked: %(num)d token of %(name)s", "revoked: %(num)d tokens of %(name)s", count,
                                name=name))
        else:
            click.echo(accounts.issue_token(_store(), name, COMMAND_LINE))
    except AccountError as exc:
        reject(str(exc))
