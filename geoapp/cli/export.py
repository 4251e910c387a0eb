"""The `geoapp export` command: one published view written to a file, whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from geoapp.cli.users import reject
from geoapp.export import FORMATS, export_view
from geoapp.export.briefing import DEFAULT_DPI, DPI_RANGE
from geoapp.i18n import LANGUAGES, _
from geoapp.mapview.filters import QueryError


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, then rename it into place."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("export")
@with_appcontext
@click.option("--format", "fmt", required=True, type=click.Choice(list(FORMATS)), help="What to write.")
@click.option("--area", help="Area or group id (see /api/v1/areas); tjarna-angar by default.")
@click.option("--period", help="2025, 2025-T2 or 2025-05; the latest year with data by default.")
@click.option("--category", help="A category key, or all (the default).")
@click.option("--compare", is_flag=True, help="Also the previous period of the same kind.")
@click.option("--dpi", type=click.IntRange(*DPI_RANGE), default=DEFAULT_DPI, show_default=True, help="Resolution of a PNG.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True, help="Language of PNG, PDF, HTML and CSV.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def export(fmt, area, period, category, compare, dpi, lang, output: Path) -> None:
    """Export the published view as PNG, PDF, offline HTML, GeoJSON or CSV."""
    if not output.parent.is_dir():
        raise click.UsageError(f"folder {str(output.parent)!r} does not exist", click.get_current_context())
    args = {"area": area, "period": period, "category": category, "compare": "1" if compare else "", "dpi": str(dpi),
            "lang": lang}
    try:
        exported = export_view(current_app.extensions["geoapp"], fmt, {k: v for k, v in args.items() if v})
    except QueryError as exc:
        reject(str(exc))
    write_atomically(output, exported.content)
    click.echo(_("exported: %(path)s (%(name)s, %(size)s bytes)", path=output, name=exported.filename,
                 size=len(exported.content)))
