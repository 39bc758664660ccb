"""The store's contract, run against both implementations (SQLite on a real file, and memory),
with a runtime on top: what one store does, the other does too."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.engine import FACILITATOR, Game
from server.engine import commands as c
from server.engine.events import ControllerChanged, StatementMade
from server.runtime import Runtime
from server.scenario import bundled_scenarios
from server.store import ClassInfo, EventRow, GameStatus, MemoryStore, SeatRecord, Store, open_store


@pytest.fixture(params=["sqlite", "memory"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The SQLite store on a file in tmp_path, or the memory store."""
    store: Store = open_store(tmp_path / "contract.db") if request.param == "sqlite" else MemoryStore()
    yield store
    store.close()


def _status(seq: int) -> GameStatus:
    return GameStatus("running", "negotiation", 1, False, seq)


async def _one_class(store: Store) -> None:
    game, created = Game.create(bundled_scenarios()["tutorial"], seed=4, at=100.0)
    await store.create_class(ClassInfo("CLS", "tutorial", 100.0, "hash", {"rooms": 1}, ()),
                             [("CLS-1", [EventRow(1, created[0])], GameStatus("lobby", "lobby", 0, False, 1))],
                             [SeatRecord("CLS-1", "upland", "UP-234567"), SeatRecord("CLS-1", "lowland", "LO-234567")])


async def test_events_come_back_in_order_and_the_game_row_follows(any_store: Store) -> None:
    """Appended events read back in seq order (after= skips), and the game's row tracks its status."""
    await _one_class(any_store)
    for seq in range(2, 7):
        await any_store.append("CLS-1", [EventRow(seq, StatementMade(at=float(seq), delegation="upland",
                                                                      text=f"s{seq}"))], _status(seq))
    assert [e.type for e in any_store.events("CLS-1")] == ["game_created"] + ["statement_made"] * 5
    assert [e.text for e in any_store.events("CLS-1", after=4)] == ["s5", "s6"]  # type: ignore[attr-defined]
    info = any_store.game("CLS-1")
    assert info is not None and (info.status, info.phase, info.events) == ("running", "negotiation", 6)
    assert [g.id for g in any_store.list_games("running")] == ["CLS-1"] and any_store.list_games("ended") == []
    klass = any_store.class_info("CLS")
    assert klass is not None and klass.games == ("CLS-1",) and [k.id for k in any_store.classes()] == ["CLS"]
    assert any_store.game("nope") is None and any_store.events("nope") == []


async def test_a_taken_event_number_fails_that_write_alone(any_store: Store) -> None:
    """A write reusing an event number is refused, changing nothing; writes beside it succeed."""
    await _one_class(any_store)
    event = StatementMade(at=1.0, delegation="upland", text="first")
    results = await asyncio.gather(
        any_store.append("CLS-1", [EventRow(1, event)], _status(1)),
        any_store.append("CLS-1", [EventRow(2, event)], _status(2)),
        return_exceptions=True)
    assert isinstance(results[0], Exception) and results[1] is None
    assert [e.type for e in any_store.events("CLS-1")] == ["game_created", "statement_made"]


async def test_seats_tokens_and_fresh_codes(any_store: Store) -> None:
    """A claimed seat keeps its token hash and name; a fresh code clears the token; codes stay unique."""
    await _one_class(any_store)
    await any_store.update_seat("CLS-1", "upland", "h" * 64, "Ana")
    seat = next(s for s in any_store.seats("CLS-1") if s.delegation == "upland")
    assert (seat.token_hash, seat.name) == ("h" * 64, "Ana")
    await any_store.reissue_code("CLS-1", "upland", "UP-ABCDEF")
    seat = next(s for s in any_store.seats() if s.delegation == "upland")
    assert (seat.code, seat.token_hash) == ("UP-ABCDEF", None)
    with pytest.raises(Exception):  # noqa: B017 (sqlite3.IntegrityError or StoreConflict)
        await any_store.reissue_code("CLS-1", "lowland", "UP-ABCDEF")
    assert next(s for s in any_store.seats() if s.delegation == "lowland").code == "LO-234567"


async def test_replies_keep_the_latest_per_actor(any_store: Store) -> None:
    """replies() gives each actor's latest answers; a replaced answer counts as the newest."""
    await _one_class(any_store)
    for n in range(5):
        await any_store.record_reply("CLS-1", "upland", f"u{n}", f"U{n}")
    await any_store.record_reply("CLS-1", "lowland", "l0", "L0")
    await any_store.record_reply("CLS-1", "upland", "u1", "U1bis")
    kept = any_store.replies("CLS-1", 3)
    assert set(kept) == {("upland", "u3", "U3"), ("upland", "u4", "U4"), ("upland", "u1", "U1bis"),
                         ("lowland", "l0", "L0")}


async def _stop_timers(runtime: Runtime) -> None:
    """Stop a runtime's rooms without closing its store (a crash, as far as the store knows)."""
    for room in runtime.rooms.values():
        await room.timer.stop()


async def test_a_runtime_plays_and_recovers_on_either_store(any_store: Store) -> None:
    """A runtime opens a class, seats a student and plays; a second runtime on the same store comes back to it."""
    first = Runtime(any_store)
    await first.start()
    opened = await first.open_class("tutorial", start=True)
    room = first.room(opened.rooms[0].room)
    await room.submit(FACILITATOR, c.AdvancePhase())
    token = await first.claim_seat(room, "upland", "Ana", "127.0.0.1")
    ack = await room.command("upland", "s1", c.MakeStatement(text="Hello."))
    assert '"ack"' in ack
    seen, deadline_left = room.game.view_for("upland"), room.game.state.deadline - room.log[-1].at  # type: ignore[operator]
    await _stop_timers(first)
    second = Runtime(any_store)
    await second.start()
    back = second.room(room.id)
    assert [e.type for e in back.log[-2:]] == ["timer_paused", "timer_resumed"]
    assert back.game.view_for("upland").proposals == seen.proposals
    assert back.game.state.deadline - time.time() == pytest.approx(deadline_left, abs=1.0)  # type: ignore[operator]
    assert second.seat_for_token(token) == (back, "upland")
    assert await back.command("upland", "s1", c.MakeStatement(text="Hello.")) == ack  # answered once
    await _stop_timers(second)


async def test_a_poisoned_game_is_set_aside_on_either_store(any_store: Store) -> None:
    """An unknown strategy stored in one game quarantines it; the other game of the class resumes."""
    first = Runtime(any_store)
    await first.start()
    opened = await first.open_class("tutorial", rooms=2, start=True)
    poisoned, healthy = (first.room(r.room) for r in opened.rooms)
    bad = ControllerChanged(at=time.time(), delegation="commission", controller="bot", strategy="no_such")
    await any_store.append(poisoned.id, [EventRow(poisoned.seq + 1, bad)], _status(poisoned.seq + 1))
    await _stop_timers(first)
    second = Runtime(any_store)
    await second.start()
    assert set(second.quarantined) == {poisoned.id} and "controller_changed" in second.quarantined[poisoned.id]
    assert second.room(healthy.id).game.state.phase.value == "pressure"
    await _stop_timers(second)
