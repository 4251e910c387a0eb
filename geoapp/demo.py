"""The synthetic demo walks shipped in data/observations."""

from __future__ import annotations

from geoapp.ingest import ImportReport, import_observations

DEMO_FOLDER = "observations"
DEMO_PATTERN = "synthetic_walks_*"
DEMO_FORMATS = {".csv", ".xlsx", ".geojson", ".gpkg"}


def load_demo(instance) -> list[ImportReport]:
    """Import every synthetic demo file; files already imported are left as they are."""
    folder = instance.data_dir / DEMO_FOLDER
    files = sorted(p for p in folder.glob(DEMO_PATTERN) if p.suffix in DEMO_FORMATS)
    return [import_observations(instance, path.read_bytes(), path.name, uploaded_by="demo") for path in files]
