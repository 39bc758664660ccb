"""Events: everything that happened in a game, each with who may know of it.

The event log is the game: state is a fold over these (`evolve.apply`), the store keeps them in
order, a replay stops the fold anywhere. Past-tense names; each event carries its `visibility`,
so the runtime can route it without knowing what it means.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.engine.commands import FACILITATOR
from server.engine.phases import Phase
from server.engine.schedule import Schedule
from server.engine.scoring import Durability


class Visibility(BaseModel):
    """public: every seat and observer; seats: those delegations; facilitator: no seat at all.

    `allows` is the one check of who may know of what, everywhere: routing events to
    connections, catching a seat up, projecting views (notes, pressure, results), replays."""

    model_config = ConfigDict(frozen=True)
    scope: Literal["public", "seats", "facilitator"]
    seats: tuple[str, ...] = ()

    def allows(self, seat: str | None) -> bool:
        """May `seat` know of it? A delegation id; FACILITATOR, who knows of everything; or
        None, an observer, who knows only what is public."""
        if self.scope == "public" or seat == FACILITATOR:
            return True
        return self.scope == "seats" and seat is not None and seat in self.seats

    @staticmethod
    def to(audience: tuple[str, ...] | None) -> Visibility:
        """The visibility of something addressed to `audience` (None: everyone), a note say."""
        return PUBLIC if audience is None else _addressed(audience)


PUBLIC = Visibility(scope="public")
FACILITATOR_ONLY = Visibility(scope="facilitator")


def only(*seats: str) -> Visibility:
    return Visibility(scope="seats", seats=tuple(sorted(set(seats))))


@functools.lru_cache(maxsize=4096)
def _addressed(audience: tuple[str, ...]) -> Visibility:
    return only(*audience)  # views ask for every note on every fresh view: made once per audience


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str  # each event narrows it to its own literal
    at: float
    visibility: Visibility = PUBLIC
    # Which member of a team delegation did it (their name), on the events a member's own
    # command made (a statement, a signature...); absent for one-person seats and old logs.
    member: str | None = Field(default=None, exclude_if=lambda v: v is None)


class GameCreated(EventBase):
    """The scenario in full (hidden tables included), so a log is readable on its own."""

    type: Literal["game_created"] = "game_created"
    scenario: dict[str, Any]
    seed: int
    time_scale: float
    seated: tuple[str, ...]
    schedule: Schedule | None = None  # deadlines over days (schedule.py); None: the scenario's lengths
    visibility: Visibility = FACILITATOR_ONLY


class PhaseStarted(EventBase):
    type: Literal["phase_started"] = "phase_started"
    phase: Phase
    round: int
    deadline: float | None


class PressureDrawn(EventBase):
    """A card of the pressure deck played this round (drawn or injected)."""

    type: Literal["pressure_drawn"] = "pressure_drawn"
    card: str
    title: str
    kind: str
    text: str
    round: int
    injected: bool = False
    meters: dict[str, float] = {}
    war_cost: dict[str, float] = {}


class IntelligenceReceived(EventBase):
    type: Literal["intelligence_received"] = "intelligence_received"
    delegation: str
    text: str
    card: str | None = None


class ReservationShifted(EventBase):
    type: Literal["reservation_shifted"] = "reservation_shifted"
    delegation: str
    delta: float
    value: float
    cause: str


class WarCostIncurred(EventBase):
    """The cost of another round of war to one delegation, told only to it."""

    type: Literal["war_cost_incurred"] = "war_cost_incurred"
    costs: dict[str, float]
    round: int


class ProposalTabled(EventBase):
    type: Literal["proposal_tabled"] = "proposal_tabled"
    proposal: str
    author: str
    terms: dict[str, str]
    amends: str | None = None
    round: int
    required: tuple[str, ...]


class ProposalWithdrawn(EventBase):
    type: Literal["proposal_withdrawn"] = "proposal_withdrawn"
    proposal: str
    delegation: str


class ProposalSupported(EventBase):
    type: Literal["proposal_supported"] = "proposal_supported"
    proposal: str
    delegation: str


class StatementMade(EventBase):
    type: Literal["statement_made"] = "statement_made"
    delegation: str
    text: str


class MessageSent(EventBase):
    type: Literal["message_sent"] = "message_sent"
    sender: str
    to: str
    text: str


class ReadyMarked(EventBase):
    type: Literal["ready_marked"] = "ready_marked"
    delegation: str


class ProposalSigned(EventBase):
    type: Literal["proposal_signed"] = "proposal_signed"
    proposal: str
    delegation: str


class ProposalDeclined(EventBase):
    type: Literal["proposal_declined"] = "proposal_declined"
    proposal: str
    delegation: str


class AgreementSigned(EventBase):
    type: Literal["agreement_signed"] = "agreement_signed"
    proposal: str
    terms: dict[str, str]
    signatories: tuple[str, ...]


class InterimAgreed(EventBase):
    """An interim agreement (issues agreed on their own): in force, and the game goes on."""

    type: Literal["interim_agreed"] = "interim_agreed"
    proposal: str
    terms: dict[str, str]
    signatories: tuple[str, ...]
    round: int
    until: int
    meters: dict[str, float] = {}


class InterimCollapsed(EventBase):
    """An interim agreement broke down: no political settlement followed it."""

    type: Literal["interim_collapsed"] = "interim_collapsed"
    proposal: str
    round: int
    reason: str


class WalkedOut(EventBase):
    type: Literal["walked_out"] = "walked_out"
    delegation: str


class TimerPaused(EventBase):
    type: Literal["timer_paused"] = "timer_paused"
    remaining: float | None


class TimerResumed(EventBase):
    type: Literal["timer_resumed"] = "timer_resumed"
    deadline: float | None


class TimerExtended(EventBase):
    type: Literal["timer_extended"] = "timer_extended"
    seconds: float
    deadline: float | None
    remaining: float | None


class Announced(EventBase):
    type: Literal["announced"] = "announced"
    text: str


class DelegationSeated(EventBase):
    type: Literal["delegation_seated"] = "delegation_seated"
    delegation: str


class DelegationUnseated(EventBase):
    """The facilitator took a guarantor or mediator away from the table."""

    type: Literal["delegation_unseated"] = "delegation_unseated"
    delegation: str


class SignersChanged(EventBase):
    """Who must sign a proposal changed because the table changed (seated, unseated, left)."""

    type: Literal["signers_changed"] = "signers_changed"
    proposal: str
    required: tuple[str, ...]


class ControllerChanged(EventBase):
    """Who plays a seat. Facilitator-only: views show human or bot, never the bot's strategy."""

    type: Literal["controller_changed"] = "controller_changed"
    delegation: str
    controller: Literal["human", "bot"]
    strategy: str | None = None


class DelegationResult(BaseModel):
    """One delegation's score.

    `worth`: what the agreement is worth to it (points weighed by durability, less red lines
    and commitments), or its reservation value when there is none; `result` = worth - the war
    cost it paid; `surplus` = worth - reservation (what the agreement gained over no deal, both
    paying the same war). `worth` is None in logs from before the war cost was counted, whose
    `result` is the worth."""

    delegation: str
    points: float
    red_lines_crossed: list[str]
    reservation: float
    result: float
    surplus: float
    war_cost: float
    worth: float | None = None
    commitment: float = 0.0


class GameEnded(EventBase):
    """The public outcome: terms (or none), durability with its reasons, rounds lost."""

    type: Literal["game_ended"] = "game_ended"
    reason: Literal["agreement", "walkout", "last_round", "facilitator"]
    terms: dict[str, str] | None
    signatories: tuple[str, ...] = ()
    durability: Durability | None
    rounds_lost: int
    delay_reason: str


class ResultScored(EventBase):
    """One delegation's own result, told only to it (and the facilitator)."""

    type: Literal["result_scored"] = "result_scored"
    result: DelegationResult


class DebriefOpened(EventBase):
    """Every delegation's result, made public by the facilitator for the debrief, and the
    reflection questions every seat is asked (plus one per delegation, where the guide has one)."""

    type: Literal["debrief_opened"] = "debrief_opened"
    results: list[DelegationResult]
    questions: tuple[str, ...] = ()
    delegation_questions: dict[str, str] = {}


class ReflectionSubmitted(EventBase):
    """A seat's answers to the reflection questions (the latest counts). Facilitator-only:
    no other seat or observer learns of it, nor does any log a seat can fetch hold it."""

    type: Literal["reflection_submitted"] = "reflection_submitted"
    delegation: str
    author: str
    answers: tuple[str, ...]
    visibility: Visibility = FACILITATOR_ONLY


class ReflectionsClosed(EventBase):
    type: Literal["reflections_closed"] = "reflections_closed"


class MemberJoined(EventBase):
    """Member `member` (1, 2...) of a team delegation joined under `name`; told to the team."""

    type: Literal["member_joined"] = "member_joined"
    delegation: str
    number: int
    name: str


class HeadChanged(EventBase):
    """Who leads a team delegation (signs, declines, walks out): the first member to join,
    the facilitator's choice, or the head's own hand-over; told to the team."""

    type: Literal["head_changed"] = "head_changed"
    delegation: str
    number: int
    name: str
    by: Literal["joined_first", "facilitator", "hand_over"]


class TeamMessageSent(EventBase):
    """A message on a team's private channel: only that delegation's members (and the
    facilitator) ever learn of it."""

    type: Literal["team_message_sent"] = "team_message_sent"
    delegation: str
    text: str


# Events a delegation's own command makes, stamped with the member who sent it (a team's).
MEMBER_ACTS = frozenset({"proposal_tabled", "proposal_withdrawn", "proposal_supported", "statement_made",
                         "message_sent", "ready_marked", "proposal_signed", "proposal_declined",
                         "walked_out", "team_message_sent", "reflection_submitted"})

# Events that stay with their team even in the whole log opened for review after the debrief:
# a team's private channel, and who is in it and leads it.
TEAM_PRIVATE = frozenset({"team_message_sent", "member_joined", "head_changed"})

# Events no seat ever reads, not even in the whole log opened for review after the debrief.
FACILITATOR_FOREVER = frozenset({"reflection_submitted"})

Event = Annotated[
    GameCreated | PhaseStarted | PressureDrawn | IntelligenceReceived | ReservationShifted
    | WarCostIncurred | ProposalTabled | ProposalWithdrawn | ProposalSupported | StatementMade
    | MessageSent | ReadyMarked | ProposalSigned | ProposalDeclined | AgreementSigned
    | InterimAgreed | InterimCollapsed | WalkedOut
    | TimerPaused | TimerResumed | TimerExtended | Announced | DelegationSeated
    | DelegationUnseated | SignersChanged | ControllerChanged | GameEnded | ResultScored | DebriefOpened
    | ReflectionSubmitted | ReflectionsClosed | MemberJoined | HeadChanged | TeamMessageSent,
    Field(discriminator="type"),
]
