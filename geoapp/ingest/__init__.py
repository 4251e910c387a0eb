"""Safety-walk observations in: read, check, redact and store uploaded files and field entries, all or nothing."""

from geoapp.ingest.entry import import_entry
from geoapp.ingest.importer import import_observations
from geoapp.ingest.report import ImportReport, RowError

__all__ = ["ImportReport", "RowError", "import_entry", "import_observations"]
