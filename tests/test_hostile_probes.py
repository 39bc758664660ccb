"""What the fifth session's hostile probes found (hhost): each a raw websockets client against
the real server on a free port; the answer is a clear named error that changes nothing, or a
text made safe, and the server logs no error or traceback.

The probes themselves (every client message and every engine command with wrong types, missing
and extra fields, huge, negative and hostile values, from a seat, the facilitator, an observer
and an anonymous connection) are described in the session's note; what they found is here.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from server.net.server import ParleyServer
from server.protocol.wire import QUOTE_CHARS, protocol_schema
from server_helpers import Client, open_class, seat_clients

HOSTILE = "\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07\x00\u202e\u200b"
UNSAFE = ("\x1b", "\x07", "\x00", "\u202e", "\u200b")


@pytest.fixture(autouse=True)
def _no_server_error_logged(caplog: pytest.LogCaptureFixture) -> Any:
    """No user mistake here may make the server log an error or a traceback."""
    yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


def _strings(value: Any) -> list[str]:
    """Every string inside a parsed frame (keys too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _unbounded(node: Any, path: str = "") -> list[str]:
    """Every string, array or map in a JSON Schema without an upper bound on its size."""
    found: list[str] = []
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "string" and not {"maxLength", "const", "enum"} & node.keys():
            found.append(path)
        if kind == "array" and "maxItems" not in node:
            found.append(path)
        if kind == "object" and isinstance(node.get("additionalProperties"), dict) and "maxProperties" not in node:
            found.append(path)
        for key, value in node.items():
            found += _unbounded(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _unbounded(value, f"{path}[{i}]")
    return found


def test_every_text_a_client_sends_has_a_bound() -> None:
    """Every string, list and map of every client message (engine commands too) has a maximum size in the schema."""
    assert _unbounded(protocol_schema()["client_messages"]) == []


async def _ended_room(server: ParleyServer, rooms: int = 1) -> tuple[Client, dict[str, Any], str, dict[str, Client]]:
    """A tutorial class of `rooms` rooms, every seat of the first joined and its game ended: the
    facilitator, the opened class, the first room's id and its seats."""
    facilitator, opened = await open_class(server, "tutorial", rooms=rooms)
    room = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0])
    assert (await facilitator.command({"type": "start_game"}, room=room))["type"] == "ack"
    assert (await facilitator.command({"type": "end_game"}, room=room))["type"] == "ack"
    return facilitator, opened, room, seats


async def test_reflection_questions_and_answers_are_cleaned_before_anyone_reads_them(server: ParleyServer) -> None:
    """ESC/OSC 8/BEL/NUL/U+202E/zero-width in debrief questions and in a reflection's answers reach no seat and no facilitator."""
    facilitator, _, room, seats = await _ended_room(server)
    opened = await facilitator.command({"type": "open_debrief", "questions": ["Why" + HOSTILE + "?"],
                                        "delegation_questions": {"upland": "And you" + HOSTILE + "?"}}, room=room)
    assert opened["type"] == "ack", opened
    reflected = await seats["upland"].command({"type": "submit_reflection", "answers": ["Because" + HOSTILE, ""]})
    assert reflected["type"] == "ack", reflected
    await facilitator.wait_for(lambda f: f["type"] == "update"
                               and any(e["type"] == "reflection_submitted" for e in f["events"]))
    for client in (facilitator, *seats.values()):
        assert any("debrief_opened" in text for text in client.raw), client.label
        unsafe = [text for frame in client.frames for text in _strings(frame) if any(ch in text for ch in UNSAFE)]
        assert unsafe == [], client.label
    submitted = next(e for f in facilitator.frames if f["type"] == "update" for e in f["events"]
                     if e["type"] == "reflection_submitted")
    assert submitted["answers"] == ["Because[2J]8;;http://evilclick]8;;", ""]
    log = await facilitator.call("fetch_log", room=room)
    assert [text for text in _strings(log) if any(ch in text for ch in UNSAFE)] == []


async def test_a_question_for_a_delegation_that_does_not_exist_is_refused_and_stores_nothing(server: ParleyServer) -> None:
    """open_debrief naming an unknown delegation in delegation_questions: unknown_delegation, the debrief stays closed, no event."""
    facilitator, _, room, seats = await _ended_room(server)
    seq = facilitator.last_seq()
    refused = await facilitator.command({"type": "open_debrief", "questions": ["Why?"],
                                         "delegation_questions": {f"nosuch{i}": "q?" for i in range(3)}}, room=room)
    assert refused["type"] == "error" and refused["code"] == "unknown_delegation", refused
    assert "nosuch0" in refused["message"]
    too_many = await facilitator.command({"type": "open_debrief", "questions": ["Why?"],
                                          "delegation_questions": {f"d{i}": "q?" for i in range(2000)}}, room=room)
    assert too_many["type"] == "error" and too_many["code"] == "bad_message", too_many
    pong = await facilitator.call("ping")
    assert pong["type"] == "pong" and facilitator.last_seq() == seq
    assert facilitator.latest_view()["debrief_open"] is False
    opened = await facilitator.command({"type": "open_debrief", "questions": ["Why?"],
                                        "delegation_questions": {"upland": "And you?"}}, room=room)
    assert opened["type"] == "ack", opened


@pytest.mark.parametrize("message", [
    {"type": "issue_code", "room": "R" * 9000, "delegation": "upland"},
    {"type": "issue_code", "room": "ROOM", "delegation": "d" * 9000},
    {"type": "command", "command": {"type": "unseat_delegation", "delegation": "d" * 9000}},
])
async def test_a_long_id_from_the_facilitator_gets_a_short_error(server: ParleyServer, message: dict[str, Any]) -> None:
    """A 9,000-character room or delegation id in issue_code / unseat_delegation: bad_message quoting a short prefix (it echoed all 9,000)."""
    facilitator, opened = await open_class(server, "tutorial")
    room = opened["rooms"][0]["room"]
    message = {**message, "room": room} if message.get("room") == "ROOM" or message["type"] == "command" else message
    seq = facilitator.last_seq()
    reply = await facilitator.call(**{"type_": message["type"]}, **{k: v for k, v in message.items() if k != "type"})
    assert reply["type"] == "error" and reply["code"] == "bad_message", reply
    assert len(reply["message"]) < 4 * QUOTE_CHARS + 100, len(reply["message"])
    assert (await facilitator.call("ping"))["type"] == "pong" and facilitator.last_seq() == seq


async def debriefed_with_a_bystander(server: ParleyServer) -> tuple[Client, dict[str, Any], str, dict[str, Client], Client]:
    """Two tutorial rooms: the first's game ended and its debrief open (`_ended_room`); Upland of
    the second joined, to show another room plays on. Returns `_ended_room`'s four and that Upland."""
    facilitator, opened, room, seats = await _ended_room(server, rooms=2)
    bystander = (await seat_clients(server.url, opened["rooms"][1]))["upland"]
    assert (await facilitator.command({"type": "open_debrief", "questions": ["Why?"]}, room=room))["type"] == "ack"
    return facilitator, opened, room, seats, bystander


async def facilitator_connections(server: ParleyServer, opened: dict[str, Any], count: int) -> list[Client]:
    """`count` more connections resumed on the class's facilitator token."""
    others = [await Client.connect(server.url, f"fac{i}") for i in range(count)]
    for other in others:
        assert (await other.call("resume", token=opened["facilitator_token"]))["type"] == "class_state"
    return others


async def test_flooding_whole_log_reads_is_refused_with_slow_down_and_spares_other_rooms(server: ParleyServer) -> None:
    """fetch_log asked flat out (within the message rate): after a burst, slow_down naming when to ask again; the
    facilitator's many connections share one allowance; the seat's messages, and another room, carry on."""
    facilitator, opened, room, seats, bystander = await debriefed_with_a_bystander(server)
    replies = [await seats["upland"].call("fetch_log", room=room) for _ in range(8)]
    kinds = [r["type"] if r["type"] != "error" else r["code"] for r in replies]
    assert kinds[:4] == ["game_log"] * 4 and set(kinds[4:]) == {"slow_down"}, kinds
    assert "ask again in 2 s" in replies[-1]["message"]
    assert (await seats["upland"].call("ping"))["type"] == "pong"
    # The facilitator's other connections draw on the same allowance as its first.
    others = await facilitator_connections(server, opened, 3)
    answers = [await c.call(kind) if kind == "fetch_report" else await c.call(kind, room=room)
               for c in (facilitator, *others) for kind in ("fetch_log", "fetch_report")]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(answers) - len(refused) == 4 and {a["code"] for a in refused} == {"slow_down"}
    # ...while the debrief (an allowance of its own) may still be asked for, and other rooms play.
    assert (await seats["upland"].call("fetch_debrief", room=room))["type"] == "debrief_report"
    assert (await bystander.command({"type": "make_statement", "text": "still talking"}))["type"] == "ack"


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`parley protocol schema | head -1`: the pipe closes early; parley exits 0 with nothing on stderr (it printed a BrokenPipeError traceback)."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "protocol", "schema"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()  # like `head -1` once it has its line
    error = proc.stderr.read()
    assert proc.wait(30) == 0 and b"Traceback" not in error, error.decode()


async def test_flooding_debrief_requests_is_refused_with_slow_down_and_spares_other_rooms(server: ParleyServer) -> None:
    """fetch_debrief asked flat out by the facilitator from several connections, and by a seat: after a shared burst,
    slow_down naming when to ask again (each answer re-encoded a 24 KB frame); meanwhile another room plays on."""
    from server.runtime.limits import DEBRIEF_BURST

    facilitator, opened, room, seats, bystander = await debriefed_with_a_bystander(server)
    others = await facilitator_connections(server, opened, 3)

    async def flood(client: Client) -> list[dict[str, Any]]:
        return [await client.call("fetch_debrief", room=room) for _ in range(6)]

    async def play() -> list[dict[str, Any]]:
        return [await bystander.command({"type": "make_statement", "text": f"still talking {n}"}) for n in range(5)]

    import asyncio

    *floods, played = await asyncio.gather(*(flood(c) for c in (facilitator, *others)), play())
    answers = [a for replies in floods for a in replies]
    refused = [a for a in answers if a["type"] == "error"]
    assert {a["code"] for a in refused} == {"slow_down"}, refused
    assert "ask again in 1 s" in refused[0]["message"]
    # One allowance for all the facilitator's connections: its burst (one more per room of its class: two
    # here), and at most a few refills meanwhile.
    burst = int(DEBRIEF_BURST) + 2
    assert burst <= len(answers) - len(refused) <= burst + 3, len(answers) - len(refused)
    assert all(a["type"] == "debrief_report" for a in answers if a not in refused)
    assert [p["type"] for p in played] == ["ack"] * 5
    # A seat has an allowance of its own, limited the same way.
    mine = [await seats["upland"].call("fetch_debrief", room=room) for _ in range(int(DEBRIEF_BURST) + 4)]
    kinds = [r["type"] if r["type"] != "error" else r["code"] for r in mine]
    assert kinds[:int(DEBRIEF_BURST)] == ["debrief_report"] * int(DEBRIEF_BURST) and "slow_down" in kinds, kinds
    assert (await seats["upland"].call("ping"))["type"] == "pong"


async def test_a_facilitator_stepping_through_every_rooms_debrief_is_never_refused(server: ParleyServer) -> None:
    """A class of 12 rooms, every game ended: its facilitator asks each room's debrief once, twice over in a burst, and
    gets all 12 the first time (the shared allowance refused the ninth); flooding past that is still slow_down."""
    from server.runtime.limits import DEBRIEF_BURST

    facilitator, opened = await open_class(server, "tutorial", rooms=12)
    rooms = [r["room"] for r in opened["rooms"]]
    for room in rooms:
        assert (await facilitator.command({"type": "start_game"}, room=room))["type"] == "ack"
        assert (await facilitator.command({"type": "end_game"}, room=room))["type"] == "ack"
    console, = await facilitator_connections(server, opened, 1)  # (the first spent its message burst starting games)
    first = [await console.call("fetch_debrief", room=room) for room in rooms]
    assert [r["type"] for r in first] == ["debrief_report"] * 12, [r.get("code") for r in first]
    assert [r["room"] for r in first] == rooms
    again = [await console.call("fetch_debrief", room=room) for room in rooms]
    kinds = [r["type"] if r["type"] != "error" else r["code"] for r in again]
    assert kinds[:int(DEBRIEF_BURST) - 2] == ["debrief_report"] * (int(DEBRIEF_BURST) - 2) and "slow_down" in kinds, kinds
