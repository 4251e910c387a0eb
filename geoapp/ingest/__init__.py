"""Safety-walk observations in: read, check, redact and store uploaded files, all or nothing."""

from geoapp.ingest.importer import import_observation_file, import_observations
from geoapp.ingest.report import ImportReport, RowError

__all__ = ["ImportReport", "RowError", "import_observation_file", "import_observations"]
