"""XLSX workbooks, checked for zip bombs before any XML in them is parsed."""

from __future__ import annotations

import io
import zipfile

from geoapp.i18n import _
from geoapp.ingest.report import FileRejected
from geoapp.ingest.table import Limits, RawTable, table_from_records, too_many_rows

MAX_MEMBERS = 10_000
# Below this a high ratio is just a small, repetitive part such as styles.xml.
RATIO_FLOOR_BYTES = 1024 * 1024


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse an archive whose declared unpacked size or compression ratio is out of bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRejected(_("the file is not a valid XLSX workbook")) from None
    if len(members) > MAX_MEMBERS:
        raise FileRejected(_("the workbook holds %(n)d parts; at most %(max)d are accepted", n=len(members), max=MAX_MEMBERS))
    # zipfile stops at the declared size and fails the CRC beyond it, so declared sizes can be trusted.
    total = sum(m.file_size for m in members)
    if total > limits.xlsx_max_unpacked:
        raise FileRejected(_(
            "the workbook unpacks to %(size)d MiB; at most %(max)d MiB "
            "is accepted (GEOAPP_XLSX_MAX_UNPACKED_MB)", size=total // 2**20, max=limits.xlsx_max_unpacked // 2**20
        ))
    for m in members:
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > limits.xlsx_max_ratio * max(m.compress_size, 1):
            raise FileRejected(_(
                "the workbook part %(part)r is compressed more than %(ratio)s times; "
                "refused as a possible zip bomb (GEOAPP_XLSX_MAX_RATIO)", part=m.filename, ratio=limits.xlsx_max_ratio
            ))


def read_xlsx(data: bytes, limits: Limits, sheet: str | None = None) -> RawTable:
    """Read the first (or the named) sheet; the header is the first non-empty row."""
    check_archive(data, limits)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise _refusal(exc) from None
    try:
        return _read_sheet(workbook, limits, sheet)
    except FileRejected:
        raise
    except Exception as exc:
        raise _refusal(exc, _("the workbook's sheet cannot be read; save it again from the spreadsheet program")) from None
    finally:
        workbook.close()


def _refusal(exc: BaseException, message: str | None = None) -> FileRejected:
    """Explain why openpyxl failed, naming refused XML entities wherever in the chain they were found."""
    from defusedxml import DefusedXmlException

    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return FileRejected(_("the workbook contains XML entity declarations, which are refused"))
        exc = exc.__cause__ or exc.__context__
    return FileRejected(message or _("the file is not a valid XLSX workbook"))


def _read_sheet(workbook, limits: Limits, sheet: str | None) -> RawTable:
    """Read one sheet of an open read-only workbook."""
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        raise FileRejected(_("no sheet named %(sheet)r; the workbook has: %(sheets)s", sheet=sheet, sheets=", ".join(names)))
    rows = enumerate(workbook[sheet or names[0]].iter_rows(values_only=True), 1)
    header_row, header = next(((n, r) for n, r in rows if any(_filled(c) for c in r)), (None, None))
    if header is None:
        raise FileRejected(_("the sheet is empty"))
    records, numbers = [], []
    for number, record in rows:
        if any(_filled(c) for c in record):
            records.append(record)
            numbers.append(number)
            if len(records) > limits.max_rows:
                raise FileRejected(too_many_rows(limits))
    headers = ["" if h is None else str(h).strip() for h in header]
    return table_from_records(headers, records, numbers, header_row)


def _filled(cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))
