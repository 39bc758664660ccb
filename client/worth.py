"""What a package is worth on *your* table, computed from your seat's view alone.

The composer shows it live while you pick options. It deliberately uses only what the seat
may see (`view["you"]`: points, red lines, reservation), so it never needs the server's
scoring module: points add up over the options chosen; a red line is crossed when every issue
it lists takes one of its listed options. Durability is *not* included — its factors are
hidden — so the UI labels this "points on your table", not your final result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Terms = Mapping[str, str]


@dataclass(frozen=True)
class Worth:
    points: float
    reservation: float
    red_lines: tuple[str, ...]  # labels of the red lines the package crosses
    complete: bool

    @property
    def margin(self) -> float:
        return self.points - self.reservation

    def summary(self) -> str:
        sign = "+" if self.margin >= 0 else ""
        text = (f"{self.points:g} points on your table · reservation {self.reservation:g} "
                f"({sign}{self.margin:g})")
        if self.red_lines:
            text += " · RED LINE: " + "; ".join(self.red_lines)
        return text


def package_points(you: Mapping[str, Any], terms: Terms) -> float:
    table: Mapping[str, Mapping[str, float]] = you.get("points") or {}
    return float(sum(table.get(issue, {}).get(option, 0) for issue, option in terms.items()))


def crossed(red_line: Mapping[str, Any], terms: Terms) -> bool:
    return all(terms.get(issue) in options for issue, options in red_line["terms"].items())


def red_lines_crossed(you: Mapping[str, Any], terms: Terms) -> list[str]:
    return [r.get("label") or r["id"] for r in you.get("red_lines") or [] if crossed(r, terms)]


def worth(view: Mapping[str, Any], terms: Terms) -> Worth | None:
    """The package's worth to the seat whose view this is; None for a view without a seat."""
    you = view.get("you")
    if not you:
        return None
    issues = view.get("scenario", {}).get("issues", [])
    return Worth(points=package_points(you, terms), reservation=float(you.get("reservation", 0)),
                 red_lines=tuple(red_lines_crossed(you, terms)),
                 complete=bool(issues) and all(i["id"] in terms for i in issues))
