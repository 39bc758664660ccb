"""A package's worth as shown (engine.worth) is the result scored when it is then signed,
and the signatures a proposal needs follow the table as the facilitator seats and unseats."""

from __future__ import annotations

import random
import re

import pytest

from engine_helpers import Table
from server.engine import FACILITATOR
from server.engine import commands as c
from server.engine.phases import Phase
from server.engine.worth import package_worth
from server.scenario import bundled_scenarios

ISTANBUL_BINDING = {
    "alignment": "permanent_neutrality", "guarantees": "binding_collective",
    "foreign_troops": "total_ban", "armed_forces": "generous_cap", "crimea": "set_aside",
    "regions": "leaders_summit", "ceasefire": "full_monitored", "eu_accession": "open",
    "sanctions": "maintained",
}


def sign_all(table: Table, proposal: str) -> None:
    """Every delegation whose signature the proposal needs signs it (in id order)."""
    for seat in table.state.proposals[proposal].required:
        if table.game.ended:
            return
        table.act(seat, c.SignProposal(proposal=proposal))


def random_package(scenario_id: str, rng: random.Random) -> dict[str, str]:
    scenario = bundled_scenarios()[scenario_id]
    return {i.id: rng.choice(i.options).id for i in scenario.issues}


@pytest.mark.parametrize("scenario_id", ["tutorial", "istanbul-2022", "ceasefire-2025"])
@pytest.mark.parametrize("seed", range(4))
def test_shown_worth_is_the_scored_result(scenario_id: str, seed: int) -> None:
    """For random packages, the worth shown to every seat before signing equals its scored result."""
    rng = random.Random(f"{scenario_id}:{seed}")
    table = Table(scenario_id, seed=seed)
    table.advance_to(Phase.NEGOTIATION)
    terms = random_package(scenario_id, rng)
    author = sorted(table.state.in_play())[0]
    table.act(author, c.TableProposal(terms=terms))
    table.advance_to(Phase.DECISION)
    shown = {d: package_worth(table.state, d, terms) for d in table.state.seated}
    sign_all(table, "P1")
    assert table.state.agreement == "P1"
    for d, worth in shown.items():
        scored = table.state.results[d]
        assert worth.result == scored.result, (d, worth.reasons)
        assert worth.margin == scored.surplus
        assert worth.reservation == scored.reservation


def test_absent_guarantors_and_red_lines_are_explained_in_labels() -> None:
    """A guarantee naming absent guarantors, and a red line, are given as reasons in words, not ids."""
    table = Table("istanbul-2022")
    table.advance_to(Phase.NEGOTIATION)
    terms = {**ISTANBUL_BINDING, "crimea": "de_jure"}
    worth = package_worth(table.state, "ukraine", terms)
    text = "\n".join(worth.reasons)
    assert worth.absent_clauses[0].counts_as == "A political declaration of support"
    assert "United States and European guarantors (UK and Germany)" in text
    assert "crosses your red line 'Never recognize Crimea as Russian in law': \u221260" in text
    assert worth.red_lines_crossed == ["Never recognize Crimea as Russian in law"]
    assert worth.points < worth.points_on_paper  # 22 on paper, 3 as a declaration
    assert worth.durability_included and worth.signers == ["russia", "ukraine"]
    for identifier in ("binding_collective", "no_legal_recognition", "usa", "de_jure"):
        assert not re.search(rf"\b{identifier}\b", text), identifier


def test_incomplete_package_has_no_result() -> None:
    """A package that leaves issues open cannot be signed: no result, and the reason says so."""
    table = Table("istanbul-2022")
    table.advance_to(Phase.NEGOTIATION)
    worth = package_worth(table.state, "russia", {"alignment": "permanent_neutrality"})
    assert worth.result is None and not worth.complete
    assert "leaves 8 issue(s) open" in worth.reasons[-1]


def test_seating_a_guarantor_mid_game_adds_its_signature() -> None:
    """Seating the US mid-decision makes it a required signer of the proposal naming it; the
    agreement forms when, and only when, the US has signed too; its worth was as scored."""
    table = Table("istanbul-2022")
    table.advance_to(Phase.NEGOTIATION)
    table.act("ukraine", c.TableProposal(terms=ISTANBUL_BINDING))
    assert table.state.proposals["P1"].required == ("russia", "ukraine")
    table.advance_to(Phase.DECISION)
    table.act("ukraine", c.SignProposal(proposal="P1"))
    events = table.facilitate(c.SeatDelegation(delegation="usa"))
    assert [e.type for e in events] == ["delegation_seated", "signers_changed"]
    view = table.game.view_for("usa")
    assert next(p for p in view.proposals if p.id == "P1").required == ["russia", "ukraine", "usa"]
    table.act("russia", c.SignProposal(proposal="P1"))
    assert table.state.agreement is None and table.state.phase is Phase.DECISION
    shown = {d: package_worth(table.state, d, ISTANBUL_BINDING) for d in ("ukraine", "russia", "usa")}
    table.act("usa", c.SignProposal(proposal="P1"))
    assert table.state.agreement == "P1"
    assert table.state.ending is not None and table.state.ending.signatories == ("russia", "ukraine", "usa")
    for d, worth in shown.items():
        assert worth.result == table.state.results[d].result


def test_unseating_the_last_missing_signer_forms_the_agreement() -> None:
    """When the only signer still missing leaves the table, the proposal is fully signed at once."""
    table = Table("istanbul-2022", seated=["ukraine", "russia", "turkey", "usa"])
    table.advance_to(Phase.NEGOTIATION)
    table.act("ukraine", c.TableProposal(terms=ISTANBUL_BINDING))
    assert table.state.proposals["P1"].required == ("russia", "ukraine", "usa")
    table.advance_to(Phase.DECISION)
    table.act("ukraine", c.SignProposal(proposal="P1"))
    table.act("russia", c.SignProposal(proposal="P1"))
    assert table.state.agreement is None
    table.facilitate(c.UnseatDelegation(delegation="usa"))
    assert table.state.agreement == "P1"
    ending = table.state.ending
    assert ending is not None and ending.signatories == ("russia", "ukraine")
    assert "unbacked" in [r.factor for r in ending.durability.reasons]  # type: ignore[union-attr]


def test_a_party_cannot_be_unseated() -> None:
    """Unseating is for guarantors and mediators; a party leaves only by walking out."""
    table = Table("istanbul-2022")
    with pytest.raises(Exception) as caught:
        table.act(FACILITATOR, c.UnseatDelegation(delegation="ukraine"))
    assert getattr(caught.value, "code", None) == "party_cannot_be_unseated"
