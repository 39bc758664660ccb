"""Bad input and limits: every refusal has a stable code and changes nothing; floods and huge frames close one connection."""

from __future__ import annotations

import logging

import pytest

from server.net.server import ParleyServer
from server.net.session import Session
from server.protocol.wire import MAX_FRAME_BYTES
from server_helpers import Client, open_class, seat_clients


async def _room_and_seat(server: ParleyServer) -> tuple[Client, dict, dict[str, Client]]:  # type: ignore[type-arg]
    fac, opened = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission",))
    return fac, opened, seats


async def test_malformed_unknown_and_incomplete_frames(server: ParleyServer) -> None:
    """Invalid JSON, an unknown type, a missing field and a bad command each get bad_message and change nothing."""
    fac, opened, seats = await _room_and_seat(server)
    room = server.runtime.room(opened["rooms"][0]["room"])  # type: ignore[union-attr]
    seq = room.seq
    upland = seats["upland"]
    cases = [
        ("{not json", "not valid JSON"),
        ('{"type": "teleport", "id": "x1"}', "teleport"),
        ('{"type": "join", "id": "x2"}', "code"),
        ('{"type": "command", "id": "x3", "command": {"type": "table_proposal"}}', "terms"),
        ('{"type": "command", "id": "x4", "command": {"type": "make_statement", "text": "hi", "extra": 1}}', "extra"),
        ('[1, 2, 3]', "message"),
        ('{"id": "x5"}', "type"),
    ]
    for frame, named in cases:
        await upland.send(frame)
        error = await upland.wait_for(lambda f: f["type"] == "error")
        assert error["code"] == "bad_message", (frame, error)
        assert named.lower() in error["message"].lower(), (frame, error["message"])
    assert error["reply_to"] == "x5"
    assert room.seq == seq
    assert (await upland.call("ping"))["type"] == "pong"  # still connected and served


async def test_hello_first_and_protocol_mismatch(server: ParleyServer) -> None:
    """Anything before hello is refused with hello_first; a wrong protocol version gets protocol_mismatch, then close."""
    early = await Client.connect(server.url, "early", hello=False)
    assert (await early.call("ping"))["code"] == "hello_first"
    old = await Client.connect(server.url, "old", hello=False)
    await old.send({"type": "hello", "protocol": 99})
    error = await old.wait_for(lambda f: f["type"] == "error")
    assert error["code"] == "protocol_mismatch" and "99" in error["message"]
    assert await old.closed() == 1008


async def test_join_and_token_mistakes(server: ParleyServer) -> None:
    """Unknown codes, held seats, bad tokens and commands before joining are refused by name."""
    fac, opened, seats = await _room_and_seat(server)
    stranger = await Client.connect(server.url, "stranger")
    assert (await stranger.call("join", code="ZZ-9999"))["code"] == "unknown_code"
    held = opened["rooms"][0]["seats"][0]["code"]
    assert (await stranger.call("join", code=held))["code"] == "code_used"
    assert (await stranger.call("resume", token="not-a-token", last_seq=0))["code"] == "bad_token"
    assert (await stranger.command({"type": "mark_ready"}))["code"] == "not_joined"
    assert (await stranger.call("watch", room="NOPE-1"))["code"] == "unknown_room"
    # A typed code is forgiven its case and a missing dash.
    free = opened["rooms"][0]["seats"][2]["code"]
    assert (await stranger.join(free.lower().replace("-", "")))["type"] == "joined"


async def test_token_used_in_the_wrong_room(server: ParleyServer) -> None:
    """A seat's token acts only in its room, and a facilitator's only in its class."""
    fac, opened = await open_class(server, rooms=2, start=True)
    other_fac, other = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission", "lowland"))
    second_room = opened["rooms"][1]["room"]
    seq = server.runtime.room(second_room).seq  # type: ignore[union-attr]
    reply = await seats["upland"].command({"type": "make_statement", "text": "hello"}, room=second_room)
    assert reply["code"] == "wrong_room"
    reply = await other_fac.command({"type": "pause"}, room=opened["rooms"][0]["room"])
    assert reply["code"] == "wrong_room"
    assert (await other_fac.call("view_as", room=second_room, delegation="upland"))["code"] == "wrong_room"
    assert (await fac.command({"type": "pause"}))["code"] == "bad_message"  # a facilitator names the room
    assert server.runtime.room(second_room).seq == seq  # type: ignore[union-attr]


async def test_player_sending_facilitator_commands(server: ParleyServer) -> None:
    """A seat that tries facilitator commands or messages gets not_facilitator; engine rule codes pass through."""
    fac, opened, seats = await _room_and_seat(server)
    rid = opened["rooms"][0]["room"]
    upland = seats["upland"]
    for command in ({"type": "end_game"}, {"type": "pause"}, {"type": "advance"}):
        assert (await upland.command(command))["code"] == "not_facilitator"
    assert (await upland.call("view_as", room=rid, delegation="lowland"))["code"] == "not_facilitator"
    assert (await upland.call("assign_bot", room=rid, delegation="lowland"))["code"] == "not_facilitator"
    assert (await upland.command({"type": "tick"}))["code"] == "not_your_seat"
    await fac.command({"type": "advance"}, room=rid)
    await upland.wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] == "negotiation")
    refused = await upland.command({"type": "table_proposal", "terms": {"dam_height": "moon"}})
    assert refused["code"] == "unknown_option" and "moon" in refused["message"]
    assert server.runtime.room(rid).game.state.phase.value == "negotiation"  # type: ignore[union-attr]


async def test_oversized_frame_closes_with_1009_only_that_connection(server: ParleyServer) -> None:
    """A frame over MAX_FRAME_BYTES closes its connection with 1009; the room and other seats carry on."""
    fac, opened, seats = await _room_and_seat(server)
    big = '{"type": "ping", "id": "big", "pad": "' + "x" * MAX_FRAME_BYTES + '"}'
    await seats["upland"].send(big)
    assert await seats["upland"].closed() == 1009
    assert (await seats["lowland"].command({"type": "make_statement", "text": "still here"}))["type"] == "ack"


async def test_flood_closes_with_1008_only_that_connection(server: ParleyServer) -> None:
    """Past the per-connection rate limit a connection is closed with 1008; the others are untouched."""
    fac, opened, seats = await _room_and_seat(server)
    for n in range(200):
        try:
            await seats["upland"].send({"type": "ping", "id": f"p{n}"})
        except Exception:
            break
    assert await seats["upland"].closed() == 1008
    assert (await seats["lowland"].call("ping"))["type"] == "pong"
    assert (await fac.command({"type": "announce", "text": "carry on"}, room=opened["rooms"][0]["room"]))["type"] == "ack"


async def test_a_handler_bug_closes_only_its_connection(server: ParleyServer, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """An exception in a handler is logged with its traceback and closes that connection (1011) alone."""
    fac, opened, seats = await _room_and_seat(server)

    async def broken(self: Session, message: object) -> list[object]:
        raise RuntimeError("a bug in the view-as handler")

    monkeypatch.setattr(Session, "on_view_as", broken)
    # Handlers are looked up by name on each message: a new facilitator connection picks up the bug.
    buggy = await Client.connect(server.url, "buggy")
    await buggy.call("resume", token=opened["facilitator_token"])
    with caplog.at_level(logging.ERROR):
        reply = await buggy.call("view_as", room=opened["rooms"][0]["room"], delegation="upland")
        assert reply["code"] == "internal_error"
        assert await buggy.closed() == 1011
    logged = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], RuntimeError)
              and str(r.exc_info[1]) == "a bug in the view-as handler"]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR and logged[0].name == "server.net.session"
    assert (await seats["upland"].command({"type": "make_statement", "text": "unharmed"}))["type"] == "ack"
    assert (await fac.call("ping"))["type"] == "pong"
