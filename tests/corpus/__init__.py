"""The bad-input corpus: its manifest, and uploads posted as a browser would send them."""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tests.corpus.generate import generate

FOLDER = Path(__file__).resolve().parent
FILES = FOLDER / "files"
BOUNDARY = "----geoappCorpusBoundary7MA4YWxkTrZu0gW"
# Raw markup a payload would leave in a page if it were not escaped.
UNESCAPED = ("<script>alert", "<img src=x", "<svg onload", "</script><script>")


IMPORTS = ("observations", "activities", "places", "surveys", "actions")


@dataclass(frozen=True)
class Case:
    """One [[case]] of MANIFEST.toml: a file, the imports it goes through and what each must answer."""

    file: str
    kind: str
    expect: str | dict[str, str]
    imports: tuple[str, ...] = ("observations",)
    outcome: str = "rejected"
    http: int = 422
    row: int | None = None
    column: str | None = None
    absent: str | None = None
    upload_name: str | None = None
    stored_name: str | None = None
    walk: str | None = None
    sheet: str | None = None
    generated: bool = False
    id: str | None = None

    def __post_init__(self):
        imports = tuple(self.expect) if isinstance(self.expect, dict) else tuple(self.imports)
        assert set(imports) <= set(IMPORTS), imports
        object.__setattr__(self, "imports", imports)

    @property
    def name(self) -> str:
        return self.id or self.file

    def expected(self, imports: str) -> str:
        """Return the fragment the answer of an import of `imports` must contain."""
        return self.expect[imports] if isinstance(self.expect, dict) else self.expect

    @property
    def sent_name(self) -> str:
        return self.upload_name if self.upload_name is not None else self.file

    def path(self, generated_folder: Path) -> Path:
        """Return the file on disk, writing a generated one into `generated_folder` first."""
        return generate(self.file, generated_folder) if self.generated else FILES / self.file

    def form(self) -> dict[str, str]:
        return {k: v for k, v in (("walk", self.walk), ("sheet", self.sheet)) if v is not None}


def load_manifest(section: str) -> list[dict]:
    """Return the entries of one section of MANIFEST.toml ([[case]] or [[entry]]), `class` named `kind`."""
    with (FOLDER / "MANIFEST.toml").open("rb") as manifest:
        entries = tomllib.load(manifest)[section]
    return [{("kind" if k == "class" else k): v for k, v in entry.items()} for entry in entries]


def load_cases() -> list[Case]:
    """Return every file of MANIFEST.toml."""
    return [Case(**entry) for entry in load_manifest("case")]


class _Chain(io.RawIOBase):
    """A read-only stream of byte strings and an open file, one after the other, of a known length."""

    def __init__(self, parts: list, length: int):
        self.parts = [io.BytesIO(p) if isinstance(p, bytes) else p for p in parts]
        self.length, self.position, self.measured = length, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.measured or self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        # Only what the test client does to measure the body: to the end, and back to where reading is.
        self.measured = self.length if whence == io.SEEK_END else 0
        assert whence == io.SEEK_END or offset == self.position, "the body can only be read forwards"
        return self.tell()

    def readinto(self, buffer) -> int:
        while self.parts:
            count = self.parts[0].readinto(buffer)
            if count:
                self.position += count
                return count
            self.parts.pop(0).close()
        return 0

    def close(self) -> None:
        for part in self.parts:
            part.close()
        super().close()


def browser_filename(name: str) -> str:
    """Quote a file name as browsers do in multipart/form-data (HTML form submission)."""
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart(path: Path, filename: str, fields: dict[str, str]) -> tuple[io.RawIOBase, int, str]:
    """Return a stream of a multipart body holding `path` as field `file`, its length and content type."""
    head = b"".join(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items())
    head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{browser_filename(filename)}"'
             "\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    return _Chain([head, path.open("rb"), tail], length), length, f"multipart/form-data; boundary={BOUNDARY}"


def unescaped_markup(page: str) -> Iterator[str]:
    """Yield each payload marker found raw (unescaped) in an HTML page."""
    return (marker for marker in UNESCAPED if marker in page)
