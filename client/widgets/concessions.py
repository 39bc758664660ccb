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

from server.protocol import wire

Point = wire.ConcessionPoint


def positions(points: Sequence[Point]) -> list[float]:
    """x of each point: its round, spread evenly inside the round."""
    per_round: dict[int, int] = {}
    for p in points:
        per_round[p.round] = per_round.get(p.round, 0) + 1
    seen: dict[int, int] = {}
    xs = []
    for p in points:
        seen[p.round] = seen.get(p.round, 0) + 1
        xs.append(p.round + (seen[p.round] - 1) / per_round[p.round])
    return xs


class ConcessionPlot(PlotextPlot):
    """One delegation's curve: worth of its complete proposals, and its reservation value."""


    def __init__(self, name: str, points: Sequence[Point], rounds: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plot_title = name
        self.points = [p for p in points if p.complete]
        self.rounds = max(rounds, 1)

    def on_mount(self) -> None:
        plt = self.plt
        plt.title(f"{self.plot_title}: its proposals' worth on its own table")
        xs, worth = positions(self.points), [p.worth for p in self.points]
        # no deal: a step line from the first proposal to the end of the game
        reservation = [p.reservation for p in self.points]
        plt.xlim(0.8, self.rounds + 1)
        # Round r spans [r, r + 1): a tick at each round's start, named, and the game's end
        # (numbered ticks read as one round too many: 1-4 for a three-round game).
        plt.xticks(self.ticks(), self.tick_labels())
        values = worth + reservation
        pad = max(5.0, (max(values) - min(values)) * 0.1)
        plt.ylim(min(values) - pad, max(values) + pad)
        plt.plot(xs + [self.rounds + 1], reservation + reservation[-1:], color="red")
        plt.plot(xs, worth, marker="dot", color="cyan")

    def ticks(self) -> list[float]:
        return [float(r) for r in range(1, self.rounds + 2)]

    def tick_labels(self) -> list[str]:
        return [f"round {r}" for r in range(1, self.rounds + 1)] + ["end"]


class ConcessionCurves(Vertical):
    """Every delegation's curve, one plot each; a line for a delegation that tabled nothing whole."""


    def __init__(self, concessions: Mapping[str, Sequence[Point]], names: Mapping[str, str],
                 rounds: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.concessions, self.names, self.rounds = concessions, names, rounds

    def compose(self) -> ComposeResult:
        yield Static("[b]Concessions[/b]: each delegation's tabled proposals, worth on its own "
                     "table, by round; the red line is its no-deal value")
        for delegation, points in self.concessions.items():
            name = self.names.get(delegation, delegation)
            if any(p.complete for p in points):
                yield ConcessionPlot(name, points, self.rounds, classes="concession-plot")
            else:
                yield Static(f"  {name}: [dim]tabled no complete proposal[/]")
