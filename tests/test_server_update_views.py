"""Update frames carry the public scenario only when it is new or changed."""

from __future__ import annotations

from server.net.server import ParleyServer
from server_helpers import open_class, seat_clients


async def test_updates_leave_out_the_scenario_until_the_game_ends(server: ParleyServer) -> None:
    """A seat's updates omit the scenario it already has; the ending update brings the history."""
    facilitator, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    seats = await seat_clients(server.url, room)
    upland = seats["upland"]
    assert "scenario" in upland.latest_view()
    await upland.command({"type": "make_statement", "text": "Hello, valley."})
    update = await upland.wait_for(lambda f: f["type"] == "update" and f["events"])
    assert "scenario" not in update["view"]
    assert any(f["type"] == "update" and "scenario" in f["view"] for f in facilitator.frames)
    await facilitator.command({"type": "end_game"}, room=room["room"])
    ended = await upland.wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] == "ended")
    assert "history" in ended["view"]["scenario"]
