"""The interactive map as one self-contained HTML file: every script, style and image inlined, no network needed."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from pathlib import Path

import jinja2
import shapely
from jinja2.utils import htmlsafe_json_dumps
from flask_babel import force_locale
from xstatic.pkg import leaflet

from geoapp.basemap.offline import OfflineTiles, as_data_url, offline_tiles, wanted_zooms
from geoapp.basemap.store import current_basemap
from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.export.briefing import summary_rows
from geoapp.export.wording import class_label, panel_text, words
from geoapp.maps import EMBEDDED_TILES, build_view_maps, near_window, render_parts
from geoapp.privacy.published import require_published
from geoapp.resources import PACKAGE_DIR, bundled_dir

ASSET_SCHEME = "geoapp-asset:"
_SCRIPT = re.compile(r'<script src="geoapp-asset:([\w.-]+)/([\w.-]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="geoapp-asset:([\w.-]+)/([\w.-]+)"\s*/?>')
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")
# The file carries the basemap over the chosen area and this many times its size on every side.
OFFLINE_REACH = 1.0
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


def _asset_token(package: str, filename: str) -> str:
    return f"{ASSET_SCHEME}{package}/{filename}"


def _leaflet_file(package: str, filename: str) -> str:
    if package != "leaflet":
        raise ValueError(f"no offline copy of {package}/{filename}")
    return (Path(leaflet.BASE_DIR) / filename).read_text(encoding="utf-8")


def _inline_script(match: re.Match) -> str:
    # Leaflet's source map comment would make developer tools fetch a file the export does not carry.
    code = _SOURCE_MAP.sub("", _leaflet_file(*match.groups())).replace("</script", "<\\/script")
    return f"<script>{code}</script>"


def _inline_stylesheet(match: re.Match) -> str:
    def data_uri(image: re.Match) -> str:
        data = (Path(leaflet.BASE_DIR) / image.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return f"<style>{_CSS_IMAGE.sub(data_uri, _leaflet_file(*match.groups()))}</style>"


def inline_assets(header: str) -> str:
    """Replace the map header's links to vendored scripts and styles with their contents."""
    return _STYLESHEET.sub(_inline_stylesheet, _SCRIPT.sub(_inline_script, header))


def _panels(briefing, maps) -> list[dict]:
    published = briefing.published
    return [{"caption": panel_text(published, layer.period.code, briefing.language), "body": parts.body,
             "script": parts.script, "legend": parts.legend} for parts, layer in zip(maps, published.layers)]


def _carried_tiles(briefing) -> tuple[object, dict[str, str], OfflineTiles | None]:
    """Return the basemap the file draws, its tiles ("z/x/y": data URL) and what was chosen, from the stored archive."""
    basemap = briefing.basemap
    if basemap.archive is None:
        return basemap, {}, None  # a tile server's URL, or no basemap: the file refers to it as the web map does
    local = current_basemap(basemap.archive.folder.parent)
    focus = briefing.features.get(briefing.published.request.area.id)
    if local is None or focus is None:
        return replace(basemap, url=None), {}, None
    # The chosen area and around it, as far as the map shows when it opens on a wide screen.
    window = near_window(shapely.geometry.shape(focus["geometry"]), OFFLINE_REACH).bounds
    stored = local.stored
    chosen = offline_tiles(local, window, wanted_zooms(window, stored.min_zoom, stored.max_zoom),
                           briefing.offline_tiles_bytes, data_url=True)
    if chosen.zooms is None:
        return replace(basemap, url=None), {}, chosen
    tiles = {f"{t.z}/{t.x}/{t.y}": as_data_url(data) for t, data in chosen.tiles}
    return basemap.embedded(chosen.zooms), tiles, chosen


def _tiles_note(chosen: OfflineTiles | None, briefing, w: dict) -> str | None:
    """Return the sentence saying that the cap left zooms of the basemap out, or None."""
    if chosen is None or not chosen.capped:
        return None
    mib = f"{briefing.offline_tiles_bytes / 2**20:g}"
    if chosen.zooms is None:
        return w["tiles_none"].format(mib=mib)
    return w["tiles_capped"].format(zoom=chosen.zooms[1], wanted=chosen.wanted[1], mib=mib)


def map_html(briefing) -> bytes:
    """Return the view's interactive map, legend, notes and summary table as one offline HTML document."""
    published = require_published(briefing.published)
    basemap, tiles, chosen = _carried_tiles(briefing)
    with force_locale(briefing.language):  # the map's own words (layers, zoom, attribution) in the export's language
        maps = build_view_maps(published, briefing.areas, briefing.features, basemap, _asset_token,
                               briefing.classes, briefing.labels, briefing.activities)
        parts = [render_parts(m) for m in maps]
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(bundled_dir("templates")), autoescape=True)
    headings, rows = summary_rows(briefing)
    w = words(briefing.language)
    request = published.request
    page = environment.get_template("export_map.html").render(
        w=w, language=briefing.language, published=published, request=request, briefing=briefing,
        header=inline_assets(parts[0].header), panels=_panels(briefing, parts),
        own_css=(PACKAGE_DIR / "static" / "geoapp.css").read_text(encoding="utf-8"),
        classes=[(c.color, class_label(c, briefing.language)) for c in briefing.classes],
        category=briefing.labels.get(request.category, request.category) if request.category else None,
        headings=headings, rows=rows, attribution=w["attribution"],
        tiles_script=f"var {EMBEDDED_TILES} = {htmlsafe_json_dumps(tiles)};" if tiles else "",
        tiles_note=_tiles_note(chosen, briefing, w),
    )
    if ASSET_SCHEME in page:
        raise ValueError("an asset of the offline map was not inlined")
    return page.encode("utf-8")
