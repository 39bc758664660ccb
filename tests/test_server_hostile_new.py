"""The wire messages and paths added this session (team seats, share_intent, fetch_notes,
paged frames) against a hostile raw-websockets client on a real server on a free port:
every malformed, wrongly typed, out-of-range, hostile-string, wrong-seat, non-head, observer,
no-key and unknown-id variant gets an error naming what is wrong, stores nothing, leaks
nothing, never closes the connection (no 1011), and another room's commands keep working."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme
import websockets

from server.net.server import ParleyServer
from server.store import open_store
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, Frame, ServeProcess, open_class, remember_key, until_phase

HOSTILE = "\x1b]52;c;aGk=\x07\x1b[31mred\x1b[0m\x00\u202eevil\u2066x\x9b2J"
SECRET = "upland-team-only-7f3a"


@pytest.fixture(autouse=True)
def _no_server_error_logged(caplog: pytest.LogCaptureFixture) -> Any:
    """No user mistake here may make the server log an error or a traceback."""
    yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


def _seat(room: Frame, delegation: str) -> Frame:
    return next(s for s in room["seats"] if s["delegation"] == delegation)


async def _member(url: str, room: Frame, delegation: str, number: int, name: str) -> Client:
    client = await Client.connect(url, f"{delegation}-{name}")
    code = _seat(room, delegation)["members"][number - 1]["code"]
    assert (await client.join(code, name=name))["type"] == "joined"
    return client


async def _setup(server: ParleyServer) -> dict[str, Any]:
    """Two rooms: room A with upland and lowland as teams of two and a solo commission, watched
    by an observer; room B a plain room whose seat must keep working."""
    fac, opened = await open_class(server, start=True, rooms=2, teams={"upland": 2, "lowland": 2})
    room, other = opened["rooms"]
    up = [await _member(server.url, room, "upland", 1, "Ana"), await _member(server.url, room, "upland", 2, "Ben")]
    low = [await _member(server.url, room, "lowland", 1, "Dia"), await _member(server.url, room, "lowland", 2, "Eli")]
    solo = await Client.connect(server.url, "commission")
    assert (await solo.join(_seat(room, "commission")["code"], name="Gus"))["type"] == "joined"
    watcher = await Client.connect(server.url, "observer")
    assert (await watcher.call("watch", room=room["room"]))["type"] == "watching"
    bystander = await Client.connect(server.url, "room-b")
    other_code = _seat(other, "commission")["members"][0]["code"] if _seat(other, "commission")["members"] \
        else _seat(other, "commission")["code"]
    assert (await bystander.join(other_code, name="Zed"))["type"] == "joined"
    return {"fac": fac, "rid": room["room"], "room": room, "other": other["room"], "up": up, "low": low,
            "solo": solo, "watcher": watcher, "bystander": bystander}


def _events(server: ParleyServer, rid: str) -> list[Any]:
    store = open_store(server.db_path)
    try:
        return list(store.events(rid))
    finally:
        store.close()


async def _refused(client: Client, reply: Frame, *words: str) -> None:
    """`reply` is an error naming what is wrong (short, no traceback), and the connection lives."""
    assert reply["type"] == "error", reply
    text = (reply.get("code", "") + " " + reply.get("message", "")).lower()
    assert all(w.lower() in text for w in words), (words, reply)
    assert "traceback" not in text and len(reply["message"]) < 600, reply
    assert "\x1b" not in json.dumps(reply) and "\x00" not in reply["message"], reply
    assert (await client.call("ping"))["type"] == "pong"


NAMED = {  # errors whose wording was wrong before: they must name what is missing
    "intent sign of nothing": ("which proposal",),
    "head of a solo seat": ("commission", "one person"),
}


def _bad_frames(s: dict[str, Any]) -> list[tuple[str, Client, Frame, str]]:
    """(label, client, frame, expected error code) for every hostile variant of a new message."""
    fac, rid, up, solo, w = s["fac"], s["rid"], s["up"], s["solo"], s["watcher"]
    anon = s["anon"]

    def cmd(command: Frame, **extra: Any) -> Frame:
        return {"type": "command", "command": command, **extra}

    return [
        # set_team_size: wrongly typed, out of range, unknown ids, not the facilitator
        ("size as text", fac, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": "2"}, "bad_message"),
        ("size as bool", fac, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": True}, "bad_message"),
        ("size 0", fac, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 0}, "bad_message"),
        ("size 99", fac, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 99}, "bad_message"),
        ("size, unknown room", fac, {"type": "set_team_size", "room": "nope", "delegation": "upland", "size": 2}, "unknown_room"),
        ("size, hostile delegation", fac, {"type": "set_team_size", "room": rid, "delegation": HOSTILE, "size": 2}, "unknown_delegation"),
        ("size, extra field", fac, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 2, "x": 1}, "bad_message"),
        ("size by a seat", up[0], {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 2}, "not_facilitator"),
        ("size by an observer", w, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 2}, "not_facilitator"),
        ("size with no key", anon, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 2}, "not_facilitator"),
        ("size below joined", fac, {"type": "set_team_size", "room": rid, "delegation": "upland", "size": 1}, "team_too_small"),
        # set_head
        ("head 0", fac, cmd({"type": "set_head", "delegation": "upland", "member": 0}, room=rid), "bad_message"),
        ("head as text", fac, cmd({"type": "set_head", "delegation": "upland", "member": "2"}, room=rid), "bad_message"),
        ("head as bool", fac, cmd({"type": "set_head", "delegation": "upland", "member": True}, room=rid), "bad_message"),
        ("head unknown member", fac, cmd({"type": "set_head", "delegation": "upland", "member": 7}, room=rid), "unknown_member"),
        ("head hostile delegation", fac, cmd({"type": "set_head", "delegation": HOSTILE, "member": 1}, room=rid), "unknown_delegation"),
        ("head of a solo seat", fac, cmd({"type": "set_head", "delegation": "commission", "member": 1}, room=rid), "not_a_team"),
        ("head by a seat", up[1], cmd({"type": "set_head", "delegation": "upland", "member": 2}), "not_facilitator"),
        ("head by an observer", w, cmd({"type": "set_head", "delegation": "upland", "member": 2}, room=rid), "not_joined"),
        # hand_over_head
        ("hand over by non-head", up[1], cmd({"type": "hand_over_head", "member": 1}), "not_head"),
        ("hand over to self", up[0], cmd({"type": "hand_over_head", "member": 1}), "already_head"),
        ("hand over to nobody", up[0], cmd({"type": "hand_over_head", "member": 3}), "unknown_member"),
        ("hand over 2.5", up[0], cmd({"type": "hand_over_head", "member": 2.5}), "bad_message"),
        ("hand over by a solo seat", solo, cmd({"type": "hand_over_head", "member": 2}), "not_a_team"),
        ("hand over by observer", w, cmd({"type": "hand_over_head", "member": 2}, room=rid), "not_joined"),
        # send_team_message
        ("team text 60 KB", up[1], cmd({"type": "send_team_message", "text": "x" * 60_000}), "bad_message"),
        ("team text only controls", up[1], cmd({"type": "send_team_message", "text": "\x00\x1b\u202e"}), "bad_message"),
        ("team text a number", up[1], cmd({"type": "send_team_message", "text": 5}), "bad_message"),
        ("team text with to", up[1], cmd({"type": "send_team_message", "text": "hi", "to": "lowland"}), "bad_message"),
        ("team text from solo", solo, cmd({"type": "send_team_message", "text": "hi"}), "not_a_team"),
        ("team text from observer", w, cmd({"type": "send_team_message", "text": "hi"}, room=rid), "not_joined"),
        ("join_team over the wire", up[1], cmd({"type": "join_team", "delegation": "upland", "member": 2, "name": "X"}), "not_over_wire"),
        # share_intent
        ("intent unknown proposal", up[0], {"type": "share_intent", "action": "sign", "proposal": "P9"}, "unknown_proposal"),
        ("intent sign of nothing", up[0], {"type": "share_intent", "action": "sign"}, "unknown_proposal"),
        ("intent bad action", up[0], {"type": "share_intent", "action": "eat", "proposal": "P1"}, "bad_message"),
        ("intent hostile proposal", up[0], {"type": "share_intent", "action": "decline", "proposal": HOSTILE}, "unknown_proposal"),
        ("intent 60 KB proposal", up[0], {"type": "share_intent", "action": "sign", "proposal": "P" * 60_000}, "bad_message"),
        ("intent from solo", solo, {"type": "share_intent", "action": "sign", "proposal": "P1"}, "not_a_team"),
        ("intent from observer", w, {"type": "share_intent", "action": "sign", "proposal": "P1"}, "not_joined"),
        ("intent from facilitator", fac, {"type": "share_intent", "action": "sign", "proposal": "P1"}, "not_joined"),
        ("intent with no key", anon, {"type": "share_intent", "action": "sign", "proposal": "P1"}, "not_joined"),
        # fetch_notes
        ("notes before -1", up[0], {"type": "fetch_notes", "before": -1}, "bad_message"),
        ("notes before text", up[0], {"type": "fetch_notes", "before": "5"}, "bad_message"),
        ("notes before bool", up[0], {"type": "fetch_notes", "before": True}, "bad_message"),
        ("notes without before", up[0], {"type": "fetch_notes"}, "bad_message"),
        ("notes by facilitator", fac, {"type": "fetch_notes", "before": 5}, "not_joined"),
        ("notes with no key", anon, {"type": "fetch_notes", "before": 5}, "not_joined"),
    ]


async def test_every_hostile_variant_of_the_new_messages_gets_a_named_error_and_stores_nothing(server: ParleyServer) -> None:
    """Each malformed/mistyped/out-of-range/hostile/wrong-seat/non-head/observer/no-key/unknown-id new message gets its named error, nothing is stored, and room B still plays."""
    s = await _setup(server)
    s["anon"] = await Client.connect(server.url, "anon")
    stored = len(_events(server, s["rid"]))
    for label, client, frame, code in _bad_frames(s):
        reply = await client.call(frame.pop("type"), **frame)
        assert reply.get("code") == code, (label, reply)
        await _refused(client, reply, *NAMED.get(label, ()))
    assert len(_events(server, s["rid"])) == stored  # nothing a refused message said was kept
    for client in [s["fac"], *s["up"], *s["low"], s["solo"], s["watcher"], s["anon"]]:
        assert client.ws.close_code is None, client.label  # no 1011, no close for a user mistake
    assert (await s["bystander"].command({"type": "make_statement", "text": "Room B goes on."}))["type"] == "ack"


async def test_open_class_team_options_are_checked_before_a_class_opens(server: ParleyServer) -> None:
    """open_class's team_size/teams refuse text, bools, floats, 0, 99, unknown or hostile delegations, bot seats, a missing key and both at once, opening nothing."""
    client = await Client.connect(server.url, "opener")
    key = server.instructor_key
    cases: list[tuple[dict[str, Any], str]] = [
        ({"team_size": "2", "key": key}, "bad_message"), ({"team_size": True, "key": key}, "bad_message"),
        ({"team_size": 2.0, "key": key}, "bad_message"), ({"team_size": 0, "key": key}, "bad_message"),
        ({"team_size": 99, "key": key}, "bad_message"), ({"teams": [1], "key": key}, "bad_message"),
        ({"teams": {"upland": "2"}, "key": key}, "bad_message"), ({"teams": {"nowhere": 2}, "key": key}, "unknown_delegation"),
        ({"teams": {HOSTILE: 2}, "key": key}, "unknown_delegation"),
        ({"teams": {"upland": 2}, "bots": ["upland"], "key": key}, "team_with_bot"),
        ({"teams": {"upland": 2}}, "bad_key"),
        ({"teams": {"upland": 2}, "team_size": 3, "key": key}, "bad_message"),
    ]
    for options, code in cases:
        reply = await client.call("open_class", scenario="tutorial", **options)
        assert reply.get("code") == code, (options, reply)
        if "teams" in options and "team_size" in options:  # both at once: the error names both
            assert "team_size" in reply["message"] and "teams" in reply["message"], reply
        await _refused(client, reply)
    store = open_store(server.db_path)
    try:
        assert store.classes() == [] and store.list_games() == []
    finally:
        store.close()


async def test_a_hostile_team_message_is_cleaned_and_reaches_only_its_team(server: ParleyServer) -> None:
    """A team message with ESC/OSC/SGR/NUL/U+202E is stored without them and reaches upland's members only: no other delegation, solo seat, observer or room B sees it, live or by fetch_notes."""
    s = await _setup(server)
    up, rid = s["up"], s["rid"]
    assert (await up[1].command({"type": "send_team_message", "text": HOSTILE + SECRET}))["type"] == "ack"
    got = await up[0].wait_for(lambda f: f["type"] == "update" and any(
        e["type"] == "team_message_sent" for e in f["events"]))
    text = next(e["text"] for e in got["events"] if e["type"] == "team_message_sent")
    assert SECRET in text and not any(ch in text for ch in "\x1b\x07\x00\u202e\u2066\x9b"), text
    stored = [e for e in _events(server, rid) if e.type == "team_message_sent"]
    assert [e.text for e in stored] == [text]
    for outsider in [*s["low"], s["solo"], s["watcher"], s["bystander"]]:
        notes = await outsider.call("fetch_notes", before=10**6)
        assert notes["type"] == "notes", notes
        await outsider.call("ping")
        assert not any(SECRET in raw or "team_message" in raw for raw in outsider.raw), outsider.label
    back = await Client.connect(server.url, "lowland-back")  # a catch-up from the start holds none of it
    assert (await back.call("resume", token=s["low"][1].token, last_seq=0))["type"] == "joined"
    await back.call("fetch_notes", before=10**6)
    assert back.raw and not any(SECRET in raw or "team_message" in raw for raw in back.raw)


async def test_share_intent_reaches_only_the_senders_team_in_its_own_room(server: ParleyServer) -> None:
    """share_intent from upland's head reaches upland's other member only — not lowland's team, the solo seat, the observer, the facilitator, nor upland's team in another room."""
    fac, opened = await open_class(server, start=True, rooms=2, teams={"upland": 2, "lowland": 2})
    a, b = opened["rooms"]
    up = [await _member(server.url, a, "upland", 1, "Ana"), await _member(server.url, a, "upland", 2, "Ben")]
    low = [await _member(server.url, a, "lowland", 1, "Dia"), await _member(server.url, a, "lowland", 2, "Eli")]
    up_b = [await _member(server.url, b, "upland", 1, "Kim"), await _member(server.url, b, "upland", 2, "Lee")]
    watcher = await Client.connect(server.url, "observer")
    assert (await watcher.call("watch", room=a["room"]))["type"] == "watching"
    assert (await fac.command({"type": "advance"}, room=a["room"]))["type"] == "ack"
    await until_phase(up[1], "negotiation")
    assert (await up[1].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS}))["type"] == "ack"
    assert (await up[0].call("share_intent", action="sign", proposal="P1"))["type"] == "ack"
    intent = await up[1].wait_for(lambda f: f["type"] == "team_intent")
    assert intent["room"] == a["room"] and intent["delegation"] == "upland" and intent["action"] == "sign"
    for outsider in [*low, *up_b, watcher, fac, up[0]]:
        await outsider.call("ping")
        assert not [f for f in outsider.frames if f["type"] == "team_intent"], outsider.label


async def test_sigkill_at_random_moments_of_a_team_game_brings_every_game_back(tmp_path: Path) -> None:
    """`parley serve` killed with SIGKILL at random moments of a two-room team game (commands in flight) restarts with every game where it was: each member resumes with its own token, the head and the team channel are kept, and both rooms play on."""
    rng = random.Random(16)
    served = ServeProcess(tmp_path / "teams.db").start()
    try:
        fac, opened = await open_class(served, start=True, rooms=2, teams={"upland": 2})
        rooms = opened["rooms"]
        tokens = {}
        for room in rooms:
            for number, name in ((1, "Ana"), (2, "Ben")):
                member = await _member(served.url, room, "upland", number, name)
                tokens[(room["room"], number)] = member.token
        fac_token = opened["facilitator_token"]
    finally:
        served.kill()
    for round_ in range(3):
        served = ServeProcess(served.db, port=served.port).start()
        try:
            fac = await Client.connect(served.url, f"fac-{round_}")
            assert (await fac.call("resume", token=fac_token))["type"] == "class_state"
            for room in rooms:
                rid = room["room"]
                ben = await Client.connect(served.url, f"ben-{round_}")
                joined = await ben.call("resume", token=tokens[(rid, 2)], last_seq=0)
                assert joined["type"] == "joined" and joined["member"] == 2, joined
                assert joined["view"]["team"]["head_name"] == "Ana"  # the first to join still leads
                sent = [f"round {r} in {rid}" for r in range(round_)]
                assert all(text in json.dumps(joined) or text in json.dumps(ben.frames) for text in sent), rid
                assert (await ben.command({"type": "send_team_message", "text": f"round {round_} in {rid}"}))["type"] == "ack"
                for _ in range(rng.randint(0, 3)):  # in flight when the kill comes: stored or not, never half
                    await ben.send({"type": "command", "id": f"x{rng.random()}",
                                    "command": {"type": "send_team_message", "text": "in flight"}})
            if rng.random() < 0.5:
                await asyncio.sleep(rng.uniform(0, 0.2))
        finally:
            served.kill()
    store = open_store(served.db)
    try:
        games = {g.id: g for g in store.list_games()}
        assert all(games[r["room"]].status == "running" for r in rooms), games  # where it was: running, not quarantined
        for room in rooms:
            texts = [e.text for e in store.events(room["room"]) if e.type == "team_message_sent"]
            assert [t for t in texts if t != "in flight"] == [f"round {r} in {room['room']}" for r in range(3)]
    finally:
        store.close()


async def test_a_shared_intent_is_withdrawn_when_its_head_hands_over_or_leaves(server: ParleyServer) -> None:
    """A head's 'about to sign' is withdrawn (action None to the team) when the lead changes or the head's connection goes, so no member is shown a sign that will not come or a head who no longer leads; it was kept before."""
    s = await _setup(server)
    fac, rid, (ana, ben) = s["fac"], s["rid"], s["up"]
    assert (await fac.command({"type": "advance"}, room=rid))["type"] == "ack"
    await until_phase(ana, "negotiation")
    assert (await ana.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS}))["type"] == "ack"

    assert (await ana.command({"type": "table_proposal", "terms": {**AGREEABLE_TUTORIAL_TERMS, "compensation": "none"}
                               }))["type"] == "ack"
    assert (await ana.command({"type": "withdraw_proposal", "proposal": "P2"}))["type"] == "ack"
    off = await ana.call("share_intent", action="sign", proposal="P2")  # a withdrawn proposal cannot be signed
    assert off.get("code") == "unknown_proposal" and "off the table" in off["message"], off

    def intent(action: str | None) -> Any:
        return lambda f: f["type"] == "team_intent" and f["action"] == action

    assert (await ana.call("share_intent", action="sign", proposal="P1"))["type"] == "ack"
    await ben.wait_for(intent("sign"))
    assert (await ana.command({"type": "hand_over_head", "member": 2}))["type"] == "ack"
    assert (await ben.wait_for(intent(None)))["member"] == 1  # Ana no longer leads: her sign is off
    back = await Client.connect(server.url, "ben-back")  # a member coming in is shown nothing stale
    assert (await back.call("resume", token=ben.token, last_seq=0))["type"] == "joined"
    assert (await back.call("share_intent", action="sign", proposal="P1"))["type"] == "ack"  # Ben, the head now
    await ana.wait_for(intent("sign"))
    await back.close()  # the head's connection goes: what it had on screen goes with it
    assert (await ana.wait_for(intent(None)))["member"] == 2
    late = await Client.connect(server.url, "ana-back")
    assert (await late.call("resume", token=ana.token, last_seq=0))["type"] == "joined"
    await late.call("ping")
    assert not [f for f in late.frames if f["type"] == "team_intent"]


async def test_garbage_on_the_tls_port_hurts_nobody(tmp_path: Path) -> None:
    """On a TLS server: plain-text HTTP, random bytes, a plain ws:// handshake, a half-finished TLS hello and junk after a finished one are each dropped; a wss seat then opens, joins and plays."""
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1")
    ca, cert, key = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    authority.cert_pem.write_to_path(str(ca))
    for blob in issued.cert_chain_pems:
        blob.write_to_path(str(cert), append=True)
    issued.private_key_pem.write_to_path(str(key))
    srv = ParleyServer(tmp_path / "tls.db", certfile=cert, keyfile=key)
    await srv.start()
    remember_key(srv)
    try:
        port = int(srv.url.rsplit(":", 1)[1].split("/")[0])
        rng = random.Random(12)
        half_open = []
        for junk in (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", bytes(rng.randrange(256) for _ in range(4096)),
                     b"\x16\x03\x01\x00\xff\x01\x00"):  # the last: the start of a TLS hello, never finished
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(junk)
            await writer.drain()
            half_open.append(writer)
        with pytest.raises((OSError, websockets.InvalidHandshake, asyncio.TimeoutError, EOFError)):
            await Client.connect(f"ws://127.0.0.1:{port}", "plain")
        context = ssl.create_default_context(cafile=str(ca))
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
        writer.write(b"\x00\xff" * 30_000 + b"\r\n\r\n")  # a finished TLS handshake, then no HTTP at all
        await writer.drain()
        half_open.append(writer)
        facilitator = await Client.connect(srv.url, "fac", ssl=context)
        reply = await facilitator.call("open_class", scenario="tutorial", key=srv.instructor_key, start=True)
        assert reply["type"] == "class_opened", reply
        seat = await Client.connect(srv.url, "upland", ssl=context)
        assert (await seat.join(_seat(reply["rooms"][0], "upland")["code"], name="Ann"))["type"] == "joined"
        assert (await seat.command({"type": "make_statement", "text": "Still served."}))["type"] == "ack"
        for writer in half_open:
            writer.close()
    finally:
        await srv.stop()
