"""Importing a 100 000-row observations CSV against plain pandas.read_csv + DataFrame.to_sql of the same file."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import report

ROWS = 100_000
# Places inside Tjärna Ängar (RegSO 2081R013), WGS84.
PLACES = [(60.492869, 15.399074), (60.492310, 15.397251), (60.490818, 15.401562)]
CATEGORIES = ["belysning", "nedskräpning", "klotter", "Skymd sikt", "trygg plats"]


def write_file(path: Path, rows: int = ROWS) -> None:
    """Write a valid Swedish-style CSV (semicolons, decimal commas) of `rows` distinct observations."""
    lines = ["Datum;Tid;Latitud;Longitud;Kategori;Allvarlighet;Kommentar;Vandring"]
    for i in range(rows):
        lat, lon = PLACES[i % 3]
        day = f"2025-{1 + i // 8_640 % 12:02d}-{1 + i // 288 % 28:02d}"
        clock = f"{8 + i // 12 % 14:02d}:{i * 5 % 60:02d}"  # daytime: no daylight-saving gaps
        comment = "Ring 070-174 06 50" if i % 50 == 0 else ("Trasig lampa" if i % 7 == 0 else "")
        lines.append(f"{day};{clock};{lat + (i % 89) * 1e-6:.6f};{lon + (i % 83) * 1e-6:.6f}".replace(".", ",")
                     + f";{CATEGORIES[i % 5]};{1 + i % 3};{comment};Vandring {i // 5_000}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ours(path: Path, folder: Path) -> dict:
    """Import through geoapp's own path (check everything, redact, locate, one transaction)."""
    from geoapp import create_app
    from geoapp.ingest import import_observations

    app = create_app({"INSTANCE_PATH": str(folder), "TILES": "none"})
    site = app.extensions["geoapp"]
    site.area_frame()  # boundaries loaded and cached before the clock starts, as in a running server
    start = time.perf_counter()
    outcome = import_observations(site, path.read_bytes(), path.name)
    seconds = time.perf_counter() - start
    site.store.dispose()
    return {"seconds": seconds, "rows": outcome.rows, "status": outcome.status}


def baseline(path: Path, folder: Path) -> dict:
    """Read with pandas and write with to_sql into an SQLite file: no checks at all."""
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{folder / 'baseline.sqlite3'}")
    start = time.perf_counter()
    frame = pd.read_csv(path, sep=";", decimal=",")
    frame.to_sql("observations", engine, index=False)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "rows": len(frame), "status": "written"}


def child(side: str, path: str, folder: str) -> None:
    """Run one side in this process and print its figures with the peak resident memory as JSON."""
    result = {"ours": ours, "baseline": baseline}[side](Path(path), Path(folder))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(side: str, path: Path, folder: Path, repeat: int = 3) -> dict:
    """Run one side `repeat` times, each in a fresh process and database; keep the median time, the largest peak."""
    runs = []
    for attempt in range(repeat):
        where = folder / str(attempt)
        where.mkdir(parents=True)
        done = subprocess.run([sys.executable, "-m", "bench.ingest", side, str(path), str(where)],
                              capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mib": max(r["peak_mib"] for r in runs)}


def run() -> None:
    """Print rows per second and peak memory of both, and the ratio of the rates."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "observations_100k.csv"
        write_file(path)
        base = measure("baseline", path, Path(tmp) / "baseline")
        mine = measure("ours", path, Path(tmp) / "ours")
    assert mine["status"] == "imported" and mine["rows"] == ROWS, mine
    ours_rate, base_rate = ROWS / mine["seconds"], ROWS / base["seconds"]
    report(f"observations import, {ROWS} rows of CSV into SQLite", {
        "geoapp import, median of 3 (s)": f"{mine['seconds']:.2f}",
        "geoapp rows/s": f"{ours_rate:,.0f}",
        "geoapp peak memory of the process (MiB)": f"{mine['peak_mib']:.0f}",
        "pandas read_csv + to_sql, median of 3 (s)": f"{base['seconds']:.2f}",
        "pandas rows/s": f"{base_rate:,.0f}",
        "pandas peak memory of the process (MiB)": f"{base['peak_mib']:.0f}",
        "rate ratio (geoapp / pandas; target >= 0.25)": f"{ours_rate / base_rate:.2f}",
    })


if __name__ == "__main__":
    child(*sys.argv[1:4])
