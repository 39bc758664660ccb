"""The typed seat view: what view_for returns, what the wire carries of it, and what the schema says."""

from __future__ import annotations

import json

import pytest
from pydantic_core import to_json

from engine_helpers import Table
from server.bots.tournament import default_seated, play_game
from server.engine import FACILITATOR, Game
from server.engine import commands as c
from server.engine.evolve import apply
from server.engine.phases import Phase
from server.engine.views import dump_view
from server.protocol import wire
from server.scenario import bundled_scenarios


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_every_view_of_a_whole_game_dumps_as_its_model_and_parses_back(scenario_id: str) -> None:
    """Over a whole bot game, every seat's, the observer's and the facilitator's view: the dump the
    frames send (with its parts dumped once) is the model's own JSON, a client parses it back to an
    equal SeatView, and as an update's changed keys to the same view."""
    scenario = bundled_scenarios()[scenario_id]
    log = play_game(scenario, {}, seed=1, seated=default_seated(scenario)).log
    game = Game.from_events(log[:1])
    seats = [*(d.id for d in scenario.delegations), None, FACILITATOR]
    for n, event in enumerate(log[1:]):
        apply(game.state, event)
        for seat in seats:
            view = game.view_for(seat)
            sent = to_json(dump_view(view))
            assert sent == view.model_dump_json().encode(), (n, seat)
            if n % 10 == 0:
                parsed = wire.SeatView.model_validate_json(sent)
                assert to_json(dump_view(parsed)) == sent  # a client reading it reads what was sent
                delta = wire.ViewDelta.model_validate_json(sent)
                assert wire.merge_view(delta, None) == parsed


def test_keys_only_some_views_carry_are_absent_not_null() -> None:
    """A one-person seat's view has no `team`, its proposals and notes no `member`, and only the
    facilitator's has `reflections`; a team member's proposal and note name the member."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.TableProposal(terms={"dam_height": "frozen", "water_flow": "seasonal",
                                                "compensation": "direct"}))
    table.act("upland", c.MakeStatement(text="We hear you."))
    upland = dump_view(table.game.view_for("upland"))
    assert not {"team", "reflections", "teams"} & set(upland)
    assert "member" not in upland["proposals"][0] and "worths" not in upland["proposals"][0]
    assert all("member" not in note for note in upland["notes"])
    assert "notes" not in dump_view(table.game.view_for("upland", include_notes=False))
    assert "scenario" not in dump_view(table.game.view_for("upland", include_scenario=False))
    facilitator = dump_view(table.game.view_for(FACILITATOR))
    assert facilitator["reflections"] == {} and facilitator["hidden"] is not None
    assert {"text", "told", "effects"} <= set(facilitator["scenario"]["cards"][0])
    assert not {"text", "told", "effects"} & set(upland["scenario"]["cards"][0])


def test_a_bad_view_is_refused_by_the_client_naming_the_key() -> None:
    """The models forbid unknown keys and wrong types: a frame with them fails to parse, naming where."""
    table = Table()
    good = dump_view(table.game.view_for("upland"))
    for broken, where in (({**good, "secret": 1}, "secret"), ({**good, "round": "two"}, "round")):
        with pytest.raises(ValueError, match=where):
            wire.SeatView.model_validate(broken)


def test_the_protocol_schema_describes_the_seat_view() -> None:
    """`parley protocol schema` describes joined's and watching's view as SeatView, an update's as
    ViewDelta, and the view's parts with their fields and types."""
    schema = wire.protocol_schema()["server_messages"]
    defs = schema["$defs"]
    for name in ("SeatView", "ProposalView", "NoteView", "YouView", "WorthFigure", "PublicScenario", "ViewDelta"):
        assert defs[name]["additionalProperties"] is False, name
    assert defs["Joined"]["properties"]["view"] == {"$ref": "#/$defs/SeatView"}
    assert defs["Watching"]["properties"]["view"] == {"$ref": "#/$defs/SeatView"}
    assert defs["Update"]["properties"]["view"] == {"$ref": "#/$defs/ViewDelta"}
    assert set(defs["SeatView"]["required"]) >= {"seat", "seq", "phase", "proposals", "you"}
    assert "notes" not in defs["SeatView"]["required"]  # absent where the view carries none
    assert defs["NoteView"]["properties"]["kind"]["enum"] == ["statement", "message", "announcement",
                                                             "intelligence", "team"]
    assert "red_lines" in defs["YouView"]["properties"]
    json.dumps(schema)  # plain JSON
