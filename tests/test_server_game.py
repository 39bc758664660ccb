"""Whole games over the network: real server on a free port, real websocket clients, real SQLite."""

from __future__ import annotations

from server.net.server import ParleyServer
from server.store import open_store
from server_helpers import AGREEABLE_TUTORIAL_TERMS, open_class, seat_clients, until_phase


async def test_whole_game_to_an_agreement(server: ParleyServer) -> None:
    """Three clients and a facilitator play the tutorial to a signed agreement, stored in order."""
    fac, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    rid = room["room"]
    seats = await seat_clients(server.url, room)
    assert (await fac.command({"type": "advance"}, room=rid))["type"] == "ack"
    await until_phase(seats["upland"], "negotiation")
    tabled = await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    assert tabled["type"] == "ack"
    for delegation in ("lowland", "commission", "upland"):
        assert (await seats[delegation].command({"type": "mark_ready"}))["type"] == "ack"
    await until_phase(seats["lowland"], "decision")
    for delegation in ("upland", "lowland"):
        reply = await seats[delegation].command({"type": "sign_proposal", "proposal": "P1"})
        assert reply["type"] == "ack", reply
    ended = await until_phase(seats["commission"], "ended")
    assert ended["view"]["agreement"] == "P1"
    assert ended["view"]["ending"]["reason"] == "agreement"
    # Every seat was told of the agreement, and the log holds it (committed before broadcast).
    store = open_store(server.db_path)
    try:
        logged = [e.type for e in store.events(rid)]
        info = store.game(rid)
    finally:
        store.close()
    assert "agreement_signed" in logged and logged[-1] in ("result_scored", "game_ended")
    assert info is not None and info.status == "ended" and info.agreement
    for client in [fac, *seats.values()]:
        assert max(f.get("seq", 0) for f in client.frames if f["type"] == "update") <= len(logged)
        await client.close()


async def test_game_ending_without_agreement(server: ParleyServer) -> None:
    """A party walking out ends the game with no agreement, and every seat hears why."""
    fac, opened = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0])
    await fac.command({"type": "advance"}, room=opened["rooms"][0]["room"])
    await until_phase(seats["lowland"], "negotiation")
    assert (await seats["lowland"].command({"type": "walk_out"}))["type"] == "ack"
    for client in seats.values():
        ended = await until_phase(client, "ended")
        assert ended["view"]["agreement"] is None
        assert ended["view"]["ending"]["reason"] == "walkout"
    listed = open_store(server.db_path)
    try:
        info = listed.game(opened["rooms"][0]["room"])
    finally:
        listed.close()
    assert info is not None and info.status == "ended" and not info.agreement
