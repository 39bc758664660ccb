"""Snapshots of the fold, so that moving a replay's cursor never refolds from the start.

Theory of operation
-------------------
`Snapshots` folds the log once, keeping a copy of the state after every `every`-th event.
The state after event i is then the nearest snapshot at or before i, copied, with at most
`every - 1` events applied to it. The viewer keeps the state at its cursor too, so stepping
forward applies one event and nothing else.

A copy must be cheap, because a 10,000-event game takes a snapshot every ~100 events while it
opens. `copy.deepcopy` would copy the scenario and every note and proposal each time; `copy_state`
instead knows which parts of a `Negotiation` the fold mutates in place — the proposals (their
vote sets), and the containers — and shares the rest: the scenario, the ending and the results
are replaced, never mutated; notes and pressure records are only ever appended. `STATE_FIELDS`
lists every field so that a new one cannot be shared by mistake (a test checks the list).
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Sequence
from dataclasses import fields, replace

from server.engine import events as ev
from server.engine.evolve import apply, initial_state
from server.engine.state import Negotiation, Proposal

# How each field of a Negotiation is copied: "share" (never mutated), "shallow" (a container
# whose items are never mutated), "proposals" and "interims" (items mutated in place by the fold).
STATE_FIELDS: dict[str, str] = {
    "scenario": "share", "seed": "share", "time_scale": "share", "seated": "shallow",
    "reservation": "shallow", "war_cost": "shallow", "meters": "shallow", "phase": "share",
    "round": "share", "deadline": "share", "paused_remaining": "share", "walked_out": "shallow",
    "controllers": "shallow", "proposals": "proposals", "ready": "shallow", "pressure": "shallow",
    "notes": "shallow", "cards_played": "shallow", "agreement": "share", "ending": "share",
    "results": "shallow", "debrief_open": "share", "rounds_lost": "share", "seq": "share",
    "schedule": "share",  # frozen pydantic model
    "reflection_questions": "share", "delegation_questions": "shallow", "reflections": "shallow",
    "reflection_authors": "shallow", "reflections_closed": "share",
    "interims": "interims",
    "teams": "deep", "member_reflections": "deep",  # small, and folds change them inside
}


def _copy_proposal(p: Proposal) -> Proposal:
    return replace(p, terms=p.terms, supporters=set(p.supporters), signatures=set(p.signatures),
                   declines=set(p.declines))


def copy_state(state: Negotiation) -> Negotiation:
    """An independent copy of `state`: folding into it leaves `state` as it was."""
    clone = copy.copy(state)
    for f in fields(state):
        how = STATE_FIELDS[f.name]  # KeyError: a new field of Negotiation — decide how to copy it
        value = getattr(state, f.name)
        if how == "shallow":
            setattr(clone, f.name, copy.copy(value))
        elif how == "proposals":
            setattr(clone, f.name, {k: _copy_proposal(p) for k, p in value.items()})
        elif how == "interims":
            setattr(clone, f.name, [replace(i) for i in value])
        elif how == "deep":
            setattr(clone, f.name, copy.deepcopy(value))
    return clone


def default_every(count: int) -> int:
    """Snapshot spacing: ~sqrt(n) balances the cost of opening against the cost of a jump."""
    return max(32, min(256, int(count ** 0.5)))


class Snapshots:
    """The fold of one log, with a copy of the state every `every` events."""

    def __init__(self, events: Sequence[ev.EventBase], every: int | None = None) -> None:
        if not events or not isinstance(events[0], ev.GameCreated):
            raise ValueError("a game's log must begin with game_created")
        self.events = events
        self.every = every or default_every(len(events))
        self._at: list[int] = []  # indices with a snapshot, ascending
        self._states: list[Negotiation] = []
        self.final = self._fold_all()

    def _fold_all(self) -> Negotiation:
        state = initial_state(self.events[0])  # type: ignore[arg-type]
        self._keep(0, state)
        for index in range(1, len(self.events)):
            apply(state, self.events[index])
            if index % self.every == 0:
                self._keep(index, state)
        return state

    def _keep(self, index: int, state: Negotiation) -> None:
        self._at.append(index)
        self._states.append(copy_state(state))

    def state_after(self, index: int, near: tuple[int, Negotiation] | None = None) -> Negotiation:
        """A fresh state after event `index`; `near` is a known (index, state) to start from.

        `near`'s state is consumed (folded forward in place) when it is usable: it must be at
        or before `index`, and closer than the nearest snapshot."""
        if not 0 <= index < len(self.events):
            raise IndexError(f"event {index} is outside this log of {len(self.events)} events")
        slot = bisect.bisect_right(self._at, index) - 1
        start, state = self._at[slot], None
        if near is not None and start <= near[0] <= index:
            start, state = near
        if state is None:
            state = copy_state(self._states[slot])
        for i in range(start + 1, index + 1):
            apply(state, self.events[i])
        return state

    def __len__(self) -> int:
        return len(self._at)
