"""The client's one connection to a Parley server: open, join or resume, read, reconnect.

Theory of operation
-------------------
A `Connection` owns one websocket at a time. The join screen calls `open()` then `join()` (or
`open_class()` / `resume()`): each is a request awaited until its reply, and any frame that
arrives first is kept for later. Then a single worker runs `run(sink)`, which hands every
server message, in order, to `sink` — the app turns them into Textual messages. When the socket
drops, `run` tells the sink (`ConnectionChanged("reconnecting")`), waits with backoff, opens a
new socket and resumes the seat with its token and the last sequence number it saw; the server
answers with the seat's view and the events missed, which flow through the sink like any
other. Commands sent while the socket is down wait in an outbox and go out on reconnect (the
server applies a command id once, so a resend is harmless).

Every failure a user can cause or fix becomes a `ConnectError` with a plain sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from client.state import ConnectionChanged
from server.protocol import wire

Sink = Callable[[Any], None]
BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)

JOIN_ERRORS = {
    "unknown_code": "No seat has the code {code}. Check the code with your facilitator.",
    "code_used": "The code {code} has been used already: type your rejoin code instead, "
                 "or ask your facilitator for a fresh code.",
    "bad_token": "The server no longer knows this seat (its token is unknown).",
    "unknown_scenario": "The server has no scenario called {scenario!r}.",
}


class ConnectError(Exception):
    """Why the client could not connect or join, as one sentence for the join screen."""


def normalise_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise ConnectError("Type the server's address, for example ws://127.0.0.1:8765.")
    if "://" not in url:
        url = "ws://" + url
    if not url.startswith(("ws://", "wss://")):
        raise ConnectError(f"{url!r} is not a websocket address; it should start with ws://.")
    return url


class Connection:
    def __init__(self, url: str, *, backoff: Sequence[float] = BACKOFF, open_timeout: float = 5.0) -> None:
        self.url = normalise_url(url)
        self.token: str | None = None
        self.last_seq = 0
        self.backoff = tuple(backoff)
        self.open_timeout = open_timeout
        self._ws: ClientConnection | None = None
        self._early: list[Any] = []
        self._outbox: list[wire.Message] = []
        self._prefix = secrets.token_hex(3)
        self._ids = itertools.count(1)
        self._closing = False

    # ------------------------------------------------------------ requests

    def next_id(self) -> str:
        """A command id unique to this client run (the server applies an id only once)."""
        return f"{self._prefix}-{next(self._ids)}"

    @property
    def is_open(self) -> bool:
        return self._ws is not None

    async def open(self) -> None:
        """Connect and say hello; raises ConnectError with a sentence for the user."""
        try:
            self._ws = await asyncio.wait_for(
                connect(self.url, max_size=wire.MAX_FRAME_BYTES * 16, open_timeout=self.open_timeout),
                self.open_timeout + 1)
        except InvalidURI:
            raise ConnectError(f"{self.url!r} is not a valid server address.") from None
        except (TimeoutError, OSError, InvalidHandshake) as exc:
            raise ConnectError(f"Cannot reach a Parley server at {self.url} ({_reason(exc)}).") from None
        await self._send(wire.Hello(protocol=wire.PROTOCOL_VERSION, client="parley-textual"))
        reply = await self._read()
        if isinstance(reply, wire.Error):
            await self._drop()
            raise ConnectError(f"The server at {self.url} speaks another protocol: {reply.message}")
        if not isinstance(reply, wire.Welcome) or reply.protocol != wire.PROTOCOL_VERSION:
            await self._drop()
            raise ConnectError(f"The server at {self.url} speaks protocol "
                               f"{getattr(reply, 'protocol', '?')}; this client speaks {wire.PROTOCOL_VERSION}.")

    async def request(self, message: Any) -> Any:
        """Send a message with an id and return its reply; frames arriving before it are kept."""
        await self._send(message)
        while True:
            reply = await self._read()
            if getattr(reply, "reply_to", None) == message.id:
                return reply
            self._note(reply)
            self._early.append(reply)

    async def join(self, code: str, name: str = "") -> wire.Joined:
        code = code.strip().upper()
        if not code:
            raise ConnectError("Type the join code your facilitator gave you.")
        reply = await self._ask(wire.Join(id=self.next_id(), code=code, name=name.strip()[:60]), code=code)
        self.token = reply.token
        return reply  # type: ignore[no-any-return]

    async def resume(self, token: str, last_seq: int = 0) -> Any:
        reply = await self._ask(wire.Resume(id=self.next_id(), token=token, last_seq=last_seq))
        self.token = token
        return reply

    async def open_class(self, scenario: str, rooms: int = 1, bots: Sequence[str] | str = (),
                         time_scale: float = 1.0, start: bool = False, key: str | None = None,
                         scenario_text: str | None = None) -> wire.ClassOpened:
        """Open a class of a scenario the server offers (`scenario`, its id) or of a file's text
        (`scenario_text`, with `scenario` the file's name), which the server checks and keeps."""
        chosen: list[str] | Literal["all"] = "all" if bots == "all" else list(bots)
        sent_file = scenario_text is not None
        message = wire.OpenClass(id=self.next_id(), key=key, scenario="" if sent_file else scenario,
                                 scenario_text=scenario_text, scenario_file=scenario if sent_file else "",
                                 rooms=rooms, bots=chosen, time_scale=time_scale, start=start)
        reply = await self._ask(message, scenario=scenario)
        self.token = reply.facilitator_token
        return reply  # type: ignore[no-any-return]

    async def _ask(self, message: Any, **names: str) -> Any:
        if self._ws is None:
            await self.open()
        try:
            reply = await self.request(message)
        except ConnectionClosed:
            await self._drop()
            raise ConnectError(f"The server at {self.url} closed the connection.") from None
        if isinstance(reply, wire.Error):
            text = JOIN_ERRORS.get(reply.code)
            raise ConnectError(text.format_map(defaultdict(str, names)) if text else reply.message)
        return reply

    # ------------------------------------------------------------ sending while running

    async def send(self, message: wire.Message) -> None:
        """Send now, or as soon as the connection is back."""
        if self._ws is None:
            self._outbox.append(message)
            return
        try:
            await self._send(message)
        except ConnectionClosed:
            self._outbox.append(message)

    async def command(self, command: dict[str, Any], room: str | None = None) -> str:
        """Send a game command (`{"type": "mark_ready"}`, ...); returns its id.

        Raises pydantic.ValidationError if the command is malformed (an empty statement, say)."""
        message = wire.SendCommand.model_validate({"id": self.next_id(), "room": room, "command": command})
        await self.send(message)
        return message.id

    # ------------------------------------------------------------ the worker

    async def run(self, sink: Sink) -> None:
        """Hand every server message to `sink` until `close()`; reconnect after drops."""
        while not self._closing:
            for early in self._early:
                sink(early)
            self._early.clear()
            try:
                while self._ws is not None:
                    message = await self._read()
                    self._note(message)
                    sink(message)
            except ConnectionClosed:
                pass
            lost = self._ws is not None and self._ws.close_code == wire.CLOSE_SEAT_LOST
            await self._drop()
            if lost:  # the seat is held elsewhere, or revoked: resuming would only fight for it
                sink(ConnectionChanged("lost", "This seat is no longer yours on this connection "
                                               "(see the message above)."))
                return
            if self._closing or not await self._reconnect(sink):
                return

    async def _reconnect(self, sink: Sink) -> bool:
        for attempt in itertools.count(1):
            if self._closing:
                return False
            sink(ConnectionChanged("reconnecting", f"attempt {attempt}"))
            await asyncio.sleep(self.backoff[min(attempt - 1, len(self.backoff) - 1)])
            try:
                await self.open()
                assert self.token is not None
                reply = await self.resume(self.token, self.last_seq)
            except ConnectError as exc:
                if self._ws is not None:  # reached the server, which refused the seat
                    await self._drop()
                    sink(ConnectionChanged("lost", str(exc)))
                    return False
                continue
            sink(reply)
            sink(ConnectionChanged("connected"))
            await self._flush()
            return True
        return False

    async def _flush(self) -> None:
        pending, self._outbox = self._outbox, []
        for message in pending:
            await self.send(message)

    async def close(self) -> None:
        self._closing = True
        await self._drop()

    # ------------------------------------------------------------ frames

    def _note(self, message: Any) -> None:
        if isinstance(message, wire.Update):
            self.last_seq = max(self.last_seq, message.seq)

    async def _send(self, message: wire.Message) -> None:
        if self._ws is None:
            raise ConnectionClosed(None, None)
        await self._ws.send(wire.encode(message))

    async def _read(self) -> Any:
        if self._ws is None:
            raise ConnectionClosed(None, None)
        while True:
            frame = await self._ws.recv()
            try:
                return wire.parse_server(frame)
            except ValidationError:
                continue  # a message this client does not know: skip it, keep the seat

    async def _drop(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused — is the server running?"
    return str(exc) or exc.__class__.__name__

