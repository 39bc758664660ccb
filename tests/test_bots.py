"""Bots in the pure engine: strategies, all-bot games, the tournament and its command line."""

from __future__ import annotations

import json

import pytest

from server.bots.seat import SeatTable
from server.bots.strategies import PARTY_STRATEGIES, STRATEGIES, make_strategy
from server.bots.tournament import assignments, default_seated, play_game, run_tournament
from server.cli import main
from server.engine import Game, dump_event
from server.engine import events as ev
from server.engine.scoring import points, red_lines_crossed
from server.engine.view_models import SeatView
from server.scenario import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


@pytest.mark.parametrize("sid", SCENARIOS)
def test_all_bot_games_finish_within_the_round_limit(sid: str) -> None:
    """Every assignment of strategies plays a bundled scenario to its end in its rounds."""
    scenario = bundled_scenarios()[sid]
    plans = assignments(scenario, PARTY_STRATEGIES, [d.id for d in scenario.delegations if not d.absent])
    for k, plan in enumerate(plans[:: max(1, len(plans) // 12)]):
        record = play_game(scenario, plan, seed=k)
        assert record.reason in ("agreement", "last_round")
        assert 1 <= record.rounds <= scenario.rounds
        assert isinstance(record.log[-1], ev.ResultScored)


@pytest.mark.parametrize("sid", SCENARIOS)
def test_bots_never_sign_across_their_own_red_lines(sid: str) -> None:
    """Over many seeds and pairings, no bot signature lands on a package crossing its red lines."""
    scenario = bundled_scenarios()[sid]
    seated = [d.id for d in scenario.delegations if not d.absent]
    plans = assignments(scenario, PARTY_STRATEGIES, seated)
    signatures = 0
    for seed in range(40):
        record = play_game(scenario, plans[seed % len(plans)], seed=seed)
        tabled = {e.proposal: e.terms for e in record.log if isinstance(e, ev.ProposalTabled)}
        for e in record.log:
            if isinstance(e, ev.ProposalSigned):
                signatures += 1
                delegation = scenario.delegation(e.delegation)
                assert delegation is not None
                assert not red_lines_crossed(delegation, tabled[e.proposal]), (seed, e)
    assert signatures > 40  # the check saw real signing, not empty games


@pytest.mark.parametrize("sid", SCENARIOS)
def test_same_seed_gives_the_same_event_log(sid: str) -> None:
    """Two games with the same seed and strategies produce identical event logs."""
    scenario = bundled_scenarios()[sid]
    seated = [d.id for d in scenario.delegations if not d.absent]
    plan = assignments(scenario, ("tit_for_tat", "linear"), seated)[1]
    first, second = (play_game(scenario, plan, seed=11).log for _ in range(2))
    assert [dump_event(e) for e in first] == [dump_event(e) for e in second]
    other = play_game(scenario, assignments(scenario, ("boulware",), seated)[0], seed=11).log
    assert [dump_event(e) for e in other] != [dump_event(e) for e in first]


def test_a_seat_values_packages_from_its_own_view_only() -> None:
    """SeatTable reads the seat's table from its view; unseated guarantors' clauses fall back."""
    from engine_helpers import Table

    table = Table("tutorial", seated=["upland", "lowland"])
    view = table.game.view_for("lowland")
    seat = SeatTable.from_view(view)
    lowland = bundled_scenarios()["tutorial"].delegation("lowland")
    assert lowland is not None
    terms = {"dam_height": "frozen", "water_flow": "seasonal", "compensation": "direct"}
    assert seat.worth(terms) == pytest.approx(0.8 * points(lowland, terms))
    guaranteed = {**terms, "water_flow": "guaranteed"}  # the Commission is absent: seasonal
    assert seat.worth(guaranteed) == seat.worth(terms)
    assert seat.crosses({"dam_height": "full", "water_flow": "none", "compensation": "fund"})
    assert not seat.crosses(seat.best_package())


def test_strategies_concede_in_their_tempers() -> None:
    """Halfway through, Conceder asks least, Boulware most, and the hardliner never below half."""
    from engine_helpers import Table

    table = Table("istanbul-2022")
    table.start()
    view = table.game.view_for("ukraine").model_copy(update={"round": 4})  # 0.6 of the way through six rounds
    seat = SeatTable.from_view(view)
    asks = {name: make_strategy(name, "ukraine", "party", 1).aspiration(view, seat)
            for name in ("boulware", "linear", "conceder", "hardliner")}
    assert asks["conceder"] < asks["linear"] < asks["boulware"]
    assert asks["hardliner"] >= (seat.best_worth() + seat.reservation) / 2
    assert all(a >= seat.reservation for a in asks.values())


def test_tournament_summarises_strategies_and_delegations() -> None:
    """run_tournament covers every strategy and seat, with rates in [0, 1]."""
    report = run_tournament(bundled_scenarios()["tutorial"], games=10, seed=3)
    assert set(report["by_strategy"]) == {*PARTY_STRATEGIES, "mediator"}
    assert set(report["by_delegation"]) == {"upland", "lowland", "commission"}
    for row in [*report["by_strategy"].values(), *report["by_delegation"].values()]:
        assert 0.0 <= row["agreement_rate"] <= 1.0
        assert 1.0 <= row["mean_rounds"] <= 3.0


def test_tournament_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`parley tournament tutorial --games 4 --json` prints the report with its expected shape."""
    assert main(["tournament", "tutorial", "--games", "4", "--strategies", "linear", "conceder", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scenario"] == "tutorial" and report["games"] == 4
    assert set(report["by_strategy"]) == {"linear", "conceder", "mediator"}
    row = report["by_delegation"]["upland"]
    assert set(row) == {"seats", "agreement_rate", "mean_surplus", "mean_result", "results",
                        "mean_durability", "mean_rounds"}
    assert row["seats"] == 4


def test_tournament_command_prints_tables_and_refuses_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    """The text report has both tables; an unknown scenario is one line and status 1."""
    assert main(["tournament", "tutorial", "--games", "2"]) == 0
    out = capsys.readouterr().out
    assert "by strategy" in out and "by delegation" in out and "River Commission" in out
    assert main(["tournament", "no-such-scenario"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("parley: ") and "no-such-scenario" in err and len(err.splitlines()) == 1


def test_every_strategy_is_registered_by_name() -> None:
    """STRATEGIES maps each name to its class; an unknown name is a clear ValueError."""
    assert {s.name for s in STRATEGIES.values()} == set(STRATEGIES)
    with pytest.raises(ValueError, match="unknown strategy 'sly'"):
        make_strategy("sly", "upland", "party", 1)


@pytest.mark.parametrize("sid", SCENARIOS)
def test_bots_play_the_same_games_without_the_views_worth_figures(sid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bots value packages themselves: given views with every proposal's worth, they play the
    very same games as the tournament does without them (so it may skip computing them)."""
    scenario = bundled_scenarios()[sid]
    plans = assignments(scenario, PARTY_STRATEGIES, default_seated(scenario))
    played = [play_game(scenario, plans[k * 7 % len(plans)], seed=k) for k in range(4)]
    assert any(e.type == "proposal_tabled" for r in played for e in r.log)
    original = Game.view_for

    def with_worth(self: Game, seat: str | None, include_notes: bool = True, include_scenario: bool = True,
                   with_worth: bool = True) -> SeatView:
        view = original(self, seat, include_notes, include_scenario, with_worth=True)
        assert all(p.worth is not None for p in view.proposals if not p.withdrawn)
        return view

    monkeypatch.setattr(Game, "view_for", with_worth)
    again = [play_game(scenario, plans[k * 7 % len(plans)], seed=k) for k in range(4)]
    assert [[dump_event(e) for e in r.log] for r in again] == [[dump_event(e) for e in r.log] for r in played]
