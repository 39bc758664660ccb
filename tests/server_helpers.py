"""Talking to a real Parley server over real websockets, as seats, a facilitator or observers.

The `server` fixture (a real server on a free port) lives in conftest.py. `Client` records
every frame it receives (raw text and parsed), answers `call(...)` with the reply naming its
id, and `wait_for(...)` finds a later frame; `open_class` and `seat_clients`
set up a room of connected seats. Like every client, it merges each update's view (only the
parts that changed) into the view it holds (`wire.merge_view`): a parsed update's `view` is
the whole view after it, and `delta` what the frame itself carried (`raw` keeps the text). Everything has a timeout, so a broken server fails a test
instead of hanging it.

Opening a class needs the server's instructor key: `open_class(server, ...)` takes anything
with `url` and `instructor_key` (the `server` fixture, a `ServeProcess`); given a bare URL it
uses the key `remember_key` recorded for it (the fixtures record theirs).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import websockets
from websockets.asyncio.client import ClientConnection

from server.protocol.wire import MAX_SERVER_FRAME_BYTES, PROTOCOL_VERSION

TIMEOUT = 5.0
Frame = dict[str, Any]

_KEYS: dict[str, str] = {}  # url -> instructor key, for tests that only hold a URL


class Served(Protocol):
    """A running server a test can open classes on."""

    @property
    def url(self) -> str: ...
    @property
    def instructor_key(self) -> str: ...


def remember_key(served: Served) -> None:
    _KEYS[served.url] = served.instructor_key


def key_of(target: Served | str) -> str | None:
    return _KEYS.get(target) if isinstance(target, str) else target.instructor_key


def url_of(target: Served | str) -> str:
    return target if isinstance(target, str) else target.url


class Client:
    _ids = itertools.count(1)

    def __init__(self, ws: ClientConnection, label: str = "") -> None:
        self.ws = ws
        self.label = label
        self.raw: list[str] = []
        self.frames: list[Frame] = []
        self.cursor = 0
        self._arrived = asyncio.Condition()
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self.token: str | None = None
        self.room: str | None = None
        self.delegation: str | None = None
        self.views: dict[str, Frame] = {}  # room -> the whole view held (notes aside)

    @classmethod
    async def connect(cls, url: str, label: str = "", hello: bool = True, **kwargs: Any) -> Client:
        kwargs.setdefault("max_size", MAX_SERVER_FRAME_BYTES)  # what every real client accepts
        ws = await websockets.connect(url, open_timeout=TIMEOUT, **kwargs)
        client = cls(ws, label)
        if hello:
            await client.send({"type": "hello", "protocol": PROTOCOL_VERSION, "client": "tests"})
            await client.wait_for(lambda f: f["type"] == "welcome")
        return client

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                assert isinstance(text, str)
                async with self._arrived:
                    self.raw.append(text)
                    self.frames.append(self._hold(json.loads(text)))
                    self._arrived.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            async with self._arrived:
                self._arrived.notify_all()

    def _hold(self, frame: Frame) -> Frame:
        """`frame`, an update's view made whole; the views held follow what was sent."""
        kind = frame.get("type")
        if kind in ("joined", "watching"):
            self.views[frame["room"]] = {k: v for k, v in frame["view"].items() if k != "notes"}
        elif kind in ("class_state", "class_opened"):
            self.views.update({r["room"]: {k: v for k, v in r["view"].items() if k != "notes"}
                               for r in frame["rooms"] if r.get("view") is not None})
        elif kind == "update":
            delta = frame["view"]
            # raw frames on purpose: the JSON merged as `wire.merge_view` merges the typed view
            whole = {**self.views.get(frame["room"], {}), **{k: v for k, v in delta.items() if k != "notes"}}
            self.views[frame["room"]] = whole
            frame = {**frame, "delta": delta, "view": {**whole, **({"notes": delta["notes"]} if "notes" in delta else {})}}
        return frame

    async def send(self, message: Frame | str) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def wait_for(self, match: Callable[[Frame], bool], timeout: float = TIMEOUT,
                       move: bool = True) -> Frame:
        """The first frame after the cursor that matches; with `move`, the cursor moves past it
        (a reply is looked for from the start, and leaves the cursor alone)."""
        async def find() -> Frame:
            async with self._arrived:
                while True:
                    for i in range(self.cursor if move else 0, len(self.frames)):
                        if match(self.frames[i]):
                            if move:
                                self.cursor = i + 1
                            return self.frames[i]
                    if self._reader.done():
                        raise ConnectionError(f"{self.label}: closed ({self.ws.close_code}) while waiting")
                    await self._arrived.wait()
        return await asyncio.wait_for(find(), timeout)

    async def call(self, type_: str, timeout: float = TIMEOUT, **fields: Any) -> Frame:
        """Send a message with a fresh id; the reply naming it (whatever frames come between)."""
        message_id = fields.pop("id", None) or f"{self.label or 'c'}-{next(self._ids)}"
        await self.send({"type": type_, "id": message_id, **fields})
        return await self.reply(message_id, timeout)

    async def reply(self, message_id: str, timeout: float = TIMEOUT) -> Frame:
        return await self.wait_for(lambda f: f.get("reply_to") == message_id, timeout, move=False)

    async def command(self, command: Frame, room: str | None = None, **fields: Any) -> Frame:
        extra = {"room": room} if room else {}
        return await self.call("command", command=command, **extra, **fields)

    async def join(self, code: str, name: str = "") -> Frame:
        joined = await self.call("join", code=code, name=name)
        if joined["type"] == "joined":
            self.token, self.room, self.delegation = joined["token"], joined["room"], joined["delegation"]
        return joined

    def last_seq(self) -> int:
        seqs = [f["seq"] for f in self.frames if f["type"] == "update"]
        return max(seqs, default=0)

    def latest_view(self) -> Frame:
        for frame in reversed(self.frames):
            if frame["type"] in ("update", "joined", "watching", "seat_view"):
                return frame["view"]  # type: ignore[no-any-return]
        raise AssertionError(f"{self.label} has no view yet")

    async def closed(self, timeout: float = TIMEOUT) -> int | None:
        """Wait for the server to close this connection; its close code."""
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.ws.close_code

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.wait_for(self._reader, TIMEOUT)


async def open_class(target: Served | str, scenario: str = "tutorial", **options: Any) -> tuple[Client, Frame]:
    """A facilitator connection that opened a class with the server's key; (client, class_opened)."""
    facilitator = await Client.connect(url_of(target), "fac")
    options.setdefault("key", key_of(target))
    opened = await facilitator.call("open_class", scenario=scenario, **options)
    assert opened["type"] == "class_opened", opened
    return facilitator, opened


async def seat_clients(url: str, room: Frame, skip: tuple[str, ...] = ()) -> dict[str, Client]:
    """One joined client per seat of `room` (a `rooms[i]` of class_opened), by delegation."""
    clients: dict[str, Client] = {}
    for seat in room["seats"]:
        if seat["delegation"] in skip:
            continue
        client = await Client.connect(url, seat["delegation"])
        joined = await client.join(seat["code"], name=seat["delegation"].title())
        assert joined["type"] == "joined", joined
        clients[seat["delegation"]] = client
    return clients


class ManualClock:
    """A clock for a server under test (`ParleyServer(..., clock=...)`): time moves only by
    `advance`, so no deadline passes unless a test says so, however loaded the machine is."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def until_phase(client: Client, phase: str, timeout: float = TIMEOUT) -> Frame:
    return await client.wait_for(lambda f: f["type"] == "update" and f["view"]["phase"] == phase, timeout)


AGREEABLE_TUTORIAL_TERMS = {"dam_height": "reduced", "water_flow": "seasonal", "compensation": "fund"}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServeProcess:
    """`parley serve --port P --db FILE --data-dir DIR` in a child process (sys.executable -m
    server.cli); its data directory (and instructor key) is the test's $PARLEY_DATA_DIR (see
    conftest.py), so a `parley host` run in the test finds the key as it would on the machine."""

    def __init__(self, db: Path, port: int | None = None, *options: str) -> None:
        import os

        self.db, self.port = db, port or free_port()
        self.options = options  # more of `parley serve`'s options (--durability power)
        self.data_dir = Path(os.environ.get("PARLEY_DATA_DIR") or db.parent / "data")
        self.url = f"ws://127.0.0.1:{self.port}"
        self.proc: Any = None

    @property
    def instructor_key(self) -> str:
        return (self.data_dir / "instructor.key").read_text(encoding="utf-8").strip()

    def start(self) -> ServeProcess:
        import subprocess
        import sys
        import time
        import urllib.request

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port), "--db", str(self.db),
             "--data-dir", str(self.data_dir), *self.options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"parley serve exited: {self.proc.stderr.read()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError("parley serve did not answer /healthz within 20 s")

    def kill(self) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def terminate(self) -> int:
        import signal

        self.proc.send_signal(signal.SIGTERM)
        status: int = self.proc.wait(15)
        return status
