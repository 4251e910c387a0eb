"""The interactive map as one self-contained HTML file: every script, style and image inlined, no network needed."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import jinja2
from flask_babel import force_locale
from xstatic.pkg import leaflet

from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.export.briefing import summary_rows
from geoapp.export.wording import class_label, panel_text, words
from geoapp.maps import build_view_maps, render_parts
from geoapp.privacy.published import require_published
from geoapp.resources import PACKAGE_DIR, bundled_dir

ASSET_SCHEME = "geoapp-asset:"
_SCRIPT = re.compile(r'<script src="geoapp-asset:([\w.-]+)/([\w.-]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="geoapp-asset:([\w.-]+)/([\w.-]+)"\s*/?>')
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")
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
             "script": parts.script} for parts, layer in zip(maps, published.layers)]


def map_html(briefing) -> bytes:
    """Return the view's interactive map, legend, notes and summary table as one offline HTML document."""
    published = require_published(briefing.published)
    with force_locale(briefing.language):  # the map's own words (layers, zoom, attribution) in the export's language
        maps = build_view_maps(published, briefing.areas, briefing.features, briefing.basemap, _asset_token,
                               briefing.classes, briefing.labels)
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
    )
    if ASSET_SCHEME in page:
        raise ValueError("an asset of the offline map was not inlined")
    return page.encode("utf-8")
