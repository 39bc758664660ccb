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

from collections.abc import Collection, Mapping

from pydantic import BaseModel, ConfigDict

from server.engine.outcome import scored_result
from server.engine.scoring import (
    Durability,
    durability,
    points,
    required_signatories,
    unbacked_clauses,
    valuation,
)
from server.engine.state import Negotiation
from server.figures import number, signed_number
from server.scenario.model import Scenario


class AbsentClause(BaseModel):
    """A clause of the package that names a delegation who is not at the table to sign it."""

    model_config = ConfigDict(frozen=True)
    issue: str
    issue_title: str
    option_label: str
    missing: list[str]          # the names of the delegations it needs who will not sign it
    missing_ids: list[str]      # the same, as ids (for code; never shown)
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
    commitment: float                # what the obligations it takes on cost it
    worth: float | None              # points weighed by durability, less red lines and commitments
    war_cost: float                  # the war the delegation has paid for so far
    result: float | None             # what it would score: worth - war cost (None: incomplete)
    reservation: float               # what no deal is worth to the delegation now
    margin: float | None             # worth - reservation: the scored surplus over no deal
    absent_clauses: list[AbsentClause]
    reasons: list[str]


def package_worth(state: Negotiation, delegation_id: str, terms: Mapping[str, str]) -> PackageWorth:
    """What `terms` is worth to `delegation_id` if the delegations it needs signed it now."""
    at_table = state.in_play()
    signers = required_signatories(state.scenario, terms, at_table)
    return value_package(state.scenario, delegation_id, terms, at_table=at_table, signed=signers,
                         reservation=state.reservation[delegation_id],
                         war_cost=state.war_cost[delegation_id])


def value_package(scenario: Scenario, delegation_id: str, terms: Mapping[str, str], *,
                  at_table: Collection[str], signed: Collection[str], reservation: float,
                  war_cost: float) -> PackageWorth:
    """What `terms` is worth to `delegation_id` if `signed` sign it, `at_table` being seated,
    with the reservation value and war cost given (the game's now, or a what-if's)."""
    delegation = scenario.delegation(delegation_id)
    if delegation is None:
        raise ValueError(f"no delegation {delegation_id!r} in scenario {scenario.id!r}")
    ordered = {i.id: terms[i.id] for i in scenario.issues if i.id in terms}
    signers = sorted(required_signatories(scenario, ordered, at_table))
    signed = set(signed)
    complete = len(ordered) == len(scenario.issues)
    absent = _absent_clauses(scenario, ordered, signed)
    on_paper = points(delegation, ordered)
    reasons = [_absent_reason(a, at_table) for a in absent]
    if not complete:
        open_issues = [i.title for i in scenario.issues if i.id not in ordered]
        reasons.append(f"leaves {len(open_issues)} issue(s) open ({', '.join(open_issues)}): "
                       "it cannot be signed as it stands")
        worked = valuation(scenario, delegation, ordered, 1.0, signed)
        return PackageWorth(
            delegation=delegation_id, terms=ordered, complete=False, signers=signers,
            signer_names=_names(scenario, signers), points_on_paper=on_paper,
            points=worked.points, durability=None, durability_included=False,
            red_lines_crossed=[r.label for r in worked.red_lines], red_line_penalty=0.0,
            commitment=worked.commitment, worth=None, war_cost=war_cost, result=None,
            reservation=reservation, margin=None, absent_clauses=absent, reasons=reasons)
    durable = durability(scenario, ordered, signed)
    worked = valuation(scenario, delegation, ordered, durable.score, signed)
    weight = scenario.outcome.durability_weight
    if weight > 0:
        reasons.append(f"durability {number(durable.score)} ({durable.label}): {weight:.0%} of the "
                       f"points depend on it, so {number(worked.points)} points count as "
                       f"{number(worked.points * worked.multiplier)}")
        reasons += [f"{r.lesson} ({signed_number(r.effect)}): {r.reason}" for r in durable.reasons]
    reasons += [f"crosses your red line '{r.label}': {signed_number(-scenario.outcome.red_line_penalty)}"
                for r in worked.red_lines]
    if worked.commitment:
        reasons.append(f"the obligations you take on cost you {signed_number(-worked.commitment)}, "
                       "however long the agreement holds")
    if war_cost:
        reasons.append(f"the war you have paid for so far counts against you: {signed_number(-war_cost)}")
    margin = round(worked.worth - reservation, 2)
    reasons.append(f"{signed_number(margin)} against no deal (worth {number(reservation)} to you now, "
                   "less the same war)" if war_cost else
                   f"{signed_number(margin)} against what no deal is worth to you now ({number(reservation)})")
    return PackageWorth(
        delegation=delegation_id, terms=ordered, complete=True, signers=signers,
        signer_names=_names(scenario, signers), points_on_paper=on_paper, points=worked.points,
        durability=durable, durability_included=weight > 0,
        red_lines_crossed=[r.label for r in worked.red_lines], red_line_penalty=worked.penalty,
        commitment=worked.commitment, worth=worked.worth, war_cost=war_cost,
        result=scored_result(worked.worth, war_cost), reservation=reservation, margin=margin,
        absent_clauses=absent, reasons=reasons)


def _names(scenario: Scenario, ids: list[str]) -> list[str]:
    return [d.name if (d := scenario.delegation(i)) is not None else i for i in ids]


def _absent_clauses(scenario: Scenario, terms: dict[str, str], signed: set[str]) -> list[AbsentClause]:
    found = []
    for issue_id, missing in unbacked_clauses(scenario, terms, signed).items():
        issue = scenario.issue(issue_id)
        option = issue.option(terms[issue_id]) if issue else None
        if issue is None or option is None:
            continue
        fallback = issue.option(option.weightless_as) if option.weightless_as else None
        found.append(AbsentClause(issue=issue_id, issue_title=issue.title, option_label=option.label,
                                  missing=_names(scenario, missing), missing_ids=missing,
                                  counts_as=fallback.label if fallback else None))
    return found


def _absent_reason(clause: AbsentClause, at_table: Collection[str]) -> str:
    who = " and ".join(clause.missing)
    plural = len(clause.missing) > 1
    if all(d not in at_table for d in clause.missing_ids):
        why = f"{who} {'are' if plural else 'is'} not at the table to sign it"
    else:
        why = f"{who} {'do' if plural else 'does'} not sign it"
    if clause.counts_as is None:
        return f"{clause.issue_title}: '{clause.option_label}' names {who}, but {why}"
    return f"{clause.issue_title}: '{clause.option_label}' counts as '{clause.counts_as}': {why}"
