"""debrief(): a finished game's outcome against the frontier, the Nash point and history.

Known answers come from a hand-made two-issue scenario played through the engine (results
equal points there: no durability weight). On its tables, with reservations (A, B) the
packages are worth x1y1 (10,8) x1y2 (18,-56: B's red line) x2y1 (8,13) x2y2 (16,9)
x3y1 (2,18) x3y2 (10,14).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine_helpers import Table
from server.analysis import analyse, assess
from server.analysis.debrief import debrief, debrief_report, format_debrief
from server.bots.tournament import play_game
from server.engine import commands as c
from server.engine import events as ev
from server.engine.phases import Phase
from server.scenario import bundled_scenarios
from server.scenario.model import Scenario


def two_issue_scenario(drift_a: float = -3) -> Scenario:
    """Two parties, two issues, result = points; A's reservation falls by 3 each round."""
    def party(name: str, points: dict[str, Any], drift: float = 0, red_lines: list[Any] | None = None) -> dict[str, Any]:
        hidden = {"points": points, "reservation": 5, "reservation_drift": drift, "red_lines": red_lines or []}
        return {"id": name, "name": name.upper(), "code": name.upper() * 2, "kind": "party", "brief": "b",
                "hidden": hidden}

    return Scenario.model_validate({
        "id": "two-issues", "title": "Two issues", "briefing": "b", "rounds": 3,
        "issues": [
            {"id": "x", "title": "X", "options": [{"id": f"x{k}", "label": f"X{k}"} for k in (1, 2, 3)]},
            {"id": "y", "title": "Y", "options": [{"id": f"y{k}", "label": f"Y{k}"} for k in (1, 2)]},
        ],
        "delegations": [
            party("a", {"x": {"x1": 10, "x2": 8, "x3": 2}, "y": {"y1": 0, "y2": 8}}, drift=drift_a),
            party("b", {"x": {"x1": 0, "x2": 5, "x3": 10}, "y": {"y1": 8, "y2": 4}},
                  red_lines=[{"id": "never", "label": "Never x1 with y2", "terms": {"x": ["x1"], "y": ["y2"]}}]),
        ],
        "pressure": {"cards": [{"id": "c", "title": "C", "kind": "political", "text": "t", "weight": 1}]},
        "outcome": {"durability_weight": 0},
        "history": {"summary": "They split the difference.", "terms": {"x": "x2", "y": "y1"},
                    "agreement_signed": True},
    })


def table_proposal(table: Table, seat: str, **terms: str) -> str:
    tabled = [e for e in table.act(seat, c.TableProposal(terms=terms)) if isinstance(e, ev.ProposalTabled)]
    return tabled[0].proposal


def play_to_agreement_in_round_two() -> Table:
    """Round 1: A tables x1y2, B tables x3y1, both decline; round 2: A tables x1y1, both sign it."""
    table = Table(two_issue_scenario())
    table.advance_to(Phase.NEGOTIATION)
    first_a = table_proposal(table, "a", x="x1", y="y2")
    first_b = table_proposal(table, "b", x="x3", y="y1")
    table.advance_to(Phase.DECISION)
    for seat, proposal in (("a", first_b), ("b", first_a)):
        table.act(seat, c.DeclineProposal(proposal=proposal))
    table.advance_to(Phase.NEGOTIATION)
    assert table.state.round == 2
    second = table_proposal(table, "a", x="x1", y="y1")
    table.advance_to(Phase.DECISION)
    for seat in ("a", "b"):
        table.act(seat, c.SignProposal(proposal=second))
    assert table.game.ended
    return table


def test_agreement_known_answers() -> None:
    """x1y1 signed in round 2 (A's reservation 2): 6 from x3y2, 7 of joint gain left, trades named."""
    d = debrief(play_to_agreement_in_round_two().log)
    assert d["reason"] == "agreement" and d["terms"] == {"x": "x1", "y": "y1"}
    assert d["rounds_played"] == 2 and d["signatories"] == ["a", "b"]
    assert [(r["delegation"], r["result"], r["reservation"], r["surplus"]) for r in d["delegations"]] == [
        ("a", 10.0, 2.0, 8.0), ("b", 8.0, 5.0, 3.0)]
    a = d["analysis"]
    assert a["reservations"] == {"a": 2.0, "b": 5.0} and a["table"] == ["a", "b"]
    assert (a["packages"], a["zone"], a["frontier"]) == (6, 4, 4)
    assert a["nash"]["terms"] == {"x": "x3", "y": "y2"} and a["nash"]["gains"] == {"a": 8.0, "b": 9.0}
    assert a["greatest_joint_gain"]["terms"] == {"x": "x2", "y": "y2"}
    assert a["greatest_joint_gain"]["joint_gain"] == 18.0
    placed = a["agreement"]
    assert placed["package"]["joint_gain"] == 11.0 and not placed["on_frontier"]
    assert placed["distance"] == 6.0 and placed["joint_gain_left"] == 7.0 and placed["joint_gain_vs_nash"] == 6.0
    assert placed["better_deal"]["terms"] == {"x": "x3", "y": "y2"}
    assert placed["trades"] == [{"issue": "x", "agreed": "x1", "better": "x3"},
                                {"issue": "y", "agreed": "y1", "better": "y2"}]
    assert placed["nash_trades"] == placed["trades"] and a["no_deal"] is None


def test_concession_curves_are_worth_on_the_authors_own_table() -> None:
    """A conceded from 18 to 10 points on its own table between rounds 1 and 2; B tabled once at 18."""
    d = debrief(play_to_agreement_in_round_two().log)
    curves = {k: [(p["round"], p["worth"], p["complete"]) for p in v] for k, v in d["concessions"].items()}
    assert curves == {"a": [(1, 18.0, True), (2, 10.0, True)], "b": [(1, 18.0, True)]}
    assert [p["reservation"] for p in d["concessions"]["a"]] == [5.0, 2.0]


def test_history_is_placed_against_the_same_analysis() -> None:
    """The historical x2y1 (8,13) is scored at the end's reservations: dominated by x3y2 (10,14), 2.24 away."""
    h = debrief(play_to_agreement_in_round_two().log)["history"]
    assert h["summary"] == "They split the difference." and h["agreement_signed"]
    assert h["package"]["results"] == {"a": 8.0, "b": 13.0}
    assert h["placed"]["better_deal"]["terms"] == {"x": "x3", "y": "y2"}
    assert h["placed"]["distance"] == round((2**2 + 1**2) ** 0.5, 2)


def test_no_deal_names_the_best_packages_and_the_gain_lost() -> None:
    """Ended by the facilitator in round 1: the Nash point's 14 and the best 15 of joint gain were lost."""
    table = Table(two_issue_scenario())
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.EndGame())
    d = debrief(table.log)
    assert d["reason"] == "facilitator" and d["terms"] is None and d["durability"] is None
    assert [(r["result"], r["surplus"]) for r in d["delegations"]] == [(5.0, 0.0), (5.0, 0.0)]
    a = d["analysis"]
    assert a["agreement"] is None
    assert a["no_deal"]["joint_gain_lost_vs_nash"] == 14.0 and a["no_deal"]["joint_gain_lost_vs_best"] == 15.0
    assert [p["terms"] for p in a["no_deal"]["best_packages"]] == [{"x": "x2", "y": "y2"}, {"x": "x3", "y": "y2"}]
    assert d["concessions"] == {"a": [], "b": []}
    text = format_debrief(debrief_report(table.log))
    assert "No agreement was signed." in text and "versus the Nash point: 14.00" in text


def test_a_game_that_has_not_ended_is_refused() -> None:
    """Only a finished game has a debrief; the error says where the game stands."""
    table = Table(two_issue_scenario())
    table.advance_to(Phase.NEGOTIATION)
    with pytest.raises(ValueError, match="has not ended.*round 1, negotiation"):
        debrief(table.log)


def test_debrief_is_json_and_its_text_names_the_trades() -> None:
    """The dict survives a JSON round trip; the text shows terms, results, trades by label, history."""
    log = play_to_agreement_in_round_two().log
    d = debrief(log)
    assert json.loads(json.dumps(d)) == d
    assert debrief_report(log).model_dump(mode="json") == d  # the typed debrief is the same data
    text = format_debrief(debrief_report(log))
    for expected in ("Terms: X: X1; Y: Y1.", "| A | 10.00 | 10.00 | 0.00 | 10.00 | 2.00 | +8.00 | - |",
                     "6.00 points from the Pareto frontier", "Joint gain left on the table: 7.00",
                     "- X: X1 -> X3", "- Y: Y1 -> Y2", "They split the difference.", "- A: r1 18.00, r2 10.00"):
        assert expected in text, expected


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_bot_games_agree_with_the_results_the_game_scored(scenario_id: str) -> None:
    """On every bundled scenario the analysis scores the agreement exactly as result_scored did."""
    scenario = bundled_scenarios()[scenario_id]
    record = next(r for r in (play_game(scenario, {}, seed) for seed in range(1, 6)) if r.agreement)
    d = debrief(record.log)
    placed = d["analysis"]["agreement"]
    assert placed["package"]["results"] == {k: v.worth for k, v in record.results.items()}
    assert {r["delegation"]: r["worth"] for r in d["delegations"]} == placed["package"]["results"]
    state_reservations = {k: v.reservation for k, v in record.results.items()}
    direct = assess(analyse(scenario, state_reservations, record.results.keys()), d["terms"])
    assert (placed["distance"], placed["joint_gain_left"]) == (direct.distance, direct.joint_gain_left)
    assert d["durability"]["score"] == record.durability
