"""Checks across a scenario's fields: every id is unique and every reference resolves.

Each problem is reported as (path, message), the path written the way an author reads it:
``delegations[2].red_lines[0].terms.crimea``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Protocol

from server.scenario.parts import Delegation, History, Issue, Meter, OutcomeModel, PressureDeck, TermCondition


class ScenarioFields(Protocol):
    """What the checks read of a scenario (server.scenario.model.Scenario, which runs them)."""

    @property
    def rounds(self) -> int: ...
    @property
    def delegations(self) -> tuple[Delegation, ...]: ...
    @property
    def issues(self) -> tuple[Issue, ...]: ...
    @property
    def meters(self) -> tuple[Meter, ...]: ...
    @property
    def pressure(self) -> PressureDeck: ...
    @property
    def outcome(self) -> OutcomeModel: ...
    @property
    def history(self) -> History: ...
    def delegation(self, delegation_id: str) -> Delegation | None: ...
    def issue(self, issue_id: str) -> Issue | None: ...
    def delegation_ids(self) -> tuple[str, ...]: ...

Problem = tuple[str, str]


def reference_problems(scenario: ScenarioFields) -> list[Problem]:
    checks = (
        _unique_ids(scenario),
        _option_references(scenario),
        _delegation_tables(scenario),
        _pressure_references(scenario),
        _outcome_references(scenario),
        _history_references(scenario),
        _public_and_interim_references(scenario),
    )
    return [problem for check in checks for problem in check]


def _duplicates(ids: Iterable[str]) -> list[str]:
    return [item for item, count in Counter(ids).items() if count > 1]


def _unique_ids(s: ScenarioFields) -> Iterator[Problem]:
    for dup in _duplicates(d.id for d in s.delegations):
        yield "delegations", f"delegation id {dup!r} is used more than once"
    for dup in _duplicates(d.code for d in s.delegations):
        yield "delegations", f"join-code prefix {dup!r} is used more than once"
    for dup in _duplicates(i.id for i in s.issues):
        yield "issues", f"issue id {dup!r} is used more than once"
    for i, issue in enumerate(s.issues):
        for dup in _duplicates(o.id for o in issue.options):
            yield f"issues[{i}].options", f"option id {dup!r} is used more than once"
    for dup in _duplicates(c.id for c in s.pressure.cards):
        yield "pressure.cards", f"card id {dup!r} is used more than once"
    for dup in _duplicates(m.id for m in s.meters):
        yield "meters", f"meter id {dup!r} is used more than once"
    if not any(d.signs for d in s.delegations):
        yield "delegations", "no delegation signs: an agreement could never be made"


def _option_references(s: ScenarioFields) -> Iterator[Problem]:
    delegations = set(s.delegation_ids())
    for i, issue in enumerate(s.issues):
        options = {o.id for o in issue.options}
        for j, option in enumerate(issue.options):
            where = f"issues[{i}].options[{j}]"
            for name in option.requires:
                if name not in delegations:
                    yield f"{where}.requires", f"unknown delegation {name!r}"
            if option.weightless_as is not None and option.weightless_as not in options:
                yield f"{where}.weightless_as", (
                    f"unknown option {option.weightless_as!r} of issue {issue.id!r}"
                )


def _terms_problems(s: ScenarioFields, where: str, terms: dict[str, tuple[str, ...]]) -> Iterator[Problem]:
    for issue_id, option_ids in terms.items():
        issue = s.issue(issue_id)
        if issue is None:
            yield f"{where}.{issue_id}", f"unknown issue {issue_id!r}"
            continue
        for option_id in option_ids:
            if issue.option(option_id) is None:
                yield f"{where}.{issue_id}", f"unknown option {option_id!r} of issue {issue_id!r}"


def _delegation_tables(s: ScenarioFields) -> Iterator[Problem]:
    for d, delegation in enumerate(s.delegations):
        where = f"delegations[{d}].hidden"
        points = delegation.hidden.points
        for issue in s.issues:
            table = points.get(issue.id)
            if table is None:
                yield f"{where}.points", f"no points for issue {issue.id!r}"
                continue
            for option in issue.options:
                if option.id not in table:
                    yield f"{where}.points.{issue.id}", f"no points for option {option.id!r}"
        yield from _terms_problems(s, f"{where}.points", {k: tuple(v) for k, v in points.items()})
        for r, red_line in enumerate(delegation.hidden.red_lines):
            yield from _terms_problems(s, f"{where}.red_lines[{r}].terms", red_line.terms)
        commitments = {k: tuple(v) for k, v in delegation.hidden.commitments.items()}
        yield from _terms_problems(s, f"{where}.commitments", commitments)
        for issue_id, costs in delegation.hidden.commitments.items():
            for option_id, cost in costs.items():
                if cost < 0:
                    yield f"{where}.commitments.{issue_id}.{option_id}", "a commitment cost cannot be negative"
        for dup in _duplicates(r.id for r in delegation.hidden.red_lines):
            yield f"{where}.red_lines", f"red line id {dup!r} is used more than once"


def _pressure_references(s: ScenarioFields) -> Iterator[Problem]:
    delegations = set(s.delegation_ids())
    meters = {m.id for m in s.meters}
    for c, card in enumerate(s.pressure.cards):
        where = f"pressure.cards[{c}]"
        named = [("effects.reservation", k) for k in card.effects.reservation]
        named += [("effects.war_cost", k) for k in card.effects.war_cost]
        named += [("private", k) for k in card.private]
        if card.told != "all":
            named += [("told", k) for k in card.told]
        for field, name in named:
            if name not in delegations:
                yield f"{where}.{field}", f"unknown delegation {name!r}"
        metered = [("effects.meters", k) for k in card.effects.meters]
        metered += [("when.meters_at_least", k) for k in card.when.meters_at_least]
        metered += [("when.meters_at_most", k) for k in card.when.meters_at_most]
        for field, name in metered:
            if name not in meters:
                yield f"{where}.{field}", f"unknown meter {name!r}"
        if card.when.max_round is not None and card.when.max_round < card.when.min_round:
            yield f"{where}.when", "max_round is before min_round"


def _condition_problems(s: ScenarioFields, where: str, condition: TermCondition) -> Iterator[Problem]:
    for group in ("all", "any", "none"):
        for k, clause in enumerate(getattr(condition, group)):
            options = clause.is_ if clause.is_ is not None else clause.not_
            yield from _terms_problems(s, f"{where}.{group}[{k}]", {clause.issue: options or ()})
    for k, name in enumerate(condition.unsigned):
        delegation = s.delegation(name)
        if delegation is None:
            yield f"{where}.unsigned[{k}]", f"unknown delegation {name!r}"
        elif not delegation.signs:
            yield f"{where}.unsigned[{k}]", (
                f"{name!r} does not sign agreements (a mediator signs only the clauses naming it)")


def _outcome_references(s: ScenarioFields) -> Iterator[Problem]:
    for f, factor in enumerate(s.outcome.factors):
        yield from _condition_problems(s, f"outcome.factors[{f}].when", factor.when)
    for dup in _duplicates(f.id for f in s.outcome.factors):
        yield "outcome.factors", f"factor id {dup!r} is used more than once"


def _history_references(s: ScenarioFields) -> Iterator[Problem]:
    terms: dict[str, tuple[str, ...]] = {issue: (option,) for issue, option in s.history.terms.items()}
    yield from _terms_problems(s, "history.terms", terms)
    for k, name in enumerate(s.history.signed_by):
        if s.delegation(name) is None:
            yield f"history.signed_by[{k}]", f"unknown delegation {name!r}"
    if s.history.round > s.rounds:
        yield "history.round", f"the scenario has only {s.rounds} rounds"


def _public_and_interim_references(s: ScenarioFields) -> Iterator[Problem]:
    meters = {m.id for m in s.meters}
    for d, delegation in enumerate(s.delegations):
        for k, demand in enumerate(delegation.public_demands):
            yield from _terms_problems(s, f"delegations[{d}].public_demands[{k}].rules_out", demand.rules_out)
    for i, issue in enumerate(s.issues):
        for j, option in enumerate(issue.options):
            if option.interim is None:
                continue
            where = f"issues[{i}].options[{j}].interim"
            if not issue.interim:
                yield where, f"issue {issue.id!r} is not marked interim: it cannot be agreed on its own"
            for name in option.interim.meters:
                if name not in meters:
                    yield f"{where}.meters", f"unknown meter {name!r}"
        if issue.interim and not any(o.interim for o in issue.options):
            yield f"issues[{i}].interim", "no option says what it does as an interim agreement"
    if s.issues and all(i.interim for i in s.issues):
        yield "issues", "every issue is interim: nothing is left for a political settlement"
