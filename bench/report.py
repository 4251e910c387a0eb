"""The committee's report against the map PDF: `python -m bench report` (target: under 3 times the map PDF).

The demo walks and activities are loaded into a temporary SQLite database; both documents are made for
Västra Borlänge, 2025-T2, after one warm-up each, so that the published numbers are cached as on a running server.
"""

from __future__ import annotations

import tempfile

from bench.harness import median_seconds, report
from geoapp import create_app
from geoapp.export import export_view
from geoapp.ingest.demo import load_demo
from geoapp.promise.report import gather_report, report_html, report_pdf

VIEW = {"area": "vastra-borlange", "period": "2025-T2"}
TARGET_RATIO = 3.0


def run() -> None:
    """Print the median time of the report (PDF and HTML) and of the map PDF, and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        # No export cache: the map PDF is drawn each time, as the report is, or the ratio would compare with a file read.
        app = create_app({"INSTANCE_PATH": tmp, "TILES": "none", "PUBLIC_MAP": True, "EXPORT_CACHE_MB": 0})
        site = app.extensions["geoapp"]
        load_demo(site)
        with app.test_request_context("/"):
            map_pdf = median_seconds(lambda: export_view(site, "pdf", {**VIEW, "compare": "1"}))
            pdf = median_seconds(lambda: report_pdf(gather_report(site, VIEW)))
            html = median_seconds(lambda: report_html(gather_report(site, VIEW)))
        site.store.dispose()
    report("the committee's report, demo data, Västra Borlänge 2025-T2", {
        "map PDF, period beside the previous one (s)": f"{map_pdf:.3f}",
        "report PDF (s)": f"{pdf:.3f}",
        "report offline HTML (s)": f"{html:.3f}",
        "ratio (report PDF / map PDF)": f"{pdf / map_pdf:.1f}",
        f"within {TARGET_RATIO:.0f} x the map PDF": "yes" if pdf < TARGET_RATIO * map_pdf else "NO",
    })
