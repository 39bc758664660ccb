"""The concession chart: each delegation's tabled proposals' worth on its own table, by round.

A point per complete proposal at x = round + its place among that delegation's proposals in
the round; a falling line is a delegation giving ground. The series come from the replay for
its seat (only its own, unless the facilitator's), so the chart never shows a hidden table.
A dotted line marks the cursor's round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual_plotext import PlotextPlot

from server.replay.concessions import ConcessionPoint


def positions(points: Sequence[ConcessionPoint]) -> list[float]:
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


class ConcessionChart(PlotextPlot):
    def __init__(self, series: Mapping[str, Sequence[ConcessionPoint]], names: Mapping[str, str],
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.series = {d: [p for p in pts if p.complete] for d, pts in series.items()}
        self.names = names
        self.cursor_round = 0

    def on_mount(self) -> None:
        self.draw()

    def plotted(self) -> list[str]:
        """The delegations with a line on the chart."""
        return [d for d, pts in self.series.items() if pts]

    def mark_round(self, round_: int) -> None:
        if round_ != self.cursor_round:
            self.cursor_round = round_
            self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("Concessions: own proposals' worth on own table")
        plt.xlabel("round")
        last = max((p.round for pts in self.series.values() for p in pts), default=1)
        plt.xticks(list(range(1, last + 2)))
        for delegation in self.plotted():
            pts = self.series[delegation]
            plt.plot(positions(pts), [p.points for p in pts], marker="dot",
                     label=str(self.names.get(delegation, delegation)))
        if not self.plotted():
            plt.title("Concessions: no complete proposal tabled by this seat")
        if self.cursor_round:
            plt.vertical_line(self.cursor_round, color="gray")
        self.refresh()
