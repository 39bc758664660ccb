"""The player's client state, and the one pure function that changes it.

Theory of operation
-------------------
Everything the player's screens show is a `ClientState`. It changes only through
`reduce(state, message) -> state`, where `message` is a server message (a model of
`server.protocol.wire`) or a local happening (`ConnectionChanged`, `ChannelRead`). `reduce`
never mutates its input and does no I/O, so it is tested without a screen or a socket.

* `joined` gives the seat, its token and a full view (a `wire.SeatView`) *with notes* (statements, private
  messages, announcements, intelligence): the notes are replaced wholesale. In a long game
  it holds only the newest notes (`earlier_notes` counts the rest): the app asks for the
  older ones (`fetch_notes`), and each `notes` part is put in before the ones joined brought.
* `update` gives events (already filtered for this seat) and what changed in the view, which
  is merged into the view held (`wire.merge_view`: its parts come typed, nothing is validated
  twice); its events are turned into notes (`wire.NoteView`, as the view's own) and
  "what changed for you" lines — unless the update is not newer than what we hold (after a
  resume the joined view already has them).
* unread marks are counts: a channel's notes minus the notes the player has read there.
* fetches (the game's log, its debrief, the class report) are requests with an id: the app
  folds a `Requested` in as it sends one, and the replies (`game_log` parts, `debrief_report`,
  `class_report`, or an `error` naming that id) fill in its `Fetch`. A log's parts are joined
  in `part` order once every part is in. Screens read `fetch_of(kind)` or wait for their id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from client.format import meter_label, reflow
from server.figures import number, signed_meter, signed_number
from server.protocol import wire

PUBLIC = "public"
TEAM = "team"  # a team delegation's private channel (its members only)


@dataclass(frozen=True)
class ConnectionChanged:
    """The socket's state: connecting, connected, reconnecting (with the attempt), lost."""

    status: str
    detail: str = ""
    type: str = "connection"


@dataclass(frozen=True)
class ChannelRead:
    """The player has looked at a channel: its notes are read."""

    channel: str
    type: str = "channel_read"


@dataclass(frozen=True)
class ChangesSeen:
    """The player has looked at the Pressure tab: what changed for them is no longer new."""

    type: str = "changes_seen"


@dataclass(frozen=True)
class Requested:
    """A fetch went out: `kind` is "log", "debrief" or "report"; its replies will name `id`."""

    kind: str
    id: str
    room: str | None = None
    type: str = "requested"


@dataclass(frozen=True)
class Forget:
    """The screen has what it asked for (a whole log, say): drop the fetch to free its memory."""

    id: str
    type: str = "forget"


@dataclass(frozen=True)
class Fetch:
    """One request's progress: the parts gathered so far, then its result, or the refusal."""

    kind: str
    id: str
    room: str | None = None
    parts: Mapping[int, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    result: Any = None
    refused: str | None = None  # the server's sentence
    refused_code: str | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None or self.refused is not None


Fetches = Mapping[str, Fetch]


@dataclass(frozen=True)
class SessionState:
    """What a player's and a facilitator's state share: the socket, errors, fetches."""

    connection: str = "offline"
    connection_detail: str = ""
    error: str | None = None
    errors_seen: int = 0
    fetches: Fetches = field(default_factory=dict)

    def fetch_of(self, kind: str, room: str | None = None) -> Fetch | None:
        return latest_fetch(self.fetches, kind, room)


@dataclass(frozen=True)
class ClientState(SessionState):
    room: str | None = None
    delegation: str | None = None
    name: str = ""
    token: str | None = None
    seq: int = 0
    view: wire.SeatView | None = None  # its notes are `notes`, not the view's
    notes: tuple[wire.NoteView, ...] = ()
    notes_gap: int = 0  # where the older notes fetched after a join go (before those it brought)
    read: Mapping[str, int] = field(default_factory=dict)
    changes: tuple[str, ...] = ()
    changes_total: int = 0  # every change line ever added (`changes` keeps the latest 50)
    changes_seen: int = 0
    seats: tuple[wire.SeatInfo, ...] = ()  # who holds each seat, and whether connected
    member: int = 1  # which member of the delegation's team this client is (1: the only one)
    intent: wire.TeamIntent | None = None  # what another member (the head) is about to do

    # ------------------------------------------------------------ teams

    @property
    def team(self) -> wire.TeamView | None:
        """The seat's team (members, head), if several members play the delegation."""
        return self.view.team if self.view is not None else None

    @property
    def is_head(self) -> bool:
        """May this client sign, decline and walk out? (Always, for a one-person seat.)"""
        team = self.team
        return team is None or team.head == self.member

    @property
    def head_name(self) -> str:
        return self.team.head_name if self.team is not None else ""

    # ------------------------------------------------------------ derived, for the screens

    @property
    def phase(self) -> str | None:
        return self.view.phase if self.view else None

    def channel_of(self, note: wire.NoteView) -> str | None:
        """Where a note is shown: public, a private channel (the other delegation), or nowhere."""
        if note.kind in ("statement", "announcement"):
            return PUBLIC
        if note.kind == "team":
            return TEAM
        if note.kind == "message":
            others = [d for d in note.to or () if d != self.delegation]
            return others[0] if others else note.sender
        return None

    def channels(self) -> list[str]:
        """The message channels: everyone, then each other seated delegation."""
        seated = self.view.seated if self.view is not None else []
        team = [TEAM] if self.team is not None else []
        return [PUBLIC, *team, *(d for d in seated if d != self.delegation)]

    def channel_notes(self, channel: str) -> list[wire.NoteView]:
        return self._notes_by_channel.get(channel, [])

    @cached_property
    def _notes_by_channel(self) -> dict[str | None, list[wire.NoteView]]:
        """Every channel's notes, sorted out once per state (screens ask for them per key)."""
        by_channel: dict[str | None, list[wire.NoteView]] = {}
        for note in self.notes:
            by_channel.setdefault(self.channel_of(note), []).append(note)
        return by_channel

    def unread(self, channel: str) -> int:
        return max(0, len(self.channel_notes(channel)) - self.read.get(channel, 0))

    @property
    def unseen_changes(self) -> int:
        return self.changes_total - self.changes_seen


def notices(before: ClientState, after: ClientState) -> list[tuple[str, str]]:
    """(title, text) of what `after` brings that a player must not miss: each announcement, and
    one notice for the changes to their own position. The app raises each as a notification."""
    if after.seq <= before.seq or before.view is None:
        return []
    found = [("Announcement", reflow(n.text)) for n in after.notes[len(before.notes):]
             if n.kind == "announcement"]
    fresh = min(after.changes_total - before.changes_total, len(after.changes))
    if fresh > 0:
        first = reflow(after.changes[-fresh])
        first = first if len(first) <= NOTICE_CHARS else first[:NOTICE_CHARS - 1] + "…"
        more = f" (and {fresh - 1} more)" if fresh > 1 else ""
        found.append(("What changed for you: see tab 4", first + more))
    return found


NOTICE_CHARS = 90  # a notice is a hint to look at the Pressure tab, not the whole story


# ---------------------------------------------------------------- events -> notes and changes


def event_note(event: wire.EventBase, round_: int, seq: int = 0) -> wire.NoteView | None:
    """An event (the seat's number `seq` in its stream) as the note it adds to the message
    channels, if it is one: the note the view would hold for it."""
    sender: str | None
    if isinstance(event, wire.TeamMessageSent):
        kind, sender, to = "team", event.delegation, [event.delegation]
    elif isinstance(event, wire.StatementMade):
        kind, sender, to = "statement", event.delegation, None
    elif isinstance(event, wire.MessageSent):
        kind, sender, to = "message", event.sender, [event.sender, event.to]
    elif isinstance(event, wire.Announced):
        kind, sender, to = "announcement", "facilitator", None
    elif isinstance(event, wire.IntelligenceReceived):
        kind, sender, to = "intelligence", None, [event.delegation]
    else:
        return None
    # a team member's names them (`member`)
    return wire.NoteView.model_validate({"kind": kind, "sender": sender, "to": to, "seq": seq, "at": event.at,
                                         "text": event.text, "round": round_, "member": event.member})


def event_change(event: wire.EventBase, you: str | None, view: wire.SeatView | None = None) -> str | None:
    """A line for "what changed for you", if the event is one you should notice (meters by
    their labels in `view`'s scenario)."""
    if isinstance(event, wire.PressureDrawn):
        meters = ", ".join(f"{meter_label(view, m)} {signed_meter(v)}" for m, v in event.meters.items())
        extra = f" [{meters}]" if meters else ""
        return f"R{event.round} {event.kind}: {event.title} — {event.text}{extra}"
    if isinstance(event, wire.ReservationShifted) and event.delegation == you:
        return f"Your reservation value moved {signed_number(event.delta)} to {number(event.value)} ({event.cause})."
    if isinstance(event, wire.WarCostIncurred) and you in event.costs:
        return f"Another round of war cost you {number(event.costs[you])} (round {event.round})."
    if isinstance(event, wire.IntelligenceReceived) and event.delegation == you:
        return f"Intelligence: {event.text}"
    return None


# ---------------------------------------------------------------- fetches (shared with console_state)


def latest_fetch(fetches: Fetches, kind: str, room: str | None = None) -> Fetch | None:
    """The most recent fetch of `kind` (for `room`, if named), finished or not."""
    found = [f for f in fetches.values() if f.kind == kind and (room is None or f.room == room)]
    return found[-1] if found else None


def fetch_requested(fetches: Fetches, m: Requested) -> Fetches:
    if m.kind == "worth":  # only the latest question about a package's worth matters
        fetches = {k: f for k, f in fetches.items() if f.kind != "worth"}
    return {**fetches, m.id: Fetch(m.kind, m.id, m.room)}


def fetch_forgotten(fetches: Fetches, m: Forget) -> Fetches:
    return {k: f for k, f in fetches.items() if k != m.id}


def fetch_answered(fetches: Fetches, m: Any) -> Fetches:
    """`fetches` after a reply that names one of them (unknown ids change nothing)."""
    f = fetches.get(getattr(m, "reply_to", None) or "")
    if f is None:
        return fetches
    if m.type == "error":
        f = replace(f, refused=m.message, refused_code=m.code)
    elif m.type == "game_log":
        f = _log_part(f, m)
    elif m.type == "debrief_report":
        f = replace(f, room=m.room, result=m)  # a wire.DebriefReport: .debrief, .text
    elif m.type == "worth":
        f = replace(f, room=m.room, result=m.worth)
    elif m.type == "class_report":
        f = replace(f, result=m)  # a wire.ClassReport: .class_, .report, .markdown
    elif m.type == "guide":
        f = replace(f, result=m)  # a wire.Guide: .scenario, .markdown
    return {**fetches, f.id: f}


def _log_part(f: Fetch, m: Any) -> Fetch:
    parts = {**f.parts, m.part: tuple(m.events)}
    if len(parts) < m.parts:
        return replace(f, room=m.room, parts=parts)
    events = tuple(e for n in sorted(parts) for e in parts[n])
    return replace(f, room=m.room, parts={}, result={"events": events, "seat": m.seat})


# ---------------------------------------------------------------- reducers, one per message type


def _joined(s: ClientState, m: wire.Joined) -> ClientState:
    notes = tuple(m.view.notes or ())
    return replace(s, room=m.room, delegation=m.delegation, name=m.name or s.name, token=m.token,
                   view=_without_notes(m.view), seq=m.view.seq, notes=notes, notes_gap=0, member=m.member)


def _without_notes(view: wire.SeatView) -> wire.SeatView:
    return view.model_copy(update={"notes": None}) if view.notes is not None else view


def _earlier_notes(s: ClientState, m: Any) -> ClientState:
    """A part of the older notes asked for after a join: they go before the ones it brought."""
    if s.room is not None and m.room != s.room:
        return s
    gap = s.notes_gap
    return replace(s, notes=s.notes[:gap] + tuple(m.notes) + s.notes[gap:], notes_gap=gap + len(m.notes))


def _update(s: ClientState, m: wire.Update) -> ClientState:
    if s.room is not None and m.room != s.room:
        return s
    view = _without_notes(wire.merge_view(m.view, s.view))
    if m.fresh:  # events were skipped: the view (with its notes, if sent) replaces everything
        notes = tuple(m.view.notes) if m.view.notes is not None else s.notes
        return replace(s, view=view, seq=m.seq, notes=notes)
    if m.seq <= s.seq:
        return replace(s, view=view) if m.seq == s.seq else s
    first = m.seq - len(m.events) + 1  # the seat's number of the update's first event
    new_notes = tuple(n for n in (event_note(e, view.round, first + i) for i, e in enumerate(m.events))
                      if n is not None)
    changes = [c for c in (event_change(e, s.delegation, view) for e in m.events) if c is not None]
    read = dict(s.read)
    for note in new_notes:  # what you wrote yourself is not unread (a teammate's is)
        channel = s.channel_of(note)
        yours = note.member is None or note.member == s.name
        if note.sender == s.delegation and yours and channel is not None:
            read[channel] = read.get(channel, 0) + 1
    return replace(s, view=view, seq=m.seq, notes=s.notes + new_notes, read=read,
                   changes=(s.changes + tuple(changes))[-50:],
                   changes_total=s.changes_total + len(changes))


def _team_intent(s: ClientState, m: Any) -> ClientState:
    """What another member of the team (its head, say) is about to do, or no longer."""
    if m.room != s.room or m.delegation != s.delegation:
        return s
    if m.action is None:
        return replace(s, intent=None) if s.intent and s.intent.member == m.member else s
    return replace(s, intent=m)


def _presence(s: ClientState, m: Any) -> ClientState:
    if s.room is not None and m.room != s.room:
        return s
    return replace(s, seats=tuple(m.seats))


# The reducers a player's and a facilitator's state share (see `SessionState`).
S = TypeVar("S", bound=SessionState)


def _error(s: S, m: Any) -> S:
    if m.reply_to in s.fetches:  # a refused fetch: its screen says why
        return replace(s, fetches=fetch_answered(s.fetches, m))
    return replace(s, error=m.message, errors_seen=s.errors_seen + 1)


def _answered(s: S, m: Any) -> S:
    return replace(s, fetches=fetch_answered(s.fetches, m))


def _requested(s: S, m: Requested) -> S:
    return replace(s, fetches=fetch_requested(s.fetches, m))


def _forget(s: S, m: Forget) -> S:
    return replace(s, fetches=fetch_forgotten(s.fetches, m))


def _connection(s: S, m: ConnectionChanged) -> S:
    return replace(s, connection=m.status, connection_detail=m.detail)


SESSION_REDUCERS: dict[str, Callable[[Any, Any], Any]] = {
    "error": _error,
    "connection": _connection,
    "game_log": _answered,
    "debrief_report": _answered,
    "class_report": _answered,
    "guide": _answered,
    "worth": _answered,
    "requested": _requested,
    "forget": _forget,
}


def _channel_read(s: ClientState, m: ChannelRead) -> ClientState:
    return replace(s, read={**s.read, m.channel: len(s.channel_notes(m.channel))})


def _changes_seen(s: ClientState, m: ChangesSeen) -> ClientState:
    return replace(s, changes_seen=s.changes_total)


def _unchanged(s: ClientState, m: Any) -> ClientState:
    return s


_REDUCERS: dict[str, Callable[[ClientState, Any], ClientState]] = {
    **SESSION_REDUCERS,
    "joined": _joined,
    "update": _update,
    "notes": _earlier_notes,
    "presence": _presence,
    "team_intent": _team_intent,
    "channel_read": _channel_read,
    "changes_seen": _changes_seen,
}


def reduce(state: ClientState, message: Any) -> ClientState:
    """The state after `message` (a wire server message or a local happening)."""
    return _REDUCERS.get(message.type, _unchanged)(state, message)
