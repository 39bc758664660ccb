"""A player's client keeps the garbage collector's full passes off its key presses (client/collector.py)."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from client import collector
from client.app import ParleyApp
from client.connection import Connection
from client.screens.lobby import LobbyScreen
from client.screens.table import TableScreen
from client_helpers import open_room, to_phase, wait_until
from server.net.server import ParleyServer


async def test_the_table_freezes_what_it_holds_and_gives_it_back_at_exit(srv: ParleyServer, tmp_path: Path) -> None:
    """With quiet_collector, what is alive once the table is up (not before) is frozen; leaving thaws it."""
    gc.unfreeze()
    room, codes = await open_room(srv)
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=codes["upland"], name="Ann",
                    config_file=tmp_path / "client.json", quiet_collector=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LobbyScreen), what="the lobby")
        await pilot.pause(0.7)
        assert gc.get_freeze_count() == 0  # the lobby is not the table: nothing frozen yet
        await to_phase(room, "negotiation")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await wait_until(pilot, lambda: gc.get_freeze_count() > 0, what="the frozen table")
    assert gc.get_freeze_count() == 0


async def test_without_quiet_collector_nothing_is_frozen(srv: ParleyServer, tmp_path: Path) -> None:
    """Tests and embedders that do not ask for it keep Python's collector as it is."""
    gc.unfreeze()
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=codes["upland"], name="Ann",
                    config_file=tmp_path / "client.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.pause(0.7)  # past the moment the quiet collector would have frozen
        assert gc.get_freeze_count() == 0


async def test_full_passes_wait_for_a_pause_in_the_keys(srv: ParleyServer, tmp_path: Path) -> None:
    """At the table a full pass comes once the keys pause (not between quick keys); leaving restores Python's thresholds."""
    gc.unfreeze()
    python_thresholds = gc.get_threshold()
    full_passes: list[float] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_passes.append(time.monotonic())
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=codes["upland"], name="Ann",
                    config_file=tmp_path / "client.json", quiet_collector=True)
    gc.callbacks.append(seen)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: gc.get_freeze_count() > 0, what="the frozen table")
            assert gc.get_threshold()[2] == collector.FULL_PASS_AFTER  # Python's own wait longer
            await pilot.press("3", "5", "1")
            gc.collect(1)  # a young pass: something may have reached the old generation
            full_passes.clear()
            app._collect_in_pause()  # a key was just typed: no pause yet
            assert full_passes == []
            keyed = time.monotonic()
            await wait_until(pilot, lambda: full_passes, timeout=3, what="a full pass in the pause")
            assert full_passes[0] - keyed >= collector.PAUSE - 0.1
    finally:
        gc.callbacks.remove(seen)
    assert gc.get_threshold() == python_thresholds and gc.get_freeze_count() == 0


async def test_young_passes_come_after_a_frame_not_inside_the_keys(srv: ParleyServer, tmp_path: Path,
                                                                   monkeypatch: Any) -> None:
    """At the table Python's own young passes wait for YOUNG_AFTER new objects; once 700 are new, the pass comes after the next frame."""
    gc.unfreeze()
    python_thresholds = gc.get_threshold()
    made: list[bool] = []
    collect_young = collector.collect_young

    def counted() -> bool:
        made.append(collect_young())
        return made[-1]
    monkeypatch.setattr(collector, "collect_young", counted)
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=codes["upland"], name="Ann",
                    config_file=tmp_path / "client.json", quiet_collector=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: gc.get_freeze_count() > 0, what="the frozen table")
        assert gc.get_threshold()[0] == collector.YOUNG_AFTER  # Python's own wait longer
        gc.collect(0)
        made.clear()
        new = [[] for _ in range(python_thresholds[0] + 100)]  # as many new objects as Python waits for
        await pilot.press("3")
        await wait_until(pilot, lambda: True in made, what="a young pass after the frame")
        assert gc.get_count()[0] < len(new)  # it walked them
        assert made[0] is True  # the first frame after them
    assert gc.get_threshold() == python_thresholds
