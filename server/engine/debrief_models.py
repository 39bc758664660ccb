"""The debrief of a finished game as typed data: what the `debrief_report` reply carries.

`server.analysis.debrief.debrief_report(events)` builds a `Debrief`; its docstring says what
every part means (the deal made against the deals that were possible, the concession curves,
who held out, the historical terms scored). These models give it a shape the protocol's JSON
Schema describes and a client reads as attributes. They live in the engine, beside the seat
view's models, because the protocol may not import the analysis; server/protocol/wire.py
re-exports every one.

The JSON a `Debrief` dumps to is the one the server has always sent, key for key and in the
same order (tests/test_debrief_models.py compares the frames over whole bot games): a key
whose value is none is sent as null, as it always was. Numbers are floats rounded to cents
unless their field says otherwise.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.engine.lessons import Lesson
from server.engine.scoring import Durability
from server.engine.view_models import InterimView
from server.engine.whatif import WhatIf
from server.figures import number, signed_number
from server.scenario.parts import History


class DebriefPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DebriefScenario(DebriefPart):
    id: str
    title: str


class IssueLabels(DebriefPart):
    """An issue's title and its options' labels, by id (for rendering terms)."""

    id: str
    title: str
    options: dict[str, str]


class CrossedRedLine(DebriefPart):
    id: str
    label: str


class DelegationOutcome(DebriefPart):
    """One delegation's scored result (its `result_scored` event), named, with its kind."""

    delegation: str
    name: str
    kind: str
    points: float
    reservation: float
    result: float = Field(description="worth - war_cost")
    surplus: float = Field(description="worth - reservation")
    war_cost: float
    worth: float | None = Field(description="None in logs from before the war cost was counted.")
    commitment: float
    red_lines_crossed: list[CrossedRedLine]


class PackageSummary(DebriefPart):
    """A complete package and what it is worth to every delegation at the table."""

    terms: dict[str, str]
    results: dict[str, float]
    gains: dict[str, float] = Field(description="result - reservation, by delegation.")
    joint_gain: float = Field(description="The sum of the table's gains.")
    in_zone: bool


class Trade(DebriefPart):
    """An issue a better deal settles differently: the agreed option and the better one."""

    issue: str
    agreed: str
    better: str


class Placement(DebriefPart):
    """A complete package placed against the Pareto frontier and the Nash point."""

    package: PackageSummary
    on_frontier: bool
    distance: float = Field(description="Euclidean, over the table's results, to the nearest frontier "
                                        "package that beats it for everyone at the table.")
    joint_gain_left: float | None = Field(description="The zone's greatest joint gain minus this one.")
    joint_gain_vs_nash: float | None = Field(description="The Nash point's joint gain minus this one.")
    better_deal: PackageSummary | None
    trades: list[Trade]
    nash_trades: list[Trade]


class NoDeal(DebriefPart):
    """What no deal cost: everyone kept its reservation value, a joint gain of zero."""

    joint_gain_lost_vs_nash: float | None
    joint_gain_lost_vs_best: float | None
    best_packages: list[PackageSummary]


class FrontierAnalysis(DebriefPart):
    """The outcome against every package the scenario allows (counts are whole numbers)."""

    packages: int
    zone: int
    frontier: int
    table: list[str]
    reservations: dict[str, float]
    nash: PackageSummary | None
    greatest_joint_gain: PackageSummary | None
    agreement: Placement | None = Field(description="None without an agreement.")
    no_deal: NoDeal | None = Field(description="None with an agreement.")


class HistoryDebrief(History):
    """The scenario's history, with its terms scored like any package (`scored`, in the
    history's round and with its signatures) and placed against this game's frontier; all
    three None when the history leaves an issue open."""

    package: PackageSummary | None
    placed: Placement | None
    scored: WhatIf | None


class ConcessionPoint(DebriefPart):
    """One proposal a delegation tabled, worth `worth` points on its author's own table."""

    round: int
    proposal: str
    worth: float
    reservation: float
    complete: bool = Field(description="Whether it settled every issue.")


class Declined(DebriefPart):
    """A complete package a delegation declined, and what it was worth to it as the game ended."""

    proposal: str
    terms: dict[str, str]
    margin: float | None
    red_lines: list[str]

    def reason(self) -> str:
        if self.red_lines:
            return "across its red line " + "; ".join(f"\u201c{label}\u201d" for label in self.red_lines)
        if self.margin is None:
            return "its worth unknown"
        return f"{signed_number(self.margin)} to it against no deal"


class HoldOut(DebriefPart):
    """One delegation's refusal: a walkout, or the packages it declined, and what it shows."""

    delegation: str
    name: str
    kind: str
    action: Literal["walked_out", "declined"]
    round: int
    declined: list[Declined] = []
    lesson: str | None
    text: str


class Debrief(DebriefPart):
    """A finished game's debrief (see server/analysis/debrief.py for what each part means)."""

    scenario: DebriefScenario
    issues: list[IssueLabels]
    reason: Literal["agreement", "walkout", "last_round", "facilitator"]
    terms: dict[str, str] | None
    signatories: list[str]
    durability: Durability | None
    rounds_played: int
    rounds_lost: int
    delay_reason: str
    delegations: list[DelegationOutcome] = Field(description="In the scenario's order of delegations.")
    history: HistoryDebrief
    analysis: FrontierAnalysis | None = Field(description="None when the space is too large to enumerate.")
    analysis_note: str = Field(description="Why there is no analysis (empty when there is one).")
    interims: list[InterimView]  # as the seat view shows it
    lessons: list[Lesson]
    concessions: dict[str, list[ConcessionPoint]]
    held_out: list[HoldOut] = Field(description="Empty unless the game ended without an agreement.")

    def name_of(self, delegation: str) -> str:
        """A delegation's name (its id when it has no result here)."""
        return next((r.name for r in self.delegations if r.delegation == delegation), delegation)

    def joint_gain_text(self, package: PackageSummary) -> str:
        """"the table's joint gain 19.25 (Turkey (host) mediating, not counted)": the joint gain is
        the table's (parties and guarantors); a mediator's gain, listed beside it, is not in it."""
        table = self.analysis.table if self.analysis else list(package.gains)
        left_out = ", ".join(self.name_of(d) for d in package.gains if d not in table)
        return (f"the table's joint gain {number(package.joint_gain)}"
                + (f" ({left_out} mediating, not counted)" if left_out else ""))

    def issue(self, issue_id: str) -> IssueLabels | None:
        return next((i for i in self.issues if i.id == issue_id), None)
