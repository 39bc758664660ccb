"""The timeline: every event of a log with where it happened (round, phase) and whose it is.

Building it reads each event once and folds nothing: the round and phase come from the
`phase_started` events themselves, and the delegations an event belongs to from its fields.
The viewer groups the timeline by (round, phase) and filters it by `group` and delegation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.engine import events as ev

# Event types gathered into the groups the viewer's filter offers, in the order it cycles them.
GROUPS: dict[str, tuple[str, ...]] = {
    "phases": ("phase_started",),
    "pressure": ("pressure_drawn", "intelligence_received", "reservation_shifted",
                 "war_cost_incurred"),
    "proposals": ("proposal_tabled", "proposal_withdrawn", "proposal_supported"),
    "statements": ("statement_made",),
    "messages": ("message_sent", "team_message_sent"),
    "votes": ("proposal_signed", "proposal_declined", "agreement_signed", "signers_changed",
              "interim_agreed", "interim_collapsed"),
    "facilitator": ("game_created", "timer_paused", "timer_resumed", "timer_extended", "announced",
                    "delegation_seated", "delegation_unseated", "controller_changed",
                    "ready_marked", "member_joined", "head_changed"),
    "outcome": ("walked_out", "game_ended", "result_scored", "debrief_opened",
                "reflection_submitted", "reflections_closed"),
}
GROUP_OF = {t: g for g, types in GROUPS.items() for t in types}

# The fields that name the delegation(s) an event is *of* (who acted, or whom it concerns).
_ACTOR_FIELDS = ("delegation", "author", "sender", "to")


@dataclass(frozen=True)
class Entry:
    """One event of the log; `index` is its place in the log (0 is `game_created`)."""

    index: int
    event: ev.EventBase
    round: int
    phase: str
    actors: tuple[str, ...]

    @property
    def type(self) -> str:
        return self.event.type

    @property
    def group(self) -> str:
        return GROUP_OF[self.type]

    @property
    def seq(self) -> int:
        """The event's number in the store (the log counts from 1)."""
        return self.index + 1


def actors_of(event: ev.EventBase) -> tuple[str, ...]:
    names = [getattr(event, f) for f in _ACTOR_FIELDS if isinstance(getattr(event, f, None), str)]
    if isinstance(event, ev.ResultScored):
        names.append(event.result.delegation)
    if isinstance(event, ev.WarCostIncurred):
        names.extend(event.costs)
    return tuple(dict.fromkeys(names))


def build_entries(events: Sequence[ev.EventBase]) -> list[Entry]:
    entries: list[Entry] = []
    round_, phase = 0, "lobby"
    for index, event in enumerate(events):
        if isinstance(event, ev.PhaseStarted):
            round_, phase = event.round, event.phase.value
        elif isinstance(event, ev.GameEnded):
            phase = "ended"
        entries.append(Entry(index, event, round_, phase, actors_of(event)))
    return entries
