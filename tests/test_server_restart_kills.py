"""Restarts always come back: a poisoned stored event quarantines its one game and the server
starts; a `parley serve` killed (SIGKILL) between any two commits of its start-up comes back
with every game where it was — none left paused, none charged the outage."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from server.engine.events import ControllerChanged
from server.net.server import ParleyServer
from server.store import EventRow, GameStatus, open_store
from server_helpers import Client, ServeProcess, free_port, open_class, seat_clients

# `parley serve`, with one change: the process SIGKILLs itself right after its K-th commit.
KILLED_SERVE = """
import os, signal, sys
from server.store.writer import GroupWriter
from server.cli import main
limit, done = int(sys.argv[1]), [0]
commit = GroupWriter._transaction
def transaction(self, ops):
    results = commit(self, ops)
    done[0] += 1
    if done[0] >= limit:
        os.kill(os.getpid(), signal.SIGKILL)
    return results
GroupWriter._transaction = transaction
sys.exit(main(sys.argv[2:]))
"""


def serve_killed_after(db: Path, commits: int) -> bool:
    """Run `parley serve` on `db` until it kills itself after `commits` commits; False when it
    got through its start-up with fewer (then it is stopped with SIGTERM)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SERVE, str(commits), "serve", "--port", str(port),
                             "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                assert proc.returncode == -9, proc.stderr.read() if proc.stderr else ""
                return True
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    proc.terminate()
                    proc.wait(15)
                    return False
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the killed server neither died nor answered")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


async def _class_views(url: str, token: str) -> dict[str, dict[str, Any]]:
    """Every room's facilitator view, by room id, as a resumed facilitator sees it."""
    fac = await Client.connect(url, "fac")
    state = await fac.call("resume", token=token)
    assert state["type"] == "class_state", state
    await fac.close()
    return {r["room"]: r["view"] for r in state["rooms"]}


async def test_sigkill_between_every_two_commits_of_a_restart(tmp_path: Path) -> None:
    """Killed after the 1st, 2nd, ... commit of its start-up, the next start finds every game where it was."""
    db = tmp_path / "kills.db"
    async with ParleyServer(db) as srv:
        fac, opened = await open_class(srv, rooms=4, start=True)
        rooms = [r["room"] for r in opened["rooms"]]
        for rid in rooms[:3]:
            await fac.command({"type": "advance"}, room=rid)
        seats = await seat_clients(srv.url, opened["rooms"][0], skip=("commission",))
        tabled = await seats["upland"].command({"type": "table_proposal", "terms": {"dam_height": "reduced"}})
        assert tabled["type"] == "ack", tabled
        await fac.command({"type": "pause"}, room=rooms[2])       # paused by the facilitator: stays so
        await fac.command({"type": "end_game"}, room=rooms[3])    # ended: stays so
        token = opened["facilitator_token"]
        await asyncio.sleep(0.05)
        before = {r: srv.runtime.room(r).game.state for r in rooms}  # type: ignore[union-attr]
        remaining = {r: s.deadline - srv.runtime.room(r).log[-1].at  # type: ignore[union-attr,operator]
                     for r, s in before.items() if s.deadline is not None and not s.paused}
        where = {r: (s.phase.value, s.round, list(s.proposals), s.paused) for r, s in before.items()}
        paused_left = before[rooms[2]].paused_remaining
    assert len(remaining) == 2
    started = time.monotonic()
    killed_at = []
    for commits in range(1, 6):
        killed = await asyncio.to_thread(serve_killed_after, db, commits)
        if killed:
            killed_at.append(commits)
        served = await asyncio.to_thread(ServeProcess(db).start)
        try:
            views = await _class_views(served.url, token)
            now = time.time()
        finally:
            assert await asyncio.to_thread(served.terminate) == 0
        assert set(views) == set(rooms)
        for rid, view in views.items():
            assert (view["phase"], view["round"], [p["id"] for p in view["proposals"]],
                    view["paused_remaining"] is not None) == where[rid], (commits, rid)
            if rid in remaining:  # running: not paused, and only the time the servers were up is gone
                left = view["deadline"] - now
                assert remaining[rid] - (time.monotonic() - started) - 1 <= left <= remaining[rid] + 0.5, (commits, rid)
        assert views[rooms[2]]["paused_remaining"] == paused_left
        if not killed:
            break
    assert killed_at[:2] == [1, 2], killed_at  # the kills really fell inside start-ups


async def _poisoned_database(db: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """A class of four running rooms, three of them poisoned in the database after the fact."""
    async with ParleyServer(db) as srv:
        fac, opened = await open_class(srv, rooms=4, start=True)
        rooms = [r["room"] for r in opened["rooms"]]
        tokens = {}
        for info in opened["rooms"]:
            seat = await Client.connect(srv.url, info["room"])
            assert (await seat.join(info["seats"][0]["code"]))["type"] == "joined"
            tokens[info["room"]] = seat.token
        for rid in rooms:
            await fac.command({"type": "advance"}, room=rid)
    store = open_store(db)
    try:
        # A bot strategy this server does not have (written before strategies were checked).
        bad = ControllerChanged(at=time.time(), delegation="commission", controller="bot", strategy="no_such_strategy")
        seq = store.game(rooms[0]).events + 1  # type: ignore[union-attr]
        await store.append(rooms[0], [EventRow(seq, bad)], GameStatus("running", "negotiation", 1, False, seq))
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        # A scenario that no longer validates (an older Parley's file, say), and an event type
        # this Parley does not know.
        payload = json.loads(conn.execute("SELECT payload FROM events WHERE game=? AND seq=1", (rooms[1],)).fetchone()[0])
        payload["scenario"]["delegations"] = []
        conn.execute("UPDATE events SET payload=? WHERE game=? AND seq=1", (json.dumps(payload), rooms[1]))
        conn.execute("UPDATE events SET payload=?, type='teleported' WHERE game=? AND seq=3",
                     (json.dumps({"type": "teleported", "at": 1.0}), rooms[2]))
    return opened, tokens


async def test_a_poisoned_event_quarantines_its_game_and_the_server_starts(tmp_path: Path) -> None:
    """Unknown strategy, invalid scenario, unknown event: each quarantines its game, named in the log; the rest play."""
    db = tmp_path / "poisoned.db"
    opened, tokens = await _poisoned_database(db)
    rooms = [r["room"] for r in opened["rooms"]]
    served = await asyncio.to_thread(ServeProcess(db).start)
    try:
        healthy = await Client.connect(served.url, "healthy")
        joined = await healthy.call("resume", token=tokens[rooms[3]])
        assert joined["type"] == "joined" and joined["view"]["phase"] == "negotiation"
        assert (await healthy.command({"type": "make_statement", "text": "Still playing."}))["type"] == "ack"
        for rid in rooms[:3]:
            poisoned = await Client.connect(served.url, rid)
            refused = await poisoned.call("resume", token=tokens[rid])
            assert refused["type"] == "error" and refused["code"] == "game_quarantined", refused
            assert rid in refused["message"]
            assert (await poisoned.call("ping"))["type"] == "pong"  # refused, not disconnected
        fac = await Client.connect(served.url, "fac")
        state = await fac.call("resume", token=opened["facilitator_token"])
        assert [r["room"] for r in state["rooms"]] == [rooms[3]]
    finally:
        assert await asyncio.to_thread(served.terminate) == 0
    log = served.proc.stderr.read()
    assert f"game {rooms[0]}: event " in log and "(controller_changed)" in log and "no_such_strategy" in log
    assert f"game {rooms[1]}: event 1 (game_created)" in log
    assert f"game {rooms[2]}: event 3 (teleported)" in log
    assert log.count("quarantined game") == 3
    assert "Traceback" not in log


async def test_an_unknown_strategy_is_refused_before_anything_is_stored(server: ParleyServer) -> None:
    """assign_bot with a strategy that does not exist gets unknown_strategy, and the log is unchanged."""
    fac, opened = await open_class(server.url)
    rid = opened["rooms"][0]["room"]
    seq = server.runtime.room(rid).seq  # type: ignore[union-attr]
    refused = await fac.call("assign_bot", room=rid, delegation="lowland", strategy="no_such_strategy")
    assert refused["code"] == "unknown_strategy" and "boulware" in refused["message"]
    assert server.runtime.room(rid).seq == seq  # type: ignore[union-attr]
