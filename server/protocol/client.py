"""The one client of the wire protocol, for every program that talks to a Parley server.

    client = ProtocolClient("wss://parley.school.example:8765", name="parley-bot", cafile="ca.pem")
    await client.open()                          # connect, hello -> welcome (ClientError if not)
    joined = await client.join("UA-7KQ4", "Ann")   # or resume(token), open_class(wire.OpenClass(...))
    reply = await client.request(wire.SendCommand(id=client.next_id(), command=...))  # its Ack or Error
    await client.send(message)                   # no waiting: its reply comes through messages()
    async for message in client.messages():      # every other server message, in order, and
        ...                                      # LinkChanged news (reconnecting, connected, lost)
    await client.close()

Used by the Textual client (client/connection.py), the network bots (server/bots/client.py),
the replay fetch (server/replay/remote.py) and `parley host` (server/cli/serve.py).

Theory of operation
-------------------
One task (`_run`) owns the socket. It connects with websockets' own reconnecting `connect`
(`async for ws in connect(...)`), whose `reconnect_delays` space the attempts. On every socket
it says hello; from the second socket on it also resumes the seat or class with the token it
holds and the last sequence number it saw, and hands the reply (the fresh view) on, followed
by the catch-up. Then it reads until the socket closes. Each frame becomes its wire model: a
reply to a `request` resolves that request's future; anything else goes to the `messages()`
queue. Requests still unanswered when a socket drops are sent again once resumed: the server
applies a command id once and answers a repeat with the first reply. Messages sent while the
socket is down wait and go out after the resume.

It stops reconnecting — `messages()` then ends with `LinkChanged("lost", ...)` — when the seat
is lost (close code CLOSE_SEAT_LOST: the seat was opened on another connection, or the
facilitator gave it a fresh code), when the server refuses the resume, when the server's TLS
certificate is not trusted, or after `give_up_after` failed attempts in a row.

Every limit comes from the wire module: the largest frame a client accepts is
`wire.MAX_SERVER_FRAME_BYTES`. Every failure a user can cause or fix is a `ClientError` whose
message is one sentence (`Refused` when the server answered with an error).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import re
import secrets
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import backoff
from websockets.client import process_exception as websockets_process_exception
from websockets.exceptions import ConnectionClosed, InvalidMessage, InvalidStatus, InvalidURI

from server.protocol import wire
from server.protocol.tls import ClientError as ClientError  # re-exported: every client catches it from here
from server.protocol.tls import client_context

Reply = TypeVar("Reply", bound=wire.Message)

OPEN_TIMEOUT = 10.0
"""Seconds to open a socket and be welcomed."""
RECONNECT_DELAYS: Callable[[], Generator[float]] = functools.partial(
    backoff, initial_delay=0.5, min_delay=0.5, max_delay=5.0, factor=2.0)
"""websockets' backoff, tuned for a classroom: the server is on the LAN, and a student waits."""

_HOST_PORT = re.compile(r"[\w.\-]+(:\d+)?|\[[0-9a-fA-F:.]+\](:\d+)?")  # an address typed without ws://

SEAT_LOST = {
    "seat_replaced": "This seat was opened on another connection, so this one was closed.",
    "seat_revoked": "The facilitator gave this seat a fresh code; this connection's token no longer works.",
}


class Refused(ClientError):
    """The server answered a request with an `Error` (kept as `error`)."""

    def __init__(self, error: wire.Error) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class LinkChanged:
    """News of the connection, in `messages()` between the server's messages."""

    status: Literal["reconnecting", "connected", "lost"]
    detail: str = ""


def fixed_delays(delays: Sequence[float]) -> Callable[[], Generator[float]]:
    """`reconnect_delays` that wait `delays` in turn, then the last one for ever (for tests)."""
    def generate() -> Generator[float]:
        yield from delays
        while True:
            yield delays[-1]
    return generate


def normalise_url(url: str) -> str:
    """The server's address as a websocket URL (`host:port` gets ws://); ClientError if it is none."""
    url = url.strip()
    if not url:
        raise ClientError("Type the server's address, for example ws://127.0.0.1:8765.")
    if "://" not in url and _HOST_PORT.fullmatch(url):
        url = "ws://" + url
    if not url.startswith(("ws://", "wss://")):
        raise ClientError(f"{wire.quote(url)} is not a websocket address (ws://HOST:PORT, or wss:// "
                          "for a server with a certificate).")
    return url


def describe_failure(url: str, exc: BaseException) -> str:
    """Why connecting to `url` failed, as one sentence that says what to do about it."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"The server at {url} shows a certificate this machine does not trust "
                f"({exc.verify_message or exc.reason}): pass --cafile with the certificate of the "
                "authority that signed it.")
    if isinstance(exc, ssl.SSLError):
        return (f"Cannot speak TLS with the server at {url} ({exc.reason or exc}): is it served with "
                "--certfile? If not, its address starts with ws://.")
    if isinstance(exc, InvalidURI):
        return f"{wire.quote(url)} is not a valid server address."
    if isinstance(exc, InvalidStatus):
        body = exc.response.body.decode("utf-8", "replace").strip() if exc.response.body else ""
        return f"The server at {url} refused the connection (HTTP {exc.response.status_code}). {body}".strip()
    if isinstance(exc, InvalidMessage):
        secure = " (if it is served with --certfile, its address starts with wss://)" \
            if url.startswith("ws://") else ""
        return f"Cannot reach a Parley server at {url}: it did not answer as a websocket server{secure}."
    if isinstance(exc, TimeoutError):
        return f"Cannot reach a Parley server at {url} (no answer in time)."
    if isinstance(exc, ConnectionRefusedError):
        return f"Cannot reach a Parley server at {url} (connection refused — is the server running?)."
    if isinstance(exc, OSError):
        return f"Cannot reach a Parley server at {url} ({exc.strerror or exc})."
    return f"Cannot reach a Parley server at {url} ({exc or exc.__class__.__name__})."


def _id_of(message: wire.Message) -> str:
    message_id = getattr(message, "id", None)
    if not isinstance(message_id, str):
        raise TypeError(f"a {type(message).__name__} has no id to be answered by")
    return message_id


class _End:
    """Marks the end of `messages()`."""


class ProtocolClient:
    """A connection to one Parley server that speaks the wire protocol and reconnects by itself."""

    def __init__(self, url: str, *, name: str, cafile: str | Path | None = None,
                 open_timeout: float = OPEN_TIMEOUT,
                 reconnect_delays: Callable[[], Generator[float]] = RECONNECT_DELAYS,
                 give_up_after: int | None = None,
                 on_frame: Callable[[str | bytes], None] | None = None) -> None:
        self.url = normalise_url(url)
        self.name = name
        self.ssl = client_context(self.url, cafile)
        self.open_timeout = open_timeout
        self.reconnect_delays = reconnect_delays
        self.give_up_after = give_up_after
        self.on_frame = on_frame  # sees every frame received, raw (a bot's transcript)
        self.token: str | None = None
        self.last_seq = 0
        self.welcome: wire.Welcome | None = None
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[wire.Welcome] | None = None
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._pending: dict[str, tuple[wire.Message, asyncio.Future[Any]]] = {}
        self._outbox: list[wire.Message] = []
        self._prefix = secrets.token_hex(3)
        self._ids = itertools.count(1)
        self._connected_once = False
        self._failures = 0
        self._closing = False
        self._ended = False

    # ------------------------------------------------------------ opening and closing

    def next_id(self) -> str:
        """A message id unique to this client run (the server applies a command id only once)."""
        return f"{self._prefix}-{next(self._ids)}"

    @property
    def is_open(self) -> bool:
        """Whether a socket is connected right now."""
        return self._ws is not None

    @property
    def socket(self) -> ClientConnection | None:
        """The socket of the moment (None while reconnecting), for tests that cut the network."""
        return self._ws

    @property
    def join_url(self) -> str | None:
        """The address the server tells students to join at (its --public-url, or its LAN address)."""
        return self.welcome.join_url if self.welcome is not None else None

    async def open(self) -> wire.Welcome:
        """Connect and say hello; ClientError with a sentence when that fails. Once open, a
        second call returns at once; after a failed first try, it tries again afresh."""
        if self._task is not None and self._task.done() and not self._connected_once and not self._closing:
            self._task, self._ended, self._queue = None, False, asyncio.Queue()
        if self._task is None:
            self._ready = asyncio.get_running_loop().create_future()
            self._task = asyncio.get_running_loop().create_task(self._run())
        assert self._ready is not None
        try:
            return await asyncio.wait_for(asyncio.shield(self._ready), self.open_timeout + 5)
        except TimeoutError:
            await self.close()
            raise ClientError(f"Cannot reach a Parley server at {self.url} (no answer in time).") from None

    async def close(self) -> None:
        """Close the socket and stop reconnecting; `messages()` ends, waiting requests fail."""
        self._closing = True
        ws, task = self._ws, self._task
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._end(None, "The connection was closed.")

    async def __aenter__(self) -> ProtocolClient:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------ requests

    async def submit(self, message: wire.Message) -> asyncio.Future[Any]:
        """Send a message with an `id` now (or once reconnected); the future of its reply.
        Opens the connection first if nobody did."""
        if self._task is None:
            await self.open()
        if self._ended:
            raise ClientError("The connection to the server is closed.")
        message_id = _id_of(message)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = (message, future)
        await self.send(message)
        return future

    async def request(self, message: wire.Message, timeout: float | None = None) -> Any:
        """Send a message with an `id`; its reply (an `Ack`, an `Error`, ...), whatever comes between."""
        future = await self.submit(message)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise ClientError(f"The server at {self.url} did not answer in time.") from None
        finally:
            self._pending.pop(_id_of(message), None)

    async def ask(self, message: wire.Message, expect: type[Reply], timeout: float | None = None) -> Reply:
        """`request`, with an `Error` raised as `Refused` and the reply checked to be an `expect`."""
        reply = await self.request(message, timeout)
        if isinstance(reply, wire.Error):
            raise Refused(reply)
        if not isinstance(reply, expect):
            raise ClientError(f"The server at {self.url} answered {reply.type!r} where {expect.__name__} was due.")
        return reply

    async def join(self, code: str, name: str = "") -> wire.Joined:
        """Take the seat behind a join code; its token is kept for reconnecting."""
        joined = await self.ask(wire.Join(id=self.next_id(), code=code, name=name), wire.Joined)
        self._hold(joined.token, joined)
        return joined

    async def resume(self, token: str, last_seq: int | None = None) -> wire.Joined | wire.ClassState:
        """Come back to a seat or a class with its token; the catch-up follows in `messages()`."""
        message = wire.Resume(id=self.next_id(), token=token, last_seq=self.last_seq if last_seq is None else last_seq)
        reply = await self.ask(message, wire.Message)
        if not isinstance(reply, wire.Joined | wire.ClassState):
            raise ClientError(f"The server at {self.url} answered {reply.type!r} to a resume.")  # type: ignore[attr-defined]
        self._hold(token, reply)
        return reply

    async def open_class(self, message: wire.OpenClass) -> wire.ClassOpened:
        """Open a class (the message carries the instructor key); its facilitator token is kept."""
        opened = await self.ask(message, wire.ClassOpened)
        self.token = opened.facilitator_token
        return opened

    async def send(self, message: wire.Message) -> None:
        """Send now, or as soon as the connection is back (its reply comes through `messages()`)."""
        if self._ws is None:
            self._outbox.append(message)
            return
        try:
            await self._ws.send(wire.encode(message))
        except ConnectionClosed:
            self._outbox.append(message)

    async def messages(self) -> AsyncIterator[Any]:
        """Every server message no request is waiting for, in order, with `LinkChanged` news;
        ends when the client is closed or the connection is lost for good."""
        while True:
            item = await self._queue.get()
            if isinstance(item, _End):
                self._queue.put_nowait(item)  # a second reader ends too
                return
            yield item

    def _hold(self, token: str, reply: wire.Joined | wire.ClassState) -> None:
        """Keep the token of the seat or class now held, and where that seat's own stream is."""
        self.token = token
        if isinstance(reply, wire.Joined):
            self.last_seq = reply.view.seq

    # ------------------------------------------------------------ the socket's task

    async def _run(self) -> None:
        attempts = connect(self.url, ssl=self.ssl, open_timeout=self.open_timeout, compression=None,
                           max_size=wire.MAX_SERVER_FRAME_BYTES, reconnect_delays=self.reconnect_delays,
                           process_exception=self._retry_or_not)
        lost: str | None = None
        try:
            sockets: AsyncGenerator[ClientConnection] = attempts.__aiter__()  # type: ignore[assignment]
            async with contextlib.aclosing(sockets):
                async for ws in sockets:
                    lost = await self._session(ws)
                    if lost is not None or self._closing:
                        break
                    self._news(LinkChanged("reconnecting", "attempt 1"))
        except ClientError as exc:
            lost = str(exc)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a connection that failed for good
            lost = describe_failure(self.url, exc)
        finally:
            self._ws = None
        self._end(lost if not self._closing else None, lost or "The connection was closed.")

    async def _session(self, ws: ClientConnection) -> str | None:
        """One socket's life: hello (and resume), then read; the reason the seat is lost, if it is.

        The socket is offered to `send` only once it is greeted (and resumed), so nothing a
        program sends can overtake the hello."""
        try:
            welcome = await self._exchange(ws, wire.Hello(protocol=wire.PROTOCOL_VERSION, client=self.name))
            self.welcome = welcome
            first = not self._connected_once
            if not first:
                refused = await self._resume_on(ws)
                if refused is not None:
                    return refused
            waiting, self._outbox = self._outbox, []
            for message in waiting:
                await ws.send(wire.encode(message))
            self._ws, self._connected_once, self._failures = ws, True, 0
            if first and self._ready is not None and not self._ready.done():
                self._ready.set_result(welcome)
            async for frame in ws:
                self._deliver(self._parse(frame))
        except ConnectionClosed:
            pass
        finally:
            self._ws = None
        if ws.close_code == wire.CLOSE_SEAT_LOST:
            return SEAT_LOST.get(ws.close_reason or "", "This seat is no longer yours on this connection.")
        return None

    async def _resume_on(self, ws: ClientConnection) -> str | None:
        """After a reconnect: resume the seat or class, hand the reply on, resend what was unanswered."""
        if self.token is not None:
            reply = await self._exchange(ws, wire.Resume(id=self.next_id(), token=self.token,
                                                         last_seq=self.last_seq))
            if isinstance(reply, wire.Error):
                return f"The server no longer lets this connection back in: {reply.message}"
            self._hold(self.token, reply)
            self._queue.put_nowait(reply)
        self._news(LinkChanged("connected"))
        again = [m for m, _ in self._pending.values() if not isinstance(m, wire.Join | wire.OpenClass | wire.Resume)]
        for message_id, (message, future) in list(self._pending.items()):
            if message not in again and not future.done():
                future.set_exception(ClientError("The connection dropped before the server answered."))
                del self._pending[message_id]
        self._outbox = again + [m for m in self._outbox if m not in again]
        return None

    async def _exchange(self, ws: ClientConnection, message: wire.Hello | wire.Resume) -> Any:
        """Send `message` on `ws` and read until its answer; frames before it are delivered."""
        await ws.send(wire.encode(message))
        while True:
            reply = self._parse(await ws.recv())
            if isinstance(message, wire.Hello):
                if isinstance(reply, wire.Welcome):
                    if reply.protocol != wire.PROTOCOL_VERSION:
                        raise ClientError(f"The server at {self.url} speaks protocol {reply.protocol}; "
                                          f"this client speaks {wire.PROTOCOL_VERSION}.")
                    return reply
                if isinstance(reply, wire.Error) and reply.reply_to is None:
                    raise ClientError(f"The server at {self.url} speaks another protocol: {reply.message}")
            elif getattr(reply, "reply_to", None) == message.id:
                return reply
            self._deliver(reply)

    def _retry_or_not(self, exc: Exception) -> Exception | None:
        """websockets' question after a failed attempt: None to try again, or the exception to stop."""
        if not self._connected_once or self._closing:
            return exc  # the first connection fails at once, with its reason (see `open`)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc
        transient = isinstance(exc, InvalidStatus) and exc.response.status_code == 429
        if not transient and websockets_process_exception(exc) is not None:
            return exc
        self._failures += 1
        if self.give_up_after is not None and self._failures >= self.give_up_after:
            return ClientError(f"Lost the connection to {self.url} and could not get back in "
                               f"{self._failures} attempts ({describe_failure(self.url, exc)})")
        self._news(LinkChanged("reconnecting", f"attempt {self._failures + 1}"))
        return None

    # ------------------------------------------------------------ frames

    def _parse(self, frame: str | bytes) -> Any:
        if self.on_frame is not None:
            self.on_frame(frame)
        try:
            return wire.parse_server(frame)
        except ValidationError:
            return None  # a message of a newer server: not ours to read

    def _deliver(self, message: Any) -> None:
        if message is None:
            return
        if isinstance(message, wire.Update):
            self.last_seq = max(self.last_seq, message.seq)
        waiting = self._pending.get(getattr(message, "reply_to", None) or "")
        if waiting is not None and not waiting[1].done():
            del self._pending[message.reply_to]
            waiting[1].set_result(message)
            return
        self._queue.put_nowait(message)

    def _news(self, change: LinkChanged) -> None:
        self._queue.put_nowait(change)

    def _end(self, lost: str | None, why: str) -> None:
        """No more messages: fail every waiting request, tell `messages()` (and `open`)."""
        if self._ended:
            return
        self._ended = True
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(ClientError(lost or why))
        for _, future in self._pending.values():
            if not future.done():
                future.set_exception(ClientError(lost or why))
        self._pending.clear()
        if lost is not None:
            self._news(LinkChanged("lost", lost))
        self._queue.put_nowait(_End())
