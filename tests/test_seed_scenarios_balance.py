"""Balance of the bundled seed scenarios: a small zone of agreement exists, and it grows with delay.

The zone of agreement is the set of complete packages that every required signatory values above
its reservation value (`server.engine.scoring.package_value`, seated = every delegation not
absent). The packages are enumerated with numpy: `Zone` mirrors `package_value` array by array,
and `test_vectorised_values_match_package_value` proves the mirror on a sample of packages.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from server.engine.scoring import durability, package_value, required_signatories
from server.scenario.loader import bundled_scenarios
from server.scenario.model import Option, Scenario, TermClause, TermCondition

SEED_SCENARIOS = ("istanbul-2022", "ceasefire-2025")
LESSONS = (
    "Security comes first",
    "No peace without guarantees",
    "No peace without the West",
    "Ceasefire and settlement together",
)
MAX_ZONE_SHARE = 0.05
DURABLE = 0.5  # a durability score from which a deal is "shaky" at worst, likely to hold


class Zone:
    """Every complete package of a scenario, with each delegation's value for it, as arrays."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.seated = {d.id for d in scenario.delegations if not d.absent}
        sizes = [len(issue.options) for issue in scenario.issues]
        grids = np.indices(sizes).reshape(len(sizes), -1)
        self.raw = {issue.id: grids[k] for k, issue in enumerate(scenario.issues)}
        self.effective = {issue.id: self._fallback(issue.id)[self.raw[issue.id]] for issue in scenario.issues}
        self.count = grids.shape[1]
        self.unbacked = self._any_option(lambda o: any(n not in self.seated for n in o.requires))
        self.durability = self._durability()

    def _index(self, issue_id: str, option_id: str) -> int:
        issue = self.scenario.issue(issue_id)
        assert issue is not None
        return [o.id for o in issue.options].index(option_id)

    def _fallback(self, issue_id: str) -> np.ndarray:
        """option index -> the index it counts as, once unseated guarantors cannot sign."""
        issue = self.scenario.issue(issue_id)
        assert issue is not None
        out = []
        for k, option in enumerate(issue.options):
            unbacked = any(n not in self.seated for n in option.requires)
            out.append(self._index(issue_id, option.weightless_as) if unbacked and option.weightless_as else k)
        return np.array(out)

    def _any_option(self, test: Callable[[Option], bool]) -> np.ndarray:
        hit = np.zeros(self.count, dtype=bool)
        for issue in self.scenario.issues:
            flags = np.array([test(o) for o in issue.options])
            hit |= flags[self.raw[issue.id]]
        return hit

    def _clause(self, clause: TermClause, terms: dict[str, np.ndarray]) -> np.ndarray:
        listed = clause.is_ if clause.is_ is not None else clause.not_ or ()
        inside = np.isin(terms[clause.issue], [self._index(clause.issue, o) for o in listed])
        return inside if clause.is_ is not None else ~inside

    def _holds(self, condition: TermCondition, terms: dict[str, np.ndarray]) -> np.ndarray:
        held = np.ones(self.count, dtype=bool)
        if condition.unbacked is not None:
            held &= self.unbacked == condition.unbacked
        for clause in condition.all:
            held &= self._clause(clause, terms)
        if condition.any:
            held &= np.logical_or.reduce([self._clause(c, terms) for c in condition.any])
        for clause in condition.none:
            held &= ~self._clause(clause, terms)
        return held

    def _durability(self) -> np.ndarray:
        outcome = self.scenario.outcome
        raw = np.full(self.count, outcome.base_durability)
        for factor in outcome.factors:
            terms = self.effective if factor.when.unbacked is None else self.raw
            raw = raw + factor.effect * self._holds(factor.when, terms)
        return np.round(np.clip(raw, 0.02, 0.98), 3)

    def value(self, delegation_id: str) -> np.ndarray:
        """What each package is worth to a delegation, as `package_value` computes it."""
        delegation = self.scenario.delegation(delegation_id)
        assert delegation is not None
        points = np.zeros(self.count)
        for issue in self.scenario.issues:
            table = np.array([delegation.hidden.points[issue.id][o.id] for o in issue.options])
            points += table[self.effective[issue.id]]
        w = self.scenario.outcome.durability_weight
        value = points * (1 - w + w * self.durability)
        for red_line in delegation.hidden.red_lines:
            crossed = np.ones(self.count, dtype=bool)
            for issue_id, options in red_line.terms.items():
                crossed &= np.isin(self.raw[issue_id], [self._index(issue_id, o) for o in options])
            value = value - self.scenario.outcome.red_line_penalty * crossed
        return value

    def required(self, delegation_id: str) -> np.ndarray:
        """Packages whose signature list includes the delegation."""
        delegation = self.scenario.delegation(delegation_id)
        assert delegation is not None
        if delegation_id not in self.seated:
            return np.zeros(self.count, dtype=bool)
        if delegation.signs and delegation.kind == "party":
            return np.ones(self.count, dtype=bool)
        return self._any_option(lambda o: delegation_id in o.requires)

    def agreeable(self, reservations: dict[str, float] | None = None) -> np.ndarray:
        """Packages every required signatory values above its reservation value."""
        ok = np.ones(self.count, dtype=bool)
        for d in self.scenario.delegations:
            reservation = (reservations or {}).get(d.id, d.hidden.reservation)
            ok &= ~self.required(d.id) | (self.value(d.id) > reservation)
        return ok

    def terms(self, index: int) -> dict[str, str]:
        return {i.id: i.options[int(self.raw[i.id][index])].id for i in self.scenario.issues}


@functools.cache
def zone_of(sid: str) -> Zone:
    return Zone(bundled_scenarios()[sid])


def parties(scenario: Scenario) -> list[str]:
    return [d.id for d in scenario.delegations if d.kind == "party" and d.signs]


def drifted(scenario: Scenario, rounds: int) -> dict[str, float]:
    """Reservation values after `rounds` resolution phases of drift (no pressure cards)."""
    return {d.id: d.hidden.reservation + rounds * d.hidden.reservation_drift for d in scenario.delegations}


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_seed_scenario_is_big_enough(sid: str) -> None:
    """A seed scenario seats at least 4 delegations, 8 issues and 12 pressure cards."""
    scenario = bundled_scenarios()[sid]
    assert len(scenario.delegations) >= 4
    assert len(scenario.issues) >= 8
    assert len(scenario.pressure.cards) >= 12


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_every_lesson_of_the_essay_is_a_factor(sid: str) -> None:
    """Each lesson of the essay moves durability, the West's through an `unbacked` factor."""
    outcome = bundled_scenarios()[sid].outcome
    lessons = {f.lesson for f in outcome.factors}
    assert set(LESSONS) <= lessons
    assert any(f.when.unbacked for f in outcome.factors if f.lesson == "No peace without the West")
    assert any(f.effect > 0 for f in outcome.factors if f.lesson == "No peace without guarantees")
    assert "delay" in outcome.delay_reason.lower() or "round" in outcome.delay_reason.lower()


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_vectorised_values_match_package_value(sid: str) -> None:
    """The numpy mirror used below agrees with `package_value` and `required_signatories`."""
    zone, scenario = zone_of(sid), zone_of(sid).scenario
    values = {d.id: zone.value(d.id) for d in scenario.delegations}
    signs = {d.id: zone.required(d.id) for d in scenario.delegations}
    for index in random.Random(7).sample(range(zone.count), 200):
        terms = zone.terms(index)
        required = required_signatories(scenario, terms, zone.seated)
        for d in scenario.delegations:
            expected = package_value(scenario, d, terms, zone.seated)
            assert abs(values[d.id][index] - expected) < 0.011, (d.id, terms)
            assert bool(signs[d.id][index]) == (d.id in required)


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_small_zone_of_agreement_at_the_start(sid: str) -> None:
    """At the starting reservation values some package suits every signatory, but under 5%."""
    zone = zone_of(sid)
    share = zone.agreeable().mean()
    assert 0 < share < MAX_ZONE_SHARE


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_zone_holds_a_durable_deal(sid: str) -> None:
    """The zone at the start holds a package that `scoring.durability` rates 0.5 or more."""
    zone = zone_of(sid)
    candidates = np.flatnonzero(zone.agreeable() & (zone.durability >= DURABLE))
    assert candidates.size > 0
    for index in random.Random(11).sample(list(candidates), min(50, candidates.size)):
        terms = zone.terms(int(index))  # the engine's own scoring confirms the numpy mirror
        assert durability(zone.scenario, terms, zone.seated).score >= DURABLE, terms


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_zone_grows_with_delay(sid: str) -> None:
    """Reservation drift makes the zone larger in the last round than in the first."""
    zone = zone_of(sid)
    late = zone.agreeable(drifted(zone.scenario, zone.scenario.rounds - 1)).sum()
    assert late > zone.agreeable().sum()


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_no_party_gets_its_best_package(sid: str) -> None:
    """Each party's favourite package lies outside the zone: someone else refuses it."""
    zone = zone_of(sid)
    ok = zone.agreeable()
    for party in parties(zone.scenario):
        values = zone.value(party)
        assert not ok[values == values.max()].any(), party


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_every_issue_matters_to_a_signatory(sid: str) -> None:
    """No issue is irrelevant: some signing delegation's table distinguishes its options."""
    scenario = bundled_scenarios()[sid]
    for issue in scenario.issues:
        spreads = [max(d.hidden.points[issue.id].values()) - min(d.hidden.points[issue.id].values())
                   for d in scenario.delegations if d.signs]
        assert max(spreads) > 0, issue.id


def zone_report(zone: Zone, rounds: Sequence[int] = (0,)) -> str:  # pragma: no cover - a tool
    """A text summary for authors: zone size per round and a few packages inside it."""
    lines = [f"{zone.scenario.id}: {zone.count} packages"]
    for r in rounds:
        ok = zone.agreeable(drifted(zone.scenario, r))
        lines.append(f"  round {r + 1}: zone {ok.sum()} ({ok.mean():.2%})")
    for index in itertools.islice(np.flatnonzero(zone.agreeable()), 3):
        lines.append(f"  e.g. {zone.terms(int(index))}")
    return "\n".join(lines)
