"""A room: one game, its seats, who is connected to it, and the one path every command takes.

Theory of operation
-------------------
`submit(actor, command)` is the only way a room's game changes, for people, bots, the
facilitator and the clock alike:

    engine handle  ->  store (group commit, awaited)  ->  broadcast  ->  listeners  ->  timer

A rule violation comes out of `game.handle` with nothing changed and is raised unchanged.
Commands of one room are serialised by a lock, so a room's events are stored and broadcast
in order and every view sent describes a committed state; different rooms run in parallel
and share the store's commits.

Delivering hands the batch to the room's `audience`: the network adapter's registry of who is
connected (server/net/fanout.py), which asks `seat_updates` for what each seat with
connections may know of it — a `SeatUpdate` with only the events its seat may see, numbered in
its own stream, and its whole view after them, built once per distinct seat. A seat that sees
none of a batch's events gets nothing for it (it must not even learn that a private message
passed between two others). Keeping the connections, presence, eviction and a team's shared
intents, turning a `SeatUpdate` into frames (only the parts of the view that changed for that
connection, pages that fit a client's limit) and writing them are the adapter's, not the
room's.

`command(actor, id, command)` wraps `submit` for the network: it answers with an encoded
`Ack` or `Error` and remembers the answer per (actor, id), so a command re-sent after a
reconnect is applied once and answered the same way again. Acks are stored in the same
transaction as their events, which makes that hold across a server restart too. Given the
connection the command came from (`origin`), the audience writes the Ack in the same socket
write as that connection's update, right after it (`Reply`), instead of a loop pass later.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from server.engine import FACILITATOR, Game, RuleViolation, dump_event
from server.engine.commands import CommandBase
from server.engine.debrief_models import Debrief
from server.engine.events import EventBase
from server.engine.view_models import NoteView, SeatView
from server.engine.views import NOTES_ONLY, Seat, dump_view, event_view, notes_for
from server.protocol.wire import Ack, Error, MemberInfo, SeatInfo, encode
from server.runtime.eventlog import EventLog
from server.runtime.streams import SeatStreams
from server.runtime.timer import RoomTimer
from server.store import EventRow, GameStatus, Store
from server.store.writer import Commit

log = logging.getLogger(__name__)

Listener = Callable[[list[EventBase]], None]
REPLIES_PER_ACTOR = 256


@dataclass
class SeatUpdate:
    """What one seat is told of a batch of committed events (or of what it missed).

    `events` are the ones `seat` may see, as it may read them (`event_view` dicts); `seq` is
    the seat's own number of the last one; `view` is its whole view after them (the public
    scenario included, notes not). `fresh`: events were skipped, and the view the connection
    was just sent is current. One SeatUpdate is shared by every connection of its seat."""

    room: str
    seat: Seat
    seq: int
    events: list[dict[str, Any]]
    view: dict[str, Any]
    fresh: bool = False
    base: dict[str, Any] | None = None
    """The view this one was made from by a new `seq` alone (NOTES_ONLY events), if it was."""
    shared: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Scratch space for the adapter: work done once for all the seat's connections."""
    batch: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Scratch space for the adapter shared by the batch's every SeatUpdate (encoded events)."""


class Audience(Protocol):
    """Who is connected to a room (the network adapter's, server/net/fanout.py): told of each
    committed batch, asked who is connected, told to close a seat's connections."""

    def deliver(self, events: list[EventBase], reply: Reply | None = None) -> None:
        """Tell each connection what it may know of a committed batch; `reply`'s connection
        (the one whose command made the batch) gets its answer in the same write, after it."""

    def connected(self, delegation: str, member: int | None = None) -> bool: ...

    def evict(self, delegation: str, code: str, message: str, member: int | None = None) -> None: ...

    def announce_presence(self) -> None: ...


class Nobody:
    """The audience of a room nobody has connected to."""

    def deliver(self, events: list[EventBase], reply: Reply | None = None) -> None:
        pass

    def connected(self, delegation: str, member: int | None = None) -> bool:
        return False

    def evict(self, delegation: str, code: str, message: str, member: int | None = None) -> None:
        pass

    def announce_presence(self) -> None:
        pass


@dataclass(frozen=True)
class Reply:
    """The answer to a command (its encoded Ack) and the connection that sent it (`origin`:
    the network adapter's own object, opaque here), for the audience to write right after
    that connection's update: one socket write, not two a loop pass apart."""

    origin: object
    frame: str


@dataclass
class SeatSlot:
    """A delegation's place in a room: its join code, and once claimed the hash of its holder's
    token and the name they gave. (Not engine.views' `Seat`, which names who a view is for.)"""

    delegation: str
    code: str
    token_hash: str | None = None
    name: str = ""
    member: int = 1  # a team delegation has a slot per member, each with its own code and token


@dataclass(frozen=True)
class Decision:
    """What one command made happen, before it is stored: its events, their rows for the log,
    and the encoded ack that answers it (numbered in the actor's own stream)."""

    actor: str
    command_id: str | None
    events: list[EventBase]
    rows: list[EventRow]
    ack: str | None
    replier: str = ""  # whose reply it is (a team member's own: see `reply_key`); "": the actor's
    ack_seq: int | None = None  # the number `ack` gives (what the room remembers of it)
    origin: object = None  # the connection the command came from (see `Reply`), if told


def game_status(game: Game) -> GameStatus:
    s = game.state
    status = "ended" if s.ended else ("lobby" if s.phase.value == "lobby" else "running")
    return GameStatus(status, s.phase.value, s.round, s.agreement is not None, s.seq)


class Room:
    def __init__(self, room_id: str, class_id: str, game: Game, log_: list[EventBase],
                 seats: Iterable[SeatSlot], store: Store, clock: Callable[[], float] = time.time) -> None:
        self.id = room_id
        self.class_id = class_id
        self.game = game
        self.log = EventLog(log_, game.state.notes)  # every committed event; seq n is log[n - 1] (eventlog.py)
        # Every member of every delegation; `seats` is each delegation's first member (all of a
        # one-person seat), which is what code that knows nothing of teams reads.
        self.members: dict[str, dict[int, SeatSlot]] = {}
        for slot in sorted(seats, key=lambda s: s.member):
            self.members.setdefault(slot.delegation, {})[slot.member] = slot
        self.seats = {d: slots[min(slots)] for d, slots in self.members.items()}
        self.streams = SeatStreams([d.id for d in game.state.scenario.delegations], self.log)
        self.bots: dict[str, Any] = {}  # delegation -> BotHandle
        self._store = store
        self._clock = clock
        self._lock = asyncio.Lock()
        self.audience: Audience = Nobody()  # who is connected: the network adapter sets it
        self._listeners: list[Listener] = []
        # Each actor's latest answers by command id, oldest first: an acknowledged command's as
        # the number its ack gave (an int, not the ~90-byte frame: ~30% of what a statement
        # costs in memory), a refused one's as its frame, one in progress as a future.
        self._replies: dict[str, dict[str, int | str | asyncio.Future[str]]] = {}
        self.timer = RoomTimer(self, clock)
        self._debrief: tuple[int, asyncio.Future[tuple[Debrief, str]]] | None = None
        # The view last delivered to each seat, while only NOTES_ONLY events followed it: such
        # a batch (most of a game's: statements and messages) changes a view's seq alone.
        self._views: dict[Seat, dict[str, Any]] = {}
        self._parts: dict[str, Any] = {}  # the view parts last built, for sharing (see `_shared`)
        self._last: dict[Seat, dict[str, Any]] = {}  # each seat's view last built

    @property
    def seq(self) -> int:
        return len(self.log)

    # ------------------------------------------------------------ the one path

    async def submit(self, actor: str, command: CommandBase, *, at: float | None = None,
                     command_id: str | None = None, member: int | None = None) -> list[EventBase]:
        """Decide, store, deliver; the new events. Raises RuleViolation unchanged."""
        return (await self._submit(actor, command, at, command_id, member)).events

    async def _submit(self, actor: str, command: CommandBase, at: float | None,
                      command_id: str | None, member: int | None = None, origin: object = None) -> Decision:
        async with self._lock:
            decision = self._decide(actor, command, at, command_id, member, origin)
            if decision.events:
                await self._commit(decision)
            return decision

    async def _commit(self, decision: Decision) -> None:
        """Store, then deliver — to the end even if the caller is cancelled meanwhile (a bot
        being stopped, say): the writer thread commits what it was handed regardless, so
        giving up half-way would leave the room's log one batch behind its store.

        The delivering is done the moment the store settles the write, in the callback that
        settles it (`Commit.on_settled`), not when this task wakes a loop pass later: under
        load a loop pass is milliseconds, every command's. The store's future cannot be
        cancelled (`Commit`), so it is awaited directly: a cancel reaches this task once the
        write has settled and been delivered. The room's lock is held until then, so its
        next command is decided after this one is delivered."""
        stored = self._store_decision(decision)
        failed: list[BaseException] = []

        def delivered(_: asyncio.Future[Any]) -> None:
            if stored.exception() is None:
                try:
                    self._deliver(decision)
                except Exception as exc:  # a bug: told to this command's caller, as before
                    failed.append(exc)

        if isinstance(stored, Commit):
            stored.on_settled(delivered)
        cancelled = False
        while not stored.done():
            try:
                await stored
            except asyncio.CancelledError:
                cancelled = True
        self._stored(stored)
        if not isinstance(stored, Commit):
            delivered(stored)
        if failed:
            raise failed[0]
        if cancelled:
            raise asyncio.CancelledError

    async def submit_all(self, actor: str, commands: Sequence[tuple[CommandBase, float | None]]) -> list[EventBase]:
        """Several commands (each with its time, None: now) as one: one transaction, all or none."""
        async with self._lock:
            events: list[EventBase] = []
            try:
                for command, at in commands:
                    events += self.game.handle(command, actor, self._clock() if at is None else at)
            except BaseException:
                self.game = Game.from_events(self.log)  # the earlier commands' events were applied
                raise
            decision = self._decision(actor, None, events)
            if events:
                await self._commit(decision)
            return events

    def _decide(self, actor: str, command: CommandBase, at: float | None, command_id: str | None,
                member: int | None = None, origin: object = None) -> Decision:
        """What the command makes happen (the game moves on; nothing is stored or told yet)."""
        events = self.game.handle(command, actor, self._clock() if at is None else at, member)
        return self._decision(actor, command_id, events, self.reply_key(actor, member), origin)

    def _decision(self, actor: str, command_id: str | None, events: list[EventBase], replier: str = "",
                  origin: object = None) -> Decision:
        last = self.game.state.seq
        rows = [EventRow(last - len(events) + 1 + i, e) for i, e in enumerate(events)]
        seq: int | None = None
        ack: str | None = None
        if command_id is not None:
            seq = self.streams.count_after(actor, events)
            ack = encode(Ack(reply_to=command_id, seq=seq))
        return Decision(actor, command_id, events, rows, ack, replier, seq, origin)

    def reply_key(self, actor: str, member: int | None) -> str:
        """Whose command ids these are: the actor's, or a team member's own (the members of a
        team each number their commands, and must not be answered each other's replies)."""
        return actor if member is None or len(self.members.get(actor, ())) <= 1 else f"{actor}/{member}"

    def _store_decision(self, decision: Decision) -> asyncio.Future[Any]:
        """Hand the events to the store, with the ack that will answer them: the store's future
        (see `_stored`)."""
        reply = None
        if decision.command_id is not None and decision.ack is not None:
            reply = (decision.replier or decision.actor, decision.command_id, decision.ack)
        try:
            return self._store.append(self.id, decision.rows, game_status(self.game), reply)
        except BaseException:
            self.game = Game.from_events(self.log)  # not handed over: it never happened
            raise

    def _stored(self, stored: asyncio.Future[Any]) -> None:
        """The store's answer; on failure, undo the decision and raise."""
        try:
            stored.result()
        except BaseException:
            # Not stored, so it never happened: back to the last committed state.
            self.game = Game.from_events(self.log)
            raise

    def _deliver(self, decision: Decision) -> None:
        """Stored: now it happened. Every connection is told what it may know, the bots and
        other listeners hear of it, and the timer looks at the (perhaps new) deadline."""
        events = decision.events
        self.log.extend(events, [row.payload for row in decision.rows], self.game.state.notes)
        self.streams.extend(events)
        origin, ack = decision.origin, decision.ack
        self.audience.deliver(events, Reply(origin, ack) if origin is not None and ack is not None else None)
        self._notify(events)
        self.timer.reschedule()

    async def command(self, actor: str, command_id: str, command: CommandBase, member: int | None = None,
                      origin: object = None) -> str:
        """Submit a client's command once per (actor, id) — per team member, for a team's
        members (`member`); the encoded Ack or Error. With `origin` (the connection it came
        from), the audience may write the Ack with that connection's update (`Reply`): the
        very string returned is the one handed to it."""
        key = self.reply_key(actor, member)
        seen = self._replies.setdefault(key, {})
        earlier = seen.get(command_id)
        if earlier is not None:
            if isinstance(earlier, int):
                return encode(Ack(reply_to=command_id, seq=earlier))
            return earlier if isinstance(earlier, str) else await asyncio.shield(earlier)
        pending: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._remember(seen, command_id, pending)
        try:
            frame, seq = await self._answer(actor, command_id, command, member, origin)
        except BaseException as exc:
            seen.pop(command_id, None)  # not answered: a retry may try again
            pending.set_exception(exc)
            pending.exception()  # retrieved: nobody else may be waiting
            raise
        self._remember(seen, command_id, frame if seq is None else seq)
        pending.set_result(frame)
        return frame

    async def _answer(self, actor: str, command_id: str, command: CommandBase,
                      member: int | None, origin: object = None) -> tuple[str, int | None]:
        """The encoded answer, and the number it acknowledges (None for a refusal)."""
        key = self.reply_key(actor, member)
        try:
            decision = await self._submit(actor, command, None, command_id, member, origin)
        except RuleViolation as exc:
            frame = encode(Error(reply_to=command_id, code=exc.code, message=exc.message))
            self._store.record_reply(self.id, key, command_id, frame).add_done_callback(_log_failure)
            return frame, None
        assert decision.ack is not None
        if not decision.events:  # nothing happened (a tick too early): still answered, and remembered
            self._store.record_reply(self.id, key, command_id, decision.ack).add_done_callback(_log_failure)
        return decision.ack, decision.ack_seq

    @staticmethod
    def _remember(seen: dict[str, Any], command_id: str, value: Any) -> None:
        """`value` as the newest answer (a plain dict keeps insertion order at half an
        OrderedDict's cost a key); past REPLIES_PER_ACTOR, the oldest is forgotten."""
        seen.pop(command_id, None)
        seen[command_id] = value
        while len(seen) > REPLIES_PER_ACTOR:
            del seen[next(iter(seen))]

    def restore_replies(self, replies: Iterable[tuple[str, str, str]]) -> None:
        for actor, command_id, frame in replies:
            self._remember(self._replies.setdefault(actor, {}), command_id, frame)

    # ------------------------------------------------------------ who hears of it

    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _notify(self, events: list[EventBase]) -> None:
        for fn in list(self._listeners):
            try:
                fn(events)
            except Exception:  # a listener's bug must not stop the room
                log.exception("listener %r failed in room %s", fn, self.id)

    def seat_updates(self, seats: Iterable[Seat], events: list[EventBase]) -> Iterator[tuple[Seat, SeatUpdate]]:
        """What each of `seats` may know of a batch just committed (a seat that may see none of
        it is left out): called once per batch by the audience, for the seats it has."""
        dumped = [dump_event(e) for e in events]
        if not all(e.type in NOTES_ONLY for e in events):
            self._views.clear()
        batch: dict[Any, Any] = {}
        for seat in seats:
            visible = [event_view(seat, e, d) for d, e in zip(dumped, events) if e.visibility.allows(seat)]
            if not visible:
                continue
            seq = self.streams.count(seat)
            last = self._views.get(seat)
            view = {**last, "seq": seq} if last is not None else self.view(seat, include_notes=False)
            self._views[seat] = self._last[seat] = view
            yield seat, SeatUpdate(self.id, seat, seq, visible, view, base=last, batch=batch)

    def view(self, seat: str | None, include_notes: bool = True, include_scenario: bool = True) -> dict[str, Any]:
        """`seat`'s view as the wire carries it (`dump_view`), numbered in its own stream (its
        `seq`, its notes' `seq`: see streams.py): what the frames compare and send."""
        view = self._shared(seat, dump_view(self.game.view_for(seat, include_notes=False,
                                                               include_scenario=include_scenario)))
        view["seq"] = self.streams.count(seat)
        return {**view, "notes": [n.model_dump(mode="json") for n in self.notes(seat)]} if include_notes else view

    def seat_view(self, seat: str | None, include_notes: bool = True) -> SeatView:
        """`seat`'s view as typed data, numbered as `view` numbers it (for the messages that
        carry a whole view: joined, watching, class_state, seat_view)."""
        view = self.game.view_for(seat, include_notes=False)
        return view.model_copy(update={"seq": self.streams.count(seat),
                                       "notes": self.notes(seat) if include_notes else None})

    def _shared(self, seat: str | None, view: dict[str, Any]) -> dict[str, Any]:
        """`view` with each part that equals one already built (by another seat's view, or by
        this seat's last) replaced by that one. Every connection holds its seat's last view (the
        adapter sends only what changed), so equal parts shared are memory not spent twice:
        most of a view is the same for every seat, and most of it stays the same for a while.
        A seat's own tables (`you`, `hidden`) are shared with the same seat's in other rooms
        when equal, their texts interned. Views are never changed once built, which makes the
        sharing safe."""
        parts, mine = self._parts, self._last.get(seat) or {}
        for key, value in view.items():
            own = (seat, key) if key in _OWN_PARTS else None  # a seat's own tables: shared across rooms
            for known in (parts.get(key), mine.get(key), _OWN_SHARED.get(own) if own else None):
                if known is not None and known is not value and type(known) is type(value) and known == value:
                    view[key] = value = known
                    break
            else:
                if own is not None:  # kept for the first time: one copy of each of its texts
                    view[key] = value = _interned(value)
                    if len(_OWN_SHARED) > 4096:
                        _OWN_SHARED.clear()
                    _OWN_SHARED[own] = value
            parts[key] = value
        self._last[seat] = view
        return view

    def notes(self, seat: str | None) -> list[NoteView]:
        """Every note `seat` may read (statements, messages, announcements...), oldest first,
        each `seq` the seat's own number of the event that made it."""
        notes = notes_for(self.game.state, seat)
        if notes and seat != FACILITATOR:
            numbers = self.streams.numbers(seat, self.log)
            notes = [n.model_copy(update={"seq": numbers.get(n.seq, 0)}) for n in notes]
        return notes

    def catch_up(self, seat: str | None, last_seq: int, limit: int) -> SeatUpdate:
        """What a returning `seat` needs after its number `last_seq`: the events it missed, or
        (when it is too far behind, or names a number it never had) a fresh start from the view
        it is sent as it comes back."""
        known = self.streams.count(seat)
        view = self.view(seat, include_notes=False)
        if last_seq < 0 or last_seq > known or known - last_seq > limit:
            return SeatUpdate(self.id, seat, known, [], view, fresh=True)
        missed = [event_view(seat, e, dump_event(e)) for e in self.streams.since(seat, self.log, last_seq)]
        return SeatUpdate(self.id, seat, known, missed, view)

    # ------------------------------------------------------------ presence

    def connected(self, delegation: str, member: int | None = None) -> bool:
        return self.audience.connected(delegation, member)

    def is_team(self, delegation: str) -> bool:
        """Is `delegation` played by a team (several members, each with a code of their own)?"""
        return len(self.members.get(delegation, ())) > 1

    def seat_infos(self, for_facilitator: bool) -> list[SeatInfo]:
        """Each seat: who holds it, connected or not, human or bot (codes for the facilitator
        only); a team's seat lists every member, and which one leads it."""
        controllers = self.game.state.controllers
        teams = self.game.state.teams
        infos = []
        for d, s in self.seats.items():
            members: list[MemberInfo] = []
            if self.is_team(d):
                head = teams[d].head if d in teams else None
                members = [MemberInfo(number=n, code=m.code if for_facilitator else "", name=m.name or None,
                                      connected=self.connected(d, n), head=n == head)
                           for n, m in sorted(self.members[d].items())]
            names = [m.name for m in members if m.name] if members else [s.name] if s.name else []
            infos.append(SeatInfo(delegation=d, code=s.code if for_facilitator else "",
                                  name=", ".join(names) or None, connected=self.connected(d),
                                  controller=controllers.get(d, "human"), members=members))
        return infos

    async def debrief(self) -> tuple[Debrief, str]:
        """The ended game's debrief analysis and its text, worked out off the event loop once
        per state of the log (a class asking all at once shares one computation)."""
        cached = self._debrief
        if cached is None or cached[0] != self.seq:
            from server.analysis.debrief import debrief_report, format_debrief  # numpy: only when asked

            events = list(self.log)  # a copy: the room goes on while the analysis runs

            def work() -> tuple[Debrief, str]:
                report = debrief_report(events)
                return report, format_debrief(report)

            cached = (self.seq, asyncio.ensure_future(asyncio.to_thread(work)))
            self._debrief = cached
        return await asyncio.shield(cached[1])


_OWN_PARTS = frozenset({"you", "hidden"})  # the parts of a view no other seat of its room shares
# The last of each seat's own parts kept, by (seat, key), for every room: the same delegation
# in another room of the class has an equal table, at least until its game moves on.
_OWN_SHARED: dict[tuple[str | None, str], Any] = {}


def _interned(value: Any) -> Any:
    """`value` with every string inside it (dict keys too, all the way down) its interned copy.
    A dumped view's strings are fresh copies of the scenario's (a seat's `you` holds its
    table's issue and option ids, its red lines, its intelligence...): kept in every seat's
    view, they cost ~5 KB a seat; interned, every seat and room shares one copy of each."""
    if type(value) is str:
        return sys.intern(value)
    if isinstance(value, dict):
        return {_interned(k): _interned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_interned(v) for v in value]
    return value


def _log_failure(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("could not store a reply: %s", future.exception())
