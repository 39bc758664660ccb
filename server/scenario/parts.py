"""The pieces of a scenario file, as pydantic models: delegations and their hidden tables, issues
and options, phases, meters, the pressure deck, the outcome model and the history.

`server.scenario.model.Scenario` puts them together and checks across them
(server/scenario/references.py); import them from either module.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]


class Strict(BaseModel):
    """Base for every scenario model: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DelegationKind(StrEnum):
    PARTY = "party"
    GUARANTOR = "guarantor"
    MEDIATOR = "mediator"


# ---------------------------------------------------------------- issues and options


class InterimTerms(Strict):
    """What an option does when it is agreed on its own, as an interim agreement.

    It takes effect at once (`meters`), spares each delegation `relief` of its war cost per
    round while it holds, and collapses after `rounds` resolution phases unless a political
    settlement is signed first ("a ceasefire cannot be achieved without a political agreement")."""

    relief: float = Field(ge=0, le=1, description="Share of each round's war cost it spares while it holds.")
    rounds: int = Field(ge=1, le=30, description="Resolution phases it holds, counting the round it is signed in.")
    meters: dict[Identifier, float] = Field(default={}, description="Meter changes when it is signed.")
    collapse: str = Field(description="What the table is told when it collapses.")


class Option(Strict):
    id: Identifier
    label: str
    description: str = ""
    requires: tuple[Identifier, ...] = Field(
        default=(),
        description="Delegations whose signature this option needs ('nothing about the West "
        "without the West').",
    )
    weightless_as: Identifier | None = Field(
        default=None,
        description="If a delegation named in `requires` is not seated and so cannot sign, the "
        "clause counts as this option of the same issue when scoring (a guarantee without "
        "the guarantor's signature is weightless).",
    )
    interim: InterimTerms | None = Field(
        default=None,
        description="If the issue may be agreed on its own: what this option does as an interim "
        "agreement. An option without it cannot be part of one.",
    )


class Issue(Strict):
    id: Identifier
    title: str
    description: str = ""
    options: tuple[Option, ...] = Field(min_length=2)
    interim: bool = Field(
        default=False,
        description="May be agreed on its own, before a complete settlement (an interim "
        "agreement: the 2025 step-by-step track).",
    )

    def option(self, option_id: str) -> Option | None:
        return self._options_by_id.get(option_id)

    @cached_property
    def _options_by_id(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}


# ---------------------------------------------------------------- conditions on terms

OptionIds = tuple[Identifier, ...]


class TermClause(Strict):
    """True when the package's option for `issue` is among `is_` (or not among `not_`)."""

    issue: Identifier
    is_: OptionIds | None = Field(default=None, alias="is")
    not_: OptionIds | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _exactly_one_test(self) -> TermClause:
        if (self.is_ is None) == (self.not_ is None):
            raise ValueError("a clause needs exactly one of 'is' or 'not'")
        return self


class TermCondition(Strict):
    """A test on a package of terms: every clause of `all`, one of `any`, none of `none`."""

    all: tuple[TermClause, ...] = ()
    any: tuple[TermClause, ...] = ()
    none: tuple[TermClause, ...] = ()
    unbacked: bool | None = Field(
        default=None,
        description="True: holds when some clause names a delegation that did not sign it.",
    )
    unsigned: tuple[Identifier, ...] = Field(
        default=(),
        description="Holds only when at least one of these delegations (parties or guarantors) "
        "did not sign the agreement: absent, unseated or walked out ('nothing about the West "
        "without the West').",
    )

    def clauses(self) -> tuple[TermClause, ...]:
        return self.all + self.any + self.none


# ---------------------------------------------------------------- delegations


class RedLine(Strict):
    """A combination of options the delegation must not sign (all of `terms` together)."""

    id: Identifier
    label: str
    terms: dict[Identifier, OptionIds] = Field(
        min_length=1,
        description="issue -> options; the red line is crossed when every listed issue takes "
        "one of its listed options.",
    )


class Hidden(Strict):
    points: dict[Identifier, dict[Identifier, float]] = Field(
        description="issue -> option -> points on this delegation's own table."
    )
    red_lines: tuple[RedLine, ...] = ()
    reservation: float = Field(description="What no deal is worth to this delegation now.")
    reservation_drift: float = Field(
        default=0.0, description="Change of the reservation value at each resolution phase."
    )
    war_cost_per_round: float = Field(
        default=0.0, ge=0, description="War cost this delegation bears each round of fighting."
    )
    commitments: dict[Identifier, dict[Identifier, float]] = Field(
        default={},
        description="issue -> option -> what committing to that clause costs this delegation "
        "(a guarantor's obligation to act). Subtracted after durability weighs the points: "
        "a commitment costs the same however long the agreement holds.",
    )
    intelligence: tuple[str, ...] = ()
    signature_required: bool = True


class PublicDemand(Strict):
    """A position the delegation takes in public, and the options it publicly rules out."""

    label: str
    rules_out: dict[Identifier, OptionIds] = Field(
        min_length=1, description="issue -> the options this demand publicly rules out."
    )


class Delegation(Strict):
    id: Identifier
    name: str
    code: str = Field(pattern=r"^[A-Z]{2,3}$", description="Join-code prefix, e.g. UA.")
    kind: DelegationKind
    brief: str
    public_demands: tuple[PublicDemand, ...] = Field(
        default=(),
        description="What it demands in public (everyone reads them): opening bids, not the "
        "limits of the possible; the debrief sets them beside what it signed.",
    )
    absent: bool = Field(
        default=False,
        description="Not seated unless the facilitator seats someone (a human or a bot).",
    )
    hidden: Hidden

    @property
    def signs(self) -> bool:
        return self.kind is not DelegationKind.MEDIATOR and self.hidden.signature_required


# ---------------------------------------------------------------- clock, meters, pressure


class Phases(Strict):
    """Length of each phase in seconds (before the game's time scale)."""

    pressure: float = Field(default=20, gt=0)
    negotiation: float = Field(default=300, gt=0)
    decision: float = Field(default=90, gt=0)
    resolution: float = Field(default=15, gt=0)


class Meter(Strict):
    id: Identifier
    label: str
    start: float = 0
    min: float = 0
    max: float = 100


class EventCondition(Strict):
    min_round: int = Field(default=1, ge=1)
    max_round: int | None = None
    meters_at_least: dict[Identifier, float] = {}
    meters_at_most: dict[Identifier, float] = {}
    once: bool = True


class PressureEffect(Strict):
    reservation: dict[Identifier, float] = {}
    war_cost: dict[Identifier, float] = {}
    meters: dict[Identifier, float] = {}


class PressureCard(Strict):
    id: Identifier
    title: str
    kind: Literal["battlefield", "political"]
    text: str = Field(description="What the delegations in `told` read.")
    weight: float = Field(gt=0)
    when: EventCondition = EventCondition()
    effects: PressureEffect = PressureEffect()
    told: Literal["all"] | tuple[Identifier, ...] = Field(
        default="all", description="Who is told the event: 'all', or a list of delegations."
    )
    private: dict[Identifier, str] = Field(
        default={}, description="Delegation -> what only it learns (intelligence)."
    )


class PressureDeck(Strict):
    draws_per_round: int = Field(default=1, ge=0, le=5)
    cards: tuple[PressureCard, ...] = Field(min_length=1)


# ---------------------------------------------------------------- outcome model


class DurabilityFactor(Strict):
    id: Identifier
    lesson: str = Field(description="The rule of thumb this factor teaches.")
    when: TermCondition
    effect: float = Field(ge=-1, le=1)
    reason: str = Field(description="The sentence the debrief shows when the factor applies.")

    @property
    def when_it_fires(self) -> str:
        """The reason up to its quotation of the essay, for a table a teacher reads instead of
        the id: "Territory is settled while Ukraine has no real guarantee"."""
        return re.split(r":\s*[\"“]|\s+[\"“]", self.reason, maxsplit=1)[0].strip().rstrip(".:,;")


class OutcomeModel(Strict):
    base_durability: float = Field(default=0.5, ge=0, le=1)
    factors: tuple[DurabilityFactor, ...] = ()
    red_line_penalty: float = Field(default=60, ge=0)
    durability_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of an agreement's points that depends on its durability: "
        "result = points * (1 - w + w * durability) - penalties.",
    )
    delay_reason: str = Field(
        default="Every round without a ceasefire costs every side.",
        description="What the debrief says beside the number of rounds lost.",
    )


class History(Strict):
    summary: str
    terms: dict[Identifier, Identifier] = {}
    signed_by: tuple[Identifier, ...] = Field(
        default=(),
        description="Who put their names to the historical terms (default: every party and "
        "guarantor not absent, and any mediator a clause names), for scoring them.",
    )
    round: int = Field(default=1, ge=1, description="The round the historical terms belong to.")
    agreement_signed: bool = False
    durability_note: str = ""
