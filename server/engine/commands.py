"""Commands: what a seat, the facilitator or the clock asks the game to do.

A command is only the request. Who asks (`actor`: a delegation id, ``facilitator`` or
``clock``) and when (`at`, seconds since the epoch) travel beside it, filled in by the runtime
from the connection's token and its own clock — a client never chooses them, and the engine
never reads a clock. The wire protocol carries these same models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.engine.text import Answer, Question, Text

FACILITATOR = "facilitator"
CLOCK = "clock"

# Every id a command names (a proposal, issue, option, card, delegation, strategy) is short:
# the engine checks it against what exists, and its refusal quotes it.
Id = Annotated[str, Field(min_length=1, max_length=64)]

TEAM_MAX = 8  # members of one delegation at most (a class of 30 is five teams of six)


class CommandBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- seats


class TableProposal(CommandBase):
    """Put a package (issue -> option, possibly partial) on the table; `amends` cites another."""

    type: Literal["table_proposal"] = "table_proposal"
    terms: dict[Id, Id] = Field(min_length=1, max_length=64)
    amends: Id | None = None


class WithdrawProposal(CommandBase):
    type: Literal["withdraw_proposal"] = "withdraw_proposal"
    proposal: Id


class SupportProposal(CommandBase):
    type: Literal["support_proposal"] = "support_proposal"
    proposal: Id


class MakeStatement(CommandBase):
    """A public statement every seat reads."""

    type: Literal["make_statement"] = "make_statement"
    text: Text


class SendMessage(CommandBase):
    """A private message to one other delegation."""

    type: Literal["send_message"] = "send_message"
    to: Id
    text: Text


class MarkReady(CommandBase):
    """Done with this phase; when every seated delegation is ready, the phase ends."""

    type: Literal["mark_ready"] = "mark_ready"


class SignProposal(CommandBase):
    type: Literal["sign_proposal"] = "sign_proposal"
    proposal: Id


class DeclineProposal(CommandBase):
    type: Literal["decline_proposal"] = "decline_proposal"
    proposal: Id


class SubmitReflection(CommandBase):
    """After the debrief opens: this seat's answers to the reflection questions, in order
    (a later submission replaces an earlier one until the facilitator closes reflections).

    `author` is filled in by the server with the name the seat joined under; what a client
    sends there is replaced."""

    type: Literal["submit_reflection"] = "submit_reflection"
    answers: tuple[Answer, ...] = Field(min_length=1, max_length=12)
    author: Annotated[str, Field(max_length=60)] = ""


class WalkOut(CommandBase):
    """Leave the talks; a party walking out ends the game without agreement."""

    type: Literal["walk_out"] = "walk_out"


# ---------------------------------------------------------------- teams (a delegation of several members)


class SendTeamMessage(CommandBase):
    """A message to the other members of one's own delegation (its team's private channel)."""

    type: Literal["send_team_message"] = "send_team_message"
    text: Text


class HandOverHead(CommandBase):
    """The head of delegation hands signing, declining and walking out to another member."""

    type: Literal["hand_over_head"] = "hand_over_head"
    member: int = Field(ge=1, le=TEAM_MAX)


class SetHead(CommandBase):
    """The facilitator names a delegation's head (who alone signs, declines and walks out)."""

    type: Literal["set_head"] = "set_head"
    delegation: Id
    member: int = Field(ge=1, le=TEAM_MAX)


class JoinTeam(CommandBase):
    """Record that member `member` of a team delegation joined under `name` (the runtime
    sends it when a member's join code is claimed; never over the wire)."""

    type: Literal["join_team"] = "join_team"
    delegation: Id
    member: int = Field(ge=1, le=TEAM_MAX)
    name: Annotated[str, Field(max_length=60)]


# ---------------------------------------------------------------- facilitator


class StartGame(CommandBase):
    type: Literal["start_game"] = "start_game"


class PauseTimer(CommandBase):
    type: Literal["pause"] = "pause"


class ResumeTimer(CommandBase):
    type: Literal["resume"] = "resume"


class ExtendTimer(CommandBase):
    type: Literal["extend"] = "extend"
    seconds: float = Field(gt=0, le=3600)


class AdvancePhase(CommandBase):
    type: Literal["advance"] = "advance"


class InjectEvent(CommandBase):
    """Play a card of the scenario's pressure deck now, whatever its conditions say."""

    type: Literal["inject_event"] = "inject_event"
    card: Id


class Announce(CommandBase):
    type: Literal["announce"] = "announce"
    text: Text


class EndGame(CommandBase):
    type: Literal["end_game"] = "end_game"


class SeatDelegation(CommandBase):
    """Bring an absent delegation (the Western guarantors of Istanbul, say) to the table."""

    type: Literal["seat_delegation"] = "seat_delegation"
    delegation: Id


class UnseatDelegation(CommandBase):
    """Take a guarantor or mediator away from the table (a party leaves only by walking out)."""

    type: Literal["unseat_delegation"] = "unseat_delegation"
    delegation: Id


class SetController(CommandBase):
    """Record who plays a seat: a human, or a bot with a strategy (the runtime decides)."""

    type: Literal["set_controller"] = "set_controller"
    delegation: Id
    controller: Literal["human", "bot"]
    strategy: Id | None = None


class OpenDebrief(CommandBase):
    """Show every delegation's result (and, for review, hidden tables) to everyone, and ask
    the reflection questions: the facilitator's own, or (filled in by the server when none
    are given) the scenario teacher's guide's."""

    type: Literal["open_debrief"] = "open_debrief"
    questions: tuple[Question, ...] = Field(default=(), max_length=10)
    delegation_questions: dict[Id, Question] = Field(
        default_factory=dict, max_length=16, description="One more question for one delegation, by id.")


class CloseReflections(CommandBase):
    """The class is over: reflections can no longer be submitted or revised."""

    type: Literal["close_reflections"] = "close_reflections"


# ---------------------------------------------------------------- clock


class Tick(CommandBase):
    """Time has passed; ends the phase if its deadline is behind `at`."""

    type: Literal["tick"] = "tick"


SeatCommand = (
    TableProposal | WithdrawProposal | SupportProposal | MakeStatement | SendMessage
    | MarkReady | SignProposal | DeclineProposal | WalkOut | SubmitReflection
    | SendTeamMessage | HandOverHead
)
FacilitatorCommand = (
    StartGame | PauseTimer | ResumeTimer | ExtendTimer | AdvancePhase | InjectEvent | Announce
    | EndGame | SeatDelegation | UnseatDelegation | SetController | OpenDebrief | CloseReflections
    | SetHead | JoinTeam
)
Command = Annotated[SeatCommand | FacilitatorCommand | Tick, Field(discriminator="type")]

SEAT_COMMANDS = frozenset(t.model_fields["type"].default for t in SeatCommand.__args__)
FACILITATOR_COMMANDS = frozenset(
    t.model_fields["type"].default for t in FacilitatorCommand.__args__
)
# What only a team's head of delegation may do (any member may draft, table, support and talk).
HEAD_COMMANDS = {"sign_proposal": "sign", "decline_proposal": "decline", "walk_out": "walk out",
                 "hand_over_head": "hand over the lead"}
