"""The audit log in the reader's language: stored actions and details are fixed English keys, shown translated."""

from __future__ import annotations

import re

from geoapp.i18n import N_, _, ngettext, number

ACTIONS = {
    "login": N_("logged in"), "login_failed": N_("failed login"), "logout": N_("logged out"),
    "account_add": N_("account added"), "account_remove": N_("account removed"),
    "account_reset": N_("demo account reset"), "password_change": N_("password changed"),
    "token_issue": N_("API token issued"), "token_revoke": N_("API tokens revoked"),
    "upload": N_("upload"), "upload_delete": N_("upload deleted"), "activity_record": N_("activity recorded"),
    "places_import": N_("places imported"), "place_add": N_("place added"),
}
COMMAND_LINE = "(command line)"
_SOURCES = {"observations file": N_("observations file %(name)s"), "activities file": N_("activities file %(name)s"),
            "places file": N_("places file %(name)s")}
_UPLOAD_KINDS = {"observations": N_("observations file"), "activities": N_("activities file"),
                 "field": N_("field form entry")}
_ACTIVITY_KINDS = {"dialogue": N_("citizen dialogue"), "police_presence": N_("police presence"),
                   "advice": N_("advice")}
_ROLES = {"viewer": N_("viewer"), "uploader": N_("uploader"), "admin": N_("admin")}


def _source(text: str) -> str:
    """Translate how an upload's source is named ('observations file x.csv', 'field form entry')."""
    if text == "field form entry":
        return _("field form entry")
    for prefix, message in _SOURCES.items():
        if text.startswith(prefix + " "):
            return _(message, name=text[len(prefix) + 1:])
    return text


def _rows(n: str) -> str:
    return ngettext("%(n)s row", "%(n)s rows", int(n), n=number(int(n)))


def _upload(m: re.Match) -> str:
    walks = int(m["walks"])
    return _("%(source)s: %(rows)s, %(walks)s", source=_source(m["source"]), rows=_rows(m["rows"]),
             walks=ngettext("%(n)s walk", "%(n)s walks", walks, n=number(walks)))


def _deleted(m: re.Match) -> str:
    kind = _UPLOAD_KINDS.get(m["kind"])
    return _("upload %(id)s (%(kind)s, %(file)s, %(rows)s)", id=m["id"], kind=_(kind) if kind else m["kind"],
             file=_("field form") if m["kind"] == "field" else m["file"], rows=_rows(m["rows"]))


def _tokens(m: re.Match) -> str:
    n = int(m["count"])
    tokens = ngettext("%(n)s token", "%(n)s tokens", n, n=number(n))
    if m["old"]:
        return _("%(name)s: %(tokens)s, with the old password", name=m["name"], tokens=tokens)
    return _("%(name)s: %(tokens)s", name=m["name"], tokens=tokens)


def _account(m: re.Match) -> str:
    role = _(_ROLES[m["role"]])
    if m["demo"]:
        return _("%(name)s as %(role)s (demo)", name=m["name"], role=role)
    return _("%(name)s as %(role)s", name=m["name"], role=role)


_DETAILS = (
    (re.compile(r"^(?P<source>.+): (?P<rows>\d+) rows, (?P<walks>\d+) walk\(s\)$"), _upload),
    (re.compile(r"^(?P<source>activities file .+): (?P<rows>\d+) rows$"),
     lambda m: _("%(source)s: %(rows)s", source=_source(m["source"]), rows=_rows(m["rows"]))),
    (re.compile(r"^(?P<source>places file .+): (?P<added>\d+) added, (?P<updated>\d+) updated$"),
     lambda m: _("%(source)s: %(added)s added, %(updated)s updated", source=_source(m["source"]),
                 added=number(int(m["added"])), updated=number(int(m["updated"])))),
    (re.compile(r"^(?P<kind>dialogue|police_presence|advice) at (?P<place>.+)$"),
     lambda m: _("%(kind)s at %(place)s", kind=_(_ACTIVITY_KINDS[m["kind"]]), place=m["place"])),
    (re.compile(r"^upload (?P<id>\d+) \((?P<kind>\w+), (?P<file>.+), (?P<rows>\d+) rows\)$"), _deleted),
    (re.compile(r"^(?P<name>.+) as (?P<role>viewer|uploader|admin)(?P<demo> \(demo\))?$"), _account),
    (re.compile(r"^(?P<name>.+): (?P<count>\d+) token\(s\)(?P<old>, with the old password)?$"), _tokens),
    (re.compile(r"^unknown account name$"), lambda m: _("unknown account name")),
    (re.compile(r"^place (?P<name>.+) in (?P<area>.+)$"),
     lambda m: _("place %(name)s in %(area)s", name=m["name"], area=m["area"])),
)


def action_text(action: str) -> str:
    """Return an audit action in the current language (an unknown key as it is)."""
    return _(ACTIONS[action]) if action in ACTIONS else action


def detail_text(detail: str) -> str:
    """Return an audit detail in the current language; one of no known form is shown as stored."""
    for pattern, render in _DETAILS:
        match = pattern.match(detail or "")
        if match:
            return render(match)
    return detail or ""


def actor_text(actor: str | None) -> str:
    """Return who did it, the command line named in the current language."""
    if actor == COMMAND_LINE:
        return _("(command line)")
    return actor or "—"
