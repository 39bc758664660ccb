"""The pure engine, played seat by seat through `Table` with plain asserts."""

from __future__ import annotations

import pytest

from engine_helpers import Table
from server.engine import FACILITATOR, Game, RuleViolation
from server.engine import commands as c
from server.engine.phases import Phase

DEAL = {"dam_height": "reduced", "water_flow": "seasonal", "compensation": "fund"}


def refused(table: Table, actor: str, command: c.CommandBase) -> str:
    """Play a command that must be refused; check nothing changed; return the rule's code."""
    before = table.game.view_for(FACILITATOR)
    with pytest.raises(RuleViolation) as caught:
        table.act(actor, command)
    assert table.game.view_for(FACILITATOR) == before
    return caught.value.code


def test_start_draws_pressure_and_sets_a_deadline() -> None:
    """Starting a game begins round 1's pressure phase, draws a card and times the phase."""
    table = Table()
    table.start()
    state = table.state
    assert (state.phase, state.round) == (Phase.PRESSURE, 1)
    assert len(state.pressure) == 1
    assert state.deadline == table.clock + state.scenario.phases.pressure


def test_phases_follow_the_round() -> None:
    """A round runs pressure, negotiation, decision, resolution, then the next round's pressure."""
    table = Table()
    seen = []
    table.start()
    for _ in range(4):
        seen.append((table.state.phase, table.state.round))
        if table.state.phase is Phase.NEGOTIATION:
            table.act("lowland", c.TableProposal(terms=DEAL))
        table.facilitate(c.AdvancePhase())
    assert seen == [(Phase.PRESSURE, 1), (Phase.NEGOTIATION, 1), (Phase.DECISION, 1),
                    (Phase.RESOLUTION, 1)]
    assert (table.state.phase, table.state.round) == (Phase.PRESSURE, 2)


def test_decision_is_skipped_when_nothing_can_be_signed() -> None:
    """With no complete proposal on the table, negotiation goes straight to resolution."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("upland", c.TableProposal(terms={"dam_height": "full"}))
    table.facilitate(c.AdvancePhase())
    assert table.state.phase is Phase.RESOLUTION


def test_everyone_ready_ends_the_phase() -> None:
    """When every seated delegation is ready, the phase ends without waiting for the timer."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("upland", c.MarkReady())
    table.act("lowland", c.MarkReady())
    assert table.state.phase is Phase.NEGOTIATION
    table.act("commission", c.MarkReady())
    assert table.state.phase is Phase.RESOLUTION


def test_signing_a_complete_proposal_makes_the_agreement() -> None:
    """Every required signature on a complete proposal signs the agreement and ends the game."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("commission", c.TableProposal(terms=DEAL))
    table.advance_to(Phase.DECISION)
    table.act("upland", c.SignProposal(proposal="P1"))
    assert not table.game.ended
    table.act("lowland", c.SignProposal(proposal="P1"))
    state = table.state
    assert state.ended and state.agreement == "P1"
    assert state.ending is not None and state.ending.reason == "agreement"
    assert state.ending.terms == DEAL
    assert set(state.results) == {"upland", "lowland", "commission"}
    assert state.results["upland"].surplus > 0


def test_rule_violations_name_the_rule_and_change_nothing() -> None:
    """Wrong phase, unknown option, signing twice, non-signatories and roles are all refused."""
    table = Table()
    assert refused(table, "upland", c.MarkReady()) == "wrong_phase"
    assert refused(table, "upland", c.StartGame()) == "not_facilitator"
    assert refused(table, FACILITATOR, c.MarkReady()) == "not_your_seat"
    assert refused(table, "atlantis", c.MarkReady()) == "not_your_seat"
    table.advance_to(Phase.NEGOTIATION)
    assert refused(table, "upland", c.TableProposal(terms={"dam_height": "huge"})) == "unknown_option"
    assert refused(table, "upland", c.TableProposal(terms={"moon": "full"})) == "unknown_issue"
    assert refused(table, "upland", c.SupportProposal(proposal="P9")) == "unknown_proposal"
    assert refused(table, "upland", c.SendMessage(to="upland", text="hi")) == "unknown_delegation"
    table.act("lowland", c.TableProposal(terms=DEAL))
    assert refused(table, "upland", c.WithdrawProposal(proposal="P1")) == "not_your_proposal"
    assert refused(table, "upland", c.SignProposal(proposal="P1")) == "wrong_phase"
    table.advance_to(Phase.DECISION)
    assert refused(table, "commission", c.SignProposal(proposal="P1")) == "not_signatory"
    table.act("upland", c.DeclineProposal(proposal="P1"))
    assert refused(table, "upland", c.SignProposal(proposal="P1")) == "already_voted"
    table.facilitate(c.EndGame())
    assert refused(table, "lowland", c.MakeStatement(text="too late")) == "game_over"


def test_a_party_walking_out_ends_the_game() -> None:
    """A party's walkout ends the game with no agreement; each side keeps its reservation."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.WalkOut())
    state = table.state
    assert state.ended and state.ending is not None
    assert state.ending.reason == "walkout" and state.ending.terms is None
    assert state.results["upland"].result == state.reservation["upland"]


def test_the_last_round_ends_without_agreement() -> None:
    """Running out of rounds ends the game with every round counted as lost."""
    table = Table()
    table.start()
    while not table.game.ended:
        table.facilitate(c.AdvancePhase())
    ending = table.state.ending
    assert ending is not None and ending.reason == "last_round"
    assert ending.rounds_lost == table.state.scenario.rounds


def test_resolution_applies_war_cost_and_drift_privately() -> None:
    """Each round of war costs each delegation and moves its reservation, told only to it."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    before = dict(table.state.reservation)
    events = table.facilitate(c.AdvancePhase())
    shifts = [e for e in events if e.type == "reservation_shifted"]
    assert {e.delegation for e in shifts} == {"upland", "lowland"}
    assert all(e.visibility.seats == (e.delegation,) for e in shifts)
    drift = table.state.scenario.delegation("upland").hidden.reservation_drift  # the tutorial's: -7
    assert drift < 0 and table.state.reservation["upland"] == before["upland"] + drift
    assert table.state.war_cost["upland"] == 2


def test_timer_pause_resume_extend_and_tick() -> None:
    """The clock ends a phase at its deadline, not while paused; extend and resume move it."""
    table = Table()
    table.start()
    deadline = table.state.deadline
    assert deadline is not None
    table.facilitate(c.PauseTimer())
    table.clock = deadline + 100
    table.act("clock", c.Tick(), seconds=0)
    assert table.state.phase is Phase.PRESSURE and table.state.paused
    table.facilitate(c.ExtendTimer(seconds=30))
    remaining = table.state.paused_remaining
    table.facilitate(c.ResumeTimer())
    assert table.state.deadline == table.clock + remaining
    table.act("clock", c.Tick(), seconds=remaining - 1)
    assert table.state.phase is Phase.PRESSURE
    table.act("clock", c.Tick(), seconds=1)
    assert table.state.phase is Phase.NEGOTIATION


def test_paused_game_refuses_moves_but_not_talk() -> None:
    """While paused, proposals wait; statements and private messages still go through."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.PauseTimer())
    assert refused(table, "upland", c.TableProposal(terms=DEAL)) == "paused"
    table.act("upland", c.SendMessage(to="lowland", text="can we talk?"))
    assert table.state.notes[-1].text == "can we talk?"


def test_guarantee_naming_an_absent_delegation_is_weightless() -> None:
    """A clause naming a delegation that is not seated needs no signature but counts as weightless."""
    table = Table(seated=["upland", "lowland"])
    table.advance_to(Phase.NEGOTIATION)
    terms = {**DEAL, "water_flow": "guaranteed"}
    table.act("upland", c.TableProposal(terms=terms))
    assert table.state.proposals["P1"].required == ("lowland", "upland")
    table.advance_to(Phase.DECISION)
    table.act("upland", c.SignProposal(proposal="P1"))
    table.act("lowland", c.SignProposal(proposal="P1"))
    ending = table.state.ending
    assert ending is not None and ending.durability is not None
    assert "unbacked" in [r.factor for r in ending.durability.reasons]
    assert "monitored" not in [r.factor for r in ending.durability.reasons]
    # Lowland's points are those of seasonal flow, the weightless fallback.
    lowland = table.state.scenario.delegation("lowland")
    assert lowland is not None
    assert table.state.results["lowland"].points == 20 + 25 + 12


def test_seated_named_delegation_must_sign() -> None:
    """A clause naming a seated delegation makes its signature required."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("upland", c.TableProposal(terms={**DEAL, "water_flow": "guaranteed"}))
    assert table.state.proposals["P1"].required == ("commission", "lowland", "upland")


def test_seat_delegation_brings_an_absent_one_to_the_table() -> None:
    """The facilitator can seat a delegation that the game started without."""
    table = Table(seated=["upland", "lowland"])
    table.facilitate(c.SeatDelegation(delegation="commission"))
    assert "commission" in table.state.in_play()
    assert refused(table, FACILITATOR, c.SeatDelegation(delegation="commission")) == "already_seated"


def test_injected_event_plays_a_card_now() -> None:
    """The facilitator's injected card is applied at once and marked as injected."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    tension = table.state.meters["tension"]
    table.facilitate(c.InjectEvent(card="protest_camp"))
    assert table.state.pressure[-1].injected
    assert table.state.meters["tension"] == tension + 15
    assert refused(table, FACILITATOR, c.InjectEvent(card="meteor")) == "unknown_card"


def test_debrief_makes_results_public() -> None:
    """Results are private until the facilitator opens the debrief, then every seat sees all."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.EndGame())
    assert set(table.game.view_for("upland").results) == {"upland"}
    assert table.game.view_for(None).results == {}
    table.facilitate(c.OpenDebrief())
    assert set(table.game.view_for("upland").results) == {"upland", "lowland", "commission"}


def test_views_hold_only_the_seats_own_secrets() -> None:
    """A seat's view has its own hidden table and no other's; an observer's has none."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("upland", c.SendMessage(to="commission", text="secret offer"))
    upland, lowland, observer = (table.game.view_for(s) for s in ("upland", "lowland", None))
    assert upland.you is not None and upland.you.delegation == "upland" and upland.hidden is None
    assert "no_dry_summers" not in upland.model_dump_json() and "no_dry_summers" in lowland.model_dump_json()
    assert "secret offer" in upland.model_dump_json() and "secret offer" not in lowland.model_dump_json()
    assert observer.you is None and "secret offer" not in observer.model_dump_json()


def test_rebuilding_from_the_log_gives_the_same_game() -> None:
    """Folding the event log again gives exactly the state the game reached."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.TableProposal(terms=DEAL))
    table.act("upland", c.SendMessage(to="lowland", text="maybe"))
    table.advance_to(Phase.DECISION)
    table.act("upland", c.SignProposal(proposal="P1"))
    rebuilt = Game.from_events(table.log)
    assert rebuilt.view_for(FACILITATOR) == table.game.view_for(FACILITATOR)


def test_each_decision_phase_is_a_fresh_vote() -> None:
    """A proposal declined in one round's decision can be signed in the next round's."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.TableProposal(terms=DEAL))
    table.advance_to(Phase.DECISION)
    table.act("upland", c.DeclineProposal(proposal="P1"))
    table.facilitate(c.AdvancePhase())
    table.advance_to(Phase.DECISION)
    assert table.state.round == 2 and not table.state.proposals["P1"].declines
    table.act("upland", c.SignProposal(proposal="P1"))
    table.act("lowland", c.SignProposal(proposal="P1"))
    assert table.state.agreement == "P1"


def test_a_bots_strategy_stays_with_the_facilitator() -> None:
    """Seats see that a bot plays a delegation, never which strategy it plays."""
    table = Table()
    events = table.facilitate(c.SetController(delegation="lowland", controller="bot", strategy="boulware"))
    assert table.game.view_for("upland").controllers["lowland"] == "bot"
    assert "boulware" not in table.game.view_for("upland").model_dump_json()
    assert not any(e.visibility.allows("upland") for e in events)
