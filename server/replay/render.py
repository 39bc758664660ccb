"""Markdown and HTML renderings of a transcript (server/replay/transcript.py) or a report.

The Markdown is the one rendering: every text in it is escaped (`safe_text.markdown_text`), so a
player's `*`, `<script>` or ESC is shown as typed, never read as markup or sent to a terminal.
The HTML is that Markdown rendered by markdown-it-py (CommonMark with tables, raw HTML off),
so both say the same and a briefing's paragraphs stay paragraphs.
"""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

from server.replay.safe_text import markdown_cell, markdown_text, printable
from server.replay.transcript import Block

_MARKDOWN_IT = MarkdownIt("commonmark", {"html": False}).enable("table")


def _line(text: str) -> str:
    """A text that must stay on one line (a heading, a list item, a table cell)."""
    return markdown_text(" ".join(text.split("\n")).strip())


def _cell(text: str) -> str:
    return markdown_cell(" ".join(text.split("\n")).strip())


def _md_block(b: Block) -> str:
    if b.kind == "heading":
        return "#" * b.level + " " + _line(b.text)
    if b.kind == "para":
        return markdown_text(b.text)
    if b.kind == "list":
        return "\n".join("- " + _line(item) for item in b.items)
    header, *body = b.rows
    lines = ["| " + " | ".join(_cell(c) for c in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def markdown(blocks: list[Block]) -> str:
    return "\n\n".join(_md_block(b) for b in blocks) + "\n"


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
          "line-height:1.45}table{border-collapse:collapse;margin:.5rem 0}"
          "td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}th{background:#eee}")


def html(blocks: list[Block]) -> str:
    title = next((b.text for b in blocks if b.kind == "heading"), "Parley transcript")
    body = _MARKDOWN_IT.render(markdown(blocks))
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(printable(' '.join(title.split())))}</title>\n<style>{_STYLE}</style>\n"
            f"</head>\n<body>\n{body}</body>\n</html>\n")
