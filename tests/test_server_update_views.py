"""Update frames carry only what changed in the view: a statement costs its event, not a view."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.net import sockets
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


async def test_a_command_is_answered_in_the_same_write_as_its_update(server: ParleyServer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The sender's update and its ack go out in one socket write (update first, ack last, its
    seq the update's); other seats get the update alone; a re-sent command is answered again."""
    facilitator, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    seats = await seat_clients(server.url, room)
    upland, lowland = seats["upland"], seats["lowland"]
    await upland.command({"type": "make_statement", "text": "First."})  # the facilitator's first update: whole
    writes: list[list[dict[str, Any]]] = []
    real = sockets.write

    def recorded(ws: Any, frames: Any) -> None:
        frames = list(frames)
        writes.append([json.loads(f) for f in frames])
        real(ws, frames)

    monkeypatch.setattr(sockets, "write", recorded)
    ack = await upland.call("command", id="say-1", command={"type": "make_statement", "text": "One write."})
    assert ack["type"] == "ack"
    said = [w for w in writes if any(f.get("events") and f["events"][0].get("text") == "One write." for f in w)]
    with_ack = [w for w in said if w[-1].get("reply_to") == "say-1"]
    assert len(with_ack) == 1 and [f["type"] for f in with_ack[0]] == ["update", "ack"]
    assert with_ack[0][-1]["seq"] == with_ack[0][0]["seq"]
    assert len(said) == len(seats) + 1  # each seat's and the facilitator's: only upland's has an ack
    assert sum(1 for w in writes for f in w if f.get("reply_to") == "say-1") == 1  # not written again
    update = await upland.wait_for(lambda f: f["type"] == "update" and f["events"] and f["events"][0].get("text") == "One write.")
    assert upland.frames.index(update) < upland.frames.index(ack)
    assert await upland.wait_for(lambda f: f.get("reply_to") == "say-1") == ack  # the cursor is past it now
    await lowland.wait_for(lambda f: f["type"] == "update" and f["events"] and f["events"][0].get("text") == "One write.")
    assert not any(f.get("reply_to") == "say-1" for f in lowland.frames)
    await upland.send({"type": "command", "id": "say-1", "command": {"type": "make_statement", "text": "One write."}})
    assert await upland.wait_for(lambda f: f.get("reply_to") == "say-1") == ack  # answered again, from memory
