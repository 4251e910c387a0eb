"""Files and folders only their owner may open: the instance folder and the SQLite database beside its secret key."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE, FILE_MODE = 0o700, 0o600


def folder(path: str | Path) -> None:
    """Create the folder `path` when missing, and let only its owner in."""
    os.makedirs(path, mode=FOLDER_MODE, exist_ok=True)
    _restrict(path, FOLDER_MODE)


def file(path: str | Path) -> None:
    """Create the file `path` empty when missing, and let only its owner read or write it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    _restrict(path, FILE_MODE)


def existing_file(path: str | Path) -> None:
    """Let only its owner read or write the file `path`, when there is one."""
    if os.path.exists(path):
        _restrict(path, FILE_MODE)


def _restrict(path: str | Path, mode: int) -> None:
    # One made by an earlier version under umask 022 is tightened too; one someone else owns was shared on
    # purpose, and only its owner could change its mode anyway.
    if os.stat(path).st_uid == os.geteuid():
        os.chmod(path, mode)
