"""Each seat's own numbering of the events it may know of, so numbers tell nothing of the rest.

The log numbers every event of a room (seq 1, 2, 3...). Sent as is, those numbers would tell a
seat that something it may not see happened between its 35 and its 37: a private message
between two others, a card told to one delegation. So every seat — each delegation, and the
observers as one — counts only the events `Visibility.allows` it: the n-th event a seat may
see is its number n, in its updates, its acks, its view's `seq` and its notes' `seq`, and
the `last_seq` it resumes with. The facilitator, who knows of everything, counts the log.

Nothing is stored: a seat's number of an event follows from the log itself, so it is the
same after a restart, and old logs need no change. The counts are kept up to date as events
are committed; what needs a seat's number of an older event (a catch-up, the notes of a
fresh view) walks the log once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from server.engine import FACILITATOR
from server.engine.events import EventBase, Visibility
from server.engine.views import Seat  # a delegation id, FACILITATOR, or None for an observer
from server.runtime.eventlog import EventLog


def _visibilities(log: Sequence[EventBase]) -> Sequence[Visibility]:
    """Who may know of each event of `log` (a room's EventLog has them without parsing)."""
    return log.visibilities() if isinstance(log, EventLog) else [e.visibility for e in log]


class SeatStreams:
    def __init__(self, delegations: Iterable[str], log: Sequence[EventBase] = ()) -> None:
        self._counts: dict[Seat, int] = dict.fromkeys(delegations, 0)
        self._counts[None] = 0
        self.total = 0
        self.extend(log)

    def count(self, seat: Seat) -> int:
        """How many events `seat` may know of: its last number."""
        if seat == FACILITATOR:
            return self.total
        return self._counts.get(seat, 0)

    def extend(self, events: Iterable[EventBase]) -> None:
        """Count newly committed events."""
        counts = self._counts
        visibilities = events.visibilities() if isinstance(events, EventLog) else (e.visibility for e in events)
        for v in visibilities:
            self.total += 1
            if v.scope == "public":
                for seat in counts:
                    counts[seat] += 1
            elif v.scope == "seats":
                for seat in v.seats:
                    if seat in counts:
                        counts[seat] += 1

    def count_after(self, seat: Seat, events: Iterable[EventBase]) -> int:
        """`seat`'s last number once `events` are committed too (for an ack stored with them)."""
        return self.count(seat) + sum(1 for e in events if e.visibility.allows(seat))

    @staticmethod
    def since(seat: Seat, log: Sequence[EventBase], last: int) -> list[EventBase]:
        """The events `seat` may know of after its number `last`, in order."""
        if seat == FACILITATOR:
            return list(log[last:])
        visible = [n for n, v in enumerate(_visibilities(log)) if v.allows(seat)]
        return [log[n] for n in visible[last:]]

    @staticmethod
    def log_seq(seat: Seat, log: Sequence[EventBase], number: int) -> int:
        """The log seq of `seat`'s event number `number` (0 for 0; past its last: the log's end)."""
        if seat == FACILITATOR or number <= 0:
            return max(0, min(number, len(log)))
        seen = 0
        for seq, visibility in enumerate(_visibilities(log), start=1):
            if visibility.allows(seat):
                seen += 1
                if seen == number:
                    return seq
        return len(log)

    @staticmethod
    def numbers(seat: Seat, log: Sequence[EventBase]) -> dict[int, int]:
        """Log seq -> `seat`'s number, for every event `seat` may know of."""
        found: dict[int, int] = {}
        for seq, visibility in enumerate(_visibilities(log), start=1):
            if visibility.allows(seat):
                found[seq] = len(found) + 1
        return found
