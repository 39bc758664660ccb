"""The scenario file format: pydantic models, with checks across fields.

A scenario is everything a game needs before anyone joins: the delegations and their hidden
constraints, the issues on the agenda, the clock, the pressure-event deck and the outcome model.
Field checks give pydantic's own location (``delegations.2.red_lines.0``); the checks across
fields (`Scenario._check_references`) raise with the same kind of location, so an author always
learns *where* a file is wrong, not just that it is.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import Field, model_validator

from server.scenario.parts import (
    Delegation,
    DelegationKind,
    DurabilityFactor,
    EventCondition,
    Hidden,
    History,
    Identifier,
    InterimTerms,
    Issue,
    Meter,
    Option,
    OptionIds,
    OutcomeModel,
    Phases,
    PressureCard,
    PressureDeck,
    PressureEffect,
    PublicDemand,
    RedLine,
    Strict,
    TermClause,
    TermCondition,
)
from server.scenario.references import reference_problems

# The pieces (server/scenario/parts.py) are importable from here too, as they always were.
__all__ = [
    "Delegation", "DelegationKind", "DurabilityFactor", "EventCondition", "Hidden", "History",
    "Identifier", "InterimTerms", "Issue", "Meter", "Option", "OptionIds", "OutcomeModel",
    "Phases", "PressureCard", "PressureDeck", "PressureEffect", "PublicDemand", "RedLine",
    "Scenario", "Strict", "TermClause", "TermCondition"
]


class Scenario(Strict):
    id: Identifier
    title: str
    briefing: str
    notes: str = Field(default="", description="Sources: which passage each mechanic comes from.")
    rounds: int = Field(ge=1, le=30)
    phases: Phases = Phases()
    delegations: tuple[Delegation, ...] = Field(min_length=2)
    issues: tuple[Issue, ...] = Field(min_length=1)
    meters: tuple[Meter, ...] = ()
    pressure: PressureDeck
    outcome: OutcomeModel = OutcomeModel()
    history: History

    # ------------------------------------------------------------ lookups

    def delegation(self, delegation_id: str) -> Delegation | None:
        return self._delegations_by_id.get(delegation_id)

    def issue(self, issue_id: str) -> Issue | None:
        return self._issues_by_id.get(issue_id)

    # Lookups by id are on every command's path: index once (the model is frozen).
    @cached_property
    def _delegations_by_id(self) -> dict[str, Delegation]:
        return {d.id: d for d in self.delegations}

    @cached_property
    def _issues_by_id(self) -> dict[str, Issue]:
        return {i.id: i for i in self.issues}

    def delegation_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.delegations)

    # ------------------------------------------------------------ checks across fields

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        problems = reference_problems(self)
        if problems:
            raise ValueError("\n".join(f"{path}: {message}" for path, message in problems))
        return self
