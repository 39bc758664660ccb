""""Since you were here": what a seat missed, in a few lines, from the events it may see.

A game over days is played in visits. When a student comes back, the client asks for the
summary of the events after the last one it saw (`since_summary(log, seat, since_seq)`), and
shows it before the table. It is built only from events the seat may see (the engine's
`Visibility.allows`, the one check), described with the public names of `describe.Names`,
so it tells a seat nothing its own update stream would not have told it; and it is bounded
(chatty kinds are counted, not quoted), so it fits one frame however long the absence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from server.engine import events as ev
from server.protocol.wire import SinceSummary
from server.replay.describe import Names, describe

MAX_LINES = 40      # quoted lines at most; the rest are counted
MAX_LINE_CHARS = 300

# Quoted in full, in order: what changes the table for everyone.
_QUOTED = frozenset({
    "pressure_drawn", "intelligence_received", "reservation_shifted", "proposal_tabled",
    "proposal_withdrawn", "proposal_signed", "proposal_declined", "agreement_signed", "walked_out",
    "announced", "delegation_seated", "delegation_unseated", "signers_changed", "timer_extended",
    "game_ended", "result_scored", "debrief_opened", "message_sent", "team_message_sent",
})


def since_summary(log: Sequence[ev.EventBase], seat: str | None, since_seq: int) -> SinceSummary:
    """The summary of `log[since_seq:]` as `seat` may see it (seq n is log[n - 1])."""
    since_seq = max(0, min(since_seq, len(log)))
    names = Names(_scenario(log))
    seen = [e for e in log[since_seq:] if e.visibility.allows(seat)]
    since_at = log[since_seq - 1].at if since_seq else None
    from_round = to_round = _round_at(log, since_seq)
    lines: list[str] = []
    statements: Counter[str] = Counter()
    others: Counter[str] = Counter()
    dropped = 0
    for event in seen:
        if isinstance(event, ev.PhaseStarted):
            to_round = event.round
            continue
        if isinstance(event, ev.StatementMade):
            statements[names.of(event.delegation)] += 1
            continue
        if event.type not in _QUOTED:
            others[event.type] += 1
            continue
        if isinstance(event, ev.MessageSent) and event.sender == seat:
            others["message_sent_by_you"] += 1
            continue
        if len(lines) >= MAX_LINES:
            dropped += 1
            continue
        lines.append(_line(event, names, seat))
    counts: list[str] = []
    if statements:
        total = sum(statements.values())
        by = ", ".join(f"{who} {n}" for who, n in statements.most_common())
        counts.append(f"{total} public statement{'s' * (total != 1)} ({by})")
    if others["message_sent_by_you"]:
        n = others["message_sent_by_you"]
        counts.append(f"{n} private message{'s' * (n != 1)} sent by your delegation")
    if others["ready_marked"]:
        counts.append(f"{others['ready_marked']} ready mark(s)")
    if others["proposal_supported"]:
        counts.append(f"{others['proposal_supported']} proposal support(s)")
    if dropped:
        counts.append(f"{dropped} more event(s) of those kinds: see the table and the notes")
    return SinceSummary(since_seq=since_seq, seq=len(log), since_at=since_at, events=len(seen),
                        from_round=from_round, to_round=to_round, lines=lines, counts=counts)


def _line(event: ev.EventBase, names: Names, seat: str | None) -> str:
    if isinstance(event, ev.MessageSent) and event.to == seat:
        text = f"{names.of(event.sender)} wrote to you (private): {event.text}"
    else:
        text = describe(event, names)
    return text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS - 1] + "…"


def _scenario(log: Sequence[ev.EventBase]) -> dict[str, object]:
    first = log[0] if log else None
    return first.scenario if isinstance(first, ev.GameCreated) else {}


def _round_at(log: Sequence[ev.EventBase], seq: int) -> int:
    for event in reversed(log[:seq]):
        if isinstance(event, ev.PhaseStarted):
            return event.round
    return 0
