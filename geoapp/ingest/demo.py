"""The synthetic demo walks and activities shipped in data/observations and data/activities."""

from __future__ import annotations

from geoapp.ingest import ImportReport, import_observations
from geoapp.ingest.activities import import_activities
from geoapp.store.uploads import DEMO_UPLOADER

DEMO_FOLDER = "observations"
DEMO_PATTERN = "synthetic_walks_*"
DEMO_FORMATS = {".csv", ".xlsx", ".geojson", ".gpkg"}
ACTIVITIES_FOLDER, ACTIVITIES_PATTERN = "activities", "synthetic_activities_*"


def load_demo(site) -> list[ImportReport]:
    """Import every synthetic demo file; files already imported are left as they are."""
    folder = site.data_dir / DEMO_FOLDER
    files = sorted(p for p in folder.glob(DEMO_PATTERN) if p.suffix in DEMO_FORMATS)
    reports = [import_observations(site, path.read_bytes(), path.name, uploaded_by=DEMO_UPLOADER) for path in files]
    activities = sorted(p for p in (site.data_dir / ACTIVITIES_FOLDER).glob(ACTIVITIES_PATTERN) if p.suffix in DEMO_FORMATS)
    return reports + [import_activities(site, path.read_bytes(), path.name, uploaded_by=DEMO_UPLOADER) for path in activities]
