"""The SQLite store: group commit, failure isolation, and the read API the replay code relies on."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from server.engine import Game
from server.engine.events import StatementMade
from server.scenario import bundled_scenarios
from server.store import ClassInfo, EventRow, GameStatus, SeatRecord, open_store


def _status(seq: int) -> GameStatus:
    return GameStatus("running", "negotiation", 1, False, seq)


async def test_concurrent_appends_share_transactions(tmp_path: Path) -> None:
    """Appends from many games at once are committed in far fewer transactions, each caller told after its commit."""
    store = open_store(tmp_path / "log.db")
    try:
        async def game(n: int) -> None:
            for seq in range(1, 21):
                event = StatementMade(at=float(seq), delegation="upland", text=f"g{n} s{seq}")
                await store.append(f"g{n}", [EventRow(seq, event)], _status(seq))

        await asyncio.gather(*(game(n) for n in range(50)))
        assert store.writer.operations == 1000
        assert store.writer.batches < 500  # group commit really grouped
        assert [e.text for e in store.events("g7")] == [f"g7 s{s}" for s in range(1, 21)]  # type: ignore[attr-defined]
        assert [e.text for e in store.events("g7", after=18)] == ["g7 s19", "g7 s20"]  # type: ignore[attr-defined]
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "log.db") as conn:  # committed and durable settings in force
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (1000,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_appends_committed_together_write_the_rows_one_alone_writes(tmp_path: Path) -> None:
    """Appends batched into one transaction (run together as three statements) store exactly the columns, game rows and replies that the same appends committed one by one do."""
    from server.engine.events import MessageSent, only

    def appends() -> list[tuple[str, list[EventRow], GameStatus, tuple[str, str, str] | None]]:
        calls = []
        for n in range(40):
            game = f"g{n % 7}"
            seq = n // 7 + 1
            events = [StatementMade(at=1_700_000_000.123456789 + n / 3, delegation="upland", text=f"«{n}» \"q\" \n"),
                      MessageSent(at=0.1 + n, sender="upland", to="lowland", text="psst",
                                  visibility=only("upland", "lowland"))]
            rows = [EventRow(2 * seq - 1, events[0]), EventRow(2 * seq, events[1])]
            reply = ("upland", f"c{n}", f'{{"type":"ack","reply_to":"c{n}","seq":{2 * seq}}}') if n % 3 else None
            calls.append((game, rows, GameStatus("running", "negotiation", seq, n % 2 == 0, 2 * seq), reply))
        return calls

    def dump(path: Path) -> tuple[list[object], ...]:
        with sqlite3.connect(path) as conn:
            return (conn.execute("SELECT * FROM events ORDER BY game, seq").fetchall(),
                    conn.execute("SELECT id, status, phase, round, agreement, last_seq FROM games ORDER BY id").fetchall(),
                    conn.execute("SELECT * FROM replies ORDER BY game, actor, command_id").fetchall())

    found = []
    for together in (True, False):
        path = tmp_path / f"{together}.db"
        store = open_store(path)
        try:
            with sqlite3.connect(path) as conn:
                conn.executemany("INSERT INTO games VALUES (?, 'c', 's', 0, 0, 'lobby', 'lobby', 0, 0, 0)",
                                 [(f"g{n}",) for n in range(7)])
            calls = appends()
            if together:
                await asyncio.gather(*(store.append(*call) for call in calls))
            else:
                for call in calls:
                    await store.append(*call)
        finally:
            store.close()
        found.append(dump(path))
    assert found[0] == found[1] and len(found[0][0]) == 80 and len(found[0][2]) == 26


async def test_a_failing_write_fails_only_its_caller(tmp_path: Path) -> None:
    """A duplicate event number is refused to its own caller; the writes batched with it still commit."""
    store = open_store(tmp_path / "log.db")
    try:
        first = StatementMade(at=1.0, delegation="upland", text="first")
        await store.append("g", [EventRow(1, first)], _status(1))
        results = await asyncio.gather(
            store.append("g", [EventRow(1, first)], _status(1)),   # seq 1 again: refused
            store.append("g", [EventRow(2, first)], _status(2)),
            store.append("h", [EventRow(1, first)], _status(1)),
            return_exceptions=True)
        assert isinstance(results[0], sqlite3.IntegrityError)
        assert results[1:] == [None, None]
        assert len(store.events("g")) == 2 and len(store.events("h")) == 1
    finally:
        store.close()


async def test_read_api_classes_games_seats(tmp_path: Path) -> None:
    """create_class stores a class, its games with their first events and seats; the read API gives them back."""
    scenario = bundled_scenarios()["tutorial"]
    game, created = Game.create(scenario, seed=4, at=100.0)
    store = open_store(tmp_path / "read.db")
    try:
        info = ClassInfo("CLS", "tutorial", 100.0, "hash", {"rooms": 1}, ())
        await store.create_class(info, [("CLS-1", [EventRow(1, created[0])], GameStatus("lobby", "lobby", 0, False, 1))],
                                 [SeatRecord("CLS-1", "upland", "UP-2345"), SeatRecord("CLS-1", "lowland", "LO-2345")])
        assert [g.id for g in store.list_games()] == ["CLS-1"]
        listed = store.game("CLS-1")
        assert listed is not None and (listed.scenario, listed.status, listed.events) == ("tutorial", "lobby", 1)
        assert Game.from_events(store.events("CLS-1")).view_for("upland") == game.view_for("upland")
        assert [(s.delegation, s.code) for s in store.seats("CLS-1")] == [("upland", "UP-2345"), ("lowland", "LO-2345")]
        klass = store.class_info("CLS")
        assert klass is not None and klass.games == ("CLS-1",) and klass.options == {"rooms": 1}
        assert store.game("nope") is None and store.events("nope") == []
        with pytest.raises(sqlite3.IntegrityError):  # join codes are unique across the database
            await store.create_class(ClassInfo("CL2", "tutorial", 1.0, "h", {}, ()), [],
                                     [SeatRecord("CL2-1", "upland", "UP-2345")])
    finally:
        store.close()


async def test_a_write_cannot_be_cancelled_and_its_waiter_is_cancelled_once_it_is_committed(tmp_path: Path) -> None:
    """Cancelling a task that awaits an append neither cancels the write's future nor interrupts the wait before the commit: the row is stored, then the task gets CancelledError."""
    import time

    store = open_store(tmp_path / "log.db")
    try:
        store.writer.submit(lambda conn: time.sleep(0.2))  # the append queues behind this
        future = store.append("g1", [EventRow(1, StatementMade(at=1.0, delegation="upland", text="kept"))], _status(1))

        async def waiter() -> None:
            await future

        task = asyncio.ensure_future(waiter())
        await asyncio.sleep(0.01)
        assert not future.done()
        assert future.cancel() is False and task.cancel() is True
        with pytest.raises(asyncio.CancelledError):
            await task
        assert future.done() and not future.cancelled() and future.exception() is None
        assert [e.text for e in store.events("g1")] == ["kept"]  # type: ignore[attr-defined]
    finally:
        store.close()


@asynccontextmanager
async def one_room_runtime(tmp_path: Path) -> AsyncIterator[tuple[Any, Any]]:
    """A started Runtime on a real SQLite file with one tutorial room: (the runtime, the room); stopped after."""
    from server.runtime import Runtime

    runtime = Runtime(open_store(tmp_path / "rt.db"))
    await runtime.start()
    try:
        opened = await runtime.open_class("tutorial", rooms=1, seed=1)
        yield runtime, runtime.rooms[opened.rooms[0].room]
    finally:
        await runtime.stop()


async def test_a_room_command_cancelled_mid_commit_is_in_the_log_and_the_store_alike(tmp_path: Path) -> None:
    """A room's command whose task is cancelled while its commit is pending is still delivered into the room's log, exactly as stored (the room awaits the store's future directly)."""
    import time

    from server.engine.commands import MakeStatement

    async with one_room_runtime(tmp_path) as (runtime, room):
        before = room.seq
        runtime.store.writer.submit(lambda conn: time.sleep(0.2))  # type: ignore[attr-defined]
        task = asyncio.ensure_future(room.submit("upland", MakeStatement(text="said anyway")))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert room.seq == before + 1 and room.log[-1].text == "said anyway"  # type: ignore[attr-defined]
        assert [e.type for e in runtime.store.events(room.id)] == [e.type for e in room.log]


async def test_a_room_delivers_a_commit_in_the_callback_that_settles_it(tmp_path: Path) -> None:
    """A room's connections are told of a committed command in the very callback that settles its write (Commit.on_settled), before the commanding task wakes; a hook's failure does not keep the batch's other writes unsettled."""
    import time

    from server.engine.commands import MakeStatement
    from server.store.writer import Commit

    async with one_room_runtime(tmp_path) as (runtime, room):
        delivered_in: list[tuple[int, object]] = []  # (the room's seq, the task running) at each delivery

        class Watching:
            def deliver(self, events: list[Any], reply: Any = None) -> None:
                delivered_in.append((room.seq, asyncio.current_task()))

            def connected(self, delegation: str, member: int | None = None) -> bool:
                return False

            def evict(self, *args: Any, **kwargs: Any) -> None:
                pass

            def announce_presence(self) -> None:
                pass

        room.audience = Watching()
        blocker = runtime.store.writer.submit(lambda conn: time.sleep(0.1))  # type: ignore[attr-defined]
        assert isinstance(blocker, Commit)
        blocker.on_settled(lambda f: 1 / 0)  # a hook's bug: logged, the next write still settles
        task = asyncio.ensure_future(room.submit("upland", MakeStatement(text="told at once")))
        await asyncio.sleep(0.01)
        events = await task
        assert [e.type for e in events] == ["statement_made"]
        assert delivered_in == [(room.seq, None)]  # in the writer's settling callback, not the command's task


async def test_a_commits_hook_runs_when_it_settles_or_at_once_if_settled() -> None:
    """Commit.on_settled runs its function synchronously inside set_result (before any waiter wakes), or at once for a write already settled."""
    from server.store.writer import Commit

    future = Commit(loop=asyncio.get_running_loop())
    seen: list[str] = []
    future.add_done_callback(lambda f: seen.append("done callback"))
    future.on_settled(lambda f: seen.append("hook"))
    future.set_result(None)
    assert seen == ["hook"]  # done callbacks only run a loop pass later
    future.on_settled(lambda f: seen.append("late hook"))
    assert seen == ["hook", "late hook"]
    await asyncio.sleep(0)
    assert seen == ["hook", "late hook", "done callback"]


@pytest.mark.parametrize(("durability", "synchronous"), [("process", 1), ("power", 2)])
async def test_durability_sets_how_a_commit_reaches_the_disk(tmp_path: Path, durability: Any, synchronous: int) -> None:
    """The writer commits with synchronous=NORMAL (1: into the WAL, no fsync) by default, FULL (2) for "power";
    an unknown durability is refused with the choices named."""
    store = open_store(tmp_path / "log.db", durability)
    try:
        assert store.durability == durability
        assert await store.writer.submit(lambda conn: conn.execute("PRAGMA synchronous").fetchone()[0]) == synchronous
    finally:
        store.close()
    with pytest.raises(ValueError, match="durability is one of process, power, not 'disk'"):
        open_store(tmp_path / "other.db", "disk")  # type: ignore[arg-type]
