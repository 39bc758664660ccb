"""`Replay`: a recorded game, stopped at any event, seen as one seat.

    replay = Replay(events, seat="ukraine")        # or seat=FACILITATOR for everything
    replay.visible                                 # the timeline entries that seat could see
    replay.view_at(entry.index)                    # exactly what it knew after that event

The state after an event is the fold of the log up to it (`Snapshots` keeps copies so no move
refolds from the start); what leaves it is `view_for(state, seat)`, the engine's one
projection, so a replay as a delegation holds what that delegation's seat held live, and its
timeline lists only the events whose visibility allowed that seat.

Review policy ("opened for review"): a game is open for review once the facilitator has
opened its debrief (the `debrief_opened` event: every result becomes public, and the engine's
`OpenDebrief` is documented as opening hidden tables for review). Before that, only the
facilitator may see everything (`--all`); a delegation may only see its own seat. See
`may_see_all`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from server.engine import FACILITATOR
from server.engine import events as ev
from server.engine.state import Negotiation
from server.engine.view_models import SeatView
from server.engine.views import view_for
from server.replay.concessions import ConcessionPoint, concession_series
from server.replay.describe import Names, describe
from server.replay.snapshots import Snapshots
from server.replay.timeline import Entry, build_entries
from server.scenario.model import Scenario

REVIEW_EVENT = "debrief_opened"


class Replay:
    """One game's log, its timeline and its states, seen as `seat` (a delegation or FACILITATOR)."""

    def __init__(self, events: Sequence[ev.EventBase], seat: str = FACILITATOR, *,
                 game_id: str = "", every: int | None = None,
                 _shared: tuple[Snapshots, list[Entry]] | None = None) -> None:
        self.events = list(events) if _shared is None else _shared[0].events
        self.snapshots, self.entries = _shared or (Snapshots(self.events, every),
                                                   build_entries(self.events))
        self.game_id = game_id
        self.seat = _checked_seat(self.scenario, seat)
        self.visible = [e for e in self.entries if e.event.visibility.allows(self.seat)]
        self._cursor: tuple[int, Negotiation] | None = None

    def as_seat(self, seat: str) -> Replay:
        """The same game seen as another seat (shares the log and its snapshots)."""
        return Replay((), seat, game_id=self.game_id, _shared=(self.snapshots, self.entries))

    # ------------------------------------------------------------ what the game is

    @property
    def scenario(self) -> Scenario:
        return self.snapshots.final.scenario

    @cached_property
    def names(self) -> Names:
        return Names(self.scenario.model_dump(mode="json", by_alias=True))

    @property
    def delegations(self) -> list[str]:
        return [d.id for d in self.scenario.delegations]

    @property
    def ended(self) -> bool:
        return self.snapshots.final.ended

    def __len__(self) -> int:
        return len(self.events)

    # ------------------------------------------------------------ states and views

    def state_after(self, index: int) -> Negotiation:
        """The game's whole state after event `index` — the replay's own: read it, never change it.

        Valid until the next call; the last one is kept, so stepping forward applies one event."""
        if self._cursor is not None and self._cursor[0] == index:
            return self._cursor[1]
        state = self.snapshots.state_after(index, near=self._cursor)
        self._cursor = (index, state)
        return state

    def view_at(self, index: int, include_notes: bool = True) -> SeatView:
        """What this replay's seat could know after event `index`."""
        return view_for(self.state_after(index), self.seat, include_notes, every_worth=True)

    def final_view(self) -> SeatView:
        return view_for(self.snapshots.final, self.seat, every_worth=True)

    def describe(self, entry: Entry) -> str:
        return describe(entry.event, self.names)

    def concessions(self) -> dict[str, list[ConcessionPoint]]:
        """Each delegation's tabled proposals' worth on its own table — only this seat's own
        unless the replay is the facilitator's."""
        return concession_series(self.scenario, self.events, self.seat)


def _checked_seat(scenario: Scenario, seat: str) -> str:
    if seat == FACILITATOR or scenario.delegation(seat) is not None:
        return seat
    known = ", ".join(d.id for d in scenario.delegations)
    raise ValueError(f"this game has no delegation {seat!r} (its delegations: {known})")


def may_see_all(events: Sequence[ev.EventBase], facilitator: bool) -> bool:
    """May someone see every seat's secrets? The facilitator always; anyone once the debrief
    is open (the game is then open for review)."""
    return facilitator or any(e.type == REVIEW_EVENT for e in events)
