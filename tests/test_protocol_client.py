"""The one protocol client (server/protocol/client.py) against a real server on a free port: replies by id, reconnecting, losing a seat, giving up."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from server.net.server import ParleyServer
from server.protocol import wire
from server.protocol.client import ClientError, LinkChanged, ProtocolClient, Refused, fixed_delays, normalise_url
from server_helpers import Client, free_port

QUICK = fixed_delays([0.05])


async def class_of_one(server: ParleyServer) -> tuple[ProtocolClient, wire.ClassOpened]:
    facilitator = ProtocolClient(server.url, name="tests", reconnect_delays=QUICK)
    opened = await facilitator.open_class(wire.OpenClass(id=facilitator.next_id(), key=server.instructor_key,
                                                         scenario="tutorial"))
    return facilitator, opened


async def next_of(client: ProtocolClient, kind: type, timeout: float = 5.0) -> object:
    """The next message of `kind` from `client.messages()` (others are skipped)."""
    async def find() -> object:
        async for message in client.messages():
            if isinstance(message, kind):
                return message
        raise AssertionError(f"messages() ended before a {kind.__name__}")
    return await asyncio.wait_for(find(), timeout)


async def test_a_request_gets_the_reply_naming_its_id_and_the_rest_flows_on(server: ParleyServer) -> None:
    """request() returns the ack or error naming its id; presence and updates go to messages() in order."""
    facilitator, opened = await class_of_one(server)
    seat = ProtocolClient(server.url, name="tests")
    joined = await seat.join(opened.rooms[0].seats[0].code, "Ann")
    assert joined.delegation == "upland" and seat.token == joined.token
    said = await seat.request(wire.SendCommand(id=seat.next_id(), command={"type": "make_statement", "text": "hi"}))
    assert isinstance(said, wire.Ack)
    refused = await seat.request(wire.SendCommand(id=seat.next_id(), command={"type": "sign_proposal",
                                                                              "proposal": "P9"}))
    assert isinstance(refused, wire.Error) and refused.reply_to != said.reply_to
    started = await facilitator.request(wire.SendCommand(id=facilitator.next_id(), room=opened.rooms[0].room,
                                                         command={"type": "start_game"}))
    assert isinstance(started, wire.Ack)
    said_update = await next_of(seat, wire.Update)
    assert isinstance(said_update, wire.Update) and said_update.events[0].type == "statement_made"
    update = await next_of(seat, wire.Update)
    assert isinstance(update, wire.Update) and update.view.phase != "lobby"
    assert seat.last_seq == update.seq > said_update.seq
    with pytest.raises(Refused) as caught:
        await seat.ask(wire.FetchLog(id=seat.next_id()), wire.GameLog)
    assert caught.value.error.code == "review_not_open"
    await seat.close()
    await facilitator.close()


async def test_a_dropped_socket_reconnects_resumes_and_answers_what_was_waiting(server: ParleyServer) -> None:
    """After the network drops, websockets' reconnecting connect comes back, the seat resumes with its token, and a command sent meanwhile is answered."""
    facilitator, opened = await class_of_one(server)
    seat = ProtocolClient(server.url, name="tests", reconnect_delays=QUICK)
    await seat.join(opened.rooms[0].seats[0].code)
    socket = seat.socket
    assert socket is not None
    socket.transport.abort()
    await asyncio.sleep(0)
    said = await seat.submit(wire.SendCommand(id=seat.next_id(), command={"type": "make_statement",
                                                                          "text": "Sent while away."}))
    news = []
    async def follow() -> None:
        async for message in seat.messages():
            news.append(message)
            if isinstance(message, LinkChanged) and message.status == "connected":
                return
    await asyncio.wait_for(follow(), 5)
    assert any(isinstance(m, LinkChanged) and m.status == "reconnecting" for m in news)
    assert any(isinstance(m, wire.Joined) and m.token == seat.token for m in news)  # the resume's fresh view
    assert isinstance(await asyncio.wait_for(said, 5), wire.Ack)
    log = server.runtime.room(opened.rooms[0].room).log  # type: ignore[union-attr]
    assert [e.text for e in log if e.type == "statement_made"] == ["Sent while away."]  # once
    await seat.close()
    await facilitator.close()


async def test_a_seat_taken_elsewhere_ends_the_client_without_reconnecting(server: ParleyServer) -> None:
    """When another connection resumes the same token, messages() ends with 'lost' naming why; no reconnect fights for the seat."""
    facilitator, opened = await class_of_one(server)
    seat = ProtocolClient(server.url, name="tests", reconnect_delays=QUICK)
    await seat.join(opened.rooms[0].seats[0].code)
    other = await Client.connect(server.url, "other")
    assert (await other.call("resume", token=seat.token))["type"] == "joined"
    lost = await next_of(seat, LinkChanged)
    while isinstance(lost, LinkChanged) and lost.status != "lost":
        lost = await next_of(seat, LinkChanged)
    assert isinstance(lost, LinkChanged) and "another connection" in lost.detail
    assert [m async for m in seat.messages()] == []  # ended
    with pytest.raises(ClientError):
        await seat.submit(wire.Ping(id=seat.next_id()))
    await other.close()
    await facilitator.close()


async def test_it_gives_up_after_the_attempts_it_was_given(tmp_path: Path) -> None:
    """With give_up_after=3 and the server gone, messages() ends with 'lost' after three failed attempts."""
    srv = ParleyServer(tmp_path / "p.db", port=free_port())
    await srv.start()
    client = ProtocolClient(srv.url, name="tests", reconnect_delays=QUICK, give_up_after=3)
    await client.open()
    await srv.stop()
    news = [m async for m in client.messages() if isinstance(m, LinkChanged)]
    assert [n.status for n in news] == ["reconnecting"] * 3 + ["lost"]
    assert "3 attempts" in news[-1].detail and "connection refused" in news[-1].detail
    await client.close()


async def test_an_unreachable_server_and_a_bad_address_are_one_sentence() -> None:
    """Nobody listening: ClientError naming the address and what to check, at once; a non-websocket address is refused before connecting."""
    client = ProtocolClient(f"ws://127.0.0.1:{free_port()}", name="tests")
    with pytest.raises(ClientError, match="connection refused — is the server running"):
        await client.open()
    with pytest.raises(ClientError, match="not a websocket address"):
        normalise_url("http//nope")
    assert normalise_url("10.0.0.5:8765") == "ws://10.0.0.5:8765"
    with pytest.raises(ClientError, match="--cafile is for a wss:// address"):
        ProtocolClient("ws://127.0.0.1:1", name="tests", cafile="ca.pem")


async def test_every_client_accepts_frames_up_to_the_wire_limit(server: ParleyServer) -> None:
    """The protocol client's max_size is wire.MAX_SERVER_FRAME_BYTES (one place for the limit)."""
    client = ProtocolClient(server.url, name="tests")
    await client.open()
    assert client.socket is not None
    assert client.socket.protocol.max_message_size == wire.MAX_SERVER_FRAME_BYTES
    assert wire.MAX_SERVER_FRAME_BYTES >= wire.MAX_FRAME_BYTES
    await client.close()
