"""Who is connected to a room, and telling each connection what it may know: the fan-out.

Theory of operation
-------------------
A room (server/runtime/room.py) decides and stores; once a batch is committed it hands the
events to its `audience` — for a room anyone connects to, a `RoomAudience` from here. The
audience keeps the room's connections (`Outbox`es) grouped by seat, asks the room for one
`SeatUpdate` per seat that has connections (the room knows views and numbering, not sockets)
and writes it to each of that seat's connections, which frame it (server/net/frames.py).

It also keeps what only connections have: presence (who is connected, told to the room's
connections on every change), one live connection per seat (a team's member), eviction, and a
team's shared intents — what a member is about to do, shown to the other members of the
same delegation only, kept while active, never stored.
"""

from __future__ import annotations

from typing import Protocol

from server.engine import FACILITATOR
from server.engine.events import EventBase, HeadChanged
from server.engine.views import Seat
from server.protocol.wire import PresenceChanged, TeamIntent, encode
from server.runtime.room import Reply, Room, SeatUpdate

_ROSTER_EVENTS = frozenset({"member_joined", "head_changed"})


class Subscriber(Protocol):
    """A connection's stake in a room: who it is (`seat`) and how to hand it what it may know."""

    seat: str | None  # a delegation id, FACILITATOR, or None for an observer
    member: int  # which member of the seat's team (1 for a one-person seat)

    def deliver(self, frame: bytes) -> None: ...

    def send_update(self, update: SeatUpdate, reply: str | None = None) -> None:
        """Write `update` to the connection (it frames it), and `reply` (the answer to this
        connection's command that made it) after it in the same write."""

    def evict(self, code: str, message: str) -> None:
        """This connection no longer holds its seat: tell it why (an error `code`) and close it."""


def audience_of(room: Room) -> RoomAudience:
    """The room's connections (made on the first one)."""
    audience = room.audience
    if not isinstance(audience, RoomAudience):
        audience = room.audience = RoomAudience(room)
    return audience


class RoomAudience:
    """A room's connections, by seat (see the module's docstring); the room's `Audience`."""

    __slots__ = ("room", "_by_seat", "intents")

    def __init__(self, room: Room) -> None:
        self.room = room
        self._by_seat: dict[Seat, list[Subscriber]] = {}
        self.intents: dict[str, tuple[int, bytes]] = {}  # delegation -> (member, frame): its head's intent

    # ------------------------------------------------------------ the fan-out

    def deliver(self, events: list[EventBase], reply: Reply | None = None) -> None:
        """A committed batch: each seat with connections gets what it may know of it (and the
        connection whose command it was, its answer in the same write); then presence and
        intents follow a change of a team's roster or head."""
        roster = any(e.type in _ROSTER_EVENTS for e in events)
        # Not when presence or intents follow: the answer comes after those too (the session writes it).
        origin, answer = (reply.origin, reply.frame) if reply is not None and not roster else (None, None)
        for seat, update in self.room.seat_updates(list(self._by_seat), events):
            for sub in self._by_seat[seat]:
                if sub is origin:
                    sub.send_update(update, answer)
                else:
                    sub.send_update(update)
        if roster:  # presence shows who leads each team
            self.announce_presence()
        for e in events:
            if isinstance(e, HeadChanged):  # an intent shared as (or to) the old head no longer holds
                self.drop_intent(e.delegation)

    # ------------------------------------------------------------ connections

    def add(self, sub: Subscriber) -> None:
        """Add a connection; a seat (a team's member) has one live connection, so one already
        holding it is closed."""
        if sub.seat is not None and sub.seat != FACILITATOR:
            self.evict(sub.seat, "seat_replaced", "This seat was opened on another connection, so this "
                                                  "one is closed. If that was not you, ask the facilitator "
                                                  "for a fresh code.", member=sub.member)
        self._by_seat.setdefault(sub.seat, []).append(sub)
        intent = self.intents.get(sub.seat) if sub.seat is not None else None
        if intent is not None and intent[0] != sub.member:
            sub.deliver(intent[1])  # a member who comes in sees what the head is about to sign
        self.announce_presence()

    def remove(self, sub: Subscriber) -> None:
        if self._discard(sub):
            if sub.seat is not None:
                self.drop_intent(sub.seat, sub.member)
            self.announce_presence()

    def _discard(self, sub: Subscriber) -> bool:
        group = self._by_seat.get(sub.seat)
        if group is None or sub not in group:
            return False
        group.remove(sub)
        if not group:
            del self._by_seat[sub.seat]
        return True

    def evict(self, delegation: str, code: str, message: str, member: int | None = None) -> None:
        """Close every connection holding `delegation`'s seat (only member `member`'s, if
        given), telling each why."""
        for sub in [s for s in self._by_seat.get(delegation, ()) if member is None or s.member == member]:
            self._discard(sub)
            self.drop_intent(delegation, sub.member)
            sub.evict(code, message)

    def connected(self, delegation: str, member: int | None = None) -> bool:
        return any(member is None or s.member == member for s in self._by_seat.get(delegation, ()))

    def count(self, seat: Seat) -> int:
        """How many connections hold `seat`."""
        return len(self._by_seat.get(seat, ()))

    # ------------------------------------------------------------ a team's intents

    def share_intent(self, delegation: str, member: int, frame: bytes, active: bool) -> None:
        """What a team member is about to do (the head's sign confirmation, say) — or, not
        `active`, no longer — to the other members of the same delegation only."""
        if active:
            self.intents[delegation] = (member, frame)
        elif self.intents.get(delegation, (0, b""))[0] == member:
            del self.intents[delegation]
        for sub in list(self._by_seat.get(delegation, ())):
            if sub.member != member:
                sub.deliver(frame)

    def drop_intent(self, delegation: str, member: int | None = None) -> None:
        """`delegation`'s shared intent (only member `member`'s, if given) no longer holds —
        its member left, or the lead changed: the other members are told it is withdrawn, so
        nobody is shown a sign that will not come, or a head who no longer leads."""
        held = self.intents.get(delegation)
        if held is None or (member is not None and held[0] != member):
            return
        roster = self.room.members.get(delegation, {})
        name = roster[held[0]].name if held[0] in roster else ""
        withdrawn = TeamIntent(room=self.room.id, delegation=delegation, member=held[0], name=name, head=False)
        self.share_intent(delegation, held[0], encode(withdrawn).encode(), active=False)

    # ------------------------------------------------------------ presence

    def announce_presence(self) -> None:
        """Tell every connection who is connected now (codes to the facilitator only)."""
        for for_facilitator in (True, False):
            subs = [s for seat, group in self._by_seat.items() for s in group
                    if (seat == FACILITATOR) == for_facilitator]
            if subs:
                frame = encode(PresenceChanged(room=self.room.id,
                                               seats=self.room.seat_infos(for_facilitator))).encode()
                for sub in subs:
                    sub.deliver(frame)
