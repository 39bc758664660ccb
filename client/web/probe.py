"""A browser tab without a browser: textual-serve's page protocol, and a terminal to read.

`TerminalScreen` rebuilds what a page's terminal shows from the bytes it receives (a pyte
screen), so a test or a benchmark reads the words a student sees. `WebTerminal` opens one
session of `parley web` the way the page's script does (the websocket, `resize`, `stdin`) and
feeds it. Used by the tests and `benchmarks/bench_web.py`; pyte comes with the `[test]` extra.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import aiohttp
import pyte


class TerminalScreen:
    """The screen of one terminal, from the bytes sent to it (thread-safe: Playwright feeds it
    from its own thread)."""

    def __init__(self, columns: int = 80, lines: int = 24) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()

    def feed(self, data: bytes) -> None:
        with self.lock:
            self.stream.feed(data)

    def resize(self, columns: int, lines: int) -> None:
        with self.lock:
            self.screen.resize(lines, columns)

    @property
    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def find(self, words: str, below: int = -1) -> tuple[int, int]:
        """(column, row) where `words` first appear on the screen, below row `below`."""
        with self.lock:
            for row, line in enumerate(self.screen.display):
                if row > below and words in line:
                    return line.index(words), row
        raise AssertionError(f"{words!r} is not on the screen:\n{self.text}")


class WebTerminal:
    """One session of a `parley web` page, driven like the page's own script drives it."""

    def __init__(self, url: str, columns: int = 120, lines: int = 36) -> None:
        self.url = url.rstrip("/")
        self.columns, self.lines = columns, lines
        self.terminal = TerminalScreen(columns, lines)
        self.received_at = 0.0  # monotonic time of the last bytes received
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def open(self, app: str = "play") -> None:
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(
            f"{self.url.replace('http', 'ws', 1)}/ws/{app}?width={self.columns}&height={self.lines}")
        await self._ws.send_json(["resize", {"width": self.columns, "height": self.lines}])
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.terminal.feed(message.data)
                self.received_at = time.monotonic()
                self._changed.set()

    async def send(self, keys: str) -> None:
        """Keys as the page sends them (text; "\\r" is Enter, "\\t" is Tab)."""
        assert self._ws is not None
        await self._ws.send_json(["stdin", keys])

    async def send_raw(self, envelope: Any) -> None:
        assert self._ws is not None
        await self._ws.send_str(envelope if isinstance(envelope, str) else json.dumps(envelope))

    async def wait_for(self, words: str, timeout: float = 30, gone: bool = False) -> str:
        """The screen once `words` are on it (or gone from it); AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.terminal.text
            if (words in text) != gone:
                return text
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{'still' if gone else 'never'} saw {words!r}:\n{text}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))
            except TimeoutError:
                pass

    @property
    def closed(self) -> bool:
        return self._ws is None or self._ws.closed

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
        if self._http is not None:
            await self._http.close()
