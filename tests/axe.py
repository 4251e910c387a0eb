"""axe-core, the accessibility engine, from the npm registry: fetched once with `npm pack` and pinned by hash."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

AXE_VERSION = "4.14.1"
# The registry's integrity value of axe-core-4.14.1.tgz; a different file is refused.
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
CACHE = Path(__file__).resolve().parent.parent / ".cache" / f"axe-core-{AXE_VERSION}"
# WCAG 2.1 level A and AA rules; best-practice rules are left out.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def integrity(data: bytes) -> str:
    """Return the npm (Subresource Integrity) sha512 value of `data`."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def axe_script() -> str:
    """Return axe.min.js: from GEOAPP_TEST_AXE, the cache, or `npm pack axe-core` into the cache."""
    given = os.environ.get("GEOAPP_TEST_AXE")
    path = Path(given) if given else CACHE / "axe.min.js"
    if not path.is_file():
        if given:
            raise AssertionError(f"GEOAPP_TEST_AXE names {given}, which does not exist")
        _fetch(path)
    return path.read_text(encoding="utf-8")


def _fetch(path: Path) -> None:
    """Download the pinned axe-core package with npm, check its hash, keep its axe.min.js."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        packed = subprocess.run(["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", folder, "--silent"],
                                capture_output=True, text=True, timeout=300)
        assert packed.returncode == 0, f"npm pack axe-core@{AXE_VERSION} failed: {packed.stderr}"
        tarball = Path(folder) / f"axe-core-{AXE_VERSION}.tgz"
        assert integrity(tarball.read_bytes()) == AXE_INTEGRITY, "axe-core tarball does not match its pinned hash"
        with tarfile.open(tarball) as archive:
            script = archive.extractfile("package/axe.min.js").read()
        partial = Path(folder) / "axe.min.js"
        partial.write_bytes(script)
        os.replace(partial, path)  # atomic, so parallel test workers never read half a file
