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
`next_phase` raises KeyError rather than returning a rule violation.
"""

from __future__ import annotations

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
