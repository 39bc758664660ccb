"""Helpers for the client's tests: seat views built by the real engine, as wire messages,
and a real Parley server on a free port with a SQLite file."""

from __future__ import annotations

from typing import Any

from engine_helpers import Table
from server.engine import dump_event
from server.protocol import wire


def joined(table: Table, seat: str, room: str = "R1") -> wire.Joined:
    """The `joined` message a seat would get now (view with notes)."""
    return wire.Joined(reply_to="c1", token="t-" + seat, room=room, delegation=seat,
                       name=seat.title(), view=table.game.view_for(seat))


def update(table: Table, seat: str, events: list[Any], room: str = "R1", fresh: bool = False) -> wire.Update:
    """The `update` a seat would get after `events`: only those it may see, view without notes."""
    visible = [dump_event(e) for e in events if e.visibility.allows(seat)]
    return wire.Update(room=room, seq=table.state.seq, events=visible,
                       view=table.game.view_for(seat, include_notes=False), fresh=fresh)
