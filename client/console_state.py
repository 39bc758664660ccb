"""The facilitator console's state (`ConsoleState`): a whole class, room by room, and its pure
reducer. Not to be confused with the wire's `ClassState`, the message it is first built from.

Theory of operation
-------------------
`class_opened` names the class, its rooms and join codes and gives the facilitator token;
`class_state` (the reply to a resume with that token) gives every room's seats and the
facilitator's full view; then `update`s of every room and `presence` changes follow. As for the
player (`client.state`), `reduce_console(state, message) -> state` is pure: the console only
renders what it returns. Fetches (a room's log or debrief, the class report) are folded as in
`client.state`: a `Requested` as one goes out, then the replies naming its id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from client.format import delegation_name
from client.state import SESSION_REDUCERS, SessionState, event_change
from server.protocol import wire


@dataclass(frozen=True)
class RoomState:
    room: str
    seats: tuple[wire.SeatInfo, ...] = ()
    view: wire.SeatView | None = None  # the facilitator's view of the room (notes aside)
    seq: int = 0
    log: tuple[str, ...] = ()

    def connected(self) -> int:
        return sum(1 for s in self.seats if s.connected or s.controller != "human")

    def code_of(self, delegation: str) -> str:
        return next((s.code for s in self.seats if s.delegation == delegation), "")


@dataclass(frozen=True)
class ConsoleState(SessionState):
    class_id: str | None = None
    scenario: str | None = None
    token: str | None = None
    rooms: Mapping[str, RoomState] = field(default_factory=dict)
    seat_views: Mapping[tuple[str, str], wire.SeatView] = field(default_factory=dict)

    def room_ids(self) -> list[str]:
        return list(self.rooms)


def _seats(infos: Iterable[wire.SeatInfo]) -> tuple[wire.SeatInfo, ...]:
    return tuple(infos)


def _rooms(s: ConsoleState, infos: Any) -> dict[str, RoomState]:
    rooms = dict(s.rooms)
    for info in infos:
        old = rooms.get(info.room, RoomState(info.room))
        view = info.view if info.view is not None else old.view
        seq = view.seq if view else old.seq
        rooms[info.room] = replace(old, seats=_seats(info.seats), view=view, seq=seq)
    return rooms


def _opened(s: ConsoleState, m: Any) -> ConsoleState:
    return replace(s, class_id=m.class_, scenario=m.scenario, token=m.facilitator_token,
                   rooms=_rooms(s, m.rooms))


def _class_state(s: ConsoleState, m: Any) -> ConsoleState:
    return replace(s, class_id=m.class_, scenario=m.scenario, rooms=_rooms(s, m.rooms))


def event_line(event: wire.EventBase, view: wire.SeatView | None = None) -> str | None:
    """A short line for the room's activity log (the facilitator sees everything): delegations
    and meters by the names `view`'s scenario gives them, never their ids."""
    kind = event.type
    # whoever acted, whatever the event calls them (a delegation, a reflection's author, a sender)
    actor = getattr(event, "delegation", None) or getattr(event, "author", None) or getattr(event, "sender", None)
    who = delegation_name(view, actor or "")
    if event.member:  # a team member's act: say whose
        who = f"{who} ({event.member})"
    if isinstance(event, wire.TeamMessageSent):
        return f"{who} (team only): {event.text}"
    if isinstance(event, wire.MemberJoined):
        return f"{event.name} joined {delegation_name(view, event.delegation)}'s team"
    if isinstance(event, wire.HeadChanged):
        return f"{event.name} leads {delegation_name(view, event.delegation)}"
    if isinstance(event, wire.PhaseStarted):
        return f"round {event.round}: {event.phase.value} begins"
    if isinstance(event, wire.DelegationSeated | wire.DelegationUnseated):
        seated = isinstance(event, wire.DelegationSeated)
        return f"{delegation_name(view, event.delegation)} {'seated at' if seated else 'taken from'} the table"
    if kind == "ready_marked":
        return f"{who} is ready"
    if kind == "controller_changed":
        controller = getattr(event, "controller", "")
        strategy = getattr(event, "strategy", None)
        return f"{who} is now played by " + (f"a bot ({strategy})" if strategy else "a bot" if controller == "bot"
                                             else "a student")
    proposal = getattr(event, "proposal", None)
    if kind == "proposal_tabled":
        return f"{who} tabled {proposal}"
    if kind in ("proposal_signed", "proposal_declined", "proposal_supported", "proposal_withdrawn"):
        return f"{who} {kind.split('_')[1]} {proposal}"
    if isinstance(event, wire.StatementMade | wire.Announced):
        return f"{who or 'facilitator'}: {event.text}"
    if isinstance(event, wire.MessageSent):
        return f"{who} → {delegation_name(view, event.to)} (private): {event.text}"
    if kind in ("agreement_signed", "game_ended", "walked_out", "timer_paused", "timer_resumed",
                "timer_extended", "debrief_opened"):
        return f"{kind.replace('_', ' ')}" + (f": {who}" if who else "")
    return event_change(event, None, view)


def _update(s: ConsoleState, m: Any) -> ConsoleState:
    old = s.rooms.get(m.room, RoomState(m.room))
    if m.seq < old.seq and not m.fresh:
        return s
    view = wire.merge_view(m.view, old.view)
    lines = tuple(line for line in (event_line(e, view) for e in m.events) if line)
    if m.seq == old.seq and not m.fresh:
        lines = ()  # already folded into the view we hold (a resume's catch-up)
    room = replace(old, view=view, seq=m.seq, log=(old.log + lines)[-200:])
    return replace(s, rooms={**s.rooms, m.room: room})


def _presence(s: ConsoleState, m: Any) -> ConsoleState:
    old = s.rooms.get(m.room, RoomState(m.room))
    return replace(s, rooms={**s.rooms, m.room: replace(old, seats=_seats(m.seats))})


def _seat_view(s: ConsoleState, m: Any) -> ConsoleState:
    return replace(s, seat_views={**s.seat_views, (m.room, m.delegation): m.view})


_REDUCERS: dict[str, Callable[[ConsoleState, Any], ConsoleState]] = {
    **SESSION_REDUCERS,
    "class_opened": _opened,
    "class_state": _class_state,
    "update": _update,
    "presence": _presence,
    "seat_view": _seat_view,
}


def reduce_console(state: ConsoleState, message: Any) -> ConsoleState:
    """The class after `message` (a wire server message or a `ConnectionChanged`)."""
    reducer = _REDUCERS.get(message.type)
    return state if reducer is None else reducer(state, message)
