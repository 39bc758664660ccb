"""Each delegation's concession curve, from a debrief: a small plot per delegation.

A point per complete proposal the delegation tabled, at x = its round (spread evenly when it
tabled several in one round), y = its worth on the author's own table; a second line is the
author's reservation value (no deal) when it tabled each one. A curve falling towards that
line is a delegation giving ground; one that stays high never moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

Point = Mapping[str, Any]


def positions(points: Sequence[Point]) -> list[float]:
    """x of each point: its round, spread evenly inside the round."""
    per_round: dict[int, int] = {}
    for p in points:
        per_round[p["round"]] = per_round.get(p["round"], 0) + 1
    seen: dict[int, int] = {}
    xs = []
    for p in points:
        seen[p["round"]] = seen.get(p["round"], 0) + 1
        xs.append(p["round"] + (seen[p["round"]] - 1) / per_round[p["round"]])
    return xs


class ConcessionPlot(PlotextPlot):
    """One delegation's curve: worth of its complete proposals, and its reservation value."""

    DEFAULT_CSS = "ConcessionPlot { height: 11; }"

    def __init__(self, name: str, points: Sequence[Point], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plot_title = name
        self.points = [p for p in points if p["complete"]]

    def on_mount(self) -> None:
        plt = self.plt
        plt.title(f"{self.plot_title}: its proposals' worth on its own table")
        xs = positions(self.points)
        last = max((p["round"] for p in self.points), default=1)
        plt.xticks(list(range(1, last + 2)))
        plt.plot(xs, [p["worth"] for p in self.points], marker="dot", label="proposal")
        plt.plot(xs, [p["reservation"] for p in self.points], marker="-", color="red", label="no deal")


class ConcessionCurves(Vertical):
    """Every delegation's curve, one plot each; a line for a delegation that tabled nothing whole."""

    DEFAULT_CSS = "ConcessionCurves { height: auto; } ConcessionCurves > Static { margin-top: 1; }"

    def __init__(self, concessions: Mapping[str, Sequence[Point]], names: Mapping[str, str],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.concessions, self.names = concessions, names

    def compose(self) -> ComposeResult:
        yield Static("[b]Concessions[/b]: each delegation's tabled proposals, worth on its own "
                     "table, by round; the red line is its no-deal value")
        for delegation, points in self.concessions.items():
            name = self.names.get(delegation, delegation)
            if any(p["complete"] for p in points):
                yield ConcessionPlot(name, points, classes="concession-plot")
            else:
                yield Static(f"  {name}: [dim]tabled no complete proposal[/]")
