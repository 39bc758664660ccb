"""Property tests: random play through the engine, legal and not, keeps its promises."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import Table
from server.engine import CLOCK, FACILITATOR, Game, RuleViolation, dump_event
from server.engine import commands as c
from server.engine.views import dump_view
from server.scenario import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def random_command(table: Table, data: st.DataObject) -> tuple[str, c.CommandBase]:
    """A command that is often legal and sometimes not, from a seat, the facilitator or the clock."""
    scenario = table.state.scenario
    seats = [d.id for d in scenario.delegations]
    actor = data.draw(st.sampled_from([*seats, FACILITATOR, CLOCK]))
    proposals = [*table.state.proposals, "P99"]
    issue_ids = [i.id for i in scenario.issues]
    terms = {
        i.id: data.draw(st.sampled_from([o.id for o in i.options]))
        for i in scenario.issues
        if data.draw(st.integers(0, 5)) > 0
    } or {issue_ids[0]: scenario.issues[0].options[0].id}
    nonce = data.draw(st.integers(0, 10**6))
    choices: dict[str, Any] = {
        "table": lambda: c.TableProposal(terms=terms),
        "support": lambda: c.SupportProposal(proposal=data.draw(st.sampled_from(proposals))),
        "withdraw": lambda: c.WithdrawProposal(proposal=data.draw(st.sampled_from(proposals))),
        "sign": lambda: c.SignProposal(proposal=data.draw(st.sampled_from(proposals))),
        "decline": lambda: c.DeclineProposal(proposal=data.draw(st.sampled_from(proposals))),
        "ready": c.MarkReady,
        "say": lambda: c.MakeStatement(text=f"statement {nonce}"),
        "whisper": lambda: c.SendMessage(to=data.draw(st.sampled_from(seats)),
                                         text=f"private {actor}>{nonce}"),
        "walk": c.WalkOut,
        "start": c.StartGame,
        "advance": c.AdvancePhase,
        "pause": c.PauseTimer,
        "resume": c.ResumeTimer,
        "extend": lambda: c.ExtendTimer(seconds=30),
        "inject": lambda: c.InjectEvent(card=data.draw(st.sampled_from(
            [k.id for k in scenario.pressure.cards]))),
        "debrief": c.OpenDebrief,
        "tick": c.Tick,
    }
    weights = ["table"] * 3 + ["sign"] * 3 + ["ready"] * 4 + ["advance"] * 3 + ["tick"] * 3
    name = data.draw(st.sampled_from([*choices, *weights]))
    if name == "walk" and data.draw(st.integers(0, 9)) > 0:
        name = "say"  # walkouts end games; keep most games going
    return actor, choices[name]()


def play(data: st.DataObject, scenario_id: str, seed: int, steps: int) -> tuple[Table, list]:
    table = Table(scenario_id, seed=seed)
    table.start()
    played = []
    for _ in range(steps):
        actor, command = random_command(table, data)
        seconds = data.draw(st.sampled_from([0.5, 5.0, 60.0, 400.0]))
        played.append((actor, command, seconds))
        try:
            table.act(actor, command, seconds=seconds)
        except RuleViolation:
            pass
    return table, played


common = settings(max_examples=25, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@common
@given(data=st.data(), scenario_id=st.sampled_from(SCENARIOS), seed=st.integers(0, 1000))
def test_replaying_the_log_rebuilds_the_same_state(data: st.DataObject, scenario_id: str, seed: int) -> None:
    """Folding the events of any random game again gives the very same state."""
    table, _ = play(data, scenario_id, seed, steps=60)
    rebuilt = Game.from_events(table.log)
    assert rebuilt.view_for(FACILITATOR) == table.game.view_for(FACILITATOR)


@common
@given(data=st.data(), scenario_id=st.sampled_from(SCENARIOS), seed=st.integers(0, 1000))
def test_same_seed_and_commands_give_the_same_game(data: st.DataObject, scenario_id: str, seed: int) -> None:
    """The same seed and the same commands at the same times give an identical event log."""
    first, played = play(data, scenario_id, seed, steps=60)
    second = Table(scenario_id, seed=seed)
    second.start()
    for actor, command, seconds in played:
        try:
            second.act(actor, command, seconds=seconds)
        except RuleViolation:
            pass
    assert [dump_event(e) for e in second.log] == [dump_event(e) for e in first.log]


@common
@given(data=st.data(), scenario_id=st.sampled_from(SCENARIOS), seed=st.integers(0, 1000))
def test_no_view_holds_another_seats_secrets(data: st.DataObject, scenario_id: str, seed: int) -> None:
    """No seat's view holds another seat's red lines, intelligence, private messages or result."""
    table, _ = play(data, scenario_id, seed, steps=60)
    scenario = table.state.scenario
    for seat in (d.id for d in scenario.delegations):
        view = dump_view(table.game.view_for(seat))  # as it leaves the server
        text = json.dumps(view)
        assert view["hidden"] is None
        assert view["you"]["delegation"] == seat
        if not view["debrief_open"]:
            assert set(view["results"]) <= {seat}
        for other in scenario.delegations:
            if other.id == seat:
                continue
            for red_line in other.hidden.red_lines:
                assert red_line.label not in text
            for item in other.hidden.intelligence:
                assert item not in text
        for note in table.state.notes:
            if note.to is not None and seat not in note.to:
                assert f'"{note.text}"' not in text
