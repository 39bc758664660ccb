"""Markdown and HTML renderings of a transcript (server/replay/transcript.py)."""

from __future__ import annotations

from html import escape

from server.replay.transcript import Block


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_block(b: Block) -> str:
    if b.kind == "heading":
        return "#" * b.level + " " + b.text
    if b.kind == "para":
        return b.text
    if b.kind == "list":
        return "\n".join("- " + item.replace("\n", " ") for item in b.items)
    header, *body = b.rows
    lines = ["| " + " | ".join(_md_cell(c) for c in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def markdown(blocks: list[Block]) -> str:
    return "\n\n".join(_md_block(b) for b in blocks) + "\n"


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
          "line-height:1.45}table{border-collapse:collapse;margin:.5rem 0}"
          "td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}th{background:#eee}")


def _html_block(b: Block) -> str:
    if b.kind == "heading":
        return f"<h{b.level}>{escape(b.text)}</h{b.level}>"
    if b.kind == "para":
        return f"<p>{escape(b.text)}</p>"
    if b.kind == "list":
        return "<ul>\n" + "\n".join(f"<li>{escape(i)}</li>" for i in b.items) + "\n</ul>"
    header, *body = b.rows
    head = "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in header) + "</tr>"
    rows = "\n".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in body)
    return f"<table>\n<thead>{head}</thead>\n<tbody>\n{rows}\n</tbody>\n</table>"


def html(blocks: list[Block]) -> str:
    title = next((b.text for b in blocks if b.kind == "heading"), "Parley transcript")
    body = "\n".join(_html_block(b) for b in blocks)
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n"
            f"</body>\n</html>\n")
