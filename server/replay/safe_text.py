"""Text from a game made safe to print: every export passes players' words through here.

A statement or a name may hold anything a client sent (today's server refuses control
characters, but an older log may keep them): ESC starts a terminal escape sequence (colours,
cursor moves, OSC 8 links, a window title), NUL truncates some readers, and Markdown or a
spreadsheet would read `*`, `<script>` or `=HYPERLINK(...)` as markup or a formula.

    printable(text)   control characters (C0 but newline and tab, DEL, C1) shown as visible
                      stand-ins: ESC as "␛", NUL as "␀", a C1 character as "�"
    markdown_text(t)  printable, and every character Markdown gives a meaning escaped
    markdown_cell(t)  the same in a table cell (no block starts there: "-" stays "-")
    csv_cell(value)   printable, and a text that a spreadsheet would run as a formula quoted
    json_safe(json)   a JSON text with C1 and DEL written as \\u escapes (same data, nothing raw)
    csv_text(...)     a whole CSV document, every cell through csv_cell
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|&~#])")
# A list marker ("-", "+", "8." or "8)" before a space or the line's end), a block quote or setext
# underline ("=", ">"), or a line of dashes (a thematic break): a figure such as "8.00" or
# "+7.00" starts no block and stays as it is.
_LINE_START = re.compile(r"^(?:[-+]|\d+[.)])(?=[ \t]|$)|^[=>]|^-(?=[- \t]*$)", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+|\t", re.MULTILINE)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ... ␛ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def printable(text: str) -> str:
    """`text` with no control character left but newline and tab."""
    return _CONTROL.sub(_stand_in, text)


def markdown_text(text: str) -> str:
    """`text` as Markdown that reads back as exactly this text: no markup, no raw HTML."""
    escaped = markdown_cell(text)
    # A list marker, block quote or setext underline at the start of a line: escaped too.
    return _LINE_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], escaped)


def markdown_cell(text: str) -> str:
    """`markdown_text` for a table cell, which starts no block: a "-" for nothing stays "-" (it
    was printed "\\-" in every empty cell of a class report)."""
    # No indentation (four spaces would make a code block) and no tab.
    flat = _INDENT.sub(lambda m: " " if m.group() == "\t" else "", printable(text))
    return _MARKDOWN.sub(r"\\\1", flat)


def csv_cell(value: Any) -> Any:
    """A CSV cell: numbers as they are; text printable, and not a formula (a leading ' if it
    would be read as one: "=1+1", "@SUM(...)", "-cmd"), the way spreadsheets quote text."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    if text.startswith(_FORMULA) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def json_safe(text: str) -> str:
    """JSON text (from json.dumps, which escapes C0 already) with DEL and C1 escaped as well."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV document: a header of `columns`, then one line per row, every cell safe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
