"""The field entries of the corpus ([[entry]] in MANIFEST.toml): JSON bodies for POST /api/v1/observations."""

from __future__ import annotations

import json
import uuid
import dataclasses
from dataclasses import dataclass

from tests.corpus import load_manifest

# A valid entry inside Tjärna Ängar; each case changes it, or sends a body of its own.
BASE = {"walk": "Fältvandring", "observed_at": "2025-05-14T19:42:10+02:00", "lat": 60.492869, "lon": 15.399074,
        "accuracy_m": 8.5, "category": "belysning", "severity": 2, "positive": None, "comment": "Trasig lampa"}


@dataclass(frozen=True)
class Entry:
    """One [[entry]]: how its body is made, and the answer it must get."""

    id: str
    kind: str
    expect: str
    field: str | None = None
    http: int = 422
    outcome: str = "rejected"
    changes: dict = dataclasses.field(default_factory=dict)
    json_changes: str | None = None
    remove: list[str] = dataclasses.field(default_factory=list)
    long: dict[str, int] = dataclasses.field(default_factory=dict)
    body: str | None = None
    repeat: int = 1
    encoding: str = "utf-8"
    content_type: str = "application/json"

    def values(self) -> dict:
        """Return the entry sent: the valid one with a fresh key, changed as the manifest says."""
        entry = {"idempotency_key": str(uuid.uuid4()), **BASE, **self.changes,
                 **json.loads(self.json_changes or "{}"), **{name: "x" * n for name, n in self.long.items()}}
        return {name: value for name, value in entry.items() if name not in self.remove}

    def data(self) -> bytes:
        """Return the request body as sent."""
        if self.body is not None:
            return (self.body * self.repeat).encode(self.encoding)
        return json.dumps(self.values()).encode()  # NaN and Infinity as Python writes them


def load_entries() -> list[Entry]:
    """Return every field entry of MANIFEST.toml."""
    return [Entry(**entry) for entry in load_manifest("entry")]
