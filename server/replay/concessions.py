"""Who moved, and when: the worth of each tabled proposal on its author's own table.

A concession shows as a drop, round after round, in what a delegation's own proposals are
worth to itself. Worth here is *points on the author's table* with the red lines it crosses
and its reservation value at that moment — exactly what the author's own seat could compute
from its view, so the series of one delegation tells a seat nothing it did not know. Seen
as a delegation, a replay shows only that delegation's series (others' tables are hidden);
seen by the facilitator, every series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.engine import FACILITATOR
from server.engine import events as ev
from server.engine.scoring import points, red_lines_crossed
from server.scenario.model import Scenario


@dataclass(frozen=True)
class ConcessionPoint:
    delegation: str
    proposal: str
    index: int  # the proposal_tabled event's place in the log
    round: int
    points: float
    reservation: float
    complete: bool
    red_lines: tuple[str, ...]

    @property
    def margin(self) -> float:
        return self.points - self.reservation


def concession_series(scenario: Scenario, events: Sequence[ev.EventBase],
                      seat: str | None) -> dict[str, list[ConcessionPoint]]:
    """delegation -> its tabled proposals' worth on its own table, in order.

    `seat` a delegation: only its own series; FACILITATOR: every delegation's; None: none."""
    shown = {d.id for d in scenario.delegations} if seat == FACILITATOR else {seat}
    reservation = {d.id: d.hidden.reservation for d in scenario.delegations}
    series: dict[str, list[ConcessionPoint]] = {d.id: [] for d in scenario.delegations
                                                if d.id in shown}
    issue_count = len(scenario.issues)
    for index, event in enumerate(events):
        if isinstance(event, ev.ReservationShifted):
            reservation[event.delegation] = event.value
        elif isinstance(event, ev.ProposalTabled) and event.author in series:
            author = scenario.delegation(event.author)
            assert author is not None
            series[event.author].append(ConcessionPoint(
                event.author, event.proposal, index, event.round,
                round(points(author, event.terms), 2), reservation[event.author],
                len(event.terms) == issue_count,
                tuple(r.label for r in red_lines_crossed(author, event.terms))))
    return series
