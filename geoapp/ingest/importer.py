"""Import one observations file: check all of it, then store all of it in one transaction, or nothing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath
from typing import Callable

import pandas as pd
from sqlalchemy.exc import IntegrityError

from geoapp.domain.model import AREA_KIND_REGSO, STOCKHOLM_TZ
from geoapp.domain.periods import finest_holding
from geoapp.domain.users import Actor
from geoapp.i18n import N_, _
from geoapp.ingest.readers import detect_format, read_table
from geoapp.ingest.report import (ALREADY_IMPORTED, IMPORTED, Covered, FileRejected, ImportReport, RowError, rejected,
                                  too_large)
from geoapp.ingest.rows import Checked, check_table
from geoapp.ingest.table import Limits, RawTable
from geoapp.privacy.redact import redact
from geoapp.store import audit, bump_data_version
from geoapp.store import observations as stored

KIND = "observations"
ALL_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
MAX_FILENAME = 120
KIND_WORDS = {"observations": N_("observations"), "activities": N_("activities"), "places": N_("places"),
              "actions": N_("actions"), "surveys": N_("survey results")}


def clean_filename(filename: str | None) -> str:
    """Return the file's own name without folders, control characters, excess length or what identifies a person."""
    name = PureWindowsPath((filename or "").replace("\x00", "")).name  # splits on both / and \\
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".") or "upload"  # never a hidden or dot-dot name
    name = redacted_name(name)
    if len(name) <= MAX_FILENAME:
        return name
    stem, dot, suffix = name.rpartition(".")
    return (stem[: MAX_FILENAME - len(suffix) - 1] + "." + suffix) if dot and len(suffix) <= 10 else name[:MAX_FILENAME]


def redacted_name(name: str) -> str:
    """Return a file name redacted as comments are, keeping its extension."""
    suffix = PurePath(name).suffix
    redacted, _counts = redact(name)
    # An e-mail address just before the extension takes the extension with it.
    return redacted if redacted.endswith(suffix) else redacted + suffix


def limits_of(settings: dict) -> Limits:
    """Return the file limits configured for this instance."""
    return Limits(max_rows=settings["MAX_ROWS"], xlsx_max_unpacked=settings["XLSX_MAX_UNPACKED_MB"] * 2**20,
                  xlsx_max_ratio=settings["XLSX_MAX_RATIO"])


@dataclass(frozen=True)
class Source:
    """Where a table comes from: its upload kind, content key, name, and how the audit log names it."""

    kind: str
    digest: str
    name: str
    audit_name: str


def oversize(site, name: str, size: int, kind: str = KIND) -> ImportReport | None:
    """Return the rejection of a file of `size` bytes over the upload limit, or None when it is within it."""
    return None if size <= site.settings["MAX_UPLOAD_MB"] * 2**20 else too_large(site, name, kind)


def receive(site, data: bytes, filename: str | None, kind: str, sheet: str | None = None,
            formats: tuple[str, ...] = ALL_FORMATS) -> tuple[str, str, RawTable] | ImportReport:
    """Return the file's clean name, content hash and table, or the report when it goes no further."""
    name = clean_filename(filename)
    refused = oversize(site, name, len(data), kind)
    if refused:
        return refused
    digest = hashlib.sha256(data).hexdigest()
    with site.store.connect() as conn:
        earlier = stored.find_upload(conn, kind, digest)
    if earlier:
        return already(name, earlier, kind)
    try:
        if data.strip() and detect_format(data, name) not in formats:
            raise FileRejected(_("%(kind)s come as %(formats)s, not %(found)s", kind=_(KIND_WORDS.get(kind, kind)),
                                 formats=_(" or ").join(f.upper() for f in formats), found=detect_format(data, name).upper()))
        return name, digest, read_table(data, name, limits_of(site.settings), sheet)
    except FileRejected as exc:
        return rejected(name, [RowError(name, None, None, "", str(exc))], kind)


def import_observations(site, data: bytes, filename: str | None, walk: str | None = None,
                        uploaded_by: str | None = None, sheet: str | None = None,
                        address: str | None = None) -> ImportReport:
    """Import an observations file; the same function serves the upload page and the command line."""
    name = clean_filename(filename)
    refused = oversize(site, name, len(data))
    if refused:
        return refused
    source = Source(KIND, hashlib.sha256(data).hexdigest(), name, f"observations file {name}")
    return import_table(site, source, lambda: read_table(data, name, limits_of(site.settings), sheet),
                        walk, Actor(uploaded_by, address))


def import_table(site, source: Source, read: Callable[[], RawTable], walk: str | None, by: Actor) -> ImportReport:
    """Check the table `read` returns and store all of it in one transaction, unless `source` is stored already."""
    with site.store.connect() as conn:
        earlier = stored.find_upload(conn, source.kind, source.digest)
    if earlier:
        return already(source.name, earlier, source.kind)
    areas = site.area_frame()
    if not (areas["kind"] == AREA_KIND_REGSO).any():
        return rejected(source.name, [RowError(source.name, None, None, "", _("no area boundaries are loaded; run geoapp areas import first"))])
    try:
        table = read()
    except FileRejected as exc:
        return rejected(source.name, [RowError(source.name, None, None, "", str(exc))])
    checked = check_table(table, source.name, site.vocabulary(), areas, walk)
    if checked.errors:
        return rejected(source.name, checked.errors)
    return saved_or_already(site, source.kind, source.name, source.digest, lambda: _save(site, checked, source, by))


def saved_or_already(site, kind: str, name: str, digest: str, save: Callable[[], ImportReport]) -> ImportReport:
    """Return the report of save(), or of the same file when a concurrent upload stored it first."""
    try:
        return save()
    except IntegrityError:
        # A concurrent upload of the same file or of the same rows committed first; look again.
        with site.store.connect() as conn:
            earlier = stored.find_upload(conn, kind, digest)
        return already(name, earlier, kind) if earlier else save()


def already(name: str, earlier: stored.UploadRecord, kind: str = KIND) -> ImportReport:
    """Return the report on a file whose very content was imported before."""
    return ImportReport(ALREADY_IMPORTED, name, rows=earlier.rows, uploaded_at=earlier.uploaded_at, kind=kind)


def _save(site, checked: Checked, source: Source, by: Actor) -> ImportReport:
    """Store the upload, its walks and its new observations in one transaction."""
    frame, name = checked.observations, source.name
    with site.store.begin() as conn:
        ids = stored.walk_ids(conn, frame["walk"].unique().tolist())
        walk_id = frame["walk"].map(ids)
        known = stored.stored_keys(conn, ids.values())
        times = frame["observed_at"].dt.to_pydatetime().tolist()
        fresh = [True] * len(frame)
        if known:
            keys = zip(walk_id.tolist(), times, frame["e"].tolist(), frame["n"].tolist(), frame["category"].tolist())
            fresh = [key not in known for key in keys]
        message = _("already stored (same walk, time, place and category)")
        duplicates = checked.duplicates + [
            {"row": int(row), "message": message}
            for row, new in zip(frame.index, fresh) if not new
        ]
        redactions = sum(checked.redactions.values())
        upload_id = stored.add_upload(conn, source.kind, source.digest, name, by.name, sum(fresh), redactions)
        columns = _rows(frame, walk_id, times, upload_id, fresh)
        rows = stored.insert_observations(conn, columns)
        bump_data_version(conn)
        walks = sorted(ids)
        audit.record(conn, "upload", actor=by.name, detail=f"{source.audit_name}: {rows} rows, {len(walks)} walk(s)",
                     address=by.address)
    site.forget_exports({(code, stored.local_year(at)) for code, at in zip(columns["area_code"], columns["observed_at"])})
    return ImportReport(IMPORTED, name, rows=rows, walks=walks, redactions=dict(sorted(checked.redactions.items())),
                        duplicates=sorted(duplicates, key=lambda d: d["row"]), ignored_columns=checked.columns.ignored,
                        covered=coverage(site, columns["area_code"], columns["observed_at"]), warnings=checked.warnings)


def coverage(site, codes: list[str], times: list) -> list[Covered]:
    """Return each area the stored rows fell in, by name, with their first and last day and the map periods to see them."""
    # Whole columns at once: a file may hold a hundred thousand rows, and this runs on every upload.
    local = pd.Series(pd.to_datetime(times, utc=True)).dt.tz_convert(STOCKHOLM_TZ)
    spans = (pd.DataFrame({"code": codes, "day": local.dt.date, "year": local.dt.year})
             .groupby(["code", "year"])["day"].agg(["min", "max"]))
    areas = site.areas_by_id()
    covered = []
    for code, by_year in spans.groupby(level="code"):
        periods = tuple(finest_holding(first, last).code for first, last in zip(by_year["min"], by_year["max"]))
        covered.append(Covered(code, areas[code]["name"] if code in areas else code, by_year["min"].min(),
                               by_year["max"].max(), periods))
    return sorted(covered, key=lambda c: (c.first, c.area_name))


def _rows(frame: pd.DataFrame, walk_id: pd.Series, times: list, upload_id: int, fresh: list[bool]) -> dict[str, list]:
    """Return the new observations column by column, as plain Python values for the insert."""
    keep = pd.Series(fresh, index=frame.index)
    columns = {name: frame[name][keep].tolist() for name in ("category", "severity", "positive", "comment",
                                                             "lon", "lat", "e", "n", "area_code")}
    columns["walk_id"] = walk_id[keep].tolist()
    columns["observed_at"] = [t for t, new in zip(times, fresh) if new]
    columns["upload_id"] = [upload_id] * len(columns["walk_id"])
    return columns
