"""Frames stay bounded however long the game: joined, catch-up and notes under every client's limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client import rejoin
from client.app import ParleyApp
from client.connection import Connection
from client_helpers import wait_until
from server.engine import commands as c
from server.net.server import ParleyServer
from server.protocol import wire
from server_helpers import Client, open_class, seat_clients

BOTS_LIMIT = wire.MAX_FRAME_BYTES  # 64 KiB: what `parley bot` accepted, stricter than any client's max_size


def text(n: int) -> str:
    return f"Statement {n:04d}: " + "a long, careful sentence about the dam and the river " * 28


async def say(room: Any, first: int, count: int) -> None:
    """`count` long statements (upland and the commission in turn) and a private message to
    lowland every tenth, in transactions of 50 commands (a whole classroom morning's worth)."""
    for start in range(first, first + count, 50):
        for actor in ("upland", "commission"):
            batch: list[tuple[c.CommandBase, float | None]] = []
            for n in range(start, min(start + 50, first + count)):
                if (n % 2 == 0) == (actor == "upland"):
                    batch.append((c.MakeStatement(text=text(n)), None))
                    if n % 10 == 0:
                        batch.append((c.SendMessage(to="lowland", text=f"Just for you, {n}."), None))
            await room.submit_all(actor, batch)


async def test_an_800_statement_game_resumes_in_bounded_frames_and_whole(server: ParleyServer) -> None:
    """After 800 statements of ~1.5 KB, a seat resuming under the bots' 64 KiB limit gets a joined
    frame and catch-up updates each under SEAT_FRAME_BYTES, every missed event once and in order,
    and fetch_notes brings the older notes in bounded parts: joined + fetched = the whole history."""
    fac, opened = await open_class(server, start=True)
    info = opened["rooms"][0]
    seats = await seat_clients(server.url, info)
    room = server.runtime.room(info["room"])  # type: ignore[union-attr]
    lowland = seats["lowland"]
    token = lowland.token
    await say(room, 0, 400)
    known = room.streams.count("lowland")
    await lowland.wait_for(lambda f: f["type"] == "update" and f["seq"] == known, timeout=20)
    last = lowland.last_seq()
    await lowland.close()
    await say(room, 400, 400)
    assert sum(1 for e in room.log if e.type == "statement_made") == 800

    back = await Client.connect(server.url, "back", max_size=BOTS_LIMIT)
    joined = await back.call("resume", token=token, last_seq=last)
    assert joined["type"] == "joined" and joined["earlier_notes"] > 0
    now = room.streams.count("lowland")
    await back.wait_for(lambda f: f["type"] == "update" and f["seq"] == now, timeout=20)
    updates = [f for f in back.frames if f["type"] == "update"]
    assert len(updates) > 5  # the catch-up came in pages
    missed = [e for u in updates for e in u["events"]]
    assert [e.get("text") for e in missed] == \
        [getattr(e, "text", None) for e in room.streams.since("lowland", room.log, last)]
    numbers = [u["seq"] for u in updates]
    assert numbers == sorted(numbers) and numbers[-1] == now
    assert sum(len(u["events"]) for u in updates) == now - last

    first = joined["view"]["notes"][0]["seq"]
    reply = await back.call("fetch_notes", before=first, timeout=20)
    await back.wait_for(lambda f: f["type"] == "notes" and f["part"] == reply["parts"], timeout=20)
    parts = [f for f in back.frames if f["type"] == "notes" and f["reply_to"] == reply["reply_to"]]
    assert [p["part"] for p in parts] == list(range(1, reply["parts"] + 1)) and len(parts) > 5
    whole = [n for p in parts for n in p["notes"]] + joined["view"]["notes"]
    assert whole == [n.model_dump(mode="json") for n in room.notes("lowland")]
    assert sum(1 for n in whole if n["kind"] == "statement") == 800

    watcher = await Client.connect(server.url, "watcher", max_size=BOTS_LIMIT)
    watching = await watcher.call("watch", room=info["room"])
    assert watching["type"] == "watching" and watching["earlier_notes"] > 0

    for client in (back, watcher):
        biggest = max(len(raw.encode()) for raw in client.raw)
        assert biggest <= wire.SEAT_FRAME_BYTES <= BOTS_LIMIT <= wire.MAX_SERVER_FRAME_BYTES, (client.label, biggest)
    assert all(not c.ws.close_code for c in (back, watcher))  # neither was closed for a frame too large


async def test_the_textual_client_resumed_after_800_statements_holds_the_whole_history(
        server: ParleyServer, tmp_path: Path) -> None:
    """The real Textual client, coming back by its rejoin code into an 800-statement game, ends
    with every note of its seat in order (the joined frame's and the ones it fetched)."""
    fac, opened = await open_class(server, start=True)
    info = opened["rooms"][0]
    seats = await seat_clients(server.url, info)
    room = server.runtime.room(info["room"])  # type: ignore[union-attr]
    token = seats["lowland"].token
    await seats["lowland"].close()
    await say(room, 0, 800)
    code = rejoin.readable(token or "")
    assert code is not None
    app = ParleyApp(Connection(server.url, backoff=(0.1,)), config_file=tmp_path / "c.json")
    async with app.run_test(size=(100, 30)) as pilot:
        from textual.widgets import Input

        app.screen.query_one("#code", Input).value = code
        await pilot.press("enter")
        whole = room.notes("lowland")
        await wait_until(pilot, lambda: len(app.state.notes) >= len(whole), timeout=30,
                         what="the whole history")
        assert [n.text for n in app.state.notes] == [n.text for n in whole]
        assert sum(1 for n in app.state.notes if n.kind == "statement") == 800


async def test_a_big_class_comes_back_to_its_facilitator_in_parts_under_the_limit(server: ParleyServer) -> None:
    """A 30-room istanbul class's state (about 27 KB a room) comes in class_state parts, each
    under every client's max_size; together they hold every room once, with its view."""
    fac, opened = await open_class(server, scenario="istanbul-2022", rooms=30)
    back = await Client.connect(server.url, "fac-back")
    first = await back.call("resume", token=opened["facilitator_token"], timeout=20)
    assert first["type"] == "class_state"
    rooms = {r["room"] for r in opened["rooms"]}
    await back.wait_for(lambda f: f["type"] == "class_state" and f["reply_to"] is None, timeout=20)
    await back.wait_for(lambda f: set(back.views) == rooms, timeout=20, move=False)
    parts = [(raw, f) for raw, f in zip(back.raw, back.frames) if f["type"] == "class_state"]
    assert len(parts) >= 2
    assert sorted(r["room"] for _, f in parts for r in f["rooms"]) == sorted(rooms)
    assert all(len(raw.encode()) <= wire.CLASS_PART_BYTES + 4096 < wire.MAX_SERVER_FRAME_BYTES for raw, _ in parts)
    assert all(r["view"]["scenario"] and "notes" not in r["view"] for _, f in parts for r in f["rooms"])
