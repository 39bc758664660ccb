"""The runtime: every class and room of one server, their tokens, bots, and recovery.

Theory of operation
-------------------
`open_class` creates one game per room (`Game.create`), one join code and (later) one token
per seat, and a facilitator token for the class, and commits all of it before answering.
Tokens are looked up by their hash in memory; codes by their text.

`start()` recovers after a restart (or a crash): every unfinished game is rebuilt from its
event log (`Game.from_events`), its recent command replies are reloaded (so a re-sent
command is still applied once), its bots are started again and its timer resumes. Finished
games are loaded only when someone asks for them.

Timers across a restart: the time a server is down is not charged to the players. When a
running, unpaused game is recovered, the runtime records a pause *at the time of its last
event* (so the phase keeps the remaining time it had then) and a resume now; both are
ordinary facilitator events in the log (`timer_paused`, `timer_resumed`), so a replay shows
the outage and folds to the same deadlines. A game with a schedule (deadlines over days) is
the exception: its deadlines are dates on the students' screens and stay where they are; a
phase whose deadline passed while the server was down ends at that deadline on start-up.

`wake_timers()` makes every room look at its deadline again at once: a test that moves an
injected clock calls it (the timers also look again every minute by themselves).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from server.bots.runner import start_bot
from server.engine import FACILITATOR, Game, RuleViolation
from server.engine.commands import (
    CommandBase,
    JoinTeam,
    OpenDebrief,
    PauseTimer,
    ResumeTimer,
    SetController,
    StartGame,
    SubmitReflection,
)
from server.engine.events import ControllerChanged, EventBase
from server.engine.schedule import Schedule, ScheduleError, check_schedule
from server.protocol.wire import ClassOpened, RoomInfo, SeatInfo, quote
from server.runtime.bots import bot_seed, check_strategy
from server.runtime.catalogue import Catalogue, hosted
from server.runtime.errors import Refusal
from server.runtime.interning import ScenarioCache
from server.runtime.limits import JoinGuard, ReadLimits, SeatLimits
from server.runtime.room import Room, SeatSlot, game_status
from server.runtime.tokens import code_key, new_code, new_id, new_token, token_hash
from server.scenario.model import Scenario
from server.scenario.reflection import reflection_questions
from server.store import ClassInfo, EventRow, SeatRecord, Store, StoredEventError

log = logging.getLogger(__name__)

CATCHUP_LIMIT = 500  # a returning client further behind than this gets a fresh view


@dataclass
class ClassRecord:
    id: str
    scenario: str
    facilitator_hash: str
    rooms: list[str] = field(default_factory=list)


class Runtime:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time,
                 catchup_limit: int = CATCHUP_LIMIT, catalogue: Catalogue | None = None) -> None:
        self.store = store
        self.catalogue = catalogue or Catalogue()
        self.clock = clock
        self.catchup_limit = catchup_limit
        self.rooms: dict[str, Room] = {}
        self.classes: dict[str, ClassRecord] = {}
        self._codes: dict[str, tuple[str, str, int]] = {}   # code_key(code) -> (room, delegation, member)
        self._tokens: dict[str, tuple[str, str, int]] = {}  # token hash -> (room, delegation, member)
        self._facilitators: dict[str, str] = {}         # token hash -> class
        self._scenarios = ScenarioCache()
        self.join_guard = JoinGuard()
        self.seat_limits = SeatLimits()
        self.read_limits = ReadLimits()  # whole-log reads, per seat and per class
        self.quarantined: dict[str, str] = {}           # room id -> why its log cannot be played

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Load classes and seats, and bring every unfinished game back to life."""
        for info in self.store.classes():
            record = ClassRecord(info.id, info.scenario, info.facilitator_hash, list(info.games))
            self.classes[info.id] = record
            self._facilitators[info.facilitator_hash] = info.id
        for seat in self.store.seats():
            self._codes[code_key(seat.code)] = (seat.game, seat.delegation, seat.member)
            if seat.token_hash:
                self._tokens[seat.token_hash] = (seat.game, seat.delegation, seat.member)
        for game in self.store.list_games():
            if game.status != "ended":
                try:
                    await self._recover(game.id)
                except Exception as exc:
                    await self._quarantine(game.id, exc)

    async def _recover(self, room_id: str) -> None:
        room = self._load(room_id)
        self._check_bots(room)  # before anything is stored: a game set aside is left unchanged
        await self._restore_timer(room)
        room.timer.start()  # only now: the outage must be recorded before any tick
        self._restart_bots(room)

    async def _quarantine(self, room_id: str, exc: Exception) -> None:
        """Set aside a game whose log can no longer be played (its room refuses everyone with
        `game_quarantined`); nothing of it is changed, so it can be mended and reloaded."""
        room = self.rooms.pop(room_id, None)
        if room is not None:
            for handle in list(room.bots.values()):
                await _stop_bot(handle)
            await room.timer.stop()
        reason = str(exc) if isinstance(exc, StoredEventError) else f"game {room_id}: {type(exc).__name__}: {exc}"
        self.quarantined[room_id] = reason
        log.error("quarantined %s; every other game carries on", reason,
                  exc_info=not isinstance(exc, StoredEventError))

    def wake_timers(self) -> None:
        """Every room's timer looks at its deadline again now (after the clock jumped)."""
        for room in self.rooms.values():
            room.timer.wake()

    async def stop(self) -> None:
        for room in list(self.rooms.values()):
            for handle in list(room.bots.values()):
                await _stop_bot(handle)
            room.bots.clear()
            await room.timer.stop()
        await asyncio.get_running_loop().run_in_executor(None, self.store.close)

    def _load(self, room_id: str) -> Room:
        info = self.store.game(room_id)
        if info is None:
            raise KeyError(room_id)
        log_ = self.store.events(room_id)
        seats = [SeatSlot(s.delegation, s.code, s.token_hash, s.name, s.member) for s in self.store.seats(room_id)]
        game = _rebuild(room_id, log_)
        self._scenarios.intern(game, log_)
        room = Room(room_id, info.class_id, game, log_, seats, self.store, self.clock)
        room.restore_replies(self.store.replies(room_id, 256))
        self.rooms[room_id] = room
        return room

    async def _restore_timer(self, room: Room) -> None:
        state = room.game.state
        if state.ended or state.paused or state.deadline is None or not room.log:
            return
        if state.schedule is not None:
            # A scheduled game's deadlines are dates the students were shown: the outage does
            # not move them, and a phase whose deadline passed meanwhile ends at that deadline
            # as soon as the timer runs (see RoomTimer).
            return
        # One transaction: a crash can leave the game as it was or paused-and-resumed, never
        # paused for good (the next start would see a paused game, and leave it be).
        await room.submit_all(FACILITATOR, [(PauseTimer(), max(room.log[-1].at, 0.0)), (ResumeTimer(), None)])

    @staticmethod
    def _bot_seats(room: Room) -> list[str]:
        state = room.game.state
        return [d for d, controller in state.controllers.items() if controller == "bot" and d in state.in_play()]

    def _check_bots(self, room: Room) -> None:
        """StoredEventError if a seat's bot names a strategy this server does not have."""
        for delegation in self._bot_seats(room):
            seq, strategy = _bot_strategy(room, delegation)
            try:
                check_strategy(strategy)
            except Refusal as exc:
                raise StoredEventError(room.id, seq, "controller_changed", ValueError(exc.message)) from None

    def _restart_bots(self, room: Room) -> None:
        for delegation in self._bot_seats(room):
            seq, strategy = _bot_strategy(room, delegation)
            try:
                self._start_bot(room, delegation, strategy)
            except Refusal as exc:
                log.warning("room %s: %s's bot not restarted: %s", room.id, delegation, exc.message)
            except Exception as exc:  # a bot that cannot start: its game is set aside, not the server
                raise StoredEventError(room.id, seq, "controller_changed", exc) from exc

    # ------------------------------------------------------------ lookups

    def room(self, room_id: str) -> Room:
        """The room (loading a finished game's room on demand); KeyError if there is none,
        Refusal(game_quarantined) if its log can no longer be played."""
        room = self.rooms.get(room_id)
        if room is None:
            if room_id in self.quarantined:
                raise Refusal("game_quarantined", f"Room {room_id} cannot be played: its stored log could not "
                                                  "be rebuilt (the server's log says why). Other rooms carry on.")
            try:
                room = self._load(room_id)
            except StoredEventError as exc:
                self.quarantined[room_id] = str(exc)
                log.error("quarantined %s; every other game carries on", exc)
                return self.room(room_id)
            room.timer.start()
        return room

    def class_rooms(self, klass: ClassRecord) -> list[Room]:
        """The rooms of a class that can be played (quarantined ones left out)."""
        rooms = []
        for room_id in klass.rooms:
            try:
                rooms.append(self.room(room_id))
            except Refusal:
                continue
        return rooms

    def find_room(self, room_id: str) -> Room:
        try:
            return self.room(room_id)
        except KeyError:
            raise Refusal("unknown_room", f"There is no room {quote(room_id)}.") from None

    def seat_for_code(self, code: str, address: str) -> tuple[Room, str, int]:
        """The seat (room, delegation, team member) a join code claims, if its address may
        try a code now (see JoinGuard)."""
        self.join_guard.check(address)
        found = self._codes.get(code_key(code))
        if found is None:
            self.join_guard.failed(address)
            raise Refusal("unknown_code", f"No seat has the join code {code[:16]!r}; check it with your facilitator.")
        return self.room(found[0]), found[1], found[2]

    def seat_for_token(self, token: str) -> tuple[Room, str] | None:
        found = self.member_for_token(token)
        return (found[0], found[1]) if found else None

    def member_for_token(self, token: str) -> tuple[Room, str, int] | None:
        """The seat a token holds, and which member of its team (1 for a one-person seat)."""
        found = self._tokens.get(token_hash(token))
        return (self.room(found[0]), found[1], found[2]) if found else None

    def class_for_token(self, token: str) -> ClassRecord | None:
        class_id = self._facilitators.get(token_hash(token))
        return self.classes[class_id] if class_id else None

    # ------------------------------------------------------------ seats

    async def claim_seat(self, room: Room, delegation: str, name: str, address: str, member: int = 1) -> str:
        """Spend the seat's (the team member's) join code: a token for it, stored before it is
        returned (the name it is held under is then the slot's `name`).

        A code claims its seat once: a seat that has a token already is refused (its holder
        comes back with `resume`; a lost token is replaced by a fresh code, `issue_code`).
        A team's member is recorded in the log (`member_joined`; the first to join leads),
        under a name no other member of the team has."""
        seat = room.members[delegation][member]
        if room.game.state.controllers.get(delegation) == "bot":
            raise Refusal("code_used", f"A bot plays {delegation}; ask the facilitator to release the seat.")
        if seat.token_hash is not None:
            self.join_guard.failed(address)
            raise Refusal("code_used", "That join code has been used already. If the seat is yours, "
                                       "your client comes back to it by itself; if not, ask the "
                                       "facilitator for a fresh code.")
        if room.is_team(delegation):
            name = _unique_name(name or f"Member {member}",
                                [m.name for n, m in room.members[delegation].items() if n != member])
        token = new_token()
        await self.store.update_seat(room.id, delegation, token_hash(token), name, member)
        seat.token_hash, seat.name = token_hash(token), name
        self._tokens[seat.token_hash] = (room.id, delegation, member)
        await self.record_member(room, delegation, member)
        return token

    async def record_member(self, room: Room, delegation: str, member: int) -> None:
        """Put a team member who holds a token into the game's log, if it does not know them
        under that name yet (after a join, or on resume if a crash came in between)."""
        seat = room.members[delegation][member]
        if not room.is_team(delegation) or seat.token_hash is None:
            return
        team = room.game.state.teams.get(delegation)
        if team is None or team.members.get(member) != seat.name:
            await room.submit(FACILITATOR, JoinTeam(delegation=delegation, member=member, name=seat.name))

    async def issue_code(self, room: Room, delegation: str, member: int = 1) -> str:
        """A fresh join code for a seat (a team's member); its old code and token stop working,
        and a connection holding it is told so and closed. Stored before it is returned."""
        seat = room.members[delegation].get(member)
        if seat is None:
            raise Refusal("unknown_member", f"{delegation} has no member {member} "
                                            f"(it has {len(room.members[delegation])}).")
        code = self._new_code(room, delegation)
        await self.store.reissue_code(room.id, delegation, code, member)
        self._codes.pop(code_key(seat.code), None)
        if seat.token_hash:
            self._tokens.pop(seat.token_hash, None)
        seat.code, seat.token_hash = code, None
        self._codes[code_key(code)] = (room.id, delegation, member)
        room.audience.evict(delegation, "seat_revoked", "The facilitator gave this seat a fresh join code, so this "
                                               "connection's token no longer works. Join with the new code.",
                            member=member)
        room.audience.announce_presence()
        return code

    def _new_code(self, room: Room, delegation: str) -> str:
        found = room.game.state.scenario.delegation(delegation)
        return new_code(found.code if found else delegation[:3].upper(), self._codes)

    async def set_team_size(self, room: Room, delegation: str, size: int) -> None:
        """Make `delegation` a team of `size` members: a code for each new member, stored
        before anyone is told; unclaimed codes beyond `size` are taken away. Refused for a
        seat a bot plays, and below the members who have joined."""
        if room.game.state.controllers.get(delegation) == "bot" and size > 1:
            raise Refusal("team_with_bot", f"A bot plays {delegation}; bots never join a team with humans. "
                                           "Release the bot first.")
        slots = room.members[delegation]
        joined = [n for n, m in slots.items() if m.token_hash is not None and n > size]
        if joined:
            raise Refusal("team_too_small", f"Member {joined[0]} of {delegation} ({slots[joined[0]].name}) has "
                                            f"joined already: the team cannot be smaller than {max(joined)}.")
        added = [SeatSlot(delegation, self._new_code(room, delegation), member=n)
                 for n in range(1, size + 1) if n not in slots]
        if added:
            await self.store.add_seats([SeatRecord(room.id, delegation, s.code, member=s.member) for s in added])
        for n in [n for n in slots if n > size]:
            await self.store.remove_seat(room.id, delegation, n)
            self._codes.pop(code_key(slots.pop(n).code), None)
        for slot in added:
            slots[slot.member] = slot
            self._codes[code_key(slot.code)] = (room.id, delegation, slot.member)
        for n in sorted(slots):  # members who joined before the seat was a team now count as one
            await self.record_member(room, delegation, n)
        room.audience.announce_presence()

    # ------------------------------------------------------------ classes

    async def open_class(self, scenario_id: str, rooms: int = 1,
                         bots: Sequence[str] | Literal["all"] = (), time_scale: float = 1.0,
                         seed: int | None = None, start: bool = False, scenario_text: str | None = None,
                         scenario_file: str = "", schedule: Schedule | None = None,
                         team_size: int = 1, teams: Mapping[str, int] | None = None) -> ClassOpened:
        """Open `rooms` rooms of an offered scenario (by id) or of a sent scenario's text; the
        wire `ClassOpened` (reply_to ""). Nothing is stored unless every check passes.

        With a `schedule`, phases end at its deadlines (days, wall-clock times) instead of
        the scenario's lengths times `time_scale`. With `team_size` (or `teams`, per
        delegation) above 1, each human delegation is played by that many members, each with
        a join code of their own; bots play alone."""
        offered = hosted(scenario_text, scenario_file) if scenario_text is not None else self.catalogue.get(scenario_id)
        scenario = offered.scenario
        if not 1 <= rooms <= 100:
            raise Refusal("bad_message", f"A class has 1 to 100 rooms, not {rooms}.")
        if not 0 < time_scale <= 10:
            raise Refusal("bad_message", f"time_scale must be in (0, 10], not {time_scale}.")
        if schedule is not None:
            try:
                check_schedule(schedule, scenario.rounds, self.clock())
            except ScheduleError as exc:
                raise Refusal("bad_schedule", f"The schedule does not fit {scenario.id}: {exc}") from None
        seated = [d.id for d in scenario.delegations if not d.absent]
        bot_seats = seated if bots == "all" else [seated_id(scenario, b) for b in bots]
        if teams and team_size != 1:
            raise Refusal("bad_message", f"Give team_size (members of every delegation) or teams (members of "
                                         f"some, by id), not both: team_size {team_size} and teams for "
                                         f"{', '.join(sorted(teams))[:80]}.")
        teams = {seated_id(scenario, d): n for d, n in (teams or {}).items()}
        botted = [d for d in bot_seats if teams.get(d, 1) > 1]
        if botted:
            raise Refusal("team_with_bot", f"A bot plays {botted[0]}: bots never join a team with humans, "
                                           "so it cannot be given team members.")
        sizes = {d.id: 1 if d.id in bot_seats or d.absent else teams.get(d.id, team_size)
                 for d in scenario.delegations}
        facilitator_token = new_token()
        record = ClassRecord(self._new_class_id(), scenario.id, token_hash(facilitator_token))
        base_seed = secrets.randbelow(2**31) if seed is None else seed
        now = self.clock()
        built: list[Room] = []
        for n in range(rooms):
            game, created = Game.create(scenario, seed=base_seed + n, at=now, time_scale=time_scale,
                                        schedule=schedule)
            self._scenarios.intern(game, created)
            seats = []
            for d in scenario.delegations:
                for member in range(1, sizes[d.id] + 1):
                    seats.append(SeatSlot(d.id, new_code(d.code, self._codes), member=member))
                    self._codes[code_key(seats[-1].code)] = ("", d.id, member)  # taken: no two alike
            room = Room(f"{record.id}-{n + 1}", record.id, game, created, seats, self.store, self.clock)
            for s in seats:
                self._codes[code_key(s.code)] = (room.id, s.delegation, s.member)
            built.append(room)
        info = ClassInfo(record.id, scenario.id, now, record.facilitator_hash,
                         {"rooms": rooms, "bots": bot_seats, "time_scale": time_scale,
                          "seed": base_seed, "scenario": offered.record(),
                          "scheduled": schedule is not None}, ())
        await self.store.create_class(
            info, [(r.id, [EventRow(i + 1, e) for i, e in enumerate(r.log)], game_status(r.game)) for r in built],
            [SeatRecord(r.id, s.delegation, s.code, member=s.member)
             for r in built for slots in r.members.values() for s in slots.values()])
        self.classes[record.id] = record
        self._facilitators[record.facilitator_hash] = record.id
        for room in built:
            record.rooms.append(room.id)
            self.rooms[room.id] = room
            room.timer.start()
            for delegation in bot_seats:
                await self.assign_bot(room, delegation, None)
            if start:
                await room.submit(FACILITATOR, StartGame())
        return ClassOpened(reply_to="", class_=record.id, scenario=scenario.id,
                           facilitator_token=facilitator_token,
                           rooms=[self.room_info(self.rooms[r], True, with_view=False) for r in record.rooms])

    def guide(self, class_id: str) -> str | None:
        """The teacher's guide of the class's scenario, if it has one (see Catalogue.guide)."""
        info = self.store.class_info(class_id)
        if info is None:
            return None
        return self.catalogue.guide(info.options.get("scenario"), info.scenario)

    def _new_class_id(self) -> str:
        while True:
            class_id = new_id()
            if class_id not in self.classes and self.store.class_info(class_id) is None:
                return class_id

    def complete_command(self, room: Room, actor: str, command: CommandBase, member: int = 1) -> CommandBase:
        """What only the server may fill in: a reflection's author (the name the seat — the
        team member — joined under, whatever the client sent) and, when the facilitator gives
        none, the reflection questions of the scenario's teacher's guide."""
        if isinstance(command, SubmitReflection) and actor in room.members:
            slot = room.members[actor].get(member) or room.seats[actor]
            return command.model_copy(update={"author": slot.name})
        if isinstance(command, OpenDebrief) and actor == FACILITATOR and not command.questions:
            questions, own = reflection_questions(room.game.scenario.id)
            return command.model_copy(update={"questions": questions, "delegation_questions": own})
        return command

    def room_info(self, room: Room, for_facilitator: bool, with_view: bool = True) -> RoomInfo:
        return RoomInfo(room=room.id, seats=room.seat_infos(for_facilitator),
                        view=room.seat_view(FACILITATOR, include_notes=False) if with_view else None)

    # ------------------------------------------------------------ bots

    async def assign_bot(self, room: Room, delegation: str, strategy: str | None) -> None:
        """Give the seat to a bot: record it (ControllerChanged), then start the bot."""
        if delegation in room.bots:
            raise Refusal("already_bot", f"A bot already plays {delegation}.")
        humans = [m.name or f"member {n}" for n, m in room.members.get(delegation, {}).items() if m.token_hash]
        if room.is_team(delegation) and humans:
            raise Refusal("team_with_bot", f"A team plays {delegation} ({', '.join(humans)}): bots never "
                                           "join a team with humans in it.")
        check_strategy(strategy)  # before the ControllerChanged naming it is stored
        await room.submit(FACILITATOR, SetController(delegation=delegation, controller="bot", strategy=strategy))
        self._start_bot(room, delegation, strategy)

    async def release_bot(self, room: Room, delegation: str) -> None:
        handle = room.bots.pop(delegation, None)
        if handle is None and room.game.state.controllers.get(delegation) != "bot":
            raise Refusal("not_bot", f"No bot plays {delegation}.")
        if handle is not None:
            await _stop_bot(handle)
        await room.submit(FACILITATOR, SetController(delegation=delegation, controller="human"))

    def _start_bot(self, room: Room, delegation: str, strategy: str | None) -> None:
        seed = bot_seed(room.game.state.seed, room.id, delegation)
        room.bots[delegation] = start_bot(room, delegation, strategy, seed)


def _unique_name(name: str, taken: Sequence[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... if another member of the team has it already."""
    found, n = name, 1
    while found in taken:
        n += 1
        found = f"{name} ({n})"
    return found


def _bot_strategy(room: Room, delegation: str) -> tuple[int, str | None]:
    """The seq of the event that gave `delegation` to its bot, and the strategy it named."""
    found = room.log.last_of(ControllerChanged, lambda e: e.delegation == delegation)
    return (found[0], found[1].strategy) if found else (0, None)


def _rebuild(room_id: str, log_: list[EventBase]) -> Game:
    """The game folded from its log; StoredEventError names the event that cannot be applied."""
    at = 0

    def counted() -> Iterator[EventBase]:
        nonlocal at
        for index, event in enumerate(log_, start=1):
            at = index  # read by the handler below: the event being applied when it failed
            yield event

    try:
        return Game.from_events(counted())
    except Exception as exc:
        kind = log_[at - 1].type if 0 < at <= len(log_) else "none"
        raise StoredEventError(room_id, at, kind, exc) from exc


async def _stop_bot(handle: Any) -> None:
    try:
        await handle.stop()
    except Exception:
        log.exception("a bot failed to stop")


def seated_id(scenario: Scenario, given: str) -> str:
    """The id of the seated delegation `given` names: its id, or its id or name in any case
    ("Russia", "russian federation"), as a teacher types it in the console's form."""
    seated = [d for d in scenario.delegations if not d.absent]
    wanted = given.strip().casefold()
    for d in seated:
        if wanted in (d.id.casefold(), d.name.casefold()):
            return d.id
    raise Refusal("unknown_delegation", f"No seated delegation {quote(given)} in {scenario.id}; seated: "
                                        + ", ".join(f"{d.name} ({d.id})" for d in seated) + ".")


__all__ = ["CATCHUP_LIMIT", "ClassRecord", "Refusal", "Room", "RuleViolation", "Runtime", "SeatInfo"]

