"""The `geoapp basemap` commands: import, show and remove the municipality's own tile archive."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from shapely.geometry.base import BaseGeometry

from geoapp.basemap.archive import ArchiveError, ArchiveInfo, open_archive
from geoapp.basemap.checks import MIB, Refused, check_archive, check_size
from geoapp.basemap.source import LOCAL, effective_tiles
from geoapp.basemap.store import Exists, StoredBasemap, TooLarge, import_basemap, remove_basemap, stored_basemap
from geoapp.cli.reports import reject
from geoapp.domain.model import AREA_KIND_REGSO, WGS84
from geoapp.i18n import _, number
from geoapp.ingest.importer import clean_filename


@click.group(cls=AppGroup)
def basemap() -> None:
    """The basemap: the municipality's own tile archive, served by geoapp."""


def stored_areas(site) -> dict[str, BaseGeometry]:
    """Return each stored area's WGS84 boundary by its name and code, for the coverage checks."""
    frame = site.area_frame()
    regso = frame[frame["kind"] == AREA_KIND_REGSO].to_crs(WGS84)
    return {f"{row.name} ({row.id})": row.geometry for row in regso.itertuples()}


def checker(areas: dict[str, BaseGeometry], layer: str | None, attribution: str | None):
    """Return the check an import runs on its copy of the archive: what it holds and its attribution, or Refused."""

    def check(path: Path) -> tuple[ArchiveInfo, str]:
        with open_archive(path, layer) as archive:
            return archive.info, check_archive(archive, areas, attribution)

    return check


def describe(stored: StoredBasemap) -> list[str]:
    """Return the lines saying what a stored basemap holds."""
    west, south, east, north = stored.bounds
    return [
        _("format: %(format)s, %(tiles)s tiles", format=stored.format_name + (f" ({stored.layer})" if stored.layer else ""),
          tiles=(stored.tile_format or "?").upper()),
        _("zoom levels: %(low)d to %(high)d", low=stored.min_zoom, high=stored.max_zoom),
        _("bounds: %(west)s, %(south)s, %(east)s, %(north)s (west, south, east, north)", west=number(west, 4),
          south=number(south, 4), east=number(east, 4), north=number(north, 4)),
        _("tiles: %(n)s", n=number(stored.tile_count)),
        _("attribution: %(text)s", text=stored.attribution),
        _("size: %(size)s MiB", size=number(stored.size / MIB, 1)),
    ]


@basemap.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Swap the stored basemap for this one (atomically).")
@click.option("--attribution", help="Whose map it is, shown with it; needed when the archive names nobody.")
@click.option("--layer", help="Tile layer to read (GeoPackage); the only one by default.")
def import_(file: Path, replace: bool, attribution: str | None, layer: str | None) -> None:
    """Import an MBTiles or PMTiles raster archive, or a GeoPackage tile layer, as the basemap."""
    site = current_app.extensions["geoapp"]
    name = clean_filename(file.name)
    limit = site.settings["BASEMAP_MAX_MB"]
    try:
        check_size(file.stat().st_size, limit)
        stored = import_basemap(current_app.instance_path, file, checker(stored_areas(site), layer, attribution),
                                replace=replace, max_bytes=limit * MIB, source_name=name)
    except (ArchiveError, Refused) as exc:
        reject(_("%(file)s: %(reason)s; nothing was changed", file=name, reason=exc))
    except TooLarge:
        reject(_("%(file)s: it grew past the limit of %(limit)s MiB while it was read; nothing was changed", file=name,
                 limit=number(limit)))
    except Exists as exc:
        reject(_("%(file)s: a basemap is stored already (%(stored)s); --replace swaps it for this one", file=name,
                 stored=str(exc)))
    click.echo(_("imported: basemap %(file)s", file=name))
    for line in describe(stored):
        click.echo("  " + line)
    _echo_use(site)


def _echo_use(site) -> None:
    tiles = site.settings["TILES"]
    if effective_tiles(tiles, stored_basemap(current_app.instance_path)).lower() == LOCAL:
        click.echo("  " + _("the maps show it (GEOAPP_TILES=local), served at /tiles/"))
    else:
        click.echo("  " + _("the maps do not show it: GEOAPP_TILES is %(tiles)s; unset it or set it to local", tiles=tiles))


@basemap.command("show")
def show() -> None:
    """Say what the stored basemap holds, and whether the maps show it."""
    stored = stored_basemap(current_app.instance_path)
    if stored is None:
        click.echo(_("no basemap is stored; import one with geoapp basemap import FILE"))
        return
    click.echo(_("basemap: %(file)s, imported %(when)s", file=stored.source, when=stored.imported_at))
    for line in describe(stored):
        click.echo("  " + line)
    _echo_use(current_app.extensions["geoapp"])


@basemap.command("remove")
def remove() -> None:
    """Remove the stored basemap; the maps go back to GEOAPP_TILES or OpenStreetMap."""
    removed = remove_basemap(current_app.instance_path)
    if removed is None:
        click.echo(_("no basemap is stored; import one with geoapp basemap import FILE"))
        return
    click.echo(_("removed: basemap %(file)s", file=removed.source))
