"""What every `parley` subcommand shares: the user's-mistake error, output to a file, the database."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs


class UserError(Exception):
    """A mistake the user can fix; its message is printed as is, with exit status 1."""


def write_output(text: str, out: Path | None, summary: str) -> None:
    """`text` to stdout, or to the file `out` with a one-line `summary` on stderr."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"Wrote {out} ({summary}).", file=sys.stderr)


def default_db() -> Path:
    """The database `parley serve` uses when no `--db` is given."""
    return Path(platformdirs.user_data_dir("parley")) / "parley.db"
