"""The seat view as typed data: what `views.view_for` returns and the wire carries.

A view is everything one seat may know now (see server/engine/views.py for who sees what).
These models give it a shape the protocol's JSON Schema describes and a client reads as
attributes. They live in the engine, beside `view_for`, because the engine builds them and
may not import the protocol; server/protocol/wire.py re-exports every one.

The JSON a view dumps to (`model_dump(mode="json")`) is the one the server has always sent,
key for key and in the same order: keys that only some views carry (a team's `team`, the
facilitator's `reflections`, a team member's `member` on a proposal or note...) are left out
when they are None, never sent as null. Views are never changed once built
(`frozen`): the server shares their parts between seats and over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from server.engine.events import PUBLIC, DelegationResult, GameEnded, Visibility
from server.engine.phases import Phase
from server.engine.state import InterimStatus, NoteKind
from server.scenario.parts import DelegationKind, History, Issue, Meter, Phases, PressureEffect, PublicDemand, RedLine


def _absent(value: object) -> bool:
    return value is None


class ViewPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorthFigure(ViewPart):
    """What a package is worth to the seat if signed now by those who can sign it (the figure
    beside each proposal; the reasons in full come with the `worth` reply)."""

    result: float | None = Field(description="What it would score (None: the package is incomplete).")
    margin: float | None = Field(description="Its worth less the reservation value (None: incomplete).")
    reservation: float
    points_on_paper: float
    points: float
    complete: bool
    durability_included: bool
    red_lines_crossed: list[str] = Field(description="The labels of the seat's red lines it crosses.")
    red_line_penalty: float
    signer_names: list[str]
    commitment: float
    war_cost: float
    absent: list[str] = Field(description="Clauses naming someone not at the table: 'issue title: names'.")


class ProposalView(ViewPart):
    id: str
    author: str
    terms: dict[str, str] = Field(description="Issue id -> option id.")
    round: int
    amends: str | None
    required: list[str] = Field(description="The delegations whose signatures it needs now.")
    supporters: list[str]
    signatures: list[str]
    declines: list[str]
    withdrawn: bool
    settled: bool = Field(description="Signed as an interim agreement: off the table, in force.")
    worth: WorthFigure | None = Field(description="Its worth to this seat (None for observers, "
                                                   "the facilitator, withdrawn proposals and in-process bots).")
    worths: dict[str, WorthFigure] | None = Field(
        default=None, exclude_if=_absent,
        description="Every delegation's worth figure (the facilitator's replay only; absent otherwise).")
    member: str | None = Field(default=None, exclude_if=_absent,
                               description="The team member who tabled it (team delegations only).")


class InterimView(ViewPart):
    proposal: str
    terms: dict[str, str]
    signatories: list[str]
    round: int
    until: int
    status: InterimStatus
    ended_round: int | None
    reason: str


class PressureView(ViewPart):
    """A pressure card played, as this seat was told of it."""

    round: int
    card: str
    title: str
    kind: str
    text: str
    injected: bool
    meters: dict[str, float]
    war_cost: dict[str, float] = Field(description="The card's war-cost changes this seat may know of: its own.")


class EndingView(GameEnded):
    """How the game ended (the `game_ended` event, without its visibility)."""

    visibility: SkipJsonSchema[Visibility] = Field(default=PUBLIC, exclude=True)


class YouView(ViewPart):
    """A delegation's own hidden constraints and position."""

    delegation: str
    points: dict[str, dict[str, float]] = Field(description="Issue id -> option id -> points.")
    commitments: dict[str, dict[str, float]]
    red_lines: list[RedLine]
    reservation: float = Field(description="What no deal is worth to it now.")
    starting_reservation: float
    war_cost: float = Field(description="The war it has paid for so far.")
    signature_required: bool
    intelligence: list[str]


class TeamMemberView(ViewPart):
    number: int
    name: str
    head: bool


class TeamView(ViewPart):
    """A team delegation's members (shown only to its own members and the facilitator)."""

    members: list[TeamMemberView]
    head: int | None
    head_name: str


class MemberReflection(ViewPart):
    author: str
    answers: list[str]


class ReflectionView(ViewPart):
    author: str
    answers: list[str]
    questions: list[str]
    members: list[MemberReflection] | None = Field(default=None, exclude_if=_absent,
                                                   description="A team's: every member's own answers.")


class NoteView(ViewPart):
    """A line of the table's talk: a statement, message, announcement, intelligence, team note."""

    seq: int = Field(description="The seat's own number of the event that made it.")
    at: float
    kind: NoteKind
    sender: str | None
    to: list[str] | None = Field(description="Who may read it (None: everyone).")
    text: str
    round: int
    member: str | None = Field(default=None, exclude_if=_absent,
                               description="The team member who wrote it (team delegations only).")


class PublicDelegation(ViewPart):
    id: str
    name: str
    code: str
    kind: DelegationKind
    brief: str
    public_demands: list[PublicDemand]
    absent: bool


class CardView(ViewPart):
    """A pressure card of the deck: its title for everyone; what it says and does (`text`,
    `told`, `effects`) for the facilitator only."""

    id: str
    title: str
    kind: Literal["battlefield", "political"]
    text: str | None = Field(default=None, exclude_if=_absent)
    told: Literal["all"] | list[str] | None = Field(default=None, exclude_if=_absent)
    effects: PressureEffect | None = Field(default=None, exclude_if=_absent)


class PublicScenario(ViewPart):
    """The scenario as every seat may read it."""

    id: str
    title: str
    briefing: str
    rounds: int
    phases: Phases
    issues: list[Issue]
    meters: list[Meter]
    delegations: list[PublicDelegation]
    cards: list[CardView]
    history: History | None = Field(default=None, exclude_if=_absent,
                                    description="The historical outcome: once the game has ended.")


class SeatView(ViewPart):
    """Everything one seat (a delegation, the facilitator, or an observer: `seat` None) may
    know of a room now. `seq` is the seat's own stream number."""

    seat: str | None
    seq: int
    phase: Phase
    round: int
    deadline: float | None
    paused_remaining: float | None
    seated: list[str]
    walked_out: list[str]
    controllers: dict[str, str] = Field(description="Delegation -> 'human' or 'bot'.")
    ready: list[str]
    meters: dict[str, float]
    proposals: list[ProposalView]
    agreement: str | None
    interims: list[InterimView]
    pressure: list[PressureView]
    ending: EndingView | None
    debrief_open: bool
    results: dict[str, DelegationResult] = Field(description="The results this seat may know: its own "
                                                             "until the debrief opens, then everyone's.")
    you: YouView | None = Field(description="The seat's own hidden constraints (None: observer, facilitator).")
    hidden: dict[str, YouView] | None = Field(description="Every delegation's (the facilitator's view only).")
    reflection_questions: list[str]
    reflections_closed: bool
    scenario: PublicScenario | None = Field(default=None, exclude_if=_absent,
                                            description="Sent in full views; updates leave it out unless it changed.")
    team: TeamView | None = Field(default=None, exclude_if=_absent,
                                  description="The seat's own team, if several people play it.")
    reflections: dict[str, ReflectionView] | None = Field(default=None, exclude_if=_absent,
                                                          description="The facilitator's view only.")
    teams: dict[str, TeamView] | None = Field(default=None, exclude_if=_absent,
                                              description="Every team delegation (the facilitator's view only).")
    notes: list[NoteView] | None = Field(default=None, exclude_if=_absent,
                                         description="The newest notes that fit (`earlier_notes` counts the rest).")

    def merged(self, delta: ViewDelta) -> SeatView:
        """This view with the keys an update changed (their values are typed already)."""
        changed = {name: getattr(delta, name) for name in delta.model_fields_set}
        return self.model_copy(update=changed) if changed else self

    def as_delta(self) -> ViewDelta:
        """Every key of this view as an update carries them (to a connection holding nothing)."""
        return ViewDelta(**dict(self))


def _delta_fields() -> dict[str, Any]:
    return {name: Annotated[cast(Any, info.annotation) | None, Field(default=None, description=info.description)]
            for name, info in SeatView.model_fields.items()}


if TYPE_CHECKING:
    class ViewDelta(ViewPart):
        """The keys of a seat's view an update changed (typed as in `SeatView`)."""

        def __getattr__(self, name: str) -> Any: ...
else:
    ViewDelta = create_model(
        "ViewDelta", __base__=ViewPart, __module__=__name__,
        __doc__="The keys of a seat's view an update changed, each typed as in `SeatView`; a key "
                "absent from it keeps the value held (`SeatView.merged`).", **_delta_fields())
