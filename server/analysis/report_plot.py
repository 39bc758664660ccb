"""The class report's picture: every room's joint gain against the frontier, and its durability.

One row per room, the historical outcome last: a bar of the joint gain the room's agreement
gave (a no-deal gave nothing), then, hatched, the joint gain it left on the table up to the
best the frontier offered; beside it, the agreement's durability from 0 to 1. An inline SVG
built here (no script, no external asset), so the page projects anywhere; every label is
escaped. Pure: the report dict (`server.analysis.report.class_report`) in, SVG text out.
"""

from __future__ import annotations

from html import escape
from typing import Any

from server.figures import number

WIDTH, ROW, TOP, LABEL, GAIN_W, GAP, DUR_W = 760, 30, 54, 170, 390, 40, 120
ROOM, HISTORY, LEFT, DURABLE = "#3465a4", "#ce5c00", "#d3d7cf", "#4e9a06"


def report_svg(report: dict[str, Any]) -> str:
    rows = report["rooms"] + [report["history"]]
    bests = [b for b in (_best(r) for r in rows) if b is not None]
    best = max(bests, default=1.0) or 1.0
    height = TOP + ROW * len(rows) + 16
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" role="img" font-family="system-ui, sans-serif" font-size="13">',
             f"<title>{escape(_title(report))}</title>",
             '<defs><pattern id="left" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeec"/>'
             f'<rect width="3" height="6" fill="{LEFT}"/></pattern></defs>',
             *_legend(best)]
    for i, row in enumerate(rows):
        parts += _row(row, TOP + i * ROW, best)
    parts.append("</svg>")
    return "\n".join(parts)


def _title(report: dict[str, Any]) -> str:
    return f"Joint gain against the frontier, and durability: {report['scenario']['title']}"


def _legend(best: float) -> list[str]:
    x_dur = LABEL + GAIN_W + GAP
    return [f'<text x="{LABEL}" y="16" font-weight="bold">Joint gain (the frontier\'s best: {number(best)})</text>',
            f'<rect x="{LABEL}" y="26" width="12" height="12" fill="{ROOM}"/>'
            f'<text x="{LABEL + 16}" y="37">gained</text>',
            f'<rect x="{LABEL + 80}" y="26" width="12" height="12" fill="url(#left)"/>'
            f'<text x="{LABEL + 96}" y="37">left on the table</text>',
            f'<rect x="{LABEL + 230}" y="26" width="12" height="12" fill="{HISTORY}"/>'
            f'<text x="{LABEL + 246}" y="37">history, on paper</text>',
            f'<text x="{x_dur}" y="16" font-weight="bold">Durability (0–1)</text>']


def _row(row: dict[str, Any], y: int, best: float) -> list[str]:
    name = "history" if row["status"] == "history" else row["room"]
    parts = [f'<text x="{LABEL - 8}" y="{y + 18}" text-anchor="end">{escape(name)}</text>']
    gain, left = row.get("joint_gain"), row.get("joint_gain_left")
    if gain is None:
        reason = "unfinished" if row["status"] == "unfinished" else "terms leave an issue open"
        parts.append(f'<text x="{LABEL}" y="{y + 18}" fill="#555">{escape(reason)}</text>')
        return parts
    scale = GAIN_W / best
    gained_w = max(0.0, gain) * scale
    left_w = max(0.0, left or 0.0) * scale
    colour = HISTORY if row["status"] == "history" else ROOM
    parts.append(f'<rect x="{LABEL}" y="{y + 4}" width="{gained_w:.1f}" height="18" fill="{colour}"/>')
    parts.append(f'<rect x="{LABEL + gained_w:.1f}" y="{y + 4}" width="{left_w:.1f}" height="18" '
                 f'fill="url(#left)" stroke="#888" stroke-width="0.5"/>')
    label = number(gain) if row["terms"] is not None else "no deal: 0"
    parts.append(f'<text x="{LABEL + gained_w + left_w + 4:.1f}" y="{y + 18}" font-size="11">{escape(label)}</text>')
    durability = row.get("durability")
    x_dur = LABEL + GAIN_W + GAP
    parts.append(f'<rect x="{x_dur}" y="{y + 4}" width="{DUR_W}" height="18" fill="#eeeeec"/>')
    if durability is not None:
        parts.append(f'<rect x="{x_dur}" y="{y + 4}" width="{DUR_W * max(0.0, min(1.0, durability)):.1f}" '
                     f'height="18" fill="{DURABLE}"/>')
        parts.append(f'<text x="{x_dur + DUR_W + 4}" y="{y + 18}" font-size="11">{number(durability)}</text>')
    return parts


def _best(row: dict[str, Any]) -> float | None:
    gain, left = row.get("joint_gain"), row.get("joint_gain_left")
    if gain is None:
        return None
    return max(0.0, float(gain)) + max(0.0, float(left or 0.0))
