"""Run every benchmark: `python -m bench [name ...]`."""

from __future__ import annotations

import sys

from bench import exports, ingest, load, map_cells, map_page, report

BENCHMARKS = {"map_page": map_page.run, "ingest": ingest.run, "map_cells": map_cells.run, "exports": exports.run,
              "report": report.run}
# Opt-in: map_cells_1m stores a million rows (2 to 3 minutes); load drives a served app for 60 s.
OPT_IN = {"map_cells_1m": map_cells.run_million, "load": load.run}


def main(names: list[str]) -> None:
    """Run the named benchmarks, or all of them; `load` takes its own options after its name."""
    if names[:1] == ["load"]:
        load.run(names[1:])
        return
    for name in names or list(BENCHMARKS):
        {**BENCHMARKS, **OPT_IN}[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
