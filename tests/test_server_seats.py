"""Seats that stay yours: single-use codes, resume by token, fresh codes that revoke, join
lockouts, per-seat rate limits and one live connection per seat — each attack against a real
server on a free port, from raw websockets clients."""

from __future__ import annotations

import asyncio
from typing import Any

from client.connection import Connection
from client.state import ConnectionChanged
from server.net.fanout import audience_of
from server.net.server import ParleyServer
from server.protocol.wire import CLOSE_SEAT_LOST
from server.runtime.limits import ADDRESS_FAILURES, BURST, JoinGuard
from server_helpers import Client, open_class, seat_clients


async def _from(url: str, address: str, label: str) -> Client:
    """A client whose connection comes from another loopback address (127.0.0.2, ...)."""
    return await Client.connect(url, label, local_addr=(address, 0))


async def test_a_code_claims_its_seat_once(server: ParleyServer) -> None:
    """Once joined, a seat's code is spent: a second join is refused even while the holder is away, and the holder resumes."""
    fac, opened = await open_class(server, start=True)
    code = opened["rooms"][0]["seats"][0]["code"]
    holder = await Client.connect(server.url, "holder")
    assert (await holder.join(code, name="Ana"))["type"] == "joined"
    token = holder.token
    await holder.close()  # the holder's laptop sleeps; the code is still on the projector
    thief = await Client.connect(server.url, "thief")
    refused = await thief.call("join", code=code, name="Mallory")
    assert refused["code"] == "code_used" and "fresh code" in refused["message"]
    back = await Client.connect(server.url, "back")
    joined = await back.call("resume", token=token, last_seq=0)
    assert joined["type"] == "joined" and joined["name"] == "Ana"
    room = server.runtime.room(opened["rooms"][0]["room"])  # type: ignore[union-attr]
    assert room.seats[joined["delegation"]].name == "Ana"


async def test_a_fresh_code_revokes_the_old_token_and_code(server: ParleyServer) -> None:
    """issue_code gives a new code; the holder is told and closed, the old token and code stop working, the new code joins."""
    fac, opened = await open_class(server, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("lowland", "commission"))
    old_code, holder = opened["rooms"][0]["seats"][0]["code"], seats["upland"]
    issued = await fac.call("issue_code", room=rid, delegation="upland")
    assert issued["type"] == "code_issued" and issued["code"] != old_code
    assert issued["code"].startswith("UP-") and len(issued["code"]) == len("UP-") + 6
    told = await holder.wait_for(lambda f: f["type"] == "error")
    assert told["code"] == "seat_revoked" and "fresh join code" in told["message"]
    assert await holder.closed() == CLOSE_SEAT_LOST
    presence = await fac.wait_for(lambda f: f["type"] == "presence" and
                                  {s["delegation"]: s["code"] for s in f["seats"]}["upland"] == issued["code"])
    assert {s["delegation"]: s["connected"] for s in presence["seats"]}["upland"] is False
    other = await Client.connect(server.url, "other")
    assert (await other.call("resume", token=holder.token, last_seq=0))["code"] == "bad_token"
    assert (await other.call("join", code=old_code))["code"] == "unknown_code"
    again = await Client.connect(server.url, "again")
    assert (await again.join(issued["code"].lower(), name="Ana"))["type"] == "joined"
    assert (await again.command({"type": "make_statement", "text": "Back."}))["type"] == "ack"
    assert (await again.call("issue_code", room=rid, delegation="lowland"))["code"] == "not_facilitator"


async def test_a_fresh_code_survives_a_restart(tmp_path: Any) -> None:
    """A reissued code and the revoked token are stored: after a restart the new code joins and the old token is refused."""
    first = ParleyServer(tmp_path / "seats.db")
    await first.start()
    try:
        fac, opened = await open_class(first)
        rid = opened["rooms"][0]["room"]
        seats = await seat_clients(first.url, opened["rooms"][0], skip=("lowland", "commission"))
        issued = await fac.call("issue_code", room=rid, delegation="upland")
    finally:
        await first.stop()
    second = ParleyServer(tmp_path / "seats.db")
    await second.start()
    try:
        client = await Client.connect(second.url, "c")
        assert (await client.call("resume", token=seats["upland"].token))["code"] == "bad_token"
        assert (await client.call("join", code=opened["rooms"][0]["seats"][0]["code"]))["code"] == "unknown_code"
        assert (await client.join(issued["code"]))["type"] == "joined"
    finally:
        await second.stop()


async def test_wrong_codes_lock_out_their_address_and_the_error_says_how_long(server: ParleyServer) -> None:
    """After ADDRESS_FAILURES wrong codes an address is locked, even for a right code; another address is not."""
    fac, opened = await open_class(server)
    guesser = await Client.connect(server.url, "guesser")
    for n in range(ADDRESS_FAILURES):
        assert (await guesser.call("join", code=f"UP-GUESS{n}"))["code"] == "unknown_code"
    locked = await guesser.call("join", code="UP-GUESSX")
    assert locked["code"] == "join_locked" and "try again in" in locked["message"]
    seconds = int(locked["message"].split("try again in ")[1].split(" s")[0])
    assert 50 <= seconds <= 60
    right = opened["rooms"][0]["seats"][0]["code"]
    assert (await guesser.call("join", code=right))["code"] == "join_locked"  # no oracle while locked
    student = await _from(server.url, "127.0.0.2", "student")
    assert (await student.join(right))["type"] == "joined"


async def test_wrong_codes_from_many_addresses_lock_the_whole_server(server: ParleyServer) -> None:
    """The overall limit counts every address: past it, joins from anywhere are refused for a while."""
    server.runtime.join_guard = JoinGuard(address_failures=100, overall_failures=6)  # type: ignore[union-attr]
    fac, opened = await open_class(server)
    for n in range(6):
        guesser = await _from(server.url, f"127.0.0.{n + 2}", f"g{n}")
        reply = await guesser.call("join", code=f"UP-WRONG{n}")
        assert reply["code"] == "unknown_code"
    late = await _from(server.url, "127.0.0.20", "late")
    locked = await late.call("join", code=opened["rooms"][0]["seats"][0]["code"])
    assert locked["code"] == "join_locked" and "this server" in locked["message"]


async def test_one_live_connection_per_seat(server: ParleyServer) -> None:
    """A second connection resuming a token replaces the first, which is told so and closed; the room sees one."""
    fac, opened = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("lowland", "commission"))
    first = seats["upland"]
    second = await Client.connect(server.url, "second")
    assert (await second.call("resume", token=first.token, last_seq=first.last_seq()))["type"] == "joined"
    told = await first.wait_for(lambda f: f["type"] == "error")
    assert told["code"] == "seat_replaced" and "another connection" in told["message"]
    assert await first.closed() == CLOSE_SEAT_LOST
    room = server.runtime.room(opened["rooms"][0]["room"])  # type: ignore[union-attr]
    assert audience_of(room).count("upland") == 1
    assert (await second.command({"type": "make_statement", "text": "Only me."}))["type"] == "ack"


async def test_rate_limit_is_per_seat_not_per_connection(server: ParleyServer) -> None:
    """Reconnecting does not refill a seat's bucket: a burst split over two connections is closed with 1008."""
    fac, opened = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("lowland", "commission"))
    first = seats["upland"]
    half = int(BURST * 0.75)
    for n in range(half):
        await first.send({"type": "ping", "id": f"a{n}"})
    await first.wait_for(lambda f: f.get("reply_to") == f"a{half - 1}")
    second = await Client.connect(server.url, "second")
    assert (await second.call("resume", token=first.token))["type"] == "joined"
    for n in range(half):
        try:
            await second.send({"type": "ping", "id": f"b{n}"})
        except Exception:
            break
    assert await second.closed() == 1008
    pongs = [f for f in [*first.frames, *second.frames] if f["type"] == "pong"]
    assert len(pongs) < BURST + 5  # one bucket for the seat, not one per connection


async def test_the_client_does_not_fight_for_a_seat_taken_elsewhere(server: ParleyServer) -> None:
    """client.connection stops (no reconnect loop) when its seat is opened on another connection."""
    fac, opened = await open_class(server, start=True)
    conn = Connection(server.url, backoff=(0.05,))
    await conn.open()
    await conn.join(opened["rooms"][0]["seats"][0]["code"], "Ana")
    seen: list[Any] = []
    worker = asyncio.create_task(conn.run(seen.append))
    other = await Client.connect(server.url, "other")
    assert (await other.call("resume", token=conn.token))["type"] == "joined"
    await asyncio.wait_for(worker, 5)
    lost = [m for m in seen if isinstance(m, ConnectionChanged)]
    assert lost and lost[-1].status == "lost"
    assert any(getattr(m, "code", None) == "seat_replaced" for m in seen)
    assert (await other.command({"type": "make_statement", "text": "Still mine."}))["type"] == "ack"
    await conn.close()
