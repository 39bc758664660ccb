"""The state of one game: a plain, mutable record that only `evolve.apply` changes.

Mutable on purpose: folding thousands of events must be cheap (the engine's benchmark and the
replay viewer both fold whole logs). Nothing outside the engine holds a reference to it; it
leaves the engine only through `views.view_for`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from server.engine.events import DelegationResult, GameEnded
from server.engine.phases import Phase
from server.engine.schedule import Schedule
from server.scenario.model import Scenario

NoteKind = Literal["statement", "message", "announcement", "intelligence", "team"]
InterimStatus = Literal["holding", "collapsed", "superseded"]  # superseded: by the settlement


@dataclass
class Proposal:
    id: str
    author: str
    terms: dict[str, str]
    round: int
    required: tuple[str, ...]
    amends: str | None = None
    supporters: set[str] = field(default_factory=set)
    signatures: set[str] = field(default_factory=set)
    declines: set[str] = field(default_factory=set)
    withdrawn: bool = False
    settled: bool = False  # signed as an interim agreement: off the table, in force
    member: str | None = None  # the team member who tabled it (team delegations only)

    def is_complete(self, scenario: Scenario) -> bool:
        return len(self.terms) == len(scenario.issues)

    def is_interim(self, scenario: Scenario) -> bool:
        """Settles only issues that may be agreed on their own, each with an option that can."""
        return not self.is_complete(scenario) and is_interim_package(scenario, self.terms)

    def is_signable(self, scenario: Scenario) -> bool:
        return self.is_complete(scenario) or self.is_interim(scenario)

    def votes_cast(self) -> set[str]:
        return self.signatures | self.declines


def is_interim_package(scenario: Scenario, terms: dict[str, str]) -> bool:
    for issue_id, option_id in terms.items():
        issue = scenario.issue(issue_id)
        option = issue.option(option_id) if issue else None
        if issue is None or not issue.interim or option is None or option.interim is None:
            return False
    return bool(terms)


@dataclass
class Interim:
    """An interim agreement: in force from `round` through `until` unless a settlement comes."""

    proposal: str
    terms: dict[str, str]
    signatories: tuple[str, ...]
    round: int
    until: int
    status: InterimStatus = "holding"
    ended_round: int | None = None
    reason: str = ""


@dataclass
class PressureRecord:
    round: int
    card: str
    title: str
    kind: str
    text: str
    told: tuple[str, ...] | None  # None: everyone
    injected: bool
    meters: dict[str, float]
    war_cost: dict[str, float]


@dataclass(slots=True)
class Note:
    """A statement, private message, announcement or intelligence item, in order. (Slots: a
    long game holds thousands, and a field dict each would cost more than the note.)"""

    seq: int
    at: float
    kind: NoteKind
    sender: str | None
    to: tuple[str, ...] | None  # None: public
    text: str
    round: int
    member: str | None = None  # the team member who wrote it (team delegations only)


@dataclass
class Team:
    """A delegation played by several members: who has joined (number -> name) and who leads."""

    members: dict[int, str] = field(default_factory=dict)
    head: int | None = None

    def head_name(self) -> str:
        return self.members.get(self.head, "") if self.head is not None else ""


@dataclass
class Negotiation:
    scenario: Scenario
    seed: int
    time_scale: float
    seated: set[str]
    reservation: dict[str, float]
    war_cost: dict[str, float]
    meters: dict[str, float]
    phase: Phase = Phase.LOBBY
    round: int = 0
    deadline: float | None = None
    paused_remaining: float | None = None
    walked_out: set[str] = field(default_factory=set)
    controllers: dict[str, str] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    ready: set[str] = field(default_factory=set)
    pressure: list[PressureRecord] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cards_played: set[str] = field(default_factory=set)
    interims: list[Interim] = field(default_factory=list)
    agreement: str | None = None
    ending: GameEnded | None = None
    results: dict[str, DelegationResult] = field(default_factory=dict)
    debrief_open: bool = False
    schedule: Schedule | None = None
    reflection_questions: tuple[str, ...] = ()
    delegation_questions: dict[str, str] = field(default_factory=dict)
    reflections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # delegation -> answers
    reflection_authors: dict[str, str] = field(default_factory=dict)
    reflections_closed: bool = False
    # A team delegation's answers per member name (`reflections` keeps the latest of the seat).
    member_reflections: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # delegation -> its team, if several play it
    rounds_lost: int = 0
    seq: int = 0  # events applied so far

    @property
    def paused(self) -> bool:
        return self.paused_remaining is not None

    @property
    def ended(self) -> bool:
        return self.phase is Phase.ENDED

    def in_play(self) -> set[str]:
        """Delegations at the table now: seated and not walked out."""
        return self.seated - self.walked_out

    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals.values() if not p.withdrawn and not p.settled]

    def questions_for(self, delegation: str) -> tuple[str, ...]:
        """The reflection questions `delegation` answers, in order."""
        own = self.delegation_questions.get(delegation)
        return (*self.reflection_questions, own) if own else self.reflection_questions

    def signable_proposals(self) -> list[Proposal]:
        """Open proposals that can be signed: complete ones, and interim ones."""
        return [p for p in self.open_proposals() if p.is_signable(self.scenario)]

    def holding_interims(self) -> list[Interim]:
        return [i for i in self.interims if i.status == "holding"]
