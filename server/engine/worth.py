"""What a package is worth to one delegation if it were signed now, as it will be scored.

`package_worth(state, delegation, terms)` is the number a seat's screen should show beside a
package: the result that delegation would be scored if the package were signed now by the
delegations whose signatures it needs (`required_signatories` over those at the table), with
every rule of the outcome model applied — a clause naming someone who is not at the table
counts as its weightless fallback, durability weighs the points, each red line crossed costs
its penalty — and the margin against the delegation's reservation value now. It is computed
by the same functions `outcome.ending_events` scores with, so the figure and the score cannot
drift apart (tests/test_worth.py signs packages and compares).

`reasons` explains every difference between the package's points on paper and its result, in
the scenario's words (labels and names, never ids), so a screen can show them beside the
figure: "Security guarantees: 'Binding collective guarantee' counts as 'A political
declaration of support': United States and European guarantors are not at the table".
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from server.engine.scoring import (
    Durability,
    durability,
    points,
    required_signatories,
    unbacked_clauses,
    valuation,
)
from server.engine.state import Negotiation
from server.scenario.model import Scenario


class AbsentClause(BaseModel):
    """A clause of the package that names a delegation who is not at the table to sign it."""

    model_config = ConfigDict(frozen=True)
    issue: str
    issue_title: str
    option_label: str
    missing: list[str]          # the names of the delegations it needs who are not at the table
    counts_as: str | None       # the label of the option it is scored as (None: as written)


class PackageWorth(BaseModel):
    """A package's worth to `delegation` if signed now by those who can sign it."""

    model_config = ConfigDict(frozen=True)
    delegation: str
    terms: dict[str, str]
    complete: bool                   # only a complete package can be signed
    signers: list[str]               # ids of the delegations whose signatures it needs now
    signer_names: list[str]          # the same, as names
    points_on_paper: float           # its points on the delegation's table, read as written
    points: float                    # the same with each clause as it will work
    durability: Durability | None    # None for an incomplete package
    durability_included: bool        # the result depends on durability (weight > 0)
    red_lines_crossed: list[str]     # labels
    red_line_penalty: float          # what they cost, in total
    result: float | None             # what it would score (None: incomplete, cannot be signed)
    reservation: float               # what no deal is worth to the delegation now
    margin: float | None             # result - reservation
    absent_clauses: list[AbsentClause]
    reasons: list[str]


def package_worth(state: Negotiation, delegation_id: str, terms: Mapping[str, str]) -> PackageWorth:
    """What `terms` is worth to `delegation_id` if the delegations it needs signed it now."""
    scenario = state.scenario
    delegation = scenario.delegation(delegation_id)
    if delegation is None:
        raise ValueError(f"no delegation {delegation_id!r} in scenario {scenario.id!r}")
    ordered = {i.id: terms[i.id] for i in scenario.issues if i.id in terms}
    at_table = state.in_play()
    signers = sorted(required_signatories(scenario, ordered, at_table))
    complete = len(ordered) == len(scenario.issues)
    reservation = state.reservation[delegation_id]
    absent = _absent_clauses(scenario, ordered, at_table)
    on_paper = points(delegation, ordered)
    reasons = [_absent_reason(a) for a in absent]
    if not complete:
        open_issues = [i.title for i in scenario.issues if i.id not in ordered]
        reasons.append(f"leaves {len(open_issues)} issue(s) open ({', '.join(open_issues)}): "
                       "it cannot be signed as it stands")
        worked = valuation(scenario, delegation, ordered, 1.0, at_table)
        return PackageWorth(
            delegation=delegation_id, terms=ordered, complete=False, signers=signers,
            signer_names=_names(scenario, signers), points_on_paper=on_paper,
            points=worked.points, durability=None, durability_included=False,
            red_lines_crossed=[r.label for r in worked.red_lines], red_line_penalty=0.0,
            result=None, reservation=reservation, margin=None, absent_clauses=absent,
            reasons=reasons)
    durable = durability(scenario, ordered, at_table)
    worked = valuation(scenario, delegation, ordered, durable.score, at_table)
    weight = scenario.outcome.durability_weight
    if weight > 0:
        reasons.append(f"durability {durable.score:.2f} ({durable.label}): {weight:.0%} of the "
                       f"points depend on it, so {worked.points:g} points count as "
                       f"{worked.points * worked.multiplier:.2f}")
        reasons += [f"{r.lesson} ({r.effect:+.2f}): {r.reason}" for r in durable.reasons]
    reasons += [f"crosses your red line '{r.label}': \u2212{scenario.outcome.red_line_penalty:g}"
                for r in worked.red_lines]
    margin = round(worked.worth - reservation, 2)
    reasons.append(f"{margin:+.2f} against what no deal is worth to you now ({reservation:g})")
    return PackageWorth(
        delegation=delegation_id, terms=ordered, complete=True, signers=signers,
        signer_names=_names(scenario, signers), points_on_paper=on_paper, points=worked.points,
        durability=durable, durability_included=weight > 0,
        red_lines_crossed=[r.label for r in worked.red_lines], red_line_penalty=worked.penalty,
        result=worked.worth, reservation=reservation, margin=margin, absent_clauses=absent,
        reasons=reasons)


def _names(scenario: Scenario, ids: list[str]) -> list[str]:
    return [d.name if (d := scenario.delegation(i)) is not None else i for i in ids]


def _absent_clauses(scenario: Scenario, terms: dict[str, str], at_table: set[str]) -> list[AbsentClause]:
    found = []
    for issue_id, missing in unbacked_clauses(scenario, terms, at_table).items():
        issue = scenario.issue(issue_id)
        option = issue.option(terms[issue_id]) if issue else None
        if issue is None or option is None:
            continue
        fallback = issue.option(option.weightless_as) if option.weightless_as else None
        found.append(AbsentClause(issue=issue_id, issue_title=issue.title, option_label=option.label,
                                  missing=_names(scenario, missing),
                                  counts_as=fallback.label if fallback else None))
    return found


def _absent_reason(clause: AbsentClause) -> str:
    who = " and ".join(clause.missing)
    verb = "is" if len(clause.missing) == 1 else "are"
    if clause.counts_as is None:
        return f"{clause.issue_title}: '{clause.option_label}' names {who}, who {verb} not at the table"
    return (f"{clause.issue_title}: '{clause.option_label}' counts as '{clause.counts_as}': "
            f"{who} {verb} not at the table to sign it")
