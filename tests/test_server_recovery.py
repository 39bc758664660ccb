"""Timers, reconnects, duplicate commands and restarts of the server on the same database."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, ManualClock, open_class, seat_clients, until_phase


async def test_timer_moves_phases_on_its_own(server: ParleyServer) -> None:
    """With --time-scale 0.01 the server's clock alone carries a game from pressure into negotiation and on."""
    fac, opened = await open_class(server, time_scale=0.01, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission", "lowland"))
    await until_phase(seats["upland"], "negotiation", timeout=3)
    # Negotiation lasts 1.5 s; with nothing to sign, decision is skipped and a new round begins.
    update = await seats["upland"].wait_for(
        lambda f: f["type"] == "update" and f["view"]["round"] == 2, timeout=5)
    assert update["view"]["phase"] in ("pressure", "negotiation")


async def test_pause_resume_and_extend(tmp_path: Path) -> None:
    """A paused timer does not fire; resume gives back the remaining time; extend pushes the deadline."""
    clock = ManualClock()
    server = ParleyServer(tmp_path / "pause.db", clock=clock)
    await server.start()
    try:
        fac, opened = await open_class(server, start=True)
        rid = opened["rooms"][0]["room"]
        seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission", "lowland"))
        assert (await fac.command({"type": "advance"}, room=rid))["type"] == "ack"
        await until_phase(seats["upland"], "negotiation")
        room = server.runtime.room(rid)  # type: ignore[union-attr]
        assert (await fac.command({"type": "pause"}, room=rid))["type"] == "ack"
        remaining = room.game.state.paused_remaining
        assert remaining is not None and remaining == pytest.approx(150)
        clock.advance(remaining + 60)  # long past the old deadline...
        said = await seats["upland"].command({"type": "make_statement", "text": "Still here."})
        assert said["type"] == "ack"  # ...and the timer, woken by the statement, looked at it
        assert room.game.state.phase.value == "negotiation"  # the clock waited
        assert (await fac.command({"type": "extend", "seconds": 30}, room=rid))["type"] == "ack"
        assert (await fac.command({"type": "resume"}, room=rid))["type"] == "ack"
        deadline = room.game.state.deadline
        assert deadline is not None and deadline - clock() == pytest.approx(remaining + 30)
        assert (await fac.command({"type": "extend", "seconds": 10}, room=rid))["type"] == "ack"
        assert room.game.state.deadline == pytest.approx(deadline + 10)
        clock.advance(remaining + 41)  # running again, the timer does fire past the deadline
        room.timer.wake()  # (it would see the time itself within LOOK_AGAIN seconds)
        await seats["upland"].wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] != "negotiation")
    finally:
        await server.stop()


async def test_reconnect_mid_round_catches_up(server: ParleyServer) -> None:
    """A seat that drops and resumes gets exactly the events it missed that it may see, in order."""
    fac, opened = await open_class(server, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0])
    await fac.command({"type": "advance"}, room=rid)
    await until_phase(seats["lowland"], "negotiation")
    token, last_seq = seats["lowland"].token, seats["lowland"].last_seq()
    await seats["lowland"].close()
    await seats["upland"].command({"type": "make_statement", "text": "We are ready to talk."})
    await seats["upland"].command({"type": "send_message", "to": "commission", "text": "secret-to-commission"})
    await seats["commission"].command({"type": "send_message", "to": "lowland", "text": "psst, lowland"})
    await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    back = await Client.connect(server.url, "lowland-again")
    joined = await back.call("resume", token=token, last_seq=last_seq)
    assert joined["type"] == "joined" and joined["delegation"] == "lowland" and joined["room"] == rid
    catch_up = await back.wait_for(lambda f: f["type"] == "update")
    assert not catch_up["fresh"]
    assert [e["type"] for e in catch_up["events"]] == ["statement_made", "message_sent", "proposal_tabled"]
    assert "secret-to-commission" not in back.raw[-1] and "secret-to-commission" not in back.raw[-2]
    assert catch_up["seq"] == server.runtime.room(rid).streams.count("lowland")  # type: ignore[union-attr]
    # It is a seat again: it acts and hears the others.
    assert (await back.command({"type": "support_proposal", "proposal": "P1"}))["type"] == "ack"
    await seats["upland"].command({"type": "make_statement", "text": "Thank you."})
    await back.wait_for(lambda f: f["type"] == "update" and f["events"][-1].get("text") == "Thank you.")


async def test_large_gap_gets_a_fresh_view(server: ParleyServer) -> None:
    """Too far behind, a returning seat gets `fresh` and no events: the joined frame just before
    it holds the current view and the notes."""
    server.runtime.catchup_limit = 2  # type: ignore[union-attr]
    fac, opened = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission",))
    token = seats["lowland"].token
    await seats["lowland"].close()
    for text in ("one", "two", "three"):
        await seats["upland"].command({"type": "make_statement", "text": text})
    back = await Client.connect(server.url, "back")
    joined = await back.call("resume", token=token, last_seq=1)
    update = await back.wait_for(lambda f: f["type"] == "update")
    assert update["fresh"] and update["events"] == [] and update["delta"] == {}
    assert [n["text"] for n in joined["view"]["notes"]][-3:] == ["one", "two", "three"]


async def test_duplicate_command_id_is_applied_once(server: ParleyServer) -> None:
    """The same command id re-sent — on the same connection or after a reconnect — gets the same reply, once."""
    fac, opened = await open_class(server, start=True)
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission", "lowland"))
    upland = seats["upland"]
    first = await upland.command({"type": "make_statement", "text": "Only once."}, id="dup-1")
    again = await upland.command({"type": "make_statement", "text": "Only once."}, id="dup-1")
    assert first == again and first["type"] == "ack"
    refused = await upland.command({"type": "sign_proposal", "proposal": "P9"}, id="dup-2")
    await upland.close()
    back = await Client.connect(server.url, "back")
    await back.call("resume", token=upland.token, last_seq=0)
    assert await back.command({"type": "make_statement", "text": "Only once."}, id="dup-1") == first
    assert await back.command({"type": "sign_proposal", "proposal": "P9"}, id="dup-2") == refused
    room = server.runtime.room(opened["rooms"][0]["room"])  # type: ignore[union-attr]
    assert [e.type for e in room.log].count("statement_made") == 1


async def test_facilitator_resumes_the_whole_class(server: ParleyServer) -> None:
    """The facilitator token brings back ClassState (codes, presence, full views), then every room's updates."""
    fac, opened = await open_class(server, rooms=2, start=True)
    await fac.close()
    seats = await seat_clients(server.url, opened["rooms"][1], skip=("commission",))
    back = await Client.connect(server.url, "fac-again")
    state = await back.call("resume", token=opened["facilitator_token"], last_seq=0)
    assert state["type"] == "class_state" and state["class"] == opened["class"]
    assert [r["room"] for r in state["rooms"]] == [r["room"] for r in opened["rooms"]]
    second = state["rooms"][1]
    assert {s["delegation"]: s["connected"] for s in second["seats"]} == {
        "upland": True, "lowland": True, "commission": False}
    assert all(s["code"] for s in second["seats"]) and second["view"]["hidden"] is not None
    await seats["upland"].command({"type": "send_message", "to": "lowland", "text": "between us"})
    update = await back.wait_for(lambda f: f["type"] == "update" and f["room"] == second["room"])
    assert update["events"][0]["text"] == "between us"  # the facilitator sees private messages
    await seats["lowland"].close()
    presence = await back.wait_for(lambda f: f["type"] == "presence" and f["room"] == second["room"])
    assert {s["delegation"]: s["connected"] for s in presence["seats"]}["lowland"] is False
    view = await back.call("view_as", room=second["room"], delegation="lowland")
    assert view["type"] == "seat_view" and view["view"]["you"]["delegation"] == "lowland"


async def test_restart_restores_games_timers_and_replies(tmp_path: Path) -> None:
    """Stopped and started on the same file, the server rebuilds the game, keeps its remaining time and old replies."""
    db = tmp_path / "restart.db"
    clock = ManualClock()
    first = ParleyServer(db, clock=clock)
    await first.start()
    try:
        fac, opened = await open_class(first, start=True)
        rid = opened["rooms"][0]["room"]
        seats = await seat_clients(first.url, opened["rooms"][0], skip=("commission", "lowland"))
        await fac.command({"type": "advance"}, room=rid)
        reply = await seats["upland"].command({"type": "make_statement", "text": "Before."}, id="s-1")
        room = first.runtime.room(rid)  # type: ignore[union-attr]
        remaining = room.game.state.deadline - room.log[-1].at  # type: ignore[operator]
        seq_before = room.seq
    finally:
        await first.stop()
    clock.advance(300)  # five minutes down: not to be charged to the players
    second = ParleyServer(db, clock=clock)
    await second.start()
    try:
        room = second.runtime.room(rid)  # type: ignore[union-attr]
        assert room.game.state.phase.value == "negotiation"
        assert [e.type for e in room.log[seq_before:]] == ["timer_paused", "timer_resumed"]
        assert room.game.state.deadline - clock() == pytest.approx(remaining)  # type: ignore[operator]
        back = await Client.connect(second.url, "upland-back")
        await back.call("resume", token=seats["upland"].token, last_seq=seq_before)
        assert await back.command({"type": "make_statement", "text": "Before."}, id="s-1") == reply
        assert (await back.command({"type": "make_statement", "text": "After."}))["type"] == "ack"
        fac2 = await Client.connect(second.url, "fac-back")
        assert (await fac2.call("resume", token=opened["facilitator_token"]))["type"] == "class_state"
    finally:
        await second.stop()


async def test_bot_seats_and_their_recovery(tmp_path: Path) -> None:
    """Seats given to bots are recorded as such, played by them, released to humans, and restarted after a restart."""
    pytest.importorskip("server.bots.runner", reason="the bots (server/bots/runner.py) are not built yet")
    db = tmp_path / "bots.db"
    clock = ManualClock()  # no phase ends by itself: the game is still on after the restart
    first = ParleyServer(db, clock=clock)
    await first.start()
    try:
        fac, opened = await open_class(first, bots=["commission"], time_scale=0.01, start=True)
        rid = opened["rooms"][0]["room"]
        assert {s["delegation"]: s["controller"] for s in opened["rooms"][0]["seats"]}["commission"] == "bot"
        room = first.runtime.room(rid)  # type: ignore[union-attr]
        assert set(room.bots) == {"commission"}
        code = opened["rooms"][0]["seats"][2]["code"]
        refused = await (await Client.connect(first.url, "x")).call("join", code=code)
        assert refused["code"] == "code_used"
        assert (await fac.call("assign_bot", room=rid, delegation="lowland"))["type"] == "ack"
        assert room.game.state.controllers["lowland"] == "bot"
        assert (await fac.call("release_bot", room=rid, delegation="lowland"))["type"] == "ack"
        assert room.game.state.controllers["lowland"] == "human" and "lowland" not in room.bots
    finally:
        await first.stop()
    second = ParleyServer(db, clock=clock)
    await second.start()
    try:
        room = second.runtime.room(rid)  # type: ignore[union-attr]
        assert not room.game.ended and set(room.bots) == {"commission"}
    finally:
        await second.stop()


async def test_a_bot_with_a_named_strategy_comes_back_after_a_restart(tmp_path: Path) -> None:
    """A seat handed to a bot with a strategy is played by that strategy again after a restart."""
    pytest.importorskip("server.bots.runner", reason="the bots (server/bots/runner.py) are not built yet")
    db = tmp_path / "strategy.db"
    first = ParleyServer(db)
    await first.start()
    try:
        fac, opened = await open_class(first)  # in the lobby: nothing moves until restarted
        rid = opened["rooms"][0]["room"]
        reply = await fac.call("assign_bot", room=rid, delegation="lowland", strategy="boulware")
        assert reply["type"] == "ack", reply
    finally:
        await first.stop()
    second = ParleyServer(db)
    await second.start()
    try:
        room = second.runtime.room(rid)
        assert set(room.bots) == {"lowland"}
        assert room.game.state.controllers["lowland"] == "bot"
    finally:
        await second.stop()
