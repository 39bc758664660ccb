"""The bundled seed scenarios teach the essay's lessons, not their opposite.

Each test asserts one lesson of the seed essay (shared/seed/000_ff70ee56c12c06b1.txt) on the
scored outcome: over the whole outcome space (server.analysis, which scores every package
exactly as the engine does), with the what-if scorer (server.engine.whatif), and over real
100-game bot tournaments of each historical scenario (server.bots.tournament; about 15 s,
the games shared with tests/test_guides.py).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

from bot_games import shared_games
from server.analysis import analyse
from server.analysis.evaluate import Batch, multipliers, score
from server.analysis.space import compile_space
from server.bots.strategies import PARTY_STRATEGIES
from server.bots.tournament import default_seated, summarise
from server.engine.whatif import history, what_if
from server.scenario.loader import bundled_scenarios
from server.scenario.model import Scenario

SEED_SCENARIOS = ("istanbul-2022", "ceasefire-2025")
LESSONS = (
    "Security comes first",
    "No peace without guarantees",
    "No peace without the West",
    "The West unwilling to assume responsibility",
    "Ceasefire and settlement together",
)
WORKABLE = 0.55  # durability_label: "workable: likely to hold for years" from here
FRAGILE = 0.3
WAITING = ("boulware", "hardliner")  # the strategies that hold out
PROMPT = ("linear", "conceder")
GAMES = 100


def scenario(sid: str) -> Scenario:
    return bundled_scenarios()[sid]


@functools.cache
def tournament(sid: str) -> dict[str, Any]:
    """`parley tournament SID --games 100 --seed 1`'s report (its games shared with test_guides)."""
    seated = default_seated(scenario(sid))
    records = shared_games(scenario(sid), GAMES, PARTY_STRATEGIES, 1, seated)
    return summarise(scenario(sid), records, PARTY_STRATEGIES, 1, seated, 0.0)


def durabilities(sid: str, seated: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every package's durability, and whether it is in the zone of agreement at the start."""
    space = compile_space(scenario(sid), seated)
    analysis = analyse(scenario(sid), seated=seated)
    reservations = np.array([analysis.reservations[d] for d in space.seated])
    weight = scenario(sid).outcome.durability_weight
    found, zone = [], []
    for _, fixed in space.blocks():
        batch = Batch.block(fixed, space.sizes)
        found.append(((multipliers(space, batch).reshape(-1) - (1 - weight)) / weight).round(3))
        zone.append(score(space, batch).in_zone(reservations))
    return np.concatenate(found), np.concatenate(zone)


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_seed_scenario_is_big_enough(sid: str) -> None:
    """A seed scenario seats at least 4 delegations, 8 issues and 12 pressure cards."""
    s = scenario(sid)
    assert len(s.delegations) >= 4 and len(s.issues) >= 8 and len(s.pressure.cards) >= 12


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_every_lesson_of_the_essay_is_a_factor(sid: str) -> None:
    """Each lesson moves durability; the West's through signatures (unbacked or unsigned clauses)."""
    outcome = scenario(sid).outcome
    assert set(LESSONS) <= {f.lesson for f in outcome.factors}
    west = [f for f in outcome.factors if f.lesson == "No peace without the West"]
    assert any(f.when.unbacked or f.when.unsigned for f in west)
    assert any(f.effect > 0 for f in outcome.factors if f.lesson == "No peace without guarantees")


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_small_zone_of_agreement_at_the_start(sid: str) -> None:
    """At the starting reservation values some package suits every signatory, but under 5%."""
    analysis = analyse(scenario(sid))
    assert 0 < analysis.zone_size < 0.05 * analysis.size


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_the_same_package_is_worth_less_later_to_every_party(sid: str) -> None:
    """Signed in the last round, the Nash package scores less for every party than in round 1."""
    s = scenario(sid)
    nash = analyse(s).nash
    assert nash is not None
    first, last = what_if(s, nash.terms, 1), what_if(s, nash.terms, s.rounds)
    for d in s.delegations:
        if d.kind == "party":
            assert last.of(d.id).result < first.of(d.id).result, d.id


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_waiting_does_not_pay(sid: str) -> None:
    """In 100 bot games no holding-out strategy's mean result beats both linear's and conceder's."""
    rows = tournament(sid)["by_strategy"]
    prompt = max(rows[name]["mean_result"] for name in PROMPT)
    for name in WAITING:
        assert rows[name]["mean_result"] <= prompt, (name, rows[name]["mean_result"], prompt)


def test_no_workable_package_without_the_west() -> None:
    """istanbul-2022 with the West absent: no package at all reaches workable durability."""
    found, _ = durabilities("istanbul-2022")
    assert found.max() < WORKABLE


def test_with_the_west_at_the_table_some_agreeable_packages_are_workable() -> None:
    """Seat the US and Europe: workable packages appear in the zone, none crossing their red lines."""
    everyone = [d.id for d in scenario("istanbul-2022").delegations]
    found, zone = durabilities("istanbul-2022", everyone)
    workable = zone & (found >= WORKABLE)
    assert workable.any()
    space = compile_space(scenario("istanbul-2022"), everyone)
    west = scenario("istanbul-2022").delegation("usa"), scenario("istanbul-2022").delegation("europe")
    for number in np.flatnonzero(workable)[:200]:
        terms = space.terms(space.grid(np.array([number]))[0])
        for delegation in west:
            assert delegation is not None
            assert not any(all(terms[i] in o for i, o in r.terms.items()) for r in delegation.hidden.red_lines)


def test_a_mediator_guarantee_needs_the_mediators_signature() -> None:
    """Turkey's bilateral assurances count as a declaration unless Turkey signs them."""
    s = scenario("istanbul-2022")
    nash = analyse(s).nash
    assert nash is not None and nash.terms["guarantees"] == "bilateral_assurances"
    with_turkey = what_if(s, nash.terms, 1)
    without = what_if(s, nash.terms, 1, signed=["ukraine", "russia"])
    assert "turkey" in with_turkey.required and without.missing == ["turkey"]
    assert without.absent_clauses[0].counts_as == "A political declaration of support"
    assert without.of("ukraine").worth < with_turkey.of("ukraine").worth


def test_historical_istanbul_package_is_fragile_for_want_of_guarantees_and_ceasefire() -> None:
    """The Istanbul Communiqué, scored like any package, is fragile: no real guarantee, no ceasefire."""
    scored = history(scenario("istanbul-2022"))
    assert scored is not None and scored.durability.score < FRAGILE
    factors = {r.factor for r in scored.durability.reasons}
    assert {"without_the_west", "declaration_only", "settlement_without_ceasefire"} <= factors
    reasons = " ".join(r.reason for r in scored.durability.reasons)
    assert "politically weightless" in reasons and "mechanics of a ceasefire" in reasons


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_history_is_complete_and_scored(sid: str) -> None:
    """Every issue has a historical option, so history has a result for every delegation at the table."""
    scored = history(scenario(sid))
    assert scored is not None and {d.delegation for d in scored.delegations} >= {"ukraine", "russia"}


def test_russia_will_not_give_up_what_it_holds() -> None:
    """istanbul-2022: Russia has a red line against a full withdrawal ("neither Moscow nor Kyiv
    intends to relinquish control over contested territories")."""
    russia = scenario("istanbul-2022").delegation("russia")
    assert russia is not None
    assert any(r.terms == {"regions": ("full_withdrawal",)} for r in russia.hidden.red_lines)


def test_the_us_pays_for_a_backstop_whatever_the_durability() -> None:
    """ceasefire-2025: the US backstop costs Washington a commitment outside the durability weighting,
    so its edge for the backstop over a mere declaration is far smaller than durability alone gives."""
    s = scenario("ceasefire-2025")
    nash = analyse(s).nash
    assert nash is not None and nash.terms["guarantees"] == "backstopped_force"
    backstop = what_if(s, nash.terms).of("usa")
    declaration = what_if(s, {**nash.terms, "guarantees": "political_declaration"}).of("usa")
    assert backstop.commitment > 0 and declaration.commitment == 0
    assert backstop.worth - declaration.worth < (backstop.worth + backstop.commitment - declaration.worth) / 2


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_every_lesson_fires_in_a_tournament(sid: str) -> None:
    """In 100 bot games each lesson's factors fire in some agreement, and some public position is signed against."""
    counts = tournament(sid)["lessons"]
    for lesson in ("No peace without guarantees", "No peace without the West", "Ceasefire and settlement together"):
        assert counts["by_lesson"][lesson] > 0, lesson
    assert counts["public_positions_signed_against"] > 0
    assert counts["games_with_rounds_lost"] > 0


def test_interim_agreements_are_made_and_collapse_without_a_settlement() -> None:
    """ceasefire-2025: the step-by-step track is played (interim agreements signed) and they collapse."""
    counts = tournament("ceasefire-2025")["lessons"]
    assert counts["interim_agreements"] > 0 and counts["interims_collapsed"] > 0


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_no_party_gets_its_best_package(sid: str) -> None:
    """Each party's best achievable result lies outside the zone: someone else refuses it."""
    analysis = analyse(scenario(sid))
    zone_best = {d: max((p.results[d] for p in analysis.frontier() if p.in_zone), default=-1e9)
                 for d in analysis.table}
    for d in scenario(sid).delegations:
        if d.kind == "party":
            assert zone_best[d.id] < analysis.best[d.id], d.id


@pytest.mark.parametrize("sid", SEED_SCENARIOS)
def test_every_issue_matters_to_a_signatory(sid: str) -> None:
    """No issue is irrelevant: some signing delegation's table distinguishes its options."""
    s = scenario(sid)
    for issue in s.issues:
        spreads = [max(d.hidden.points[issue.id].values()) - min(d.hidden.points[issue.id].values())
                   for d in s.delegations if d.signs]
        assert max(spreads) > 0, issue.id
