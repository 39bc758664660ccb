"""The debrief analysis: exact scores, zone, frontier, Nash point, assessment and scenario check.

The reference throughout is a pure-Python brute force over `server.engine.scoring`: every
package scored with `package_value`, signatories from `required_signatories`, dominance
checked pair by pair.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from server.analysis import analyse, analyse_async, assess, clear_cache, scenario_check
from server.analysis.evaluate import round_cents, score
from server.analysis.skyline import pareto_mask
from server.analysis.space import compile_space
from server.analysis.synthetic import random_scenario
from server.cli.text_reports import check_text
from server.engine.scoring import package_value, required_signatories
from server.scenario.loader import bundled_scenarios
from server.scenario.model import Scenario

# ---------------------------------------------------------------- the brute-force reference


@dataclass
class Reference:
    zone: set[int]
    frontier: set[int]
    nash: int | None
    joint: int | None
    best: dict[str, float]
    worst: dict[str, float]


def brute_force(scenario: Scenario, reservations: dict[str, float], seated: tuple[str, ...]) -> Reference:
    """Every package scored one by one with scoring.package_value, in package-number order."""
    table = [d for d in seated if scenario.delegation(d).signs] or list(seated)  # type: ignore[union-attr]
    options = [[o.id for o in issue.options] for issue in scenario.issues]
    rows, zone = [], set()
    nash: tuple[float, float, int] | None = None
    joint: tuple[float, int] | None = None
    for n, combo in enumerate(itertools.product(*options)):
        terms = dict(zip((i.id for i in scenario.issues), combo))
        results = {d: package_value(scenario, scenario.delegation(d), terms, seated) for d in seated}  # type: ignore[arg-type]
        rows.append(results)
        if not all(results[d] > reservations[d] for d in required_signatories(scenario, terms, seated)):
            continue
        zone.add(n)
        gains = [results[d] - reservations[d] for d in table]
        if joint is None or sum(gains) > joint[0]:
            joint = (sum(gains), n)
        if all(g > 0 for g in gains) and (nash is None or (math.prod(gains), sum(gains)) > nash[:2]):
            nash = (math.prod(gains), sum(gains), n)
    points = [tuple(r[d] for d in table) for r in rows]
    frontier = {n for n, p in enumerate(points) if not any(_dominates(q, p) for q in points)}
    return Reference(
        zone=zone, frontier=frontier, nash=nash and nash[2], joint=joint and joint[1],
        best={d: max(r[d] for r in rows) for d in seated}, worst={d: min(r[d] for r in rows) for d in seated},
    )


def _dominates(q: tuple[float, ...], p: tuple[float, ...]) -> bool:
    return all(a >= b for a, b in zip(q, p)) and any(a > b for a, b in zip(q, p))


def small_random_case(seed: int) -> tuple[Scenario, dict[str, float], tuple[str, ...]]:
    """A random small scenario, reservation values and seating (sometimes not the default)."""
    rng = random.Random(seed)
    scenario = random_scenario(
        seed,
        sizes=tuple(rng.randint(2, 4) for _ in range(rng.randint(1, 4))),
        delegations=rng.randint(2, 5),
        red_lines=3,
        factors=rng.randint(0, 6),
        points=rng.choice([(0, 3), (0, 100), (-20, 60)]),
        step=rng.choice([1.0, 0.5, 0.1, 0.05]),
    )
    seated = tuple(d.id for d in scenario.delegations if not d.absent or rng.random() < 0.5)
    if len(seated) > 2 and rng.random() < 0.3:
        seated = seated[:-1]
    # Reservations at a random low quantile of each delegation's results, so zones are rarely empty.
    space = compile_space(scenario, seated)
    results = score(space, space.grid(np.arange(space.size))).results
    quantiles = np.quantile(results, rng.uniform(0.05, 0.6), axis=0, method="lower")
    reservations = {d: float(q) for d, q in zip(space.seated, quantiles)}
    return scenario, reservations, seated


# ---------------------------------------------------------------- exact scoring


@pytest.mark.parametrize("seed", range(12))
def test_scores_match_package_value_on_random_spaces(seed: int) -> None:
    """Every package's vectorised result and signatories equal package_value's and required_signatories'."""
    scenario, _, seated = small_random_case(seed)
    space = compile_space(scenario, seated)
    grid = space.grid(np.arange(space.size))
    scores = score(space, grid)
    for row, results, required in zip(grid, scores.results, scores.required):
        terms = space.terms(row)
        expected = [package_value(scenario, scenario.delegation(d), terms, seated) for d in space.seated]  # type: ignore[arg-type]
        assert results.tolist() == expected
        assert set(np.array(space.seated)[required]) == required_signatories(scenario, terms, seated)


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_scores_match_package_value_on_bundled_scenarios(scenario_id: str) -> None:
    """On a sample of each bundled scenario's packages, results equal package_value's exactly."""
    scenario = bundled_scenarios()[scenario_id]
    space = compile_space(scenario)
    numbers = np.random.default_rng(7).choice(space.size, size=min(space.size, 300), replace=False)
    scores = score(space, space.grid(numbers))
    for row, results in zip(space.grid(numbers), scores.results):
        terms = space.terms(row)
        assert results.tolist() == [package_value(scenario, scenario.delegation(d), terms, space.seated)  # type: ignore[arg-type]
                                    for d in space.seated]


def test_round_cents_is_pythons_round() -> None:
    """Vectorised rounding to cents agrees with round(v, 2), ties and near-ties included."""
    rng = np.random.default_rng(3)
    ties = rng.integers(-10**6, 10**6, 20_000) / 1000
    values = np.concatenate([ties, ties * 0.825, ties * 0.6125, rng.normal(0, 50, 20_000), [0.125, 2.675, 1.005, -0.375]])
    assert round_cents(values).tolist() == [round(v, 2) for v in values.tolist()]


def test_pareto_mask_matches_pairwise_dominance() -> None:
    """The numpy skyline keeps exactly the rows no other row dominates, duplicates included."""
    rng = np.random.default_rng(5)
    for _ in range(60):
        values = rng.integers(0, 5, size=(int(rng.integers(1, 700)), int(rng.integers(1, 6)))).astype(float)
        rows = [tuple(v) for v in values.tolist()]
        expected = [not any(_dominates(q, p) for q in rows) for p in rows]
        assert pareto_mask(values).tolist() == expected


# ---------------------------------------------------------------- brute-force agreement


@pytest.mark.parametrize("seed", range(40))
def test_analysis_agrees_with_brute_force(seed: int) -> None:
    """Zone, frontier, Nash point, greatest joint gain, best and worst equal the brute force's."""
    scenario, reservations, seated = small_random_case(seed)
    analysis = analyse(scenario, reservations, seated)
    reference = brute_force(scenario, reservations, analysis.space.seated)
    assert analysis.zone_size == len(reference.zone)
    assert set(analysis.frontier_numbers.tolist()) == reference.frontier
    assert (analysis.nash and analysis.nash.number) == reference.nash
    assert (analysis.greatest_joint_gain and analysis.greatest_joint_gain.number) == reference.joint
    assert analysis.best == reference.best and analysis.worst == reference.worst


def test_large_random_space_frontier_agrees_with_brute_force_skyline() -> None:
    """On 20,000 packages over five signers, the frontier equals a pairwise skyline of all results."""
    scenario = random_scenario(11, sizes=(10, 10, 10, 5, 4), delegations=5, red_lines=3, factors=6,
                               kinds=("party", "party", "guarantor"), absent=())
    analysis = analyse(scenario)
    space = analysis.space
    values = score(space, space.grid(np.arange(space.size))).results
    frontier = set(analysis.frontier_numbers.tolist())
    for n in np.random.default_rng(0).choice(space.size, 400, replace=False).tolist() + sorted(frontier)[:100]:
        dominated = np.any(np.all(values >= values[n], axis=1) & np.any(values > values[n], axis=1))
        assert (n in frontier) == (not dominated)


# ---------------------------------------------------------------- known answers


def two_issue_scenario(**changes: Any) -> Scenario:
    """Two parties, two issues, no durability weight (result = points), one red line for B."""
    data: dict[str, Any] = {
        "id": "two-issues", "title": "Two issues", "briefing": "b", "rounds": 3,
        "issues": [
            {"id": "x", "title": "X", "options": [{"id": f"x{k}", "label": "x"} for k in (1, 2, 3)]},
            {"id": "y", "title": "Y", "options": [{"id": f"y{k}", "label": "y"} for k in (1, 2)]},
        ],
        "delegations": [
            _party("a", {"x": {"x1": 10, "x2": 8, "x3": 2}, "y": {"y1": 0, "y2": 8}}, drift=-3),
            _party("b", {"x": {"x1": 0, "x2": 5, "x3": 10}, "y": {"y1": 8, "y2": 4}},
                   red_lines=[{"id": "never", "label": "n", "terms": {"x": ["x1"], "y": ["y2"]}}]),
        ],
        "pressure": {"cards": [{"id": "c", "title": "C", "kind": "political", "text": "t", "weight": 1}]},
        "outcome": {"durability_weight": 0},
        "history": {"summary": "none"},
    }
    return Scenario.model_validate(data | changes)


def _party(name: str, points: dict[str, Any], drift: float = 0, red_lines: list[Any] | None = None) -> dict[str, Any]:
    hidden = {"points": points, "reservation": 5, "reservation_drift": drift, "red_lines": red_lines or []}
    return {"id": name, "name": name, "code": name.upper() * 2, "kind": "party", "brief": "b", "hidden": hidden}


def test_two_issue_scenario_known_answers() -> None:
    """Packages (A, B): x1y1 (10,8) x1y2 (18,-56) x2y1 (8,13) x2y2 (16,9) x3y1 (2,18) x3y2 (10,14)."""
    analysis = analyse(two_issue_scenario())
    assert analysis.zone_size == 4  # x1y1, x2y1, x2y2, x3y2
    assert [p.terms for p in analysis.frontier()] == [
        {"x": "x1", "y": "y2"}, {"x": "x2", "y": "y2"}, {"x": "x3", "y": "y1"}, {"x": "x3", "y": "y2"}]
    assert analysis.nash is not None and analysis.nash.terms == {"x": "x3", "y": "y2"}  # 5 * 9 = 45 > 11 * 4
    assert analysis.greatest_joint_gain is not None
    assert analysis.greatest_joint_gain.terms == {"x": "x2", "y": "y2"}  # 11 + 4 = 15 > 5 + 9
    assert analysis.best == {"a": 18.0, "b": 18.0} and analysis.worst == {"a": 2.0, "b": -56.0}


def test_assessment_of_a_dominated_agreement() -> None:
    """x1y1 (10,8) is beaten by x3y2 (10,14), 6 away: both issues traded, 7 of joint gain left."""
    result = assess(analyse(two_issue_scenario()), {"x": "x1", "y": "y1"})
    assert not result.on_frontier and result.distance == 6.0 and result.joint_gain_left == 7.0
    assert result.better_deal is not None and result.better_deal.terms == {"x": "x3", "y": "y2"}
    assert [(t.issue, t.agreed, t.better) for t in result.trades] == [("x", "x1", "x3"), ("y", "y1", "y2")]


def test_assessment_of_a_frontier_agreement() -> None:
    """The Nash point is on the frontier: distance 0, no better deal, 1 of joint gain left."""
    result = assess(analyse(two_issue_scenario()), {"x": "x3", "y": "y2"})
    assert result.on_frontier and result.distance == 0.0 and result.better_deal is None
    assert result.trades == () and result.nash_trades == () and result.joint_gain_left == 1.0


def test_assessment_needs_a_complete_package() -> None:
    """An agreement missing an issue is refused with the issue named."""
    with pytest.raises(ValueError, match="y"):
        assess(analyse(two_issue_scenario()), {"x": "x1"})


def test_reservations_move_the_zone() -> None:
    """Lower reservation values widen the zone; the analysis is cached per reservation values."""
    scenario = two_issue_scenario()
    assert analyse(scenario) is analyse(scenario)
    assert analyse(scenario, {"a": 1}).zone_size == 5  # x3y1 (2, 18) joins
    assert analyse(scenario, {"a": 1}) is not analyse(scenario)


def test_check_counts_the_zone_per_round_of_drift() -> None:
    """A's reservation drifts 5, 2, -1: x3y1 (2, 18) joins the zone in round 3."""
    report = scenario_check(two_issue_scenario())
    assert [r["zone"] for r in report["zone_by_round"]] == [4, 4, 5]
    assert [r["reservations"]["a"] for r in report["zone_by_round"]] == [5, 2, -1]
    assert report["nash"]["terms"] == {"x": "x3", "y": "y2"} and report["frontier"] == 4
    assert report["delegations"]["b"] == {"reservation": 5.0, "best": 18.0, "worst": -56.0}
    assert report["warnings"] == []


def test_check_warns_about_an_impossible_scenario() -> None:
    """An issue no one cares about, a party that can never gain and an empty zone are named, with their places."""
    scenario = two_issue_scenario()
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["issues"].append({"id": "z", "title": "Z", "options": [{"id": "z1", "label": "z"}, {"id": "z2", "label": "z"}]})
    for d in data["delegations"]:
        d["hidden"]["points"]["z"] = {"z1": 1, "z2": 1}
    data["delegations"][1]["hidden"]["reservation"] = 100
    report = scenario_check(Scenario.model_validate(data))
    text = "\n".join(report["warnings"])
    assert "no zone of agreement" in text and "b can never gain" in text and "issue 'z'" in text
    assert "warning: delegations[1].hidden.reservation: b can never gain" in check_text(report)
    assert "issues[2]: issue 'z'" in text


# ---------------------------------------------------------------- bundled scenarios, async


def test_tutorial_analysis_agrees_with_brute_force_and_is_stable() -> None:
    """Two fresh analyses of the tutorial are identical and equal the brute force."""
    scenario = bundled_scenarios()["tutorial"]
    clear_cache()
    first = analyse(scenario)
    clear_cache()
    second = analyse(scenario)
    assert first is not second
    reference = brute_force(scenario, first.reservations, first.space.seated)
    for analysis in (first, second):
        assert set(analysis.frontier_numbers.tolist()) == reference.frontier
        assert analysis.zone_size == len(reference.zone) == 9
        assert analysis.nash is not None and analysis.nash.number == reference.nash
    assert first.nash == second.nash and first.greatest_joint_gain == second.greatest_joint_gain


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_bundled_scenario_check_is_json_and_stable(scenario_id: str) -> None:
    """Each bundled scenario's check report is JSON, has a zone and a Nash point, and repeats exactly."""
    scenario = bundled_scenarios()[scenario_id]
    first = json.dumps(scenario_check(scenario), sort_keys=True)
    clear_cache()
    second = json.dumps(scenario_check(scenario), sort_keys=True)
    assert first == second
    report = json.loads(first)
    assert report["zone"] > 0 and report["nash"] is not None and report["frontier"] > 0
    assert scenario.title in check_text(report)


async def test_analyse_async_runs_off_the_event_loop() -> None:
    """The async wrapper returns the same (cached) analysis as the synchronous call."""
    scenario = two_issue_scenario()
    assert await analyse_async(scenario) is analyse(scenario)
