"""A server process killed with SIGKILL mid-game loses nothing any client was told of, and the game goes on."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from server.engine import dump_event
from server.store import open_store
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, ServeProcess, open_class, seat_clients, until_phase


async def test_sigkill_mid_game_then_restart(tmp_path: Path) -> None:
    """kill -9 of `parley serve` mid-round, restart on the same file: every event told is stored, and play resumes."""
    served = ServeProcess(tmp_path / "crash.db").start()
    try:
        fac, opened = await open_class(served, start=True)
        rid = opened["rooms"][0]["room"]
        seats = await seat_clients(served.url, opened["rooms"][0])
        await fac.command({"type": "advance"}, room=rid)
        await until_phase(seats["upland"], "negotiation")
        await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
        await seats["lowland"].command({"type": "send_message", "to": "upland", "text": "between us"})
        await seats["commission"].command({"type": "support_proposal", "proposal": "P1"})
        # A last command whose ack we do not wait for: it may or may not be stored; either is fine.
        await seats["lowland"].send({"type": "command", "id": "last", "command": {"type": "mark_ready"}})
        served.kill()
        told = {c.label: [e for f in c.frames if f["type"] == "update" for e in f["events"]]
                for c in [fac, *seats.values()]}
        acked = {label: [f["seq"] for f in c.frames if f["type"] == "ack"] for label, c in
                 [("fac", fac), *seats.items()]}
    finally:
        served.kill()
    store = open_store(served.db)
    try:
        stored = [dump_event(e) for e in store.events(rid)]
    finally:
        store.close()
    assert len(told["fac"]) >= 4
    start = stored.index(told["fac"][0])
    assert stored[start:start + len(told["fac"])] == told["fac"]  # the facilitator hears everything, in order
    for label, events in told.items():
        assert all(e in stored for e in events), label
    assert max(seq for seqs in acked.values() for seq in seqs) <= len(stored)

    again = ServeProcess(served.db, port=served.port).start()
    try:
        back = await Client.connect(again.url, "upland-back")
        joined = await back.call("resume", token=seats["upland"].token, last_seq=seats["upland"].last_seq())
        assert joined["type"] == "joined" and joined["view"]["phase"] == "negotiation"
        assert [p["id"] for p in joined["view"]["proposals"]] == ["P1"]
        catch_up = await back.wait_for(lambda f: f["type"] == "update")
        assert [e["type"] for e in catch_up["events"]][-2:] == ["timer_paused", "timer_resumed"]
        assert (await back.command({"type": "make_statement", "text": "Still here."}))["type"] == "ack"
        fac_back = await Client.connect(again.url, "fac-back")
        state = await fac_back.call("resume", token=opened["facilitator_token"])
        assert state["type"] == "class_state"
        assert (await fac_back.command({"type": "advance"}, room=rid))["type"] == "ack"
        await until_phase(back, "decision")
        assert (await back.command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"
    finally:
        # In a thread: this loop must stay free to answer the server's closing handshakes.
        assert await asyncio.to_thread(again.terminate) == 0


@pytest.mark.parametrize("durability", ["process", "power"])
async def test_sigkill_at_random_moments_under_load_loses_nothing_acknowledged(tmp_path: Path, durability: str) -> None:
    """Three seats sending statements flat out, `parley serve --durability D` SIGKILLed at a random moment, three
    times: every event any seat was told of and every acknowledged command is in the file (process: no fsync)."""
    rng = random.Random(7)
    db = tmp_path / f"{durability}.db"
    served = ServeProcess(db, None, "--durability", durability).start()
    _, opened = await open_class(served, start=True)
    rid = opened["rooms"][0]["room"]
    tokens = {d: c.token for d, c in (await seat_clients(served.url, opened["rooms"][0])).items()}
    for kill in range(3):
        seats = {}
        for d, token in tokens.items():
            seats[d] = await Client.connect(served.url, f"{d}-{kill}")
            assert (await seats[d].call("resume", token=token))["type"] == "joined"

        async def talk(client: Client, d: str, kill: int) -> None:
            for n in range(10_000):
                asked = f"{d}-{kill}-{n}"
                try:
                    await client.send({"type": "command", "id": asked,
                                       "command": {"type": "make_statement", "text": f"{d} {kill} {n}"}})
                    await client.wait_for(lambda frame, asked=asked: frame.get("reply_to") == asked, move=False)
                except ConnectionError:
                    return
                await asyncio.sleep(0.06)  # under the seat's message rate (20/s), which would close it

        talking = [asyncio.ensure_future(talk(c, d, kill)) for d, c in seats.items()]
        await asyncio.sleep(rng.uniform(0.3, 1.2))
        served.kill()
        await asyncio.gather(*talking, return_exceptions=True)
        store = open_store(db)
        try:
            stored = [dump_event(e) for e in store.events(rid)]
        finally:
            store.close()
        texts = {e.get("text") for e in stored}
        for d, client in seats.items():
            acked = [f["reply_to"] for f in client.frames if f["type"] == "ack"]
            assert len(acked) >= 3 and client.ws.close_code != 1008, f"{d}: {len(acked)} acks, {client.ws.close_code}"
            assert all(f"{d} {kill} {i.rsplit('-', 1)[1]}" in texts for i in acked), d
            told = [e for f in client.frames if f["type"] == "update" for e in f["events"]]
            assert all(e in stored for e in told), d
        served = ServeProcess(db, served.port, "--durability", durability).start()
    served.kill()
