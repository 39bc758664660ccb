"""The wire protocol: every message between a client and the server, as pydantic models.

One JSON object per websocket text frame, with a ``type``. Client messages and server messages
each form a discriminated union on ``type``; `parse_client` / `parse_server` validate a frame
with adapters built once. The Textual client and the bots import this module and nothing else
of the server (it brings the engine's command models with it: a client sends exactly the
command the engine handles).

A session, in short (see docs/protocol.md for the whole story):

    -> hello {protocol: 1}                      <- welcome {protocol: 1}
    -> join {id: "c1", code: "UA-7KQ4", name}   <- joined {reply_to: "c1", token, view}
    -> command {id: "c2", command: {type: "table_proposal", terms: {...}}}
                                                <- update {seq, events, view} (to every seat)
                                                <- ack {reply_to: "c2", seq}
    after a drop, on a new connection:
    -> hello, then resume {id, token, last_seq} <- joined {..., view} + update(s) {events missed}
    -> fetch_notes {id, before} (if joined says earlier_notes > 0)  <- notes parts 1..n

Every command a client sends carries an ``id`` of its choosing; the reply (``ack`` or
``error``) names it in ``reply_to``; the same id sent again (after a reconnect, say) is applied
once and answered with the first reply.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from server.engine.commands import TEAM_MAX as TEAM_MAX  # re-exported: clients offer team sizes up to it
from server.engine.commands import Command, Id
from server.engine.debrief_models import (  # re-exported: the debrief's parts, as every client reads them
    ConcessionPoint as ConcessionPoint,
)
from server.engine.debrief_models import (
    Debrief as Debrief,
)
from server.engine.debrief_models import (
    DelegationOutcome as DelegationOutcome,
)
from server.engine.debrief_models import (
    FrontierAnalysis as FrontierAnalysis,
)
from server.engine.debrief_models import (
    HistoryDebrief as HistoryDebrief,
)
from server.engine.debrief_models import (
    HoldOut as HoldOut,
)
from server.engine.debrief_models import (
    NoDeal as NoDeal,
)
from server.engine.debrief_models import (
    PackageSummary as PackageSummary,
)
from server.engine.debrief_models import (
    Placement as Placement,
)
from server.engine.debrief_models import (
    Trade as Trade,
)
from server.engine.events import (  # re-exported: the events an update carries, as every client reads them
    Announced as Announced,
)
from server.engine.events import (
    DelegationSeated as DelegationSeated,
)
from server.engine.events import (
    DelegationUnseated as DelegationUnseated,
)
from server.engine.events import (
    Event as Event,
)
from server.engine.events import (
    EventBase as EventBase,
)
from server.engine.events import (
    HeadChanged as HeadChanged,
)
from server.engine.events import (
    IntelligenceReceived as IntelligenceReceived,
)
from server.engine.events import (
    MemberJoined as MemberJoined,
)
from server.engine.events import (
    MessageSent as MessageSent,
)
from server.engine.events import (
    PhaseStarted as PhaseStarted,
)
from server.engine.events import (
    PressureDrawn as PressureDrawn,
)
from server.engine.events import (
    ReservationShifted as ReservationShifted,
)
from server.engine.events import (
    StatementMade as StatementMade,
)
from server.engine.events import (
    TeamMessageSent as TeamMessageSent,
)
from server.engine.events import (
    WarCostIncurred as WarCostIncurred,
)
from server.engine.schedule import Schedule
from server.engine.text import TEXT_CHARS as TEXT_CHARS  # re-exported: clients check text length first
from server.engine.text import Name
from server.engine.view_models import (  # re-exported: the seat view's parts, as every client reads them
    CardView as CardView,
)
from server.engine.view_models import (
    EndingView as EndingView,
)
from server.engine.view_models import (
    InterimView as InterimView,
)
from server.engine.view_models import (
    MemberReflection as MemberReflection,
)
from server.engine.view_models import (
    NoteView as NoteView,
)
from server.engine.view_models import (
    PressureView as PressureView,
)
from server.engine.view_models import (
    ProposalView as ProposalView,
)
from server.engine.view_models import (
    PublicDelegation as PublicDelegation,
)
from server.engine.view_models import (
    PublicScenario as PublicScenario,
)
from server.engine.view_models import (
    ReflectionView as ReflectionView,
)
from server.engine.view_models import (
    SeatView as SeatView,
)
from server.engine.view_models import (
    TeamMemberView as TeamMemberView,
)
from server.engine.view_models import (
    TeamView as TeamView,
)
from server.engine.view_models import (
    ViewDelta as ViewDelta,
)
from server.engine.view_models import (
    WorthFigure as WorthFigure,
)
from server.engine.view_models import (
    YouView as YouView,
)
from server.engine.worth import PackageWorth as PackageWorth  # re-exported: the `worth` reply's body
from server.scenario.parts import (  # re-exported: the scenario's parts a seat view holds
    DelegationKind as DelegationKind,
)
from server.scenario.parts import (
    History as History,
)
from server.scenario.parts import (
    Issue as Issue,
)
from server.scenario.parts import (
    Meter as Meter,
)
from server.scenario.parts import (
    Option as Option,
)
from server.scenario.parts import (
    PressureEffect as PressureEffect,
)
from server.scenario.parts import (
    PublicDemand as PublicDemand,
)
from server.scenario.parts import (
    RedLine as RedLine,
)

PROTOCOL_VERSION = 1

# ---------------------------------------------------------------- limits (the one place)
# Every limit a client and the server must agree on lives here, so neither can drift.

MAX_FRAME_BYTES = 64 * 1024
"""The largest frame a client may send; the server closes a connection that sends more (1009)."""
MAX_SERVER_FRAME_BYTES = 1024 * 1024
"""The largest frame the server sends (every client's `max_size`): big replies come in parts."""
MAX_JSON_DEPTH = 32
"""How deeply a client's frame may nest arrays and objects; checked before any parser recurses."""
HELLO_SECONDS = 5.0
"""A connection that has not said hello this long after opening is closed (1008)."""
CONNECTIONS_PER_ADDRESS = 256
"""Open connections the server accepts from one client address (a lab behind one NAT fits)."""
QUOTE_CHARS = 40
"""An error message quotes at most this much of what it refuses."""
MAX_SCENARIO_BYTES = 56 * 1024  # a hosted scenario's text: it must fit in one frame with its message
SEAT_FRAME_BYTES = 60 * 1024
"""The most a `joined`, `watching` or catch-up frame to a seat or observer may hold, however long
the game: under every client's `max_size` (MAX_SERVER_FRAME_BYTES), and under MAX_FRAME_BYTES,
the 64 KiB a bot once accepted. What does not fit — older notes, more missed events — comes in
further frames (`fetch_notes`, more updates)."""
PAGE_BYTES = 48 * 1024
"""The events or notes one such frame carries at most (the rest of it is the envelope and view)."""
CLASS_PART_BYTES = 512 * 1024
"""The most one `class_state` part holds of a class's rooms (a class of 60 rooms comes in parts)."""

# The close code of a connection that lost its seat (`seat_replaced`, `seat_revoked`): a client
# must not reconnect on its own, or two devices on one token would evict each other for ever.
CLOSE_SEAT_LOST = 4001

CommandId = Annotated[str, Field(min_length=1, max_length=64)]
Token = Annotated[str, Field(min_length=1, max_length=128)]
Seq = Annotated[int, Field(ge=0, le=2**53)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ================================================================ client -> server


class Hello(Message):
    """First frame of every connection. Reply: `Welcome`, or `Error(protocol_mismatch)` and close."""

    type: Literal["hello"] = "hello"
    protocol: Annotated[int, Field(ge=0, le=2**31)]
    client: Name = ""


class Join(Message):
    """Take the seat behind a join code. Reply: `Joined` (with the seat token), or `Error`."""

    type: Literal["join"] = "join"
    id: CommandId
    code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Name = ""


class Resume(Message):
    """Come back to a seat (or a facilitator's class) with its token after a drop.

    Reply: `Joined` (seat) or `ClassState` (facilitator), then an `Update` with the events
    missed since `last_seq` (a number of the seat's own stream: the `seq` of its last
    `Update`) — or a fresh view when the gap is too large."""

    type: Literal["resume"] = "resume"
    id: CommandId
    token: Token
    last_seq: Seq = 0


class Watch(Message):
    """Watch a room's public view as an observer. Reply: `Watching`, then `Update`s."""

    type: Literal["watch"] = "watch"
    id: CommandId
    room: Id


class OpenClass(Message):
    """Open a class of `rooms` rooms from a scenario. Reply: `ClassOpened`, or `Error`
    (`bad_key` without the server's instructor key, `quota` past one of its quotas)."""

    type: Literal["open_class"] = "open_class"
    id: CommandId
    key: Token | None = Field(default=None, description="The server's instructor key.")
    scenario: str = Field(default="", max_length=100,
                          description="The id of a scenario the server offers (bundled, or from its "
                                      "--scenarios folder); empty when `scenario_text` is sent.")
    scenario_text: str | None = Field(
        default=None, max_length=MAX_SCENARIO_BYTES,
        description="A scenario file's full text (YAML), checked like a bundled file and kept with "
                    "the class; instead of `scenario`.")
    scenario_file: str = Field(default="", max_length=200,
                               description="The sent file's name, for error messages.")
    rooms: int = Field(default=1, ge=1, le=100)
    bots: Annotated[list[Id], Field(max_length=16)] | Literal["all"] = Field(
        default_factory=list, description="Delegation ids whose seats bots take, or 'all'.")
    time_scale: float = Field(default=1.0, ge=0.001, le=10)
    seed: int | None = Field(default=None, ge=0, le=2**31)
    start: bool = Field(default=False, description="Start every room at once.")
    team_size: int = Field(default=1, ge=1, le=TEAM_MAX,
                           description="Members per human delegation, each with a join code of their own.")
    teams: dict[Id, Annotated[int, Field(ge=1, le=TEAM_MAX)]] = Field(
        default_factory=dict, max_length=32, description="Members of one delegation (by id), instead of team_size.")
    schedule: Schedule | None = Field(
        default=None, description="Phase deadlines over days or at wall-clock times (server.engine.schedule).")


class SendCommand(Message):
    """A game command: a seat acts for itself; the facilitator names the `room`.

    Reply: `Ack` once its events are stored (and sent as `Update`s), or `Error`."""

    type: Literal["command"] = "command"
    id: CommandId
    room: Id | None = None
    command: Command


class AssignBot(Message):
    """Facilitator: give a seat to a bot (`strategy` None: the default). Reply: `Ack`."""

    type: Literal["assign_bot"] = "assign_bot"
    id: CommandId
    room: Id
    delegation: Id
    strategy: Id | None = None


class ReleaseBot(Message):
    """Facilitator: take a seat back from its bot, for a human to rejoin. Reply: `Ack`."""

    type: Literal["release_bot"] = "release_bot"
    id: CommandId
    room: Id
    delegation: Id


class IssueCode(Message):
    """Facilitator: a fresh join code for a seat whose student lost it. The old code and token
    stop working, and a connection holding the seat is closed. Reply: `CodeIssued`."""

    type: Literal["issue_code"] = "issue_code"
    id: CommandId
    room: Id
    delegation: Id
    member: int = Field(default=1, ge=1, le=TEAM_MAX, description="Which member of a team delegation.")


class SetTeamSize(Message):
    """The facilitator makes a delegation a team of `size` members (or a bigger or smaller
    one): a join code for each new member; members who have joined are never taken away."""

    type: Literal["set_team_size"] = "set_team_size"
    id: CommandId
    room: Id
    delegation: Id
    size: int = Field(ge=1, le=TEAM_MAX)


class ShareIntent(Message):
    """A team's member (its head, say) is about to sign, decline or walk out — or no longer
    is (`action` None): shown to the other members of the same delegation only."""

    type: Literal["share_intent"] = "share_intent"
    id: CommandId
    action: Literal["sign", "decline", "walk_out"] | None = None
    proposal: Id | None = None


class ViewAs(Message):
    """Facilitator: one delegation's private view of a room. Reply: `SeatViewReply`."""

    type: Literal["view_as"] = "view_as"
    id: CommandId
    room: Id
    delegation: Id


class FetchLog(Message):
    """Ask for a room's whole event log, for review. Reply: `GameLog` parts 1..n, or `Error`.

    The facilitator may fetch any room of its class at any time; a seat only its own room, and
    only once the facilitator has opened the debrief (`review_not_open` before): the whole log
    holds every seat's secrets. An observer never (`not_joined`). Bots' strategies stay the
    facilitator's: a seat's copy has `strategy: null` in `controller_changed`."""

    type: Literal["fetch_log"] = "fetch_log"
    id: CommandId
    room: Id | None = Field(default=None, description="Needed from the facilitator of several rooms.")


class FetchDebrief(Message):
    """Ask for a finished room's debrief analysis. Reply: `DebriefReport`, or `Error`.

    The facilitator may ask once the game has ended; a seat once the debrief is open
    (`review_not_open` before: it holds every delegation's result); an observer never."""

    type: Literal["fetch_debrief"] = "fetch_debrief"
    id: CommandId
    room: Id | None = Field(default=None, description="Needed from the facilitator of several rooms.")


class FetchReport(Message):
    """Facilitator: the class report, every room side by side. Reply: `ClassReport`."""

    type: Literal["fetch_report"] = "fetch_report"
    id: CommandId


class FetchSince(Message):
    """A seat (or observer) back after a while: what happened after the last event it saw
    (`since_seq`, the `seq` of its last update). Reply: `SinceLastVisit`."""

    type: Literal["fetch_since"] = "fetch_since"
    id: CommandId
    since_seq: int = Field(ge=0)


class FetchGuide(Message):
    """Facilitator: the teacher's guide of the class's scenario. Reply: `Guide`, or `Error`
    `no_guide` when the scenario has none (a scenario sent as a file has none)."""

    type: Literal["fetch_guide"] = "fetch_guide"
    id: CommandId


class AskWorth(Message):
    """A seat asks what a package (possibly partial) would be worth to it if signed now, as it
    will be scored, with the reasons (the composer asks as options are picked). Reply: `Worth`."""

    type: Literal["ask_worth"] = "ask_worth"
    id: CommandId
    terms: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=64)]] = Field(
        max_length=64)


class FetchNotes(Message):
    """A seat (or observer) asks for its notes older than the ones it holds: `joined` and
    `watching` carry only the newest notes that fit in a frame, and say how many are left out
    (`earlier_notes`). `before` is the `seq` of the oldest note held (in the asker's own
    numbering). Reply: `Notes` parts 1..n, oldest first, each under SEAT_FRAME_BYTES."""

    type: Literal["fetch_notes"] = "fetch_notes"
    id: CommandId
    before: Seq


class Ping(Message):
    """Reply: `Pong` with the same id."""

    type: Literal["ping"] = "ping"
    id: CommandId


ClientMessage = Annotated[
    Hello | Join | Resume | Watch | OpenClass | SendCommand | AssignBot | ReleaseBot | IssueCode
    | ViewAs | FetchLog | FetchDebrief | FetchReport | FetchSince | FetchGuide | AskWorth | FetchNotes
    | Ping | SetTeamSize | ShareIntent,
    Field(discriminator="type"),
]


# ================================================================ server -> client


class Welcome(Message):
    """The server's answer to `Hello`. `join_url` is the address students join it at: what
    `parley serve --public-url` says, else its LAN address (for a server bound to 0.0.0.0),
    else the address it listens on; the console's code screen and the code slips show it."""

    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    server: str = "parley"
    join_url: str | None = None


class Joined(Message):
    """You hold a seat. Keep `token` to come back with `Resume`.

    `view` carries the newest notes that fit in the frame; `earlier_notes` counts the older
    ones left out, which `FetchNotes` brings."""

    type: Literal["joined"] = "joined"
    reply_to: str
    token: str
    room: str
    delegation: str
    name: str = ""
    member: int = Field(default=1, description="Which member of the delegation's team this is (1: the only one).")
    view: SeatView
    earlier_notes: int = 0


class Watching(Message):
    """You watch a room (its public view, with notes as in `Joined`)."""

    type: Literal["watching"] = "watching"
    reply_to: str
    room: str
    view: SeatView
    earlier_notes: int = 0


class MemberInfo(Message):
    """One member of a team delegation: their code (the facilitator's only), name once joined,
    presence, and whether they lead the delegation."""

    number: int
    code: str
    name: str | None = None
    connected: bool = False
    head: bool = False


class SeatInfo(Message):
    delegation: str
    code: str
    name: str | None = Field(default=None, description="Who holds the seat now, if anyone (a team's: every member).")
    connected: bool = False
    controller: str = "human"
    members: list[MemberInfo] = Field(default_factory=list, description="A team delegation's members; empty otherwise.")


class TeamIntent(Message):
    """What a member of one's own team is about to do (sent to the other members only)."""

    type: Literal["team_intent"] = "team_intent"
    room: str
    delegation: str
    member: int
    name: str
    head: bool
    action: Literal["sign", "decline", "walk_out"] | None = None
    proposal: str | None = None
    terms: dict[str, str] = Field(default_factory=dict, description="The proposal's terms (issue -> option).")


class RoomInfo(Message):
    room: str
    seats: list[SeatInfo]
    view: SeatView | None = Field(default=None, description="The facilitator's view (notes aside).")


class ClassOpened(Message):
    type: Literal["class_opened"] = "class_opened"
    reply_to: str
    class_: str = Field(alias="class")
    scenario: str
    facilitator_token: str
    rooms: list[RoomInfo]

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ClassState(Message):
    """The facilitator's whole class: every room, its seats and its full view (notes aside).

    A big class comes in several parts, each under CLASS_PART_BYTES: the first answers the
    `resume` (`reply_to`), the others follow at once with `reply_to` null; each adds its rooms."""

    type: Literal["class_state"] = "class_state"
    reply_to: str | None = None
    class_: str = Field(alias="class")
    scenario: str
    rooms: list[RoomInfo]

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Update(Message):
    """Events of one room, as this connection may see them, and what changed in its view.

    `seq` is the last number of *this connection's own stream*: each seat numbers only the
    events it may know of (1, 2, 3...; the facilitator numbers the whole log), so a gap never
    hints at an event it may not see; `events` may be empty (a view refresh). `view` holds
    only the view's top-level keys whose value changed since the view this connection holds
    (the last `joined`/`watching`/`class_state`/update): a statement's update carries `seq`
    and nothing else. Apply it with `merge_view`. `fresh` is true when events were skipped:
    the view this connection was just sent (by `joined`) is the current one."""

    type: Literal["update"] = "update"
    room: str
    seq: int
    events: list[Event] = Field(description="The events, each as the engine's event model "
                                            "(server/engine/events.py), as this seat may see it.")
    view: ViewDelta
    fresh: bool = False


class PresenceChanged(Message):
    """Who is connected to a room changed (sent to the room's seats and facilitator)."""

    type: Literal["presence"] = "presence"
    room: str
    seats: list[SeatInfo]


class CodeIssued(Message):
    """The fresh join code of a seat (then a `PresenceChanged` with it to the facilitator)."""

    type: Literal["code_issued"] = "code_issued"
    reply_to: str
    room: str
    delegation: str
    code: str


class SeatViewReply(Message):
    """One delegation's private view of a room, in reply to the facilitator's ViewAs."""

    type: Literal["seat_view"] = "seat_view"
    reply_to: str
    room: str
    delegation: str
    view: SeatView


class Ack(Message):
    type: Literal["ack"] = "ack"
    reply_to: str
    seq: int | None = None


class Error(Message):
    """A refused message. `code` is stable (see ERROR_CODES); `message` is for people."""

    type: Literal["error"] = "error"
    reply_to: str | None = None
    code: str
    message: str


class GameLog(Message):
    """One part of a room's event log (`dump_event` dicts, in seq order), in reply to FetchLog.

    Long logs come in several parts so no frame grows without bound; join them in `part` order.
    `seat` is the asking token's own delegation (None for the facilitator or an observer)."""

    type: Literal["game_log"] = "game_log"
    reply_to: str
    room: str
    seat: str | None = None
    part: int
    parts: int
    events: list[dict[str, Any]]


class Notes(Message):
    """One part of a seat's (or observer's) older notes, in reply to FetchNotes: oldest first,
    each part under SEAT_FRAME_BYTES; put them, in `part` order, before the notes held."""

    type: Literal["notes"] = "notes"
    reply_to: str
    room: str
    part: int
    parts: int
    notes: list[NoteView]


class DebriefReport(Message):
    """A finished room's debrief (`Debrief`; server/analysis/debrief.py says what each part
    means): terms, every delegation's result, durability and reasons, the agreement placed
    against the Pareto frontier and the Nash point, joint gain left on the table, the trades a
    better deal would have made, concession curves, who held out, and the historical outcome;
    `text` is it as Markdown."""

    type: Literal["debrief_report"] = "debrief_report"
    reply_to: str
    room: str
    debrief: Debrief
    text: str


class ClassReport(Message):
    """The class report (`server.analysis.report.class_report`) and its Markdown rendering."""

    type: Literal["class_report"] = "class_report"
    reply_to: str
    class_: str = Field(alias="class")
    report: dict[str, Any]
    markdown: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Guide(Message):
    """The teacher's guide of a class's scenario, as Markdown."""

    type: Literal["guide"] = "guide"
    reply_to: str
    scenario: str
    markdown: str


class Worth(Message):
    """What `AskWorth`'s package is worth to the asking seat now (`server.engine.worth`)."""

    type: Literal["worth"] = "worth"
    reply_to: str
    room: str
    worth: PackageWorth


class Pong(Message):
    type: Literal["pong"] = "pong"
    reply_to: str


class SinceSummary(Message):
    """What one seat missed (server.replay.since): the span of seqs and the time of the last
    event it had seen, the rounds it covers, quoted lines (proposals, votes, cards, messages to
    it, announcements) and counts of the rest (statements by delegation...)."""

    since_seq: int
    seq: int
    since_at: float | None
    events: int
    from_round: int
    to_round: int
    lines: list[str]
    counts: list[str]


class SinceLastVisit(Message):
    """The "since you were here" summary, in reply to FetchSince."""

    type: Literal["since_last_visit"] = "since_last_visit"
    reply_to: str
    room: str
    summary: SinceSummary


ServerMessage = Annotated[
    Welcome | Joined | Watching | ClassOpened | ClassState | Update | PresenceChanged | CodeIssued
    | SeatViewReply | Ack | Error | GameLog | Notes | DebriefReport | ClassReport | SinceLastVisit | Guide
    | Worth | Pong | TeamIntent,
    Field(discriminator="type"),
]

# Protocol-level error codes; game rule codes come from server.engine.rules.CODES.
ERROR_CODES: dict[str, str] = {
    "bad_message": "the frame is not valid JSON, or not a known message with its fields",
    "too_deep": "the frame nests arrays and objects more deeply than MAX_JSON_DEPTH",
    "hello_timeout": "the connection did not say hello in time",
    "bad_key": "opening a class needs the server's instructor key",
    "quota": "the instructor key has reached one of the server's quotas",
    "unknown_strategy": "no bot strategy has that name",
    "unknown_delegation": "the room has no such delegation",
    "not_facilitator": "only the class's facilitator may do this",
    "not_over_wire": "that command is the server's own (use assign_bot / release_bot)",
    "protocol_mismatch": "the client speaks another protocol version",
    "hello_first": "the first message must be a hello",
    "unknown_code": "no seat has that join code",
    "code_used": "that join code has claimed its seat already (its holder comes back by token)",
    "game_quarantined": "the room's stored log can no longer be played; the other rooms carry on",
    "join_locked": "too many wrong join codes: the error says how long to wait",
    "slow_down": "a whole game log or class report was asked for too often: the error says when to ask again",
    "seat_replaced": "the seat was opened on another connection; this one is closed",
    "seat_revoked": "the facilitator gave the seat a fresh code; this connection's token no longer works",
    "bad_token": "the token is unknown",
    "not_joined": "join a seat (or resume with a token) before sending commands",
    "unknown_room": "no such room",
    "unknown_scenario": "no scenario the server offers has that id",
    "no_guide": "the class's scenario has no teacher's guide",
    "bad_scenario": "the scenario text sent is not a valid scenario (the message names the file and the place)",
    "wrong_room": "the token does not act in that room",
    "review_not_open": "the game's log and debrief open to seats once the facilitator opens the debrief",
    "game_not_over": "the debrief is ready once the game has ended",
    "internal_error": "the server failed; the room carries on",
    "already_bot": "a bot already plays that seat",
    "not_bot": "no bot plays that seat",
    "bad_terms": "a package names an issue or option the scenario does not have",
    "bad_schedule": "the schedule names a round the scenario lacks, or a time already past or out of order",
    "team_with_bot": "bots never join a team with humans in it, nor do teams form around a bot",
    "team_too_small": "a team cannot be made smaller than the members who have joined it",
    "not_a_team": "the seat is played by one person",
}

CLIENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(ClientMessage)
SERVER_ADAPTER: TypeAdapter[Any] = TypeAdapter(ServerMessage)


class TooDeep(ValueError):
    """A frame nests arrays and objects deeper than MAX_JSON_DEPTH."""


_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def check_depth(frame: str | bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise TooDeep if `frame` nests deeper than `limit`: one linear scan, no recursion.

    Strings are skipped whole (a bracket inside a string does not nest); the scan runs only
    when the frame has more brackets than the limit, so an ordinary frame costs two counts."""
    text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise TooDeep(f"The frame nests more than {limit} arrays or objects deep.")
        elif token in "]}":
            depth -= 1


def parse_client(frame: str | bytes) -> Any:
    """A client frame as its message model, strictly typed (no "100" for 100).

    Raises TooDeep before parsing a frame nested too deeply, and pydantic.ValidationError if
    the frame is not a known message with its fields."""
    check_depth(frame)
    return CLIENT_ADAPTER.validate_json(frame, strict=True)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text` cut to `limit` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """`value` for an error message: its repr, cut to `limit` characters."""
    return shorten(repr(value), limit)


def parse_server(frame: str | bytes) -> Any:
    return SERVER_ADAPTER.validate_json(frame)


def merge_view(view: ViewDelta | SeatView, previous: SeatView | None) -> SeatView:
    """The whole view after an `Update`: the view held, with the keys the update changed.

    An update's view carries only what changed (see `Update`); every client keeps the view it
    holds and applies each update's with this, the one place that rule is applied. A full view
    (`joined`, a fresh start) merges to itself. The parts are typed already: nothing is
    validated twice."""
    if isinstance(view, SeatView):
        return view
    if previous is None:
        return SeatView.model_validate(view.model_dump(exclude_unset=True))
    return previous.merged(view)


def encode(message: Message) -> str:
    return message.model_dump_json(by_alias=True)


def protocol_schema() -> dict[str, Any]:
    return {
        "protocol": PROTOCOL_VERSION,
        "client_messages": CLIENT_ADAPTER.json_schema(by_alias=True),
        "server_messages": SERVER_ADAPTER.json_schema(by_alias=True),
    }
