"""Who may open a class, and how much one instructor key may hold: the server's front door.

The server has one instructor key (`parley serve` keeps it in the data directory; see
`server.protocol.keyfile`). `open_class` must carry it; everything a facilitator does after
that goes through the class's facilitator token, which only a key holder was given. Seats and
observers need no key.

`Quotas` bound what one key may make the server hold, so that even a key holder (or a leaked
key) cannot fill its memory and disk: open classes, rooms per class, bot seats per class, and
events per room. Each refusal is a `Refusal("quota", ...)` naming the quota and its value.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from server.runtime import Refusal, Room, Runtime


@dataclass(frozen=True)
class Quotas:
    classes: int = 20             # classes with an unfinished room, at once
    rooms_per_class: int = 60
    bots_per_class: int = 120
    events_per_room: int = 20_000  # a long classroom game has about 2,000


@dataclass(frozen=True)
class Access:
    """The server's instructor key and quotas, as a session checks them."""

    key: str
    quotas: Quotas = field(default_factory=Quotas)

    def check_key(self, offered: str | None) -> None:
        if offered is None:
            raise Refusal("bad_key", "Opening a class needs the server's instructor key: pass --key, set "
                                     "PARLEY_KEY, or run on the server's machine (it reads the key file).")
        if not secrets.compare_digest(offered.encode(), self.key.encode()):
            raise Refusal("bad_key", "That is not this server's instructor key (`parley serve` prints it).")

    def check_class(self, runtime: Runtime, rooms: int, bot_seats: int) -> None:
        """Refuse a new class of `rooms` rooms with `bot_seats` bots in all if it passes a quota."""
        q = self.quotas
        if rooms > q.rooms_per_class:
            raise Refusal("quota", f"A class may have at most {q.rooms_per_class} rooms on this server, not {rooms}.")
        if bot_seats > q.bots_per_class:
            raise Refusal("quota", f"A class may have at most {q.bots_per_class} bot seats on this server, "
                                   f"not {bot_seats}.")
        if open_classes(runtime) >= q.classes:
            raise Refusal("quota", f"This server already has {q.classes} classes running (its quota); "
                                   "end one before opening another.")

    def check_bot(self, runtime: Runtime, room: Room) -> None:
        bots = sum(len(runtime.room(r).bots) for r in runtime.classes[room.class_id].rooms
                   if r in runtime.rooms)
        if bots >= self.quotas.bots_per_class:
            raise Refusal("quota", f"This class already has {bots} bots, its quota on this server.")

    def check_events(self, room: Room) -> None:
        if room.seq >= self.quotas.events_per_room:
            raise Refusal("quota", f"Room {room.id} has reached {self.quotas.events_per_room} events, "
                                   "its quota on this server; end the game.")


def open_classes(runtime: Runtime) -> int:
    """Classes with at least one room whose game has not ended."""
    return sum(1 for klass in runtime.classes.values()
               if any(r in runtime.rooms and not runtime.rooms[r].game.ended for r in klass.rooms))
