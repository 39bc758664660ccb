"""What every `parley` subcommand shares: the user's-mistake error, output to a file, the database."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from server.protocol.keyfile import data_dir
from server.replay.safe_text import printable


class UserError(Exception):
    """A mistake the user can fix; its message is printed as is, with exit status 1."""


def add_cafile(parser: argparse.ArgumentParser) -> None:
    """The `--cafile` of every command that connects to a server."""
    parser.add_argument("--cafile", type=Path, default=None, metavar="PEM",
                        help="trust a wss:// server whose certificate this authority signed (a school's "
                             "own, or a self-signed certificate; default: the system's authorities)")


def checked_cafile(cafile: Path | None) -> Path | None:
    """`--cafile` made absolute (a browser tab's process runs elsewhere), UserError if missing."""
    if cafile is None:
        return None
    if not cafile.is_file():
        raise UserError(f"--cafile: there is no file {cafile}.")
    return cafile.resolve()


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
    """A plain table on stdout (rich): a header, then one line per row (see `text_table`)."""
    sys.stdout.write(render_text([text_table(columns, rows, right)]))


def text_table(columns: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[str] = (),
               wrap: Sequence[str] | None = None) -> Table:
    """A plain rich table: a header, then one line per row. Cells are text as is, never markup
    (control characters shown, not obeyed); the columns named in `right` are right-aligned
    (numbers). On a narrow terminal the columns named in `wrap` (default: all) fold onto more
    lines; the others are kept whole, so no name or figure is ever split."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    for name in columns:
        whole = wrap is not None and name not in wrap
        table.add_column(name, justify="right" if name in right else "left", overflow="fold", no_wrap=whole,
                         min_width=len(name) if whole else max(map(len, name.split()), default=0))
    for row in rows:
        table.add_row(*(Text(printable(str(cell))) for cell in row))
    return table


def render_text(parts: Sequence[RenderableType | str], width: int | None = None) -> str:
    """`parts` one under the other as plain text (no colour, no markup: a string is a line as is).
    `width` defaults to the terminal's; piped or captured, stdout has none, and the text is
    as wide as it needs up to 200 columns."""
    if width is None and not sys.stdout.isatty():
        width = 200
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, highlight=False,
                      emoji=False, soft_wrap=False)
    for part in parts:
        console.print(Text(printable(part)) if isinstance(part, str) else part)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())
