"""The debrief and the events as typed data (server/engine/debrief_models.py, events.py):
the `debrief_report` frame is byte for byte the one the dict made, over whole bot games of
every bundled scenario; the protocol's schema describes it; a client parses it back to the
same model, and every update's events to the engine's event models."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict

from server.analysis.debrief import debrief, debrief_report, format_debrief
from server.bots.tournament import default_seated, play_game
from server.protocol import wire
from server.scenario import bundled_scenarios

STRATEGIES = ("linear", "boulware", "conceder", "hardliner", "tit_for_tat")


class _DictDebriefReport(BaseModel):
    """The reply as it was before the model: the debrief as a plain dict."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["debrief_report"] = "debrief_report"
    reply_to: str
    room: str
    debrief: dict[str, Any]
    text: str


def _games(scenario_id: str) -> list[Any]:
    scenario = bundled_scenarios()[scenario_id]
    seated = default_seated(scenario)
    parties = [d.id for d in scenario.delegations if d.kind.value == "party" and d.id in seated]
    logs = []
    for seed in range(1, 4):
        for n, strategy in enumerate(STRATEGIES):
            assignment = {d: STRATEGIES[(n + i) % len(STRATEGIES)] if i else strategy for i, d in enumerate(parties)}
            logs.append(play_game(scenario, assignment, seed=seed, seated=seated).log)
    return logs


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_the_debrief_frame_is_byte_for_byte_the_dicts(scenario_id: str) -> None:
    """Over 15 bot games of each bundled scenario (agreements, no deals, hold-outs): the typed frame equals the dict's, and its text too."""
    outcomes = set()
    for log in _games(scenario_id):
        data, report = debrief(log), debrief_report(log)
        text = format_debrief(report)
        before = _DictDebriefReport(reply_to="c1", room="R-1", debrief=data, text=text).model_dump_json(by_alias=True)
        after = wire.encode(wire.DebriefReport(reply_to="c1", room="R-1", debrief=report, text=text))
        assert after == before
        assert wire.parse_server(after).debrief == report  # a client reads back the same model
        outcomes.add((data["terms"] is not None, bool(data["held_out"]), data["analysis"] is not None))
    assert (True, False, True) in outcomes or (True, False, False) in outcomes  # an agreement was among them
    assert any(not agreed for agreed, _, _ in outcomes)  # and a game without one


def test_the_schema_describes_the_debrief() -> None:
    """`parley protocol schema`: debrief_report's debrief is a $ref to Debrief, whose every part is described."""
    schema = wire.protocol_schema()["server_messages"]
    defs = schema["$defs"]
    assert defs["DebriefReport"]["properties"]["debrief"] == {"$ref": "#/$defs/Debrief"}
    debrief_schema = defs["Debrief"]
    assert set(debrief_schema["required"]) >= {"scenario", "delegations", "analysis", "history", "held_out"}
    for part in ("FrontierAnalysis", "Placement", "PackageSummary", "HoldOut", "HistoryDebrief", "DelegationOutcome"):
        assert defs[part]["additionalProperties"] is False, part
    json.dumps(schema)  # JSON all the way down


async def test_every_frame_of_a_bot_game_parses_with_typed_events(server: Any) -> None:
    """A whole istanbul game with bots over a real server: every frame a seat, an observer and the facilitator get
    parses with wire.parse_server, each update's events as the engine's event models (no dicts)."""
    from server_helpers import Client, open_class

    facilitator, opened = await open_class(server, "istanbul-2022", bots=["russia", "turkey"], time_scale=0.002, seed=4)
    room = opened["rooms"][0]
    seat = await Client.connect(server.url, "ukraine")
    await seat.join(next(s["code"] for s in room["seats"] if s["delegation"] == "ukraine"))
    observer = await Client.connect(server.url, "observer")
    await observer.call("watch", room=room["room"])
    assert (await facilitator.command({"type": "start_game"}, room=room["room"]))["type"] == "ack"
    await seat.command({"type": "make_statement", "text": "We are here."})
    await seat.wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] == "ended", timeout=60)
    assert (await facilitator.command({"type": "open_debrief"}, room=room["room"]))["type"] == "ack"
    assert (await seat.call("fetch_debrief", room=room["room"]))["type"] == "debrief_report"
    kinds: set[str] = set()
    for client in (seat, observer, facilitator):
        for text in client.raw:
            message = wire.parse_server(text)
            if isinstance(message, wire.Update):
                assert all(isinstance(e, wire.EventBase) for e in message.events)
                kinds |= {e.type for e in message.events}
            if isinstance(message, wire.DebriefReport):
                assert isinstance(message.debrief, wire.Debrief)
    assert {"phase_started", "statement_made", "proposal_tabled", "game_ended", "result_scored"} <= kinds
