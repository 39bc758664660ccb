"""Hostile clients against a real server: every attack gets a clean answer and changes nothing.

Each test sends what a hostile (or careless) client on a school network could send, with raw
websockets, and checks three things: the answer is an `error` with a stable code and a short
message; nothing was stored; and another room's seat still gets its commands acknowledged
quickly while it happens.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from server.net.server import ParleyServer
from server.protocol import wire
from server_helpers import Client, open_class, seat_clients, until_phase

FAST = 1.0  # seconds: an ack slower than this, on a quiet 2-core machine, is not "normal latency"


async def other_room(server: ParleyServer) -> Client:
    """A seat in a class of its own, its game started: the bystander every attack must spare."""
    return (await class_and_seat(server))[3]


async def assert_responsive(bystander: Client) -> None:
    started = time.perf_counter()
    reply = await bystander.command({"type": "make_statement", "text": "Still here."})
    assert reply["type"] == "ack", reply
    assert time.perf_counter() - started < FAST


async def class_and_seat(server: ParleyServer) -> tuple[Client, dict, str, Client]:  # type: ignore[type-arg]
    fac, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    seats = await seat_clients(server.url, room, skip=("lowland", "commission"))
    upland = seats["upland"]
    assert (await fac.command({"type": "advance"}, room=room["room"]))["type"] == "ack"
    await until_phase(upland, "negotiation")
    return fac, opened, room["room"], upland


def stored_events(server: ParleyServer, room: str) -> int:
    assert server.runtime is not None
    return len(server.runtime.store.events(room))


# ---------------------------------------------------------------- ids checked before storing


async def test_unknown_strategy_is_refused_and_stores_nothing(server: ParleyServer, tmp_path: Path) -> None:
    """assign_bot with an unknown strategy: unknown_strategy naming the known ones, no event, restarts fine."""
    bystander = await other_room(server)
    fac, _, room, _ = await class_and_seat(server)
    before = stored_events(server, room)
    reply = await fac.call("assign_bot", room=room, delegation="lowland", strategy="no_such_strategy")
    assert reply["code"] == "unknown_strategy", reply
    assert "'no_such_strategy'" in reply["message"] and "boulware" in reply["message"] and "linear" in reply["message"]
    assert stored_events(server, room) == before
    await assert_responsive(bystander)
    await server.stop()
    again = ParleyServer(server.db_path)
    await again.start()  # the attack used to make this raise ValueError: unknown strategy
    try:
        assert again.runtime is not None and room in again.runtime.rooms
        assert again.runtime.rooms[room].bots == {}
    finally:
        await again.stop()


async def test_set_controller_is_not_a_wire_command(server: ParleyServer) -> None:
    """A facilitator's raw set_controller (a bot without a bot) is refused; the seat stays human."""
    fac, _, room, _ = await class_and_seat(server)
    before = stored_events(server, room)
    reply = await fac.command({"type": "set_controller", "delegation": "lowland", "controller": "bot",
                               "strategy": "no_such_strategy"}, room=room)
    assert reply["code"] == "not_over_wire", reply
    assert stored_events(server, room) == before


async def test_unknown_card_delegation_and_option_are_refused(server: ParleyServer) -> None:
    """Unknown card, delegation, issue and option ids: each its own error code, nothing stored."""
    bystander = await other_room(server)
    fac, _, room, upland = await class_and_seat(server)
    before = stored_events(server, room)
    assert (await fac.command({"type": "inject_event", "card": "no_card"}, room=room))["code"] == "unknown_card"
    reply = await fac.call("assign_bot", room=room, delegation="atlantis")
    assert reply["code"] == "unknown_delegation" and "upland" in reply["message"], reply
    assert (await fac.call("view_as", room=room, delegation="atlantis"))["code"] == "unknown_delegation"
    assert (await upland.command({"type": "table_proposal", "terms": {"dam_height": "moon"}}))["code"] == "unknown_option"
    assert (await upland.command({"type": "table_proposal", "terms": {"no_issue": "x"}}))["code"] == "unknown_issue"
    assert (await upland.command({"type": "send_message", "to": "atlantis", "text": "hi"}))["code"] == "unknown_delegation"
    assert (await upland.command({"type": "support_proposal", "proposal": "P99"}))["code"] == "unknown_proposal"
    assert stored_events(server, room) == before
    await assert_responsive(bystander)


# ---------------------------------------------------------------- strict typing and bounds


@pytest.mark.parametrize("fields", [
    {"rooms": "100"}, {"rooms": 1.5}, {"rooms": True}, {"time_scale": 1e-300}, {"time_scale": "1"},
    {"time_scale": 11}, {"rooms": 101}, {"seed": "7"}, {"seed": -1}, {"start": "yes"},
    {"bots": ["x"] * 17}, {"scenario": "t" * 101},
])
async def test_open_class_fields_are_strict_and_bounded(server: ParleyServer, fields: dict) -> None:  # type: ignore[type-arg]
    """open_class with a coerced or out-of-bounds field is bad_message naming the field; no class opens."""
    assert server.runtime is not None
    fac = await Client.connect(server.url, "fac")
    options = {"scenario": "tutorial", "key": server.instructor_key, **fields}
    reply = await fac.call("open_class", **options)
    assert reply["type"] == "error" and reply["code"] == "bad_message", reply
    assert next(iter(fields)) in reply["message"]
    assert server.runtime.classes == {}


@pytest.mark.parametrize("command", [
    {"type": "extend", "seconds": "5"}, {"type": "extend", "seconds": 1e9},
    {"type": "make_statement", "text": 42}, {"type": "make_statement", "text": "x" * 2001},
    {"type": "table_proposal", "terms": {"dam_height": 1}},
    {"type": "table_proposal", "terms": {"i" * 65: "x"}},
])
async def test_command_fields_are_strict_and_bounded(server: ParleyServer, command: dict) -> None:  # type: ignore[type-arg]
    """A command field of the wrong type or size is bad_message; nothing is stored."""
    fac, _, room, _ = await class_and_seat(server)
    before = stored_events(server, room)
    reply = await fac.command(command, room=room)
    assert reply["code"] == "bad_message", reply
    assert len(reply["message"]) < 200
    assert stored_events(server, room) == before


async def test_resume_last_seq_is_an_integer(server: ParleyServer) -> None:
    """resume with last_seq "3" is bad_message, not coerced."""
    client = await Client.connect(server.url)
    reply = await client.call("resume", token="t", last_seq="3")
    assert reply["code"] == "bad_message" and "last_seq" in reply["message"]


# ---------------------------------------------------------------- nesting, size of errors


async def test_deep_nesting_is_a_clean_error_and_the_connection_lives(server: ParleyServer) -> None:
    """'['×1000 (and deep nesting inside a real message) gets too_deep, not 1011; the connection carries on."""
    bystander = await other_room(server)
    client = await Client.connect(server.url)
    await client.send("[" * 1000)
    error = await client.wait_for(lambda f: f["type"] == "error")
    assert error["code"] == "too_deep"
    deep = '{"type": "command", "id": "d", "command": {"type": "table_proposal", "terms": ' + "[" * 500 + "]" * 500 + "}}"
    await client.send(deep)
    assert (await client.wait_for(lambda f: f["type"] == "error"))["code"] == "too_deep"
    assert (await client.call("ping"))["type"] == "pong"
    await assert_responsive(bystander)


async def test_brackets_inside_strings_do_not_count_as_nesting(server: ParleyServer) -> None:
    """A statement full of '[' is text, not nesting: it is stored as said."""
    _, _, _, upland = await class_and_seat(server)
    assert (await upland.command({"type": "make_statement", "text": "[" * 1500}))["type"] == "ack"


async def test_errors_quote_a_short_prefix_of_what_they_refuse(server: ParleyServer) -> None:
    """A 60 KB type name, key or id is refused with a message of a few dozen characters."""
    client = await Client.connect(server.url)
    await client.send(json.dumps({"type": "x" * 60_000, "id": "big"}))
    error = await client.reply("big")
    assert error["code"] == "bad_message" and len(error["message"]) < 120, error
    fac, _, room, _ = await class_and_seat(server)
    reply = await fac.command({"type": "table_proposal", "terms": {"k" * 50_000: "v"}}, room=room)
    assert reply["code"] == "bad_message" and len(reply["message"]) < 200, reply
    assert len(json.dumps(reply)) < 400


# ---------------------------------------------------------------- connections


@pytest.fixture
async def strict_server(tmp_path: Path) -> AsyncIterator[ParleyServer]:
    """A server with a short hello deadline and a small per-address connection limit."""
    srv = ParleyServer(tmp_path / "strict.db", hello_seconds=0.3, connections_per_address=4)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


async def test_a_connection_that_never_says_hello_is_closed(strict_server: ParleyServer) -> None:
    """Silent after connecting: an error hello_timeout, then close 1008; one that says hello stays."""
    silent = await Client.connect(strict_server.url, hello=False)
    polite = await Client.connect(strict_server.url)
    assert await silent.closed(timeout=3) == 1008
    assert silent.frames[-1]["code"] == "hello_timeout"
    await asyncio.sleep(0.4)
    assert (await polite.call("ping"))["type"] == "pong"


async def test_connections_per_address_are_limited(strict_server: ParleyServer) -> None:
    """The fifth connection from one address is refused at the handshake (429); a freed slot is reusable."""
    clients = [await Client.connect(strict_server.url) for _ in range(4)]
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(strict_server.url, open_timeout=5)
    assert refused.value.response.status_code == 429
    await clients[0].close()
    for _ in range(50):
        try:
            late = await Client.connect(strict_server.url)
            break
        except InvalidStatus:
            await asyncio.sleep(0.02)
    assert (await late.call("ping"))["type"] == "pong"
    assert (await clients[1].call("ping"))["type"] == "pong"


async def test_healthz_answers_even_when_an_address_is_full(strict_server: ParleyServer) -> None:
    """The limit is on websocket connections: /healthz still answers (a health check must not be locked out)."""
    import urllib.request

    _ = [await Client.connect(strict_server.url) for _ in range(4)]
    url = strict_server.url.replace("ws://", "http://") + "/healthz"
    status = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).status)
    assert status == 200
    assert wire.CONNECTIONS_PER_ADDRESS >= 64  # a lab behind one NAT still fits by default


# ---------------------------------------------------------------- text people type


TERMINAL_ATTACK = ("\x1b[2J\x1b[H\x1b]0;owned\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\"
                   "\x00\x9b31m\x7f\u202egnp.exe\u2066\u200b")
FORBIDDEN = ("\x1b", "\x00", "\x07", "\x9b", "\x7f", "\u202e", "\u2066", "\u200b")


def assert_clean(client: Client) -> None:
    for text in client.raw:
        decoded = json.dumps(json.loads(text), ensure_ascii=False)  # \\u escapes made characters again
        assert not [ch for ch in FORBIDDEN if ch in decoded], (client.label, decoded[:200])


async def test_terminal_escapes_from_one_seat_never_reach_another(server: ParleyServer) -> None:
    """ESC/OSC/SGR/NUL/C1/U+202E in a statement, a private message, a name and an announcement
    reach no other seat, observer or facilitator; the printable rest, newlines and tabs do."""
    fac, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    codes = {s["delegation"]: s["code"] for s in room["seats"]}
    upland = await Client.connect(server.url, "upland")
    joined = await upland.join(codes["upland"], name="Mallory\x1b[2J\x1b]0;t\x07\u202e\x00\x9b")
    assert joined["type"] == "joined", joined
    lowland = await Client.connect(server.url, "lowland")
    assert (await lowland.join(codes["lowland"], name="Lee"))["type"] == "joined"
    observer = await Client.connect(server.url, "observer")
    assert (await observer.call("watch", room=room["room"]))["type"] == "watching"
    assert (await fac.command({"type": "advance"}, room=room["room"]))["type"] == "ack"
    await until_phase(upland, "negotiation")
    said = f"We propose:\n\tshare the water {TERMINAL_ATTACK} fairly"
    assert (await upland.command({"type": "make_statement", "text": said}))["type"] == "ack"
    assert (await upland.command({"type": "send_message", "to": "lowland", "text": said}))["type"] == "ack"
    assert (await fac.command({"type": "announce", "text": said}, room=room["room"]))["type"] == "ack"
    heard = await lowland.wait_for(lambda f: f["type"] == "update"
                                   and any(e["type"] == "announced" for e in f["events"]))
    assert (await upland.command({"type": "make_statement", "text": "\x1b\x00\u202e\x07"}))["code"] == "bad_message"
    for client in (lowland, observer, fac, upland):
        assert_clean(client)
    texts = [e.get("text") for f in lowland.frames if f["type"] == "update" for e in f["events"]]
    assert "We propose:\n\tshare the water [2J[H]0;owned]8;;http://evil.example/\\link]8;;\\31mgnp.exe fairly" in texts
    assert heard["view"]
    names = [s.get("name") for f in fac.frames if f["type"] == "presence" for s in f["seats"]]
    assert "Mallory[2J]0;t" in names
