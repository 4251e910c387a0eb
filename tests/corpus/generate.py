"""The big members of the bad-input corpus, written at test time instead of being committed.

Each generator writes one file into a folder (a pytest tmp_path) in bounded chunks, so that even the
200 MB GeoJSON never sits in memory. Sizes are chosen against LIMITS, the settings of the app the
corpus runs against (small limits keep the files small; the 200 MB string is 200 MB regardless).
MANIFEST.toml names these files with `generated = true`; `python -m tests.corpus.generate DIR` writes
them all for a look by hand.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import openpyxl

# The settings the corpus is run with (see tests/test_corpus.py).
LIMITS = {"MAX_UPLOAD_MB": 2, "MAX_ROWS": 2000, "XLSX_MAX_UNPACKED_MB": 16, "XLSX_MAX_RATIO": 100}
HEADER = "date,lat,lon,category,walk\n"
CHUNK = 2**20


def _row(i: int) -> str:
    return f"2025-02-{1 + i % 28:02d} {i // 60 % 24:02d}:{i % 60:02d},60.492869,15.399074,lighting,Stor vandring\n"


def too_many_rows_csv(path: Path) -> None:
    """One valid row more than GEOAPP_MAX_ROWS."""
    path.write_text(HEADER + "".join(_row(i) for i in range(LIMITS["MAX_ROWS"] + 1)), encoding="utf-8")


def too_many_rows_xlsx(path: Path) -> None:
    """A workbook of one row more than GEOAPP_MAX_ROWS."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(HEADER.strip().split(","))
    for i in range(LIMITS["MAX_ROWS"] + 1):
        sheet.append(_row(i).strip().split(","))
    book.save(path)


def too_many_features_geojson(path: Path) -> None:
    """A FeatureCollection of one feature more than GEOAPP_MAX_ROWS."""
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.399074, 60.492869]},
               "properties": {"date": "2025-02-01", "category": "litter", "walk": "W"}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature] * (LIMITS["MAX_ROWS"] + 1)}))


def too_big_csv(path: Path) -> None:
    """A CSV one MiB over GEOAPP_MAX_UPLOAD_MB, padded with a long comment column."""
    with path.open("w", encoding="utf-8") as out:
        out.write("date,lat,lon,category,walk,comment\n")
        for i in range(LIMITS["MAX_UPLOAD_MB"] + 1):
            out.write(_row(i).strip() + "," + "x" * CHUNK + "\n")


def big_string_geojson(path: Path) -> None:
    """A GeoJSON feature whose comment is a single 200 MB string, written 1 MiB at a time."""
    with path.open("wb") as out:
        out.write(b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", '
                  b'"coordinates": [15.399074, 60.492869]}, "properties": {"date": "2025-02-01", "category": '
                  b'"litter", "walk": "W", "comment": "')
        block = b"A" * CHUNK
        for _ in range(200):
            out.write(block)
        out.write(b'"}}]}')


def _minimal_workbook(extra: dict[str, int], filler: bytes) -> dict:
    """Return the members of a tiny valid workbook plus `extra` members of `filler` repeated to a size."""
    book = openpyxl.Workbook()
    book.active.append(["date", "lat", "lon", "category", "walk"])
    data = io.BytesIO()
    book.save(data)
    with zipfile.ZipFile(data) as source:
        members = {name: source.read(name) for name in source.namelist()}
    return {**members, **{name: (filler, size) for name, size in extra.items()}}


def _write_zip(path: Path, members: dict) -> None:
    """Write members; a (filler, size) member is streamed out in chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            filler, size = content
            with archive.open(name, "w", force_zip64=True) as member:
                block = filler * (CHUNK // len(filler))
                for start in range(0, size, len(block)):
                    member.write(block[: size - start])


def zip_bomb_ratio_xlsx(path: Path) -> None:
    """A workbook whose sheet unpacks to 12 MiB from a few KiB (under the total limit, over the ratio)."""
    row = b'<row><c t="inlineStr"><is><t>lol</t></is></c></row>'
    members = _minimal_workbook({"xl/worksheets/sheet1.xml": 12 * CHUNK}, row)
    _write_zip(path, members)


def zip_bomb_many_parts_xlsx(path: Path) -> None:
    """A workbook of 40 parts just under the per-part ratio floor, together 36 MiB unpacked."""
    parts = {f"xl/media/part{i}.bin": int(0.9 * CHUNK) // 1024 * 1024 for i in range(40)}
    _write_zip(path, _minimal_workbook(parts, b"\0" * 1024))


def deep_nesting_geojson(path: Path) -> None:
    """A GeoJSON whose features are nested 200 000 lists deep (the parser's recursion)."""
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * 200_000 + "]" * 200_000 + "}")


GENERATORS = {
    "too_many_rows.csv": too_many_rows_csv,
    "too_many_rows.xlsx": too_many_rows_xlsx,
    "too_many_features.geojson": too_many_features_geojson,
    "too_big.csv": too_big_csv,
    "big_string_200mb.geojson": big_string_geojson,
    "zip_bomb_ratio.xlsx": zip_bomb_ratio_xlsx,
    "zip_bomb_many_parts.xlsx": zip_bomb_many_parts_xlsx,
    "deep_nesting.geojson": deep_nesting_geojson,
}


def generate(name: str, folder: Path) -> Path:
    """Write the generated corpus file `name` into `folder` (once) and return its path."""
    path = folder / name
    if not path.exists():
        GENERATORS[name](path)
    return path


if __name__ == "__main__":
    for generated in GENERATORS:
        print(generate(generated, Path(sys.argv[1])))
