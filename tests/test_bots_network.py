"""Bots on a real server: `parley bot` processes over websockets, and facilitator hand-overs."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from server.engine import FACILITATOR
from server.engine import commands as c
from server.net.server import ParleyServer
from server.scenario import bundled_scenarios
from server_helpers import Client, open_class

# Not `python -m server.cli`: run as __main__, that module's UserError would be a second class.
PARLEY = (sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main(sys.argv[1:]))")
SEAT_ACTS = {"ready_marked", "proposal_tabled", "proposal_supported", "statement_made",
             "proposal_signed", "proposal_declined", "proposal_withdrawn"}


async def _run_bot(url: str, code: str, seed: int, transcript: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *PARLEY, "bot", "--server", url, "--code", code,
        "--seed", str(seed), "--transcript", str(transcript),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def _objects(value: Any) -> Any:
    """Every dict nested anywhere in a JSON value."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def _leaks(seat: str, frames: list[dict[str, Any]], text: str) -> list[str]:
    """What of another delegation's hidden information a seat's transcript holds."""
    scenario = bundled_scenarios()["tutorial"]
    found = []
    for other in scenario.delegations:
        if other.id == seat:
            continue
        hidden = other.hidden
        found += [f"red line {r.id}" for r in hidden.red_lines if r.id in text or r.label in text]
        found += [f"intelligence of {other.id}" for i in hidden.intelligence if i in text]
        found += [f"points of {other.id}" for o in _objects(frames) if o == hidden.points]
    for obj in _objects(frames):
        if obj.get("type") == "message_sent" and seat not in (obj.get("sender"), obj.get("to")):
            found.append(f"message {obj['sender']}->{obj['to']}")
        if obj.get("type") == "result_scored" and obj["result"]["delegation"] != seat:
            found.append(f"result of {obj['result']['delegation']}")
    return found


async def test_a_game_of_network_bots_finishes_without_leaks(server: ParleyServer, tmp_path: Path) -> None:
    """One `parley bot` process per seat plays a tutorial room to its end; no transcript leaks."""
    assert server.runtime is not None
    opened = await server.runtime.open_class("tutorial", time_scale=0.01, seed=4)
    room_id, seats = opened.rooms[0].room, {s.delegation: s.code for s in opened.rooms[0].seats}
    room = server.runtime.room(room_id)
    # A human at the Commission's seat whispers to Upland, then leaves the seat to a bot.
    human = await Client.connect(server.url, "commission")
    assert (await human.join(seats["commission"]))["type"] == "joined"
    sent = await human.command({"type": "send_message", "to": "upland", "text": "For Upland only: 4471."})
    assert sent["type"] == "ack", sent
    await human.close()
    # Its code is spent: the seat goes to the bot with a fresh one, as a facilitator would hand it over.
    seats["commission"] = await server.runtime.issue_code(room, "commission")

    transcripts = {d: tmp_path / f"{d}.jsonl" for d in seats}
    procs = {d: await _run_bot(server.url, code, n, transcripts[d]) for n, (d, code) in enumerate(seats.items())}
    async with asyncio.timeout(30):
        while not all(room.connected(d) for d in seats):
            await asyncio.sleep(0.02)
        await room.submit(FACILITATOR, c.StartGame())
        outputs = {d: await p.communicate() for d, p in procs.items()}
    for d, p in procs.items():
        assert p.returncode == 0, (d, outputs[d][1].decode())
    assert room.game.ended
    assert any(e.type == "proposal_tabled" and e.author == "upland" for e in room.log)

    for seat, path in transcripts.items():
        text = path.read_text(encoding="utf-8")
        frames = [json.loads(line) for line in text.splitlines()]
        views = [f["view"] for f in frames if "view" in f]  # a presence or an ack may come after the last
        assert frames[0]["type"] == "welcome" and views[-1]["phase"] == "ended"
        assert _leaks(seat, frames, text) == [], seat
    upland_text = transcripts["upland"].read_text(encoding="utf-8")
    upland_frames = [json.loads(line) for line in upland_text.splitlines()]
    assert _leaks("lowland", upland_frames, upland_text)  # the check sees a seat's own secrets
    assert "For Upland only: 4471." in upland_text
    assert "For Upland only" not in transcripts["lowland"].read_text(encoding="utf-8")


async def test_parley_bot_refuses_a_bad_code_in_one_line(server: ParleyServer, tmp_path: Path) -> None:
    """A code no seat has: one line on stderr naming it, exit status 1."""
    proc = await _run_bot(server.url, "ZZ-0000", 1, tmp_path / "t.jsonl")
    async with asyncio.timeout(20):
        _, err = await proc.communicate()
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1
    assert lines[0].startswith("parley: ") and "ZZ-0000" in lines[0] and "unknown_code" in lines[0]


async def test_a_facilitator_hands_a_dropped_seat_to_a_bot_and_takes_it_back(server: ParleyServer) -> None:
    """AssignBot mid-game makes a bot play the dropped seat; ReleaseBot stops it for the human."""
    facilitator, opened = await open_class(server, bots=["lowland", "commission"], time_scale=0.2)
    room = opened["rooms"][0]
    code = next(s["code"] for s in room["seats"] if s["delegation"] == "upland")
    human = await Client.connect(server.url, "upland")
    assert (await human.join(code))["type"] == "joined"
    token = human.token
    await human.close()  # the student's laptop dies

    assert (await facilitator.command({"type": "start_game"}, room=room["room"]))["type"] == "ack"
    await facilitator.wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] == "pressure")
    given = await facilitator.call("assign_bot", room=room["room"], delegation="upland")
    assert given["type"] == "ack", given

    def upland_acts(frame: dict[str, Any]) -> bool:
        return frame["type"] == "update" and any(
            e["type"] in SEAT_ACTS and "upland" in (e.get("delegation"), e.get("author"))
            for e in frame["events"])

    await facilitator.wait_for(upland_acts, timeout=10)
    assert facilitator.latest_view()["controllers"]["upland"] == "bot"
    taken = await facilitator.call("release_bot", room=room["room"], delegation="upland")
    assert taken["type"] == "ack", taken
    await facilitator.wait_for(lambda f: f["type"] == "update"
                               and f["view"]["controllers"].get("upland") == "human")
    # Released means stopped, not just told to: no bot task is left that could act for upland.
    runtime_room = server.runtime.room(room["room"])  # type: ignore[union-attr]
    assert "upland" not in runtime_room.bots
    assert not [t for t in asyncio.all_tasks() if t.get_name() == f"bot {room['room']}/upland" and not t.done()]
    assert not any(upland_acts(f) for f in facilitator.frames[facilitator.cursor:])

    back = await Client.connect(server.url, "upland-again")
    resumed = await back.call("resume", token=token, last_seq=0)
    assert resumed["type"] == "joined" and resumed["delegation"] == "upland"
    await back.close()
    await facilitator.close()
