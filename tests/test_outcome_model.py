"""The outcome model's rules in play: interim agreements, public positions in the debrief,
the war cost in results, `parley scenarios score`, and the typed rules and phase table."""

from __future__ import annotations

import json
import typing

import pytest

from engine_helpers import Table
from server.analysis.debrief import debrief
from server.cli import main
from server.engine import commands as c
from server.engine import events as ev
from server.engine.decide import decide
from server.engine.evolve import fold
from server.engine.phases import Phase, Situation, Trigger, when_done

STEP = {"energy": "moratorium_30", "black_sea": "navigation"}
ISTANBUL_NASH = {
    "alignment": "permanent_neutrality", "guarantees": "bilateral_assurances",
    "foreign_troops": "total_ban", "armed_forces": "generous_cap", "crimea": "set_aside",
    "regions": "leaders_summit", "ceasefire": "full_monitored", "eu_accession": "open",
    "sanctions": "ukraine_lobbies",
}


def sign_all(table: Table, proposal: str) -> None:
    for seat in table.state.proposals[proposal].required:
        if not table.game.ended:
            table.act(seat, c.SignProposal(proposal=proposal))


def test_an_interim_agreement_takes_effect_lets_the_game_go_on_and_collapses() -> None:
    """ceasefire-2025: an energy and sea deal alone is signed, spares war cost, then collapses."""
    table = Table("ceasefire-2025", seed=3)
    table.advance_to(Phase.NEGOTIATION)
    grid = table.state.meters["energy_grid"]
    table.act("usa", c.TableProposal(terms=STEP))
    table.advance_to(Phase.DECISION)
    before = dict(table.state.war_cost)
    sign_all(table, "P1")  # every vote cast: the decision ends, resolution begins
    assert not table.game.ended and table.state.proposals["P1"].settled
    interim = table.state.interims[0]
    assert (interim.status, interim.round, interim.until) == ("holding", 1, 2)
    assert table.state.meters["energy_grid"] == grid + 10
    table.advance_to(Phase.RESOLUTION)
    spared = 1 - 0.15 - 0.1
    assert table.state.war_cost["ukraine"] == before["ukraine"] + round(4 * spared, 2)
    table.advance_to(Phase.PRESSURE)
    table.advance_to(Phase.RESOLUTION)  # round 2's resolution: its last round
    assert interim.status == "collapsed" and interim.ended_round == 2
    assert "moratorium lapsed" in interim.reason
    table.facilitate(c.EndGame())
    d = debrief(table.log)
    assert d["interims"][0]["status"] == "collapsed"
    assert any("collapsed in round 2" in x["text"] for x in d["lessons"])


def test_an_option_that_cannot_stand_alone_makes_no_interim_agreement() -> None:
    """A partial package with a non-interim issue cannot be signed."""
    table = Table("ceasefire-2025")
    table.advance_to(Phase.NEGOTIATION)
    table.act("usa", c.TableProposal(terms={**STEP, "crimea": "unresolved"}))
    table.act("usa", c.TableProposal(terms=STEP))  # something to sign, so the decision phase comes
    table.advance_to(Phase.DECISION)
    with pytest.raises(Exception) as caught:
        table.act("ukraine", c.SignProposal(proposal="P1"))
    assert getattr(caught.value, "code", None) == "incomplete_proposal"


def test_results_count_the_war_and_the_debrief_names_public_positions_and_delay() -> None:
    """istanbul-2022 signed in round 2: result = worth - war cost; Ukraine signed against its
    public demand for Article-5 guarantees, and the debrief says so, with the cost of delay."""
    table = Table("istanbul-2022", seed=5)
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.AdvancePhase())
    table.advance_to(Phase.NEGOTIATION)
    assert table.state.round == 2
    table.act("turkey", c.TableProposal(terms=ISTANBUL_NASH))
    table.advance_to(Phase.DECISION)
    sign_all(table, "P1")
    ukraine = table.state.results["ukraine"]
    assert ukraine.war_cost >= 4 and ukraine.worth is not None
    assert ukraine.result == round(ukraine.worth - ukraine.war_cost, 2)
    assert ukraine.surplus == round(ukraine.worth - ukraine.reservation, 2)
    d = debrief(table.log)
    texts = [x["text"] for x in d["lessons"]]
    assert any("Security guarantees equivalent to NATO's Article 5" in t and "opening bids" in t for t in texts)
    assert any("round(s) of war were lost" in t for t in texts)
    assert d["history"]["scored"]["durability"]["score"] < 0.3


def test_scenarios_score_prints_the_what_if(capsys: pytest.CaptureFixture[str]) -> None:
    """`parley scenarios score ... --json`: the history is fragile; later is worse; bad terms are named."""
    assert main(["scenarios", "score", "istanbul-2022", "--terms", "history", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["base"]["durability"]["score"] < 0.3 and out["everyone"] is not None
    later = {d["delegation"]: d["result"] for d in out["later"]["delegations"]}
    base = {d["delegation"]: d["result"] for d in out["base"]["delegations"]}
    assert later["ukraine"] < base["ukraine"] and later["russia"] < base["russia"]
    terms = ",".join(f"{k}={v}" for k, v in ISTANBUL_NASH.items())
    assert main(["scenarios", "score", "istanbul-2022", "--terms", terms, "--round", "3",
                 "--seat", "ukraine,russia,turkey,usa,europe"]) == 0
    text = capsys.readouterr().out
    assert "round 3 of 6" in text and "United States" in text
    assert main(["scenarios", "score", "istanbul-2022", "--terms", "guarantees=nonsense"]) != 0
    assert "no option 'nonsense'" in capsys.readouterr().err


def test_every_command_has_a_typed_rule_and_every_event_a_fold() -> None:
    """decide and fold dispatch on the class: none of the union's classes falls to the default."""
    commands = typing.get_args(typing.get_args(c.Command)[0])
    events = typing.get_args(typing.get_args(ev.Event)[0])
    assert all(decide.dispatch(k) is not decide.dispatch(c.CommandBase) for k in commands)
    assert all(fold.dispatch(k) is not fold.dispatch(ev.EventBase) for k in events)


def test_the_phase_table_decides_where_a_finished_phase_leads() -> None:
    """Nothing to sign skips the decision; the last round's resolution ends the game."""
    calm = Situation(nothing_to_sign=False, last_round=False)
    assert when_done(Phase.NEGOTIATION, calm) == (Trigger.DONE, Phase.DECISION)
    assert when_done(Phase.NEGOTIATION, Situation(True, False)) == (Trigger.NOTHING_TO_SIGN, Phase.RESOLUTION)
    assert when_done(Phase.RESOLUTION, calm) == (Trigger.DONE, Phase.PRESSURE)
    assert when_done(Phase.RESOLUTION, Situation(True, True)) == (Trigger.LAST_DONE, Phase.ENDED)
    assert when_done(Phase.DECISION, Situation(False, True)) == (Trigger.DONE, Phase.RESOLUTION)
