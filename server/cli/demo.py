"""`parley demo`: a real server embedded in the process, one room, bots in the other seats.

The server runs on its own thread with its own event loop, so its life does not depend on the
Textual app's loop: it is started before the app opens and stopped — connections closed,
timers and bots stopped, database closed — and its thread joined after the app quits. The app
talks to it over a real websocket on a free port of 127.0.0.1, like any other client.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from server.engine import FACILITATOR
from server.engine.commands import OpenDebrief, StartGame
from server.net.server import ParleyServer
from server.scenario import bundled_scenarios


class EmbeddedServer:
    """A ParleyServer on a thread of its own; `call` runs a coroutine on its loop."""

    def __init__(self, db_path: Path) -> None:
        self.server = ParleyServer(db_path, host="127.0.0.1", port=0)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="parley-demo-server")

    def start(self, timeout: float = 15.0) -> None:
        self._thread.start()
        if not self._ready.wait(timeout) or self._failure is not None:
            self.stop()
            raise RuntimeError(f"the embedded server did not start: {self._failure}")

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:  # reported by start() in the caller's thread
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await self.server.stop()

    def call(self, coroutine: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is not None and self._stop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout)


class Demo:
    """What the app needs from the demo (`client.app.DemoHost`): seats to choose, a room to play."""

    def __init__(self, scenario: str, chosen: str | None = None, time_scale: float = 1.0,
                 data_dir: Path | None = None) -> None:
        found = bundled_scenarios().get(scenario)
        if found is None:
            raise KeyError(scenario)
        self.scenario = found
        self.delegations = [(d.id, d.name, d.brief) for d in found.delegations if not d.absent]
        self.chosen = chosen
        self.time_scale = time_scale
        self._tmp = tempfile.TemporaryDirectory(prefix="parley-demo-") if data_dir is None else None
        self.db_path = (Path(self._tmp.name) if self._tmp else data_dir) / "demo.db"  # type: ignore[operator]
        self.embedded = EmbeddedServer(self.db_path)
        self.room_id: str | None = None

    def launch(self) -> None:
        """Start the embedded server (before the app opens)."""
        self.embedded.start()

    @property
    def url(self) -> str:
        return self.embedded.server.url

    async def seat(self, delegation: str) -> tuple[str, str]:
        """Open the room with bots in every other seat; the url and your join code."""
        others = [d for d, _, _ in self.delegations if d != delegation]
        opened = await asyncio.wrap_future(self.embedded.call(self._open(others)))
        room = opened.rooms[0]
        self.room_id = room.room
        code = next(s.code for s in room.seats if s.delegation == delegation)
        return self.url, code

    async def _open(self, bots: list[str]) -> Any:
        runtime = self.embedded.server.runtime
        assert runtime is not None
        return await runtime.open_class(self.scenario.id, 1, bots, self.time_scale)

    async def start(self) -> None:
        """Start the game (the demo's player acts as their own facilitator here)."""
        await self._facilitate(StartGame())

    async def open_debrief(self) -> None:
        """Show every delegation's result, as a facilitator would at the end of a class."""
        await self._facilitate(OpenDebrief())

    async def _facilitate(self, command: Any) -> None:
        runtime = self.embedded.server.runtime
        assert runtime is not None and self.room_id is not None
        room = runtime.room(self.room_id)
        await asyncio.wrap_future(self.embedded.call(room.submit(FACILITATOR, command)))
    def close(self) -> None:
        self.embedded.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
