"""Read an uploaded file of any accepted format into one uniform table of raw cells."""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

import pandas as pd

from geoapp.i18n import N_, _, number
from geoapp.ingest.report import FileRejected
from geoapp.ingest.table import Limits, RawTable, table_from_records, too_many_rows

FORMATS = N_("CSV, XLSX, GeoJSON or GeoPackage")
DELIMITERS = (";", ",", "\t")
UNCLOSED_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
# Byte order marks of encodings that are text but not one geoapp reads (longest first).
OTHER_ENCODINGS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
                   (b"\xfe\xff", "UTF-16"))


def read_table(data: bytes, filename: str, limits: Limits, sheet: str | None = None) -> RawTable:
    """Read `data` as the format its content and name say, or raise FileRejected."""
    kind = detect_format(data, filename)
    if kind == "xlsx":
        from geoapp.ingest.spreadsheet import read_xlsx

        return read_xlsx(data, limits, sheet)
    if kind == "gpkg":
        from geoapp.ingest.geofiles import read_geopackage

        return read_geopackage(data, limits, sheet)
    text = decode_text(data)
    if kind == "geojson":
        from geoapp.ingest.geofiles import read_geojson

        return read_geojson(text, limits)
    return read_csv(text, limits)


def detect_format(data: bytes, filename: str) -> str:
    """Return xlsx, gpkg, geojson or csv from the file's first bytes and name."""
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise FileRejected(_("the file is empty"))
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if suffix in {".xlsx", ".xlsm", ".gpkg", ".xls"}:
        raise FileRejected(_("the file is not a valid %(format)s file (accepted: %(formats)s)", format=suffix[1:].upper(),
                             formats=_(FORMATS)))
    if suffix in {".geojson", ".json"} or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    return "csv"


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or Windows-1252, as Excel saves in Sweden; refuse a mix of both."""
    encoding = next((name for bom, name in OTHER_ENCODINGS if data.startswith(bom)), None)
    if encoding:
        raise FileRejected(_("the text is %(encoding)s; save it as CSV UTF-8", encoding=encoding))
    if b"\x00" in data:
        raise FileRejected(_("the file is binary, not text (accepted: %(formats)s)", formats=_(FORMATS)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        failed_line = data.count(b"\n", 0, exc.start) + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRejected(_("the text is neither UTF-8 nor Windows-1252; save it as CSV UTF-8")) from None
    utf8_line = _first_utf8_line(data)
    if utf8_line is not None:
        # Read as Windows-1252, the UTF-8 lines would be stored garbled ('VÃ¤stra'), so refuse rather than guess.
        raise FileRejected(_("the file mixes UTF-8 (line %(utf8)d) and Windows-1252 (line %(cp1252)d) text; "
                             "save it again as CSV UTF-8", utf8=utf8_line, cp1252=failed_line))
    return text


def _first_utf8_line(data: bytes) -> int | None:
    """Return the number of the first line holding non-ASCII UTF-8, or None."""
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return number
    return None


def sniff_delimiter(text: str) -> str:
    """Return the delimiter used most in the header line (semicolon, comma or tab)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(text: str, limits: Limits) -> RawTable:
    """Read CSV text; rows are numbered as a spreadsheet numbers them (header = row 1)."""
    delimiter = sniff_delimiter(text)
    try:
        # pandas' C parser for the common, rectangular file; the csv module for everything else.
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, nrows=limits.max_rows + 1000, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        unclosed = UNCLOSED_QUOTE.search(str(exc))
        if unclosed:  # csv's lenient mode would swallow the rest of the file into one cell
            raise FileRejected(_("the file ends inside a quoted cell that starts on row %(row)d; it may be cut short, "
                                 "or a quote is missing", row=int(unclosed[1]) + 1)) from None
        return _read_csv_records(text, delimiter, limits)
    frame.index = frame.index + 1
    filled = frame.ne("").any(axis=1)
    if len(frame) == limits.max_rows + 1000 or not filled.any():
        return _read_csv_records(text, delimiter, limits)
    header_row = int(filled.idxmax())
    data = frame.loc[header_row + 1:][filled.loc[header_row + 1:]]
    if len(data) > limits.max_rows:
        raise FileRejected(too_many_rows(limits))
    headers = [h.strip() for h in frame.loc[header_row]]
    return RawTable(headers=headers, cells=data.set_axis(range(len(headers)), axis=1), header_row=header_row)


def _read_csv_records(text: str, delimiter: str, limits: Limits) -> RawTable:
    """Read CSV text record by record, tolerating ragged rows."""
    reader = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False), 1)
    # Numbered by record, as a spreadsheet shows the file: blank lines count, quoted line breaks do not.
    try:
        header_row, header = next(((n, r) for n, r in reader if any(c.strip() for c in r)), (None, None))
        if header is None:
            raise FileRejected(_("the file has no header row"))
        records, numbers = [], []
        for number, record in reader:
            if any(record):
                records.append(record)
                numbers.append(number)
                if len(records) > limits.max_rows:
                    raise FileRejected(too_many_rows(limits))
    except csv.Error as exc:
        raise FileRejected(_("the CSV cannot be read: %(reason)s", reason=exc)) from None
    return table_from_records([h.strip() for h in header], records, numbers, header_row)
