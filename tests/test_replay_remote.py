"""`fetch_log`: a game's log fetched from a real server, and who may have it."""

from __future__ import annotations

import asyncio

import pytest

from server.engine import dump_event
from server.engine.commands import MakeStatement
from server.net.server import ParleyServer
from server.replay.remote import fetch_log
from server.replay.sources import SourceError
from server_helpers import Client, open_class, seat_clients


async def finished_game(url: str) -> tuple[Client, dict[str, Client], str]:
    """A tutorial room, two lines spoken, ended by the facilitator; (facilitator, seats, room)."""
    facilitator, opened = await open_class(url, start=True)
    room = opened["rooms"][0]
    seats = await seat_clients(url, room)
    await seats["upland"].command({"type": "send_message", "to": "lowland", "text": "between us"})
    await facilitator.command({"type": "end_game"}, room=room["room"])
    return facilitator, seats, room["room"]


async def test_the_facilitator_fetches_the_whole_log(server: ParleyServer) -> None:
    """The facilitator's token fetches every event of the room, as stored, in order."""
    facilitator, _, room = await finished_game(server.url)
    token = next(f["facilitator_token"] for f in facilitator.frames if f["type"] == "class_opened")
    fetched = await asyncio.to_thread(fetch_log, server.url, token, room)
    live = server.runtime.room(room).log
    assert [dump_event(e) for e in fetched.loaded.events] == [dump_event(e) for e in live]
    assert fetched.loaded.trusted and fetched.own_seat is None


async def test_a_seat_waits_for_the_debrief(server: ParleyServer) -> None:
    """A seat token is refused the log until the debrief opens, then gets it with its own seat."""
    facilitator, seats, room = await finished_game(server.url)
    token = seats["lowland"].token
    assert token is not None
    with pytest.raises(SourceError, match="debrief"):
        await asyncio.to_thread(fetch_log, server.url, token)
    opened = await facilitator.command({"type": "open_debrief"}, room=room)
    assert opened["type"] == "ack"
    fetched = await asyncio.to_thread(fetch_log, server.url, token)
    assert fetched.own_seat == "lowland" and not fetched.loaded.trusted
    assert fetched.loaded.events[-1].type == "debrief_opened"


async def test_a_wrong_token_is_one_clear_error(server: ParleyServer) -> None:
    """An unknown token gets the server's refusal as one line, not a hang or a traceback."""
    with pytest.raises(SourceError, match="token"):
        await asyncio.to_thread(fetch_log, server.url, "not-a-token")


async def test_a_long_log_comes_in_parts_and_joins_up(server: ParleyServer) -> None:
    """A log longer than one frame's share arrives in parts that join into the whole log."""
    facilitator, opened = await open_class(server, start=True)
    room = server.runtime.room(opened["rooms"][0]["room"])
    for n in range(900):
        await room.submit("upland", MakeStatement(text=f"statement {n}"))
    fetched = await asyncio.to_thread(fetch_log, server.url, opened["facilitator_token"])
    assert [dump_event(e) for e in fetched.loaded.events] == [dump_event(e) for e in room.log]
    assert len(room.log) > 900
