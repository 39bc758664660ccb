"""The outcome model: what a package of terms is worth to each delegation, and how long it holds.

Pure functions of a scenario and a package (issue -> option). The essay's lessons live in the
scenario's durability factors; this module only evaluates them:

* a clause that names a delegation who did not sign is *weightless*: it is scored as the
  option's ``weightless_as`` (a guarantee without the guarantor is no guarantee);
* durability = base + the effects of every factor whose condition holds, clamped to [0.02, 0.98];
* worth = points * (1 - w + w * durability) - red_line_penalty * red lines crossed
  - the cost of the commitments the delegation takes on (outside the weighting);
* a delegation's *result* (outcome.py) is that worth less the war cost it paid before the
  agreement: the same package signed later is worth less to every party.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from server.scenario.model import Delegation, RedLine, Scenario, TermClause, TermCondition

Terms = Mapping[str, str]

MIN_DURABILITY = 0.02
MAX_DURABILITY = 0.98


class DurabilityReason(BaseModel):
    factor: str
    lesson: str
    reason: str
    effect: float


class Durability(BaseModel):
    score: float
    label: str
    reasons: list[DurabilityReason]


def required_signatories(scenario: Scenario, terms: Terms, seated: Collection[str]) -> set[str]:
    """Who must sign `terms`: every party and guarantor at the table, plus any other seated
    delegation a clause names (a mediator whose guarantee it is).

    A guarantor at the table signs every agreement, not only the clauses naming it: "nothing
    about the West without the West"; their "signatures were essential to making any
    agreement viable"."""
    required = {d.id for d in scenario.delegations if d.signs and d.id in seated}
    for issue_id, option_id in terms.items():
        issue = scenario.issue(issue_id)
        option = issue.option(option_id) if issue else None
        if option is not None:
            required.update(name for name in option.requires if name in seated)
    return required


def unbacked_clauses(scenario: Scenario, terms: Terms, signed: Collection[str]) -> dict[str, list[str]]:
    """issue -> the delegations its chosen option names who did not sign."""
    missing: dict[str, list[str]] = {}
    for issue_id, option_id in terms.items():
        issue = scenario.issue(issue_id)
        option = issue.option(option_id) if issue else None
        if option is not None:
            absent = [name for name in option.requires if name not in signed]
            if absent:
                missing[issue_id] = absent
    return missing


def effective_terms(scenario: Scenario, terms: Terms, signed: Collection[str] | None) -> dict[str, str]:
    """Terms as they will work: unbacked clauses replaced by their weightless fallback.

    `signed=None` means "assume every named delegation signs" (how a package reads on paper).
    """
    if signed is None:
        return dict(terms)
    effective = dict(terms)
    for issue_id in unbacked_clauses(scenario, terms, signed):
        issue = scenario.issue(issue_id)
        option = issue.option(terms[issue_id]) if issue else None
        if option is not None and option.weightless_as is not None:
            effective[issue_id] = option.weightless_as
    return effective


def points(delegation: Delegation, terms: Terms) -> float:
    table = delegation.hidden.points
    return sum(table[issue][option] for issue, option in terms.items() if issue in table)


def red_line_crossed(red_line: RedLine, terms: Terms) -> bool:
    return all(terms.get(issue) in options for issue, options in red_line.terms.items())


def red_lines_crossed(delegation: Delegation, terms: Terms) -> list[RedLine]:
    return [r for r in delegation.hidden.red_lines if red_line_crossed(r, terms)]


def _clause_holds(clause: TermClause, terms: Terms) -> bool:
    chosen = terms.get(clause.issue)
    if clause.is_ is not None:
        return chosen in clause.is_
    return chosen not in (clause.not_ or ())


def condition_holds(condition: TermCondition, terms: Terms, unbacked: bool = False,
                    signed: Collection[str] | None = None) -> bool:
    """Does `condition` hold for `terms` signed by `signed` (None: by everyone it names)?"""
    if condition.unbacked is not None and condition.unbacked != unbacked:
        return False
    if condition.unsigned and (signed is None or all(d in signed for d in condition.unsigned)):
        return False
    if not all(_clause_holds(c, terms) for c in condition.all):
        return False
    if condition.any and not any(_clause_holds(c, terms) for c in condition.any):
        return False
    return not any(_clause_holds(c, terms) for c in condition.none)


def durability_label(score: float) -> str:
    if score < 0.3:
        return "fragile: likely to break within a year"
    if score < 0.55:
        return "shaky: may hold a few years"
    if score < 0.75:
        return "workable: likely to hold for years"
    return "durable: built to last"


def durability(scenario: Scenario, terms: Terms, signed: Collection[str] | None = None) -> Durability:
    """The durability estimate of an agreement on `terms`, with every reason that moved it."""
    unbacked = signed is not None and bool(unbacked_clauses(scenario, terms, signed))
    effective = effective_terms(scenario, terms, signed)
    reasons = [
        DurabilityReason(factor=f.id, lesson=f.lesson, reason=f.reason, effect=f.effect)
        for f in scenario.outcome.factors
        if condition_holds(f.when, effective if f.when.unbacked is None else terms, unbacked, signed)
    ]
    raw = scenario.outcome.base_durability + sum(r.effect for r in reasons)
    score = round(min(MAX_DURABILITY, max(MIN_DURABILITY, raw)), 3)
    return Durability(score=score, label=durability_label(score), reasons=reasons)


@dataclass(frozen=True)
class Valuation:
    """What an agreement is worth to one delegation, term by term of the formula.

    `worth` is the number scored; the other fields say how it was reached, so that what a
    seat is shown (`server.engine.worth`) and what it is scored (`outcome`) are one sum."""

    points: float              # on its own table, each clause as it will work
    multiplier: float          # 1 - w + w * durability
    red_lines: tuple[RedLine, ...]
    penalty: float             # red_line_penalty * red lines crossed
    commitment: float          # what the clauses it is bound by cost it (outside the weighting)
    worth: float


def commitment_cost(delegation: Delegation, terms: Terms) -> float:
    """What the commitments of `terms` (as they will work) cost `delegation`."""
    table = delegation.hidden.commitments
    return sum(table[issue].get(option, 0.0) for issue, option in terms.items() if issue in table)


def valuation(scenario: Scenario, delegation: Delegation, terms: Terms, durability_score: float,
              signed: Collection[str] | None = None) -> Valuation:
    """A delegation's valuation of an agreement: points weighed by durability, less red lines
    and the cost of the commitments it takes on.

    A commitment is outside the weighting: a guarantor pays for its obligation to act however
    long the peace holds, so a more durable agreement does not make committing free ("The West
    Is Unwilling to Assume Responsibility")."""
    effective = effective_terms(scenario, terms, signed)
    weight = scenario.outcome.durability_weight
    multiplier = 1 - weight + weight * durability_score
    table_points = points(delegation, effective)
    crossed = tuple(red_lines_crossed(delegation, terms))
    penalty = scenario.outcome.red_line_penalty * len(crossed)
    commitment = commitment_cost(delegation, effective)
    value = table_points * multiplier
    value -= penalty
    value -= commitment
    return Valuation(points=table_points, multiplier=multiplier, red_lines=crossed,
                     penalty=penalty, commitment=commitment, worth=round(value, 2))


def result(scenario: Scenario, delegation: Delegation, terms: Terms, durability_score: float,
           signed: Collection[str] | None = None) -> float:
    """A delegation's result for an agreement: points weighed by durability, less red lines."""
    return valuation(scenario, delegation, terms, durability_score, signed).worth


def package_value(scenario: Scenario, delegation: Delegation, terms: Terms,
                  seated: Collection[str] | None = None) -> float:
    """What a complete package would be worth to `delegation` if signed by everyone it needs.

    Used by the composer and the bots: a seated delegation named by a clause is assumed to
    sign; one that is not seated cannot, so its clauses count as weightless.
    """
    signed = None if seated is None else set(seated)
    return result(scenario, delegation, terms, durability(scenario, terms, signed).score, signed)
