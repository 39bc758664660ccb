"""What if a package were signed in round N, by these delegations? (`parley scenarios score`)

`what_if(scenario, terms, round_=1, seated=None, signed=None)` scores a package the way the
game would score it, with no game: each delegation's worth, the war cost it would have paid by
then and its result, its reservation value then, its red lines, and the agreement's durability
with every reason. The round is projected as the engine plays a round with no pressure cards
and no interim agreement: each resolution phase adds a delegation's `war_cost_per_round` and
moves its reservation value by its `reservation_drift` (both rounded to cents, as the engine
rounds them). `seated` defaults to every delegation not absent; `signed` to everyone whose
signature the package needs (`required_signatories`). A delegation that signs is at the table.

`compare(...)` adds what changes if the package is signed in the last round instead, and if
everyone (every delegation seated, every signer signing) signs it: the teacher's "what if the
West had signed?". `history(scenario)` scores the scenario's historical terms this way, in the
round and with the signatures the history gives. Pure: the engine's own scoring, no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from server.engine.outcome import scored_result
from server.engine.scoring import Durability, durability, required_signatories
from server.engine.worth import AbsentClause, value_package
from server.figures import number, signed_number
from server.scenario.model import Scenario


class DelegationScore(BaseModel):
    model_config = ConfigDict(frozen=True)
    delegation: str
    name: str
    kind: str
    must_sign: bool
    signs: bool
    points: float                 # on its own table, each clause as it will work
    worth: float                  # weighed by durability, less red lines and commitments
    commitment: float
    war_cost: float               # paid by the round the package is signed in
    result: float                 # worth - war cost: what it would score
    reservation: float            # its reservation value in that round
    surplus: float                # worth - reservation
    no_deal: float                # what no deal would score then: reservation - war cost
    red_lines_crossed: list[str]  # labels


class WhatIf(BaseModel):
    model_config = ConfigDict(frozen=True)
    scenario: str
    terms: dict[str, str]
    round: int
    seated: list[str]
    signed: list[str]
    required: list[str]
    missing: list[str]            # required signers who do not sign: it would not be signed
    durability: Durability
    absent_clauses: list[AbsentClause]
    delegations: list[DelegationScore]

    def of(self, delegation: str) -> DelegationScore:
        return next(d for d in self.delegations if d.delegation == delegation)


class Comparison(BaseModel):
    """A package's score, and the same package signed later or by everyone."""

    model_config = ConfigDict(frozen=True)
    base: WhatIf
    later: WhatIf | None          # the same signatures in the last round (None: already last)
    everyone: WhatIf | None       # every delegation seated and signing (None: already so)


def projected(scenario: Scenario, round_: int) -> tuple[dict[str, float], dict[str, float]]:
    """(reservation values, war costs paid) at the decision phase of round `round_`."""
    reservation = {d.id: d.hidden.reservation for d in scenario.delegations}
    war_cost = {d.id: 0.0 for d in scenario.delegations}
    for _ in range(round_ - 1):
        for d in scenario.delegations:
            if d.hidden.war_cost_per_round:
                war_cost[d.id] += round(d.hidden.war_cost_per_round, 2)
            if d.hidden.reservation_drift:
                reservation[d.id] = round(reservation[d.id] + d.hidden.reservation_drift, 2)
    return reservation, war_cost


def what_if(scenario: Scenario, terms: Mapping[str, str], round_: int = 1,
            seated: Collection[str] | None = None, signed: Collection[str] | None = None) -> WhatIf:
    """Score `terms` as if signed in round `round_` by `signed`, `seated` being at the table."""
    _check(scenario, terms, round_, seated, signed)
    ordered = {i.id: terms[i.id] for i in scenario.issues if i.id in terms}
    at_table = set(seated if seated is not None else [d.id for d in scenario.delegations if not d.absent])
    at_table |= set(signed or ())
    required = required_signatories(scenario, ordered, at_table)
    signers = set(signed) if signed is not None else set(required)
    reservation, war_cost = projected(scenario, round_)
    rows = []
    absent: list[AbsentClause] = []
    for d in scenario.delegations:
        if d.id not in at_table:
            continue
        worth = value_package(scenario, d.id, ordered, at_table=at_table, signed=signers,
                              reservation=reservation[d.id], war_cost=war_cost[d.id])
        assert worth.worth is not None and worth.result is not None  # the package is complete
        absent = worth.absent_clauses  # the same for every delegation
        rows.append(DelegationScore(
            delegation=d.id, name=d.name, kind=d.kind.value, must_sign=d.id in required,
            signs=d.id in signers, points=round(worth.points, 2), worth=worth.worth,
            commitment=round(worth.commitment, 2), war_cost=war_cost[d.id], result=worth.result,
            reservation=reservation[d.id], surplus=round(worth.worth - reservation[d.id], 2),
            no_deal=scored_result(reservation[d.id], war_cost[d.id]),
            red_lines_crossed=worth.red_lines_crossed))
    return WhatIf(scenario=scenario.id, terms=ordered, round=round_, seated=sorted(at_table),
                  signed=sorted(signers), required=sorted(required),
                  missing=sorted(required - signers), durability=durability(scenario, ordered, signers),
                  absent_clauses=absent, delegations=rows)


def compare(scenario: Scenario, terms: Mapping[str, str], round_: int = 1,
            seated: Collection[str] | None = None, signed: Collection[str] | None = None) -> Comparison:
    base = what_if(scenario, terms, round_, seated, signed)
    later = (what_if(scenario, terms, scenario.rounds, seated, signed)
             if round_ < scenario.rounds else None)
    everybody = [d.id for d in scenario.delegations]
    everyone = what_if(scenario, terms, round_, everybody)
    same = everyone.seated == base.seated and everyone.signed == base.signed
    return Comparison(base=base, later=later, everyone=None if same else everyone)


def history(scenario: Scenario) -> WhatIf | None:
    """The historical terms scored like any package (None if they leave an issue open)."""
    h = scenario.history
    if not h.terms or any(i.id not in h.terms for i in scenario.issues):
        return None
    return what_if(scenario, h.terms, h.round, signed=h.signed_by or None)


class WhatIfError(ValueError):
    """A what-if asked of a package or seating the scenario does not have."""


def _check(scenario: Scenario, terms: Mapping[str, str], round_: int,
           seated: Collection[str] | None, signed: Collection[str] | None) -> None:
    problems = []
    for issue_id, option_id in terms.items():
        issue = scenario.issue(issue_id)
        if issue is None:
            problems.append(f"no issue {issue_id!r} (issues: {', '.join(i.id for i in scenario.issues)})")
        elif issue.option(option_id) is None:
            problems.append(f"issue {issue_id!r} has no option {option_id!r} "
                            f"(options: {', '.join(o.id for o in issue.options)})")
    open_issues = [i.id for i in scenario.issues if i.id not in terms]
    if open_issues:
        problems.append(f"the package leaves issues open: {', '.join(open_issues)}")
    if not 1 <= round_ <= scenario.rounds:
        problems.append(f"round {round_} is not between 1 and {scenario.rounds}")
    known = set(scenario.delegation_ids())
    for name in [*(seated or ()), *(signed or ())]:
        if name not in known:
            problems.append(f"no delegation {name!r} (delegations: {', '.join(sorted(known))})")
    if problems:
        raise WhatIfError("; ".join(problems))


# ---------------------------------------------------------------- text


def format_comparison(c: Comparison, scenario: Scenario) -> str:
    """The what-if for a terminal: terms, durability and reasons, a table, then the changes."""
    base = c.base
    names = {d.id: d.name for d in scenario.delegations}
    lines = [f"{scenario.title} ({scenario.id}): round {base.round} of {scenario.rounds}",
             f"At the table: {', '.join(names[d] for d in base.seated)}",
             f"Signed by: {', '.join(names[d] for d in base.signed) or 'nobody'}"]
    if base.missing:
        lines.append(f"Would NOT be signed: it also needs {', '.join(names[d] for d in base.missing)}")
    lines += ["", "Terms:"] + [f"  {line}" for line in terms_lines(scenario, base.terms)]
    lines += [""] + _durability_lines(base)
    lines += ["", *score_table(base)]
    if c.later is not None:
        lines += ["", f"Signed in round {c.later.round} instead (the same signatures):"]
        lines += _changes(base, c.later)
    if c.everyone is not None:
        lines += ["", "Signed by everyone (every delegation seated and signing):",
                  f"  durability {number(base.durability.score)} -> {number(c.everyone.durability.score)} "
                  f"({c.everyone.durability.label})"]
        lines += _changes(base, c.everyone)
    return "\n".join(lines)


def terms_lines(scenario: Scenario, terms: Mapping[str, str]) -> list[str]:
    lines = []
    for issue in scenario.issues:
        option = issue.option(terms[issue.id]) if issue.id in terms else None
        if option is not None:
            lines.append(f"{issue.title}: {option.label}")
    return lines


def _durability_lines(w: WhatIf) -> list[str]:
    lines = [f"Durability {number(w.durability.score)} ({w.durability.label})"]
    lines += [f"  {r.lesson} ({signed_number(r.effect)}): {r.reason}" for r in w.durability.reasons]
    for clause in w.absent_clauses:
        counts = f" counts as '{clause.counts_as}'" if clause.counts_as else " is weightless"
        lines.append(f"  {clause.issue_title}: '{clause.option_label}'{counts}: "
                     f"{' and '.join(clause.missing)} did not sign")
    return lines


def score_table(w: WhatIf) -> list[str]:
    lines = [f"  {'delegation':<44}{'points':>7}{'worth':>8}{'war':>7}{'result':>8}"
             f"{'no deal':>8}{'surplus':>8}  red lines"]
    for d in w.delegations:
        mark = "" if d.signs else " (does not sign)" if d.must_sign else ""
        lines.append(f"  {(d.name + mark)[:43]:<44}{number(d.points):>7}{number(d.worth):>8}{number(d.war_cost):>7}"
                     f"{number(d.result):>8}{number(d.no_deal):>8}{signed_number(d.surplus):>8}  "
                     f"{'; '.join(d.red_lines_crossed) or '-'}")
    return lines


def _changes(base: WhatIf, other: WhatIf) -> list[str]:
    lines = []
    for d in other.delegations:
        before = next((b for b in base.delegations if b.delegation == d.delegation), None)
        if before is None:
            lines.append(f"  {d.name}: result {number(d.result)} (not at the table before)")
        else:
            lines.append(f"  {d.name}: result {number(before.result)} -> {number(d.result)} "
                         f"({signed_number(d.result - before.result)}); surplus {signed_number(before.surplus)} -> "
                         f"{signed_number(d.surplus)}")
    return lines


def comparison_json(c: Comparison) -> dict[str, Any]:
    return c.model_dump(mode="json")
