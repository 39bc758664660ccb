"""The whole class at a glance, and the class-wide actions: pure functions over `ConsoleState`.

`overview(cls)` is one row per room for the console's live table — phase, round, time left,
proposals, the best signature count, humans connected — with what needs the teacher's
attention, sorted so those rooms come first. `rooms_for(action, cls)` says which rooms a
class-wide action applies to (start only rooms still in the lobby, pause only running clocks,
...), so one key acts on every room it makes sense for and the teacher is told how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from client import format as fmt
from client.console_state import ConsoleState, RoomState
from server.protocol import wire

# Lower comes first: a student who dropped out, a vote running out, a paused clock, ...
ATTENTION = {"away": 0, "stalled": 1, "paused": 2, "waiting": 3, "": 4, "ended": 5}


@dataclass(frozen=True)
class RoomRow:
    room: str
    phase: str
    round: str
    time_left: str
    proposals: str
    signatures: str
    humans: str
    attention: str  # a key of ATTENTION
    note: str  # the attention in words, for the table

    @property
    def rank(self) -> int:
        return ATTENTION[self.attention]


def overview(cls: ConsoleState) -> list[RoomRow]:
    """Every room's row, rooms needing attention first (in room order within a rank)."""
    rows = [room_row(room) for room in cls.rooms.values()]
    order = {room: i for i, room in enumerate(cls.rooms)}
    return sorted(rows, key=lambda r: (r.rank, order[r.room]))


def room_row(room: RoomState) -> RoomRow:
    view = room.view
    phase = str(view.phase) if view else "?"
    open_ = [p for p in view.proposals if not p.withdrawn] if view else []
    attention, note = _attention(room, view, open_)
    people = students(room, view)
    here = sum(1 for _, connected in people if connected)
    return RoomRow(room.room, phase, fmt.round_text(view) if view else "", fmt.time_left(view),
                   str(len(open_)), _best_signatures(view, open_), f"{here}/{len(people)}",
                   attention, note)


def students(room: RoomState, view: wire.SeatView | None) -> list[tuple[str, bool]]:
    """Each person the room's human seats need, by name as the teacher reads it ("Ukraine",
    "Ukraine 2/3" for a team's member), and whether they are connected."""
    people = []
    for seat in human_seats(room):
        name = fmt.delegation_name(view, seat.delegation)
        members = seat.members
        people += [(f"{name} {m.number}/{len(members)}", m.connected) for m in members] or [
            (name, seat.connected)]
    return people


def away_text(room: RoomState, view: wire.SeatView | None) -> str:
    """Who is away, a team's members under their delegation: "3 students away: Ukraine (both
    members), Russian Federation" ("Ukraine 1/2, Ukraine 2/2" read like two delegations)."""
    parts, count = [], 0
    for seat in human_seats(room):
        name = fmt.delegation_name(view, seat.delegation)
        if not seat.members:
            if not seat.connected:
                parts.append(name)
                count += 1
            continue
        away = [m.number for m in seat.members if not m.connected]
        count += len(away)
        if len(away) == len(seat.members):
            parts.append(f"{name} ({'both' if len(away) == 2 else f'all {len(away)}'} members)")
        elif away:
            numbers = " and ".join(str(n) for n in away)
            parts.append(f"{name} (member{'s' if len(away) > 1 else ''} {numbers} of {len(seat.members)})")
    return f"{plural(count, 'student')} away: {', '.join(parts)}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def human_seats(room: RoomState) -> list[wire.SeatInfo]:
    """Seats at the table that a person plays (not a bot, not an absent delegation)."""
    view = room.view
    seated = set(view.seated) if view else None
    controllers = view.controllers if view else {}
    return [s for s in room.seats
            if controllers.get(s.delegation, s.controller) == "human"
            and (seated is None or s.delegation in seated)]


def _best_signatures(view: wire.SeatView | None, open_: list[wire.ProposalView]) -> str:
    complete = [p for p in open_ if fmt.complete(view, p.terms) and p.required]
    if not complete:
        return "—"
    best = max(complete, key=lambda p: len(p.signatures) / len(p.required))
    return f"{best.id} {len(best.signatures)}/{len(best.required)}"


def _attention(room: RoomState, view: wire.SeatView | None, open_: list[wire.ProposalView]) -> tuple[str, str]:
    phase = view.phase if view else None
    if phase == "ended":
        return "ended", "ended"
    people = students(room, view)
    away = [name for name, connected in people if not connected]  # dropped out, or never came
    if away and phase not in (None, "lobby"):
        return "away", away_text(room, view)
    if phase == "decision" and _vote_stalled(view, open_):
        return "stalled", "vote stalled: no package can pass"
    if view is not None and view.paused_remaining is not None:
        return "paused", "paused"
    if phase == "lobby" or phase is None:
        return ("waiting", f"waiting for {plural(len(away), 'student')}") if away else ("", "ready to start")
    return "", ""


def _vote_stalled(view: wire.SeatView | None, open_: list[wire.ProposalView]) -> bool:
    """No complete package on the table, or every one already declined by a required signer."""
    complete = [p for p in open_ if fmt.complete(view, p.terms)]
    return all(set(p.declines) & set(p.required) for p in complete)


# ---------------------------------------------------------------- class-wide actions


@dataclass(frozen=True)
class ClassAction:
    """A class-wide action: what it sends, and which rooms it makes sense for."""

    name: str  # for the teacher: "Start", "Pause", ...
    command: Mapping[str, Any] | None  # None: the action needs text first (announce)


CLASS_ACTIONS = {
    "start_game": ClassAction("Start", {"type": "start_game"}),
    "pause": ClassAction("Pause", {"type": "pause"}),
    "resume": ClassAction("Resume", {"type": "resume"}),
    "extend": ClassAction("Extend by a minute", {"type": "extend", "seconds": 60}),
    "announce": ClassAction("Announce", None),
    "open_debrief": ClassAction("Open the debrief", {"type": "open_debrief"}),
}


def rooms_for(action: str, cls: ConsoleState) -> list[str]:
    """The rooms (in room order) where `action` applies now."""
    return [room.room for room in cls.rooms.values() if applies(action, room.view)]


def applies(action: str, view: wire.SeatView | None) -> bool:
    phase = view.phase if view else None
    running = phase not in (None, "lobby", "ended")
    paused = view is not None and view.paused_remaining is not None
    timed = view is not None and view.deadline is not None
    if action == "start_game":
        return phase == "lobby"
    if action == "pause":
        return running and not paused and timed
    if action == "resume":
        return running and paused
    if action == "extend":
        return running and (paused or timed)
    if action == "announce":
        return phase is not None and phase != "ended"
    if action == "open_debrief":
        return phase == "ended" and view is not None and not view.debrief_open
    raise KeyError(action)


def summary(action: str, rooms: list[str], total: int) -> str:
    """What the teacher is told after a class-wide action."""
    name = CLASS_ACTIONS[action].name
    if not rooms:
        return f"{name}: no room is in a state for it."
    skipped = total - len(rooms)
    rest = f" ({plural(skipped, 'room')} skipped: not in a state for it)" if skipped else ""
    return f"{name}: sent to {plural(len(rooms), 'room')}{rest}."
