"""Import one observations file: check all of it, then store all of it in one transaction, or nothing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PureWindowsPath

import pandas as pd
from sqlalchemy.exc import IntegrityError

from geoapp.ingest.readers import Limits, read_table
from geoapp.ingest.report import ALREADY_IMPORTED, IMPORTED, FileRejected, ImportReport, RowError, rejected
from geoapp.ingest.rows import Checked, check_table
from geoapp.model import AREA_KIND_REGSO
from geoapp.store import audit, bump_data_version
from geoapp.store import observations as stored

KIND = "observations"
MAX_FILENAME = 120


def clean_filename(filename: str | None) -> str:
    """Return the file's own name without folders, control characters or excess length."""
    name = PureWindowsPath((filename or "").replace("\x00", "")).name  # splits on both / and \\
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".") or "upload"  # never a hidden or dot-dot name
    if len(name) <= MAX_FILENAME:
        return name
    stem, dot, suffix = name.rpartition(".")
    return (stem[: MAX_FILENAME - len(suffix) - 1] + "." + suffix) if dot and len(suffix) <= 10 else name[:MAX_FILENAME]


def limits_of(settings: dict) -> Limits:
    """Return the file limits configured for this instance."""
    return Limits(max_rows=settings["MAX_ROWS"], xlsx_max_unpacked=settings["XLSX_MAX_UNPACKED_MB"] * 2**20,
                  xlsx_max_ratio=settings["XLSX_MAX_RATIO"])


def import_observations(instance, data: bytes, filename: str | None, walk: str | None = None,
                        uploaded_by: str | None = None, sheet: str | None = None) -> ImportReport:
    """Import an observations file; the same function serves the upload page and the command line."""
    name = clean_filename(filename)
    if len(data) > instance.settings["MAX_UPLOAD_MB"] * 2**20:
        return _too_large(name, instance.settings)
    digest = hashlib.sha256(data).hexdigest()
    with instance.store.connect() as conn:
        earlier = stored.find_upload(conn, KIND, digest)
    if earlier:
        return _already(name, earlier)
    areas = instance.area_frame()
    if not (areas["kind"] == AREA_KIND_REGSO).any():
        return rejected(name, [RowError(name, None, None, "", "no area boundaries are loaded; run geoapp areas import first")])
    try:
        table = read_table(data, name, limits_of(instance.settings), sheet)
    except FileRejected as exc:
        return rejected(name, [RowError(name, None, None, "", str(exc))])
    checked = check_table(table, name, instance.vocabulary(), areas, walk)
    if checked.errors:
        return rejected(name, checked.errors)
    try:
        return _save(instance, checked, name, digest, uploaded_by)
    except IntegrityError:
        # A concurrent upload of the same file or of the same rows committed first; look again.
        with instance.store.connect() as conn:
            earlier = stored.find_upload(conn, KIND, digest)
        if earlier:
            return _already(name, earlier)
        return _save(instance, checked, name, digest, uploaded_by)


def import_observation_file(instance, path: Path, walk: str | None = None, sheet: str | None = None) -> ImportReport:
    """Import a file from disk; one over the size limit is refused before it is read."""
    if path.stat().st_size > instance.settings["MAX_UPLOAD_MB"] * 2**20:
        return _too_large(clean_filename(path.name), instance.settings)
    return import_observations(instance, path.read_bytes(), path.name, walk=walk, sheet=sheet)


def _too_large(name: str, settings: dict) -> ImportReport:
    limit = settings["MAX_UPLOAD_MB"]
    return rejected(name, [RowError(name, None, None, "", f"the file is larger than {limit} MiB (GEOAPP_MAX_UPLOAD_MB)")])


def _already(name: str, earlier: stored.UploadRecord) -> ImportReport:
    return ImportReport(ALREADY_IMPORTED, name, rows=earlier.rows, uploaded_at=earlier.uploaded_at)


def _save(instance, checked: Checked, name: str, digest: str, uploaded_by: str | None) -> ImportReport:
    """Store the upload, its walks and its new observations in one transaction."""
    frame = checked.observations
    with instance.store.begin() as conn:
        ids = stored.walk_ids(conn, frame["walk"].unique().tolist())
        walk_id = frame["walk"].map(ids)
        known = stored.stored_keys(conn, ids.values())
        times = frame["observed_at"].dt.to_pydatetime().tolist()
        fresh = [True] * len(frame)
        if known:
            keys = zip(walk_id.tolist(), times, frame["e"].tolist(), frame["n"].tolist(), frame["category"].tolist())
            fresh = [key not in known for key in keys]
        duplicates = checked.duplicates + [
            {"row": int(row), "message": "already stored (same walk, time, place and category)"}
            for row, new in zip(frame.index, fresh) if not new
        ]
        redactions = sum(checked.redactions.values())
        upload_id = stored.add_upload(conn, KIND, digest, name, uploaded_by, sum(fresh), redactions)
        rows = stored.insert_observations(conn, _rows(frame, walk_id, times, upload_id, fresh))
        bump_data_version(conn)
        walks = sorted(ids)
        audit.record(conn, "upload", actor=uploaded_by,
                     detail=f"observations file {name}: {rows} rows, {len(walks)} walk(s)")
    return ImportReport(IMPORTED, name, rows=rows, walks=walks, redactions=dict(sorted(checked.redactions.items())),
                        duplicates=sorted(duplicates, key=lambda d: d["row"]), ignored_columns=checked.columns.ignored)


def _rows(frame: pd.DataFrame, walk_id: pd.Series, times: list, upload_id: int, fresh: list[bool]) -> dict[str, list]:
    """Return the new observations column by column, as plain Python values for the insert."""
    keep = pd.Series(fresh, index=frame.index)
    columns = {name: frame[name][keep].tolist() for name in ("category", "severity", "positive", "comment",
                                                             "lon", "lat", "e", "n", "area_code")}
    columns["walk_id"] = walk_id[keep].tolist()
    columns["observed_at"] = [t for t, new in zip(times, fresh) if new]
    columns["upload_id"] = [upload_id] * len(columns["walk_id"])
    return columns
