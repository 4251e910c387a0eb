"""What an import tells the uploader: the verdict, the counts, and every problem found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from geoapp.i18n import _, local_time, ngettext
from geoapp.privacy.redact import KIND_NAMES

IMPORTED = "imported"
ALREADY_IMPORTED = "already_imported"
REJECTED = "rejected"

# Enough to fix a file; a file with more problems is usually the wrong file altogether.
MAX_ERRORS_SHOWN = 500
MAX_VALUE_SHOWN = 60


class FileRejected(ValueError):
    """A file that cannot be read as observations at all; the message says why."""


def show_value(value: object) -> str:
    """Return `value` as short printable text, safe to put in a report."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


@dataclass(frozen=True)
class RowError:
    """One problem: where it is (row as numbered in the file, column) and what is wrong."""

    file: str
    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file + (_(", row %(row)s", row=self.row) if self.row is not None else "")
        where += _(", column %(column)r", column=self.column) if self.column else ""
        shown = _(" (value %(value)r)", value=self.value) if self.value else ""
        return f"{where}: {self.message}{shown}"


@dataclass(frozen=True)
class Covered:
    """An area the stored rows fell in: its id and name, the first and last day (Stockholm), the map periods to see it."""

    area_id: str
    area_name: str
    first: date
    last: date
    periods: tuple[str, ...]  # per calendar year, the finest fixed period holding every day of the rows there


@dataclass
class ImportReport:
    """The outcome of importing one file."""

    status: str
    file: str
    rows: int = 0
    walks: list[str] = field(default_factory=list)
    redactions: dict[str, int] = field(default_factory=dict)
    duplicates: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    uploaded_at: datetime | None = None
    kind: str = "observations"  # or activities, places, actions
    covered: list[Covered] = field(default_factory=list)  # where and when the stored observations are
    warnings: list[RowError] = field(default_factory=list)  # rows stored, but worth checking
    # The Swedish days from which the stored activities still inside GEOAPP_ACTIVITY_DELAY_DAYS show, earliest first.
    shows_from: list[date] = field(default_factory=list)
    delay_days: int = 0

    @property
    def redaction_count(self) -> int:
        return sum(self.redactions.values())

    def redaction_names(self) -> list[tuple[str, int]]:
        """Return each kind of text redacted, named in the current language, with its count."""
        return [(_(KIND_NAMES.get(kind, kind)), n) for kind, n in self.redactions.items()]

    def summary(self) -> str:
        """Return the one-line verdict shown to the uploader."""
        if self.status == IMPORTED and self.kind != "observations":
            if self.kind == "activities":
                return ngettext("imported: %(num)d activity", "imported: %(num)d activities", self.rows)
            if self.kind == "surveys":
                return ngettext("imported: %(num)d survey result", "imported: %(num)d survey results", self.rows)
            if self.kind == "actions":
                return ngettext("imported: %(num)d action added or changed", "imported: %(num)d actions added or changed",
                                self.rows)
            return ngettext("imported: %(num)d place", "imported: %(num)d places", self.rows)
        if self.status == IMPORTED:
            walks = _("walk %(walk)s", walk=self.walks[0]) if len(self.walks) == 1 else _("%(n)d walks", n=len(self.walks))
            return ngettext("imported: %(num)d observation from %(walks)s", "imported: %(num)d observations from %(walks)s",
                            self.rows, walks=walks)
        if self.status == ALREADY_IMPORTED:
            when = local_time(self.uploaded_at) if self.uploaded_at else _("an earlier date")
            return _("already imported on %(when)s", when=when)
        return ngettext("rejected: %(num)d problem in %(file)s; nothing was saved",
                        "rejected: %(num)d problems in %(file)s; nothing was saved", self.error_count, file=self.file)

    def delay_note(self) -> str | None:
        """Return the sentence saying from when the activities still inside the delay show, or None."""
        if not self.shows_from:
            return None
        first, last = self.shows_from[0].isoformat(), self.shows_from[-1].isoformat()
        if len(self.shows_from) == 1:
            return _("It ended less than %(days)s days ago: it shows on the map and in the follow-up from %(date)s.",
                     days=self.delay_days, date=first)
        if first == last:
            return _("%(n)s of them ended less than %(days)s days ago: they show on the map and in the follow-up "
                     "from %(date)s.", n=len(self.shows_from), days=self.delay_days, date=first)
        return _("%(n)s of them ended less than %(days)s days ago: they show on the map and in the follow-up from "
                 "%(first)s to %(last)s, each %(days)s days after it ended.", n=len(self.shows_from),
                 days=self.delay_days, first=first, last=last)

    def to_json(self) -> dict:
        """Return the report as the upload API's JSON document."""
        doc = {
            "status": self.status,
            "kind": self.kind,
            "file": self.file,
            "rows": self.rows,
            "walks": self.walks,
            "redactions": self.redactions,
            "duplicates": self.duplicates,
            "ignored_columns": self.ignored_columns,
            "message": self.summary(),
        }
        if self.covered:
            doc["covered"] = [{"area": c.area_id, "name": c.area_name, "first": c.first.isoformat(),
                               "last": c.last.isoformat(), "periods": list(c.periods)} for c in self.covered]
        if self.warnings:
            doc["warnings"] = [{k: v for k, v in asdict(w).items() if k != "file"} for w in self.warnings]
        if self.shows_from:
            doc["shows_from"] = [day.isoformat() for day in self.shows_from]
            doc["delay_note"] = self.delay_note()
        if self.uploaded_at is not None:
            doc["uploaded_at"] = self.uploaded_at.isoformat()
        if self.status == REJECTED:
            doc["errors"] = [{k: v for k, v in asdict(e).items() if k != "file"} for e in self.errors]
            doc["error_count"] = self.error_count
        return doc


def rejected(file: str, errors: list[RowError], kind: str = "observations") -> ImportReport:
    """Return a rejection listing (at most MAX_ERRORS_SHOWN of) `errors`, ordered by row."""
    ordered = sorted(errors, key=lambda e: (e.row is not None, e.row or 0, e.column or ""))
    return ImportReport(REJECTED, file, errors=ordered[:MAX_ERRORS_SHOWN], error_count=len(errors), kind=kind)


def too_large(site, file: str, kind: str = "observations", column: str | None = None) -> ImportReport:
    """Return the rejection of an upload over the size limit, in the one message every way of uploading gives."""
    message = _("the upload is larger than %(n)s MiB (GEOAPP_MAX_UPLOAD_MB)", n=site.settings["MAX_UPLOAD_MB"])
    return rejected(file, [RowError(file, None, column, "", message)], kind)
