"""Update frames carry only what changed in the view: a statement costs its event, not a view."""

from __future__ import annotations

import json

from server.net.server import ParleyServer
from server_helpers import open_class, seat_clients


async def test_a_statement_update_carries_its_event_and_the_seq_alone(server: ParleyServer) -> None:
    """A seat's and the facilitator's update for a statement hold the event and `seq`, nothing
    else of the view; the whole view the client merges equals a freshly sent one."""
    facilitator, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    seats = await seat_clients(server.url, room)
    upland, lowland = seats["upland"], seats["lowland"]
    assert "scenario" in upland.latest_view()
    await upland.command({"type": "make_statement", "text": "Hello, valley."})  # the facilitator's first: full
    await upland.command({"type": "make_statement", "text": "Hello again."})
    for client in (lowland, facilitator):
        update = await client.wait_for(lambda f: f["type"] == "update" and f["events"]
                                       and f["events"][0].get("text") == "Hello again.")
        assert set(update["delta"]) == {"seq"}, update["delta"]
        assert len(client.raw[client.frames.index(update)]) < 600
    seat_view = await facilitator.call("view_as", room=room["room"], delegation="lowland")
    merged = {k: v for k, v in lowland.latest_view().items() if k != "notes"}
    assert merged == {k: v for k, v in seat_view["view"].items() if k != "notes"}


async def test_the_scenario_comes_again_only_when_it_changes(server: ParleyServer) -> None:
    """No update resends the public scenario (the facilitator's neither) until the game ends
    and the historical outcome appears in it."""
    facilitator, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    seats = await seat_clients(server.url, room)
    upland = seats["upland"]
    for n in range(3):
        await upland.command({"type": "make_statement", "text": f"Statement {n}."})
    await facilitator.wait_for(lambda f: f["type"] == "update" and f["events"]
                               and f["events"][-1].get("text") == "Statement 2.")
    with_scenario = [f for f in facilitator.frames if f["type"] == "update" and "scenario" in f["delta"]]
    assert len(with_scenario) <= 1  # the first, when it held no view of the room (class_opened has none)
    assert not any("scenario" in f["delta"] for f in upland.frames if f["type"] == "update")
    await facilitator.command({"type": "end_game"}, room=room["room"])
    ended = await upland.wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] == "ended")
    assert "history" in ended["delta"]["scenario"]
    assert json.loads(upland.raw[upland.frames.index(ended)])["view"]["scenario"]["history"]
