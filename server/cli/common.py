"""What every `parley` subcommand shares: the user's-mistake error, output to a file, the database."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from server.protocol.keyfile import data_dir
from server.replay.safe_text import printable


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
    return data_dir() / "parley.db"


def print_table(columns: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[str] = ()) -> None:
    """A plain table on stdout (rich): a header, then one line per row. Cells are text as is,
    never markup; the columns named in `right` are right-aligned (numbers)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in columns:
        table.add_column(name, justify="right" if name in right else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(str(cell))) for cell in row))
    # Piped or captured, stdout has no width: let the table be as wide as it needs.
    console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    console.print(table)
