"""Where a Parley server keeps its data and its instructor key, for the server and local clients.

`parley serve` creates the key on its first start (`ensure_key`), in the data directory, in a
file only its owner may read (0600), and prints it; `parley host` and `parley facilitate` on
the same machine read it from there when no `--key` or `PARLEY_KEY` is given (`find_key`).
The data directory is `--data-dir`, else `PARLEY_DATA_DIR`, else the user's data directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs

KEY_FILE = "instructor.key"
DATA_DIR_ENV = "PARLEY_DATA_DIR"
KEY_ENV = "PARLEY_KEY"


def data_dir(override: Path | None = None) -> Path:
    """The data directory: `override`, else $PARLEY_DATA_DIR, else the user's data directory."""
    if override is not None:
        return override
    from_env = os.environ.get(DATA_DIR_ENV)
    return Path(from_env) if from_env else Path(platformdirs.user_data_dir("parley"))


def key_path(directory: Path | None = None) -> Path:
    return data_dir(directory) / KEY_FILE


def new_key() -> str:
    """A fresh instructor key: 40 hex digits (160 bits; never starts with '-', so `--key KEY` parses)."""
    return secrets.token_hex(20)


def ensure_key(directory: Path | None = None) -> tuple[str, bool]:
    """The instructor key of this data directory, created (0600) if there is none; (key, created)."""
    path = key_path(directory)
    existing = read_key(path)
    if existing:
        return existing, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    os.chmod(path, 0o600)  # even if the file was there, empty, with looser rights
    return key, True


def read_key(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def find_key(given: str | None = None, directory: Path | None = None) -> str | None:
    """The key a client should offer: `given` (--key), else $PARLEY_KEY, else the local key file."""
    if given:
        return given.strip()
    from_env = os.environ.get(KEY_ENV, "").strip()
    if from_env:
        return from_env
    try:
        return read_key(key_path(directory))
    except PermissionError:
        return None
