"""Run every benchmark: `python -m bench [name ...]`."""

from __future__ import annotations

import sys

from bench import ingest, map_page

BENCHMARKS = {"map_page": map_page.run, "ingest": ingest.run}


def main(names: list[str]) -> None:
    """Run the named benchmarks, or all of them."""
    for name in names or list(BENCHMARKS):
        BENCHMARKS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
