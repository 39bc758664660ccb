"""The phase machine of a game: one enum, one transition table.

Theory of operation
-------------------
A game waits in LOBBY until the facilitator starts it, then runs rounds of

    PRESSURE -> NEGOTIATION -> DECISION -> RESOLUTION

until an agreement is signed, a party walks out, the facilitator ends it, or the last round's
resolution is over; then it is ENDED for good. Every move between phases is a *trigger*:

* DONE      — the phase is over: its timer ran out, the facilitator advanced it, or (in
              negotiation and decision) every seated delegation has finished;
* LAST_DONE — the same at the end of the last round's resolution;
* NOTHING_TO_SIGN — negotiation ended with no complete proposal on the table, so the decision
              phase is skipped;
* AGREEMENT, WALKOUT, END — the game is over whatever phase it is in.

Only the pairs in `TRANSITIONS` are legal; anything else is a bug in the caller, which is why
`next_phase` raises KeyError rather than returning a rule violation. When a phase is done,
`when_done` picks the trigger from the `Situation` (is there anything to sign? is this the last
round?) and the table gives the next phase: the rules never choose a phase themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    LOBBY = "lobby"
    PRESSURE = "pressure"
    NEGOTIATION = "negotiation"
    DECISION = "decision"
    RESOLUTION = "resolution"
    ENDED = "ended"


class Trigger(StrEnum):
    START = "start"
    DONE = "done"
    LAST_DONE = "last_done"
    NOTHING_TO_SIGN = "nothing_to_sign"
    AGREEMENT = "agreement"
    WALKOUT = "walkout"
    END = "end"


TIMED_PHASES = (Phase.PRESSURE, Phase.NEGOTIATION, Phase.DECISION, Phase.RESOLUTION)

TRANSITIONS: dict[tuple[Phase, Trigger], Phase] = {
    (Phase.LOBBY, Trigger.START): Phase.PRESSURE,
    (Phase.PRESSURE, Trigger.DONE): Phase.NEGOTIATION,
    (Phase.NEGOTIATION, Trigger.DONE): Phase.DECISION,
    (Phase.NEGOTIATION, Trigger.NOTHING_TO_SIGN): Phase.RESOLUTION,
    (Phase.DECISION, Trigger.DONE): Phase.RESOLUTION,
    (Phase.DECISION, Trigger.AGREEMENT): Phase.ENDED,
    (Phase.RESOLUTION, Trigger.DONE): Phase.PRESSURE,
    (Phase.RESOLUTION, Trigger.LAST_DONE): Phase.ENDED,
}
# Ending the game early is legal from every phase but the end itself.
for _phase in Phase:
    if _phase is not Phase.ENDED:
        TRANSITIONS[(_phase, Trigger.WALKOUT)] = Phase.ENDED
        TRANSITIONS[(_phase, Trigger.END)] = Phase.ENDED


def next_phase(phase: Phase, trigger: Trigger) -> Phase:
    return TRANSITIONS[(phase, trigger)]


@dataclass(frozen=True)
class Situation:
    """What decides where a finished phase leads."""

    nothing_to_sign: bool  # no complete (or interim) proposal is on the table
    last_round: bool       # the round now ending is the scenario's last


# When a phase is done, the first of its triggers whose condition holds is the one that fires;
# the table then says where it leads. DONE always holds, so it comes last.
_WHEN_DONE: tuple[tuple[Trigger, Callable[[Situation], bool]], ...] = (
    (Trigger.NOTHING_TO_SIGN, lambda s: s.nothing_to_sign),
    (Trigger.LAST_DONE, lambda s: s.last_round),
    (Trigger.DONE, lambda s: True),
)


def when_done(phase: Phase, situation: Situation) -> tuple[Trigger, Phase]:
    """The trigger a finished `phase` fires in `situation`, and the phase it leads to."""
    for trigger, holds in _WHEN_DONE:
        if (phase, trigger) in TRANSITIONS and holds(situation):
            return trigger, TRANSITIONS[(phase, trigger)]
    raise KeyError(f"{phase.value} is not a phase that finishes")
