"""Run every benchmark: `python -m bench [name ...]`."""

from __future__ import annotations

import sys

from bench import exports, ingest, map_cells, map_page

BENCHMARKS = {"map_page": map_page.run, "ingest": ingest.run, "map_cells": map_cells.run, "exports": exports.run}
# Opt-in: stores a million rows, 2 to 3 minutes.
OPT_IN = {"map_cells_1m": map_cells.run_million}


def main(names: list[str]) -> None:
    """Run the named benchmarks, or all of them."""
    for name in names or list(BENCHMARKS):
        {**BENCHMARKS, **OPT_IN}[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
