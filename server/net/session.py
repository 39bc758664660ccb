"""One websocket connection: read, validate, dispatch, send — and nothing else.

Theory of operation
-------------------
A connection says `hello` first, then becomes one of: a *seat* (join with a code, or resume
with a seat token), the *facilitator* of a class (open_class, or resume with the facilitator
token), or an *observer* (watch). Its role decides which rooms it is subscribed to and as
which seat, hence which events and views it is sent.

Each handler (`on_<message>`) returns what to send, in order: messages, already-encoded
frames (a remembered command reply) and callables to run at that point (subscribing, which
announces the new presence; writing a catch-up). The loop performs that list synchronously,
and every frame to a connection is written synchronously (`Outbox.deliver`), so a reply, a
catch-up and the next broadcast can never overtake each other.

Updates are framed here, not in the room: each connection keeps the views it holds
(`frames.HeldViews`) and is sent only what changed; `joined`, `watching` and catch-ups stay
under `wire.SEAT_FRAME_BYTES` however long the game (older notes come by `fetch_notes`).

Two kinds of error: the peer's mistakes (malformed frames, unknown codes, rule violations)
get an `Error` with a stable code and change nothing; a bug in a handler is logged with its
traceback and closes this connection only (1011). Floods close it with 1008; frames over
MAX_FRAME_BYTES are closed with 1009 by websockets itself; a frame nested deeper than
MAX_JSON_DEPTH is refused (`too_deep`) before any parser recurses into it; a connection that
has not said hello within HELLO_SECONDS is closed (1008). Every field is strictly typed (see
`wire.parse_client`), and an error quotes at most `wire.QUOTE_CHARS` of what it refuses.

Who may do what: opening a class needs the server's instructor key (`Access`), and every
facilitator action after that the class's facilitator token; seats and observers need none.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from server.engine import FACILITATOR, RuleViolation, dump_event
from server.engine.commands import JoinTeam, SetController, SetHead
from server.engine.events import FACILITATOR_FOREVER, TEAM_PRIVATE
from server.engine.views import dump_view, log_view
from server.net import frames, sockets
from server.net.access import Access
from server.net.fanout import audience_of
from server.protocol import wire as w
from server.runtime import Refusal, Room, Runtime
from server.runtime.limits import TokenBucket
from server.runtime.room import SeatUpdate
from server.runtime.runtime import ClassRecord

log = logging.getLogger(__name__)

Step = w.Message | str | Callable[[], None]

LOG_PART_EVENTS = 400  # events per GameLog frame: a few hundred KB at most


class Outbox:
    """This connection as a room's subscriber (server/net/fanout.py): its seat, a synchronous
    write, and its eviction."""

    __slots__ = ("ws", "seat", "_on_evict", "held", "member", "replied")  # one per connection: no __dict__

    def __init__(self, ws: ServerConnection, seat: str | None, on_evict: Callable[[str, str], None],
                 held: frames.HeldViews, member: int = 1) -> None:
        self.ws, self.seat, self._on_evict, self.held, self.member = ws, seat, on_evict, held, member
        self.replied: str | None = None  # the last answer written with an update (see `send_update`)

    def deliver(self, frame: bytes) -> None:
        sockets.write(self.ws, (frame,))

    def send_update(self, update: SeatUpdate, reply: str | None = None) -> None:
        frames_ = self.held.update_frames(update)  # a catch-up's pages: one write
        if reply is None:
            sockets.write(self.ws, frames_)
        else:  # this connection's command made it: its answer goes in the same write, after it
            sockets.write(self.ws, (*frames_, reply.encode()))
            self.replied = reply

    def evict(self, code: str, message: str) -> None:
        self._on_evict(code, message)


class Session:
    __slots__ = ("ws", "join_url", "runtime", "access", "hello_seconds", "bucket", "reads", "greeted", "outbox",
                 "held", "rooms", "seat", "member", "klass", "_closing")  # one per connection: no __dict__ each

    def __init__(self, ws: ServerConnection, runtime: Runtime, access: Access,
                 hello_seconds: float = w.HELLO_SECONDS, join_url: str | None = None) -> None:
        self.ws = ws
        self.join_url = join_url  # where students join this server (told in the welcome)
        self.runtime = runtime
        self.access = access
        self.hello_seconds = hello_seconds
        self.bucket = TokenBucket()
        self.reads: TokenBucket | None = None  # whole-log reads without a seat or class (made when first asked)
        self.greeted = False
        self.outbox: Outbox | None = None
        self.held = frames.HeldViews()        # the views this connection holds, room by room
        self.rooms: list[Room] = []           # subscribed to, as `outbox.seat`
        self.seat: tuple[Room, str] | None = None
        self.member = 1                       # which member of the seat's team (1: the only one)
        self.klass: ClassRecord | None = None
        self._closing: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ the loop

    async def run(self) -> None:
        deadline = asyncio.get_running_loop().call_later(self.hello_seconds, self._hello_overdue)
        try:
            async for frame in self.ws:
                if self._closing is not None:
                    continue  # drain what the peer had queued, so its close frame gets through
                if not self._bucket().take():
                    self._close(1008, "rate limit exceeded")
                elif not await self._one(frame):
                    continue
        except ConnectionClosed:
            pass
        finally:
            deadline.cancel()
            self._leave()
            if self._closing is not None:
                await self._closing

    def _bucket(self) -> TokenBucket:
        """A seat's messages are limited per seat, whichever connection sends them."""
        if self.seat is not None:
            room, delegation = self.seat
            return self.runtime.seat_limits.bucket(room.id, room.reply_key(delegation, self.member))
        return self.bucket

    def _spend_read(self, what: str, debrief: bool = False) -> None:
        """Whole-log reads (and, apart, debriefs) are limited per seat, per class (its
        facilitator), else per connection."""
        limits = self.runtime.read_limits
        if self.seat is not None:
            room, delegation = self.seat
            bucket = limits.bucket(f"seat {room.id} {room.reply_key(delegation, self.member)}", debrief)
        elif self.klass is not None:
            bucket = limits.bucket(f"class {self.klass.id}", debrief, rooms=len(self.klass.rooms))
        else:  # (only whole-log reads: a debrief is for a seat or a facilitator)
            bucket = self.reads = self.reads or limits.new_bucket()
        limits.spend(bucket, what)

    def _address(self) -> str:
        remote = self.ws.remote_address
        return str(remote[0]) if isinstance(remote, tuple) and remote else str(remote)

    def _evicted(self, code: str, message: str) -> None:
        """The room closed this connection's hold on its seat (replaced, or the token revoked)."""
        self.outbox, self.rooms, self.seat = None, [], None
        self._write(w.Error(code=code, message=message))
        self._close(w.CLOSE_SEAT_LOST, code)

    def _hello_overdue(self) -> None:
        if not self.greeted:
            self._write(w.Error(code="hello_timeout",
                                message=f"Say hello within {self.hello_seconds:g} seconds of connecting."))
            self._close(1008, "no hello in time")

    def _close(self, code: int, reason: str) -> None:
        """Start the closing handshake without waiting for it (the loop keeps reading meanwhile)."""
        self._leave()
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self.ws.close(code, reason))

    async def _one(self, frame: str | bytes) -> bool:
        """Handle one frame; False when the connection must end."""
        try:
            message = w.parse_client(frame)
        except w.TooDeep as exc:
            self._write(w.Error(code="too_deep", message=str(exc)))
            return True
        except ValidationError as exc:
            self._write(w.Error(reply_to=_frame_id(frame), code="bad_message", message=_explain(exc)))
            return True
        reply_to = getattr(message, "id", None)
        try:
            steps = await self._dispatch(message)
        except (RuleViolation, Refusal) as exc:
            steps = [w.Error(reply_to=reply_to, code=exc.code, message=exc.message)]
        except ConnectionClosed:
            raise
        except Exception:
            log.exception("bug while handling a %s message; closing that connection", type(message).__name__)
            self._write(w.Error(reply_to=reply_to, code="internal_error",
                                message="The server failed on that message; reconnect to carry on."))
            self._close(1011, "internal error")
            return False
        for step in steps:
            self._write(step)
        if isinstance(message, w.Hello) and not self.greeted:
            self._close(1008, "protocol mismatch")
            return False
        return True

    async def _dispatch(self, message: w.Message) -> list[Step]:
        if not self.greeted and not isinstance(message, w.Hello):
            return [w.Error(reply_to=getattr(message, "id", None), code="hello_first",
                            message="Say hello (with the protocol version) before anything else.")]
        handler: Callable[[Any], Awaitable[list[Step]]] = getattr(self, HANDLERS[type(message)])
        return await handler(message)

    def _write(self, step: Step) -> None:
        if callable(step) and not isinstance(step, w.Message):
            step()
        else:
            text = step if isinstance(step, str) else w.encode(step)
            sockets.write(self.ws, (text.encode(),))

    # ------------------------------------------------------------ roles

    def _become(self, seat: str | None, rooms: list[Room], held: frames.HeldViews) -> Callable[[], None]:
        """A step that subscribes this connection to `rooms` as `seat` (leaving any old role),
        holding the views `held` says it was sent."""
        def subscribe() -> None:
            self._leave()
            self.held = held
            self.outbox = Outbox(self.ws, seat, self._evicted, held, self.member)
            self.rooms = rooms
            for room in rooms:
                audience_of(room).add(self.outbox)
        return subscribe

    def _leave(self) -> None:
        if self.outbox is not None:
            for room in self.rooms:
                audience_of(room).remove(self.outbox)
        self.outbox, self.rooms = None, []

    def _facilitated_room(self, room_id: str | None) -> Room:
        if self.klass is None:
            raise Refusal("not_facilitator", "Only the class's facilitator may do this.")
        if room_id is None:
            raise Refusal("bad_message", "A facilitator's command must name its room.")
        room = self.runtime.find_room(room_id)
        if room.class_id != self.klass.id:
            raise Refusal("wrong_room", f"Room {w.quote(room_id)} is not in your class.")
        return room

    # ------------------------------------------------------------ handlers

    async def on_hello(self, m: w.Hello) -> list[Step]:
        if m.protocol != w.PROTOCOL_VERSION:
            return [w.Error(code="protocol_mismatch",
                            message=f"This server speaks protocol {w.PROTOCOL_VERSION}, not {m.protocol}; "
                                    "update your client.")]
        self.greeted = True
        return [w.Welcome(join_url=self.join_url)]

    async def on_join(self, m: w.Join) -> list[Step]:
        room, delegation, member = self.runtime.seat_for_code(m.code, self._address())
        token = await self.runtime.claim_seat(room, delegation, m.name.strip(), self._address(), member)
        name = room.members[delegation][member].name
        self.seat, self.member, self.klass = (room, delegation), member, None
        held = frames.HeldViews()
        view, earlier = self._sent_view(held, room, delegation)
        return [w.Joined(reply_to=m.id, token=token, room=room.id, delegation=delegation,
                         name=name, member=member, view=view, earlier_notes=earlier),
                self._become(delegation, [room], held)]

    @staticmethod
    def _sent_view(held: frames.HeldViews, room: Room, seat: str | None) -> tuple[w.SeatView, int]:
        """`seat`'s whole view of `room` with the newest notes that fit in a frame (and how many
        older ones were left out), now held by the connection it is sent to."""
        whole = room.view(seat, include_notes=False)
        held.hold(room.id, whole)  # the room's own copy: a seat's connections share one view
        return _fitted(room.seat_view(seat))

    async def on_resume(self, m: w.Resume) -> list[Step]:
        found = self.runtime.member_for_token(m.token)
        if found is not None:
            room, delegation, member = found
            await self.runtime.record_member(room, delegation, member)
            self.seat, self.member, self.klass = (room, delegation), member, None
            held = frames.HeldViews()
            view, earlier = self._sent_view(held, room, delegation)
            missed = room.catch_up(delegation, m.last_seq, self.runtime.catchup_limit)
            return [w.Joined(reply_to=m.id, token=m.token, room=room.id, delegation=delegation,
                             name=room.members[delegation][member].name, member=member,
                             view=view, earlier_notes=earlier),
                    *(frame.decode() for frame in held.update_frames(missed)),
                    self._become(delegation, [room], held)]
        klass = self.runtime.class_for_token(m.token)
        if klass is None:
            raise Refusal("bad_token", "That token opens no seat and no class; join again with your code.")
        return self._facilitate(klass, m.id)

    def _facilitate(self, klass: ClassRecord, reply_to: str) -> list[Step]:
        self.seat, self.klass = None, klass
        rooms = self.runtime.class_rooms(klass)
        infos = [self.runtime.room_info(r, for_facilitator=True) for r in rooms]
        states: list[Step] = [w.ClassState(reply_to=reply_to if n == 0 else None, class_=klass.id,
                                           scenario=klass.scenario, rooms=part)
                              for n, part in enumerate(frames.class_parts(infos))]
        return [*states, self._become(FACILITATOR, rooms, self._holding(infos))]

    @staticmethod
    def _holding(rooms: list[w.RoomInfo]) -> frames.HeldViews:
        """What a facilitator holds once sent `rooms` (their views, where they carry one)."""
        held = frames.HeldViews()
        for info in rooms:
            held.hold(info.room, dump_view(info.view) if info.view is not None else None)
        return held

    async def on_watch(self, m: w.Watch) -> list[Step]:
        room = self.runtime.find_room(m.room)
        self.seat, self.klass = None, None
        held = frames.HeldViews()
        view, earlier = self._sent_view(held, room, None)
        return [w.Watching(reply_to=m.id, room=room.id, view=view, earlier_notes=earlier),
                self._become(None, [room], held)]

    async def on_open_class(self, m: w.OpenClass) -> list[Step]:
        self.access.check_key(m.key)
        self.access.check_class(self.runtime, m.rooms, m.rooms * self._bot_seats(m))
        opened = await self.runtime.open_class(m.scenario, m.rooms, m.bots, m.time_scale, m.seed, m.start,
                                               m.scenario_text, m.scenario_file, schedule=m.schedule,
                                               team_size=m.team_size, teams=m.teams)
        opened.reply_to = m.id
        klass = self.runtime.classes[opened.class_]
        self.seat, self.klass = None, klass
        rooms = self.runtime.class_rooms(klass)
        return [opened, self._become(FACILITATOR, rooms, self._holding(opened.rooms))]

    def _bot_seats(self, m: w.OpenClass) -> int:
        """Bot seats per room the request asks for (unknown ids are refused by the runtime)."""
        if m.bots != "all":
            return len(set(m.bots))
        from server.runtime.catalogue import hosted

        offered = (hosted(m.scenario_text, m.scenario_file) if m.scenario_text is not None
                   else self.runtime.catalogue.get(m.scenario))
        return sum(1 for d in offered.scenario.delegations if not d.absent)

    async def on_command(self, m: w.SendCommand) -> list[Step]:
        if self.seat is not None:
            room, actor = self.seat
            if m.room is not None and m.room != room.id:
                raise Refusal("wrong_room", f"Your seat is in room {room.id}, not {m.room}.")
        elif self.klass is not None:
            room, actor = self._facilitated_room(m.room), FACILITATOR
        else:
            raise Refusal("not_joined", "Join a seat (or resume with your token) before sending commands.")
        if isinstance(m.command, SetController):
            raise Refusal("not_over_wire", f"{m.command.type} is the server's own command; a facilitator "
                                           "gives a seat to a bot with assign_bot and takes it back with release_bot.")
        if isinstance(m.command, JoinTeam):
            raise Refusal("not_over_wire", "join_team is the server's own command: a team's member joins "
                                           "with their own code.")
        if isinstance(m.command, SetHead) and room.game.state.scenario.delegation(m.command.delegation) is not None \
                and not room.is_team(m.command.delegation):
            raise Refusal("not_a_team", f"{m.command.delegation} is played by one person: there is no head "
                                        "to name (give it a team size first).")
        self.access.check_events(room)
        member = self.member if self.seat is not None else None
        command = self.runtime.complete_command(room, actor, m.command, self.member)
        origin = self.outbox
        answer = await room.command(actor, m.id, command, member, origin)
        if origin is not None and origin.replied is answer:  # already written, after its update
            origin.replied = None
            return []
        return [answer]

    async def on_set_team_size(self, m: w.SetTeamSize) -> list[Step]:
        room = self._facilitated_room(m.room)
        self._check_delegation(room, m.delegation)
        await self.runtime.set_team_size(room, m.delegation, m.size)
        return [w.Ack(reply_to=m.id, seq=room.seq)]

    async def on_share_intent(self, m: w.ShareIntent) -> list[Step]:
        """Tell the rest of one's team what one is about to do (nothing is stored: it is what
        a member has on screen, like presence)."""
        if self.seat is None:
            raise Refusal("not_joined", "Only a seat's member has a team to tell.")
        room, delegation = self.seat
        if not room.is_team(delegation):
            raise Refusal("not_a_team", "Your delegation is played by one person: there is no team to tell.")
        team = room.game.state.teams.get(delegation)
        proposal = room.game.state.proposals.get(m.proposal or "") if m.action not in (None, "walk_out") else None
        if m.action in ("sign", "decline") and m.proposal is None:
            raise Refusal("unknown_proposal", f"Say which proposal you are about to {m.action} (proposal).")
        if m.action in ("sign", "decline") and proposal is None:
            raise Refusal("unknown_proposal", f"There is no proposal {w.quote(m.proposal)} on the table.")
        if proposal is not None and (proposal.withdrawn or proposal.settled):
            raise Refusal("unknown_proposal", f"Proposal {proposal.id} is off the table: there is nothing "
                                              f"to {m.action}.")
        intent = w.TeamIntent(room=room.id, delegation=delegation, member=self.member,
                              name=room.members[delegation][self.member].name,
                              head=team is not None and team.head == self.member, action=m.action,
                              proposal=proposal.id if proposal else None,
                              terms=dict(proposal.terms) if proposal else {})
        audience_of(room).share_intent(delegation, self.member, w.encode(intent).encode(), active=m.action is not None)
        return [w.Ack(reply_to=m.id)]

    async def on_assign_bot(self, m: w.AssignBot) -> list[Step]:
        room = self._facilitated_room(m.room)
        self._check_delegation(room, m.delegation)
        self.access.check_bot(self.runtime, room)
        await self.runtime.assign_bot(room, m.delegation, m.strategy)
        return [w.Ack(reply_to=m.id, seq=room.seq)]

    async def on_release_bot(self, m: w.ReleaseBot) -> list[Step]:
        room = self._facilitated_room(m.room)
        self._check_delegation(room, m.delegation)
        await self.runtime.release_bot(room, m.delegation)
        return [w.Ack(reply_to=m.id, seq=room.seq)]

    async def on_issue_code(self, m: w.IssueCode) -> list[Step]:
        room = self._facilitated_room(m.room)
        self._check_delegation(room, m.delegation)
        code = await self.runtime.issue_code(room, m.delegation, m.member)
        return [w.CodeIssued(reply_to=m.id, room=room.id, delegation=m.delegation, code=code)]

    async def on_view_as(self, m: w.ViewAs) -> list[Step]:
        room = self._facilitated_room(m.room)
        self._check_delegation(room, m.delegation)
        view, _ = _fitted(room.seat_view(m.delegation))  # a long game's newest notes
        return [w.SeatViewReply(reply_to=m.id, room=room.id, delegation=m.delegation, view=view)]

    def _review_room(self, room_id: str | None, what: str) -> tuple[Room, str | None]:
        """The room whose log or debrief is asked for, and the asker's own seat.

        The facilitator may see everything of its class's rooms; a seat only its own room, once
        the facilitator has opened the debrief (the log and the analysis hold every delegation's
        secrets); an anonymous observer never."""
        if self.klass is not None:
            only_room = self.klass.rooms[0] if len(self.klass.rooms) == 1 else None
            return self._facilitated_room(room_id or only_room), None
        if self.seat is None:
            raise Refusal("not_joined", f"The game's {what} is for the class's facilitator and its seats: "
                                        "join your seat (or resume your class) first.")
        room, own = self.seat
        if room_id is not None and room_id != room.id:
            raise Refusal("wrong_room", f"You are in room {room.id}, not {room_id}.")
        if not room.game.state.debrief_open:
            raise Refusal("review_not_open", f"The game's {what} opens to seats once the "
                                             "facilitator opens the debrief.")
        return room, own

    async def on_fetch_log(self, m: w.FetchLog) -> list[Step]:
        room, own = self._review_room(m.room, "log")
        self._spend_read("game's log")
        seat = FACILITATOR if own is None else own
        # Reflections are the facilitator's to read, even in the log a seat may fetch for review,
        # and a team's channel and roster its own (TEAM_PRIVATE).
        events = [log_view(seat, e, dump_event(e)) for e in room.log
                  if seat == FACILITATOR or e.type not in FACILITATOR_FOREVER
                  and (e.type not in TEAM_PRIVATE or e.visibility.allows(seat))]
        parts = [events[i:i + LOG_PART_EVENTS] for i in range(0, len(events), LOG_PART_EVENTS)] or [[]]
        return [w.GameLog(reply_to=m.id, room=room.id, seat=own, part=n + 1, parts=len(parts), events=part)
                for n, part in enumerate(parts)]

    async def on_fetch_debrief(self, m: w.FetchDebrief) -> list[Step]:
        room, _ = self._review_room(m.room, "debrief")
        if not room.game.ended:
            raise Refusal("game_not_over", "The debrief is ready once the game has ended.")
        self._spend_read("debrief", debrief=True)
        data, text = await room.debrief()
        return [w.DebriefReport(reply_to=m.id, room=room.id, debrief=data, text=text)]

    async def on_fetch_report(self, m: w.FetchReport) -> list[Step]:
        if self.klass is None:
            raise Refusal("not_facilitator", "Only the class's facilitator may see the class report.")
        self._spend_read("class report")
        from server.analysis.report import class_report, report_markdown  # numpy: only when asked

        rooms = [(r.id, list(r.log)) for r in self.runtime.class_rooms(self.klass)]
        report = await asyncio.to_thread(class_report, rooms, self.klass.id)
        return [w.ClassReport(reply_to=m.id, class_=self.klass.id, report=report,
                              markdown=report_markdown(report))]

    def _reader(self) -> tuple[Room, str | None]:
        """The room this connection reads and as whom: its seat, or (an observer) none."""
        if self.seat is not None:
            return self.seat
        if self.rooms and self.klass is None:
            return self.rooms[0], None
        raise Refusal("not_joined", "Join a seat or watch a room first.")

    async def on_fetch_since(self, m: w.FetchSince) -> list[Step]:
        """The "since you were here" summary, of the events this seat (or observer) may see."""
        from server.replay.since import since_summary

        room, seat = self._reader()
        # The client counts in its seat's own stream (see streams.py); the summary reads the log.
        summary = since_summary(room.log, seat, room.streams.log_seq(seat, room.log, m.since_seq))
        known = room.streams.count(seat)
        summary = summary.model_copy(update={"since_seq": max(0, min(m.since_seq, known)), "seq": known})
        return [w.SinceLastVisit(reply_to=m.id, room=room.id, summary=summary)]

    async def on_fetch_guide(self, m: w.FetchGuide) -> list[Step]:
        if self.klass is None:
            raise Refusal("not_facilitator", "Only the class's facilitator may see the teacher's guide.")
        text = self.runtime.guide(self.klass.id)
        if text is None:
            raise Refusal("no_guide", f"The scenario {self.klass.scenario!r} has no teacher's guide.")
        return [w.Guide(reply_to=m.id, scenario=self.klass.scenario, markdown=text)]

    async def on_ask_worth(self, m: w.AskWorth) -> list[Step]:
        """A seat's own worth of a package: only its own hidden table is used, nothing else's."""
        if self.seat is None:
            raise Refusal("not_joined", "Only a seat has a worth to ask about: join a seat first.")
        room, delegation = self.seat
        scenario = room.game.scenario
        for issue_id, option_id in m.terms.items():
            issue = scenario.issue(issue_id)
            if issue is None or issue.option(option_id) is None:
                raise Refusal("bad_terms", f"Scenario {scenario.id} has no option {option_id!r} "
                                           f"for issue {issue_id!r}.")
        return [w.Worth(reply_to=m.id, room=room.id, worth=room.game.package_worth(delegation, m.terms))]

    async def on_fetch_notes(self, m: w.FetchNotes) -> list[Step]:
        """A seat's (or observer's) notes older than `before`, in parts that fit a frame."""
        room, seat = self._reader()
        pages = frames.note_pages(n for n in room.notes(seat) if n.seq < m.before) or [[]]
        return [w.Notes(reply_to=m.id, room=room.id, part=n + 1, parts=len(pages), notes=page)
                for n, page in enumerate(pages)]

    async def on_ping(self, m: w.Ping) -> list[Step]:
        return [w.Pong(reply_to=m.id)]

    @staticmethod
    def _check_delegation(room: Room, delegation: str) -> None:
        if delegation not in room.seats:
            raise Refusal("unknown_delegation", f"Room {room.id} has no delegation {w.quote(delegation)} "
                                                f"(its delegations: {', '.join(room.seats)}).")


# Which handler (a Session method's name) takes which message: one table for all connections
# (a per-connection dict of bound methods would cost about 2.5 KB a connection, 20 MB for 8,000).
HANDLERS: dict[type, str] = {
    w.Hello: "on_hello", w.Join: "on_join", w.Resume: "on_resume",
    w.Watch: "on_watch", w.OpenClass: "on_open_class", w.SendCommand: "on_command",
    w.AssignBot: "on_assign_bot", w.ReleaseBot: "on_release_bot",
    w.IssueCode: "on_issue_code", w.ViewAs: "on_view_as", w.FetchLog: "on_fetch_log",
    w.FetchDebrief: "on_fetch_debrief", w.FetchReport: "on_fetch_report",
    w.FetchSince: "on_fetch_since", w.FetchGuide: "on_fetch_guide",
    w.AskWorth: "on_ask_worth", w.FetchNotes: "on_fetch_notes",
    w.SetTeamSize: "on_set_team_size", w.ShareIntent: "on_share_intent", w.Ping: "on_ping",
}


def _frame_id(frame: str | bytes) -> str | None:
    """The `id` of a frame that failed validation, if it has a usable one (for `reply_to`)."""
    try:
        data = json.loads(frame)
    except (ValueError, UnicodeDecodeError):
        return None
    found = data.get("id") if isinstance(data, dict) else None
    if not isinstance(found, str) or not 0 < len(found) <= 64:
        return None
    try:
        found.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON may escape one, no reply can carry it
        return None
    return found


def _explain(exc: ValidationError) -> str:
    """The first problem of a bad frame, as a sentence naming the field."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(w.shorten(str(p)) for p in first["loc"]) or "(frame)"
    if first["type"] == "json_invalid":
        return "The frame is not valid JSON."
    if first["type"] == "union_tag_invalid":
        return f"Unknown message type at {where}: {w.quote(first.get('input', {}).get('type'))}." \
            if isinstance(first.get("input"), dict) else f"Unknown message type at {where}."
    if not first["loc"]:
        return "A frame must be one JSON object: a message with a 'type'."
    if first["type"] == "union_tag_not_found":
        return f"The message at {where} has no 'type'."
    return f"{where}: {first['msg']}."


def _fitted(view: w.SeatView) -> tuple[w.SeatView, int]:
    """`view` with the newest of its notes that fit in one frame (`frames.fit_notes`), and how
    many older ones were left out."""
    _, earlier = frames.fit_notes(dump_view(view))
    return (view.model_copy(update={"notes": (view.notes or [])[earlier:]}) if earlier else view), earlier
