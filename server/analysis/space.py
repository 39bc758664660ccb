"""A scenario's outcome space compiled to arrays: what each option means, issue by issue.

A package is one option index per issue; the packages are numbered in mixed radix (the last
issue turns fastest), so "every package" is `range(space.size)`. Everything that scoring needs
is compiled here per *raw* option, once, so that scoring a batch of packages is only gathers,
sums and boolean masks:

* `points[i]`: each seated delegation's points for option o of issue i, *after* weightless
  substitution (a clause naming an unseated delegation counts as its `weightless_as`);
* `commitments[i]`: what option o (as it will work) commits each seated delegation to, at what cost;
* `names[i]`: which seated delegations option o names (they must sign it);
* `unbacked[i]`: option o names a delegation that is not seated;
* factor clauses and red-line terms as masks over option indices (`Clause`).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from math import prod

import numpy as np

from server.scenario.model import Issue, Scenario, TermClause, TermCondition


@dataclass(frozen=True, eq=False)
class Clause:
    """A test on one issue: true when the package's option index `o` has `mask[o]`."""

    issue: int
    mask: np.ndarray


@dataclass(frozen=True, eq=False)
class FactorTest:
    """A durability factor's condition, compiled (see scoring.condition_holds)."""

    effect: float
    unbacked: bool | None
    signed: bool  # False: the condition lists a delegation that cannot sign here (never fires)
    all: tuple[Clause, ...]
    any: tuple[Clause, ...]
    none: tuple[Clause, ...]


@dataclass(frozen=True, eq=False)
class RedLineTest:
    """A red line of the delegation in column `column`: crossed when every clause holds."""

    column: int
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, eq=False)
class OutcomeSpace:
    scenario: Scenario
    seated: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    points: tuple[np.ndarray, ...]
    commitments: tuple[np.ndarray, ...]
    names: tuple[np.ndarray, ...]
    unbacked: tuple[np.ndarray, ...]
    factors: tuple[FactorTest, ...]
    red_lines: tuple[RedLineTest, ...]
    signing_parties: np.ndarray
    signers: np.ndarray

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(options) for options in self.option_ids)

    @property
    def size(self) -> int:
        return prod(self.sizes)

    def grid(self, flat: np.ndarray) -> np.ndarray:
        """Package numbers -> (n, issues) option indices."""
        return np.stack(np.unravel_index(flat, self.sizes), axis=1).astype(np.intp)

    def number(self, grid: np.ndarray) -> np.ndarray:
        """(n, issues) option indices -> package numbers."""
        return np.asarray(np.ravel_multi_index(tuple(grid.T), self.sizes))

    def terms(self, row: np.ndarray) -> dict[str, str]:
        """One row of option indices -> issue id -> option id, in the scenario's issue order."""
        return {issue: options[int(o)] for issue, options, o in zip(self.issue_ids, self.option_ids, row)}

    def row(self, terms: Mapping[str, str]) -> np.ndarray:
        """issue id -> option id (complete) -> one row of option indices."""
        missing = [issue for issue in self.issue_ids if issue not in terms]
        if missing:
            raise ValueError(f"the package has no option for: {', '.join(missing)}")
        return np.array([options.index(terms[i]) for i, options in zip(self.issue_ids, self.option_ids)])

    def blocks(self, limit: int = 1 << 17) -> Iterator[tuple[int, tuple[int, ...]]]:
        """(first package number, fixed leading options) for blocks that tile the space in order.

        A block fixes the first issues and spans the rest: as few issues fixed as keeps a
        block under `limit` packages.
        """
        sizes = self.sizes
        fixed = next((f for f in range(len(sizes) + 1) if prod(sizes[f:]) <= limit), len(sizes))
        span = prod(sizes[fixed:])
        for number, prefix in enumerate(itertools.product(*(range(n) for n in sizes[:fixed]))):
            yield number * span, prefix


def default_seated(scenario: Scenario) -> tuple[str, ...]:
    return tuple(d.id for d in scenario.delegations if not d.absent)


def compile_space(scenario: Scenario, seated: Collection[str] | None = None) -> OutcomeSpace:
    """Compile `scenario` for the `seated` delegations (default: every one not absent)."""
    chosen = set(default_seated(scenario) if seated is None else seated)
    order = tuple(d.id for d in scenario.delegations if d.id in chosen)
    delegations = [scenario.delegation(d) for d in order]
    issues = scenario.issues
    effective = [_effective_indices(issue, chosen) for issue in issues]
    return OutcomeSpace(
        scenario=scenario,
        seated=order,
        issue_ids=tuple(issue.id for issue in issues),
        option_ids=tuple(tuple(o.id for o in issue.options) for issue in issues),
        points=tuple(_points(issue, order, scenario)[eff] for issue, eff in zip(issues, effective)),
        commitments=tuple(_commitments(issue, order, scenario)[eff] for issue, eff in zip(issues, effective)),
        names=tuple(np.array([[d in o.requires for d in order] for o in issue.options]) for issue in issues),
        unbacked=tuple(np.array([any(n not in chosen for n in o.requires) for o in issue.options]) for issue in issues),
        factors=tuple(_factor(scenario, f.when, f.effect, effective, chosen) for f in scenario.outcome.factors),
        red_lines=tuple(_red_lines(scenario, order)),
        signing_parties=np.array([d is not None and d.signs for d in delegations]),
        signers=np.array([d is not None and d.signs for d in delegations]),
    )


def _effective_indices(issue: Issue, seated: set[str]) -> np.ndarray:
    """Raw option index -> the option index it is scored as (weightless substitution)."""
    ids = [o.id for o in issue.options]
    return np.array([
        ids.index(o.weightless_as) if o.weightless_as and any(n not in seated for n in o.requires) else k
        for k, o in enumerate(issue.options)
    ])


def _points(issue: Issue, order: tuple[str, ...], scenario: Scenario) -> np.ndarray:
    tables = [scenario.delegation(d).hidden.points[issue.id] for d in order]  # type: ignore[union-attr]
    return np.array([[float(t[o.id]) for t in tables] for o in issue.options], dtype=np.float64).reshape(
        len(issue.options), len(order)
    )


def _commitments(issue: Issue, order: tuple[str, ...], scenario: Scenario) -> np.ndarray:
    tables = [scenario.delegation(d).hidden.commitments.get(issue.id, {}) for d in order]  # type: ignore[union-attr]
    return np.array([[float(t.get(o.id, 0.0)) for t in tables] for o in issue.options], dtype=np.float64).reshape(
        len(issue.options), len(order)
    )


def _clause(scenario: Scenario, clause: TermClause, effective: np.ndarray | None) -> Clause:
    k = [i.id for i in scenario.issues].index(clause.issue)
    ids = [o.id for o in scenario.issues[k].options]
    listed = np.isin(ids, clause.is_ if clause.is_ is not None else clause.not_ or ())
    mask = listed if clause.is_ is not None else ~listed
    # A clause reads the terms as they will work, unless the condition is about unbacked clauses.
    return Clause(k, mask if effective is None else mask[effective])


def _factor(scenario: Scenario, when: TermCondition, effect: float, effective: list[np.ndarray],
            seated: set[str]) -> FactorTest:
    by_issue = [i.id for i in scenario.issues]

    def compile_all(clauses: tuple[TermClause, ...]) -> tuple[Clause, ...]:
        # A condition about unbacked clauses reads the raw terms; any other, the effective ones.
        raw = when.unbacked is not None
        return tuple(_clause(scenario, c, None if raw else effective[by_issue.index(c.issue)]) for c in clauses)

    # Every party and guarantor at the table signs every agreement, so "one of these did not
    # sign" holds exactly when one of them is not seated: the same for every package.
    signed = not when.unsigned or any(d not in seated for d in when.unsigned)
    return FactorTest(effect, when.unbacked, signed, compile_all(when.all), compile_all(when.any),
                      compile_all(when.none))


def _red_lines(scenario: Scenario, order: tuple[str, ...]) -> Iterator[RedLineTest]:
    for column, delegation_id in enumerate(order):
        delegation = scenario.delegation(delegation_id)
        for red_line in delegation.hidden.red_lines if delegation else ():
            clauses = (TermClause.model_validate({"issue": i, "is": o}) for i, o in red_line.terms.items())
            yield RedLineTest(column, tuple(_clause(scenario, c, None) for c in clauses))
