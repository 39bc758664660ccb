"""The events the runtime delivers without building views again change views in notes and seq alone."""

from __future__ import annotations

import pytest

from server.bots.tournament import default_seated, play_game
from server.engine import FACILITATOR, Game
from server.engine.evolve import apply
from server.engine.views import NOTES_ONLY
from server.scenario import bundled_scenarios


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_notes_only_events_change_no_other_part_of_any_view(scenario_id: str) -> None:
    """Over whole all-bot games, every NOTES_ONLY event leaves every seat's, the observers' and
    the facilitator's view as it was but for `notes` and `seq`."""
    scenario = bundled_scenarios()[scenario_id]
    seats = [*(d.id for d in scenario.delegations), None, FACILITATOR]
    checked = 0
    for seed in (1, 2):
        log = play_game(scenario, {}, seed=seed, seated=default_seated(scenario)).log
        game = Game.from_events(log[:1])
        for event in log[1:]:
            before = {seat: game.view_for(seat, include_notes=False) for seat in seats} \
                if event.type in NOTES_ONLY else None
            apply(game.state, event)
            if before is not None:
                checked += 1
                for seat in seats:
                    after = game.view_for(seat, include_notes=False)
                    assert after.model_copy(update={"seq": 0}) == before[seat].model_copy(update={"seq": 0}), \
                        (event.type, seat)
    assert checked > 20
