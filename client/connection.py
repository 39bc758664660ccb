"""The Textual client's connection to a Parley server: the protocol client, in the app's words.

Theory of operation
-------------------
Everything on the wire — hello, join or resume, ids, reconnecting with websockets' own
backoff and resuming with the seat token and the last sequence number seen — is
`server.protocol.client.ProtocolClient`'s. This module only translates for the app: the join
screen awaits `join()` / `resume()` / `open_class()`, which raise `ConnectError` with a sentence
for the screen (a refused code in words a student understands); then one worker runs
`run(sink)`, which hands every server message, in order, to `sink`, and the connection's news
as `ConnectionChanged` (reconnecting with the attempt, connected, lost). Commands sent while
the socket is down wait and go out after the resume.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from client.state import ConnectionChanged
from server.protocol import wire
from server.protocol.client import (
    RECONNECT_DELAYS,
    ClientError,
    LinkChanged,
    ProtocolClient,
    Refused,
    fixed_delays,
    normalise_url,
)

Reply = TypeVar("Reply")
ConnectError = ClientError  # why the client could not connect or join, as one sentence
Sink = Callable[[Any], None]

JOIN_ERRORS = {
    "unknown_code": "No seat has the code {code}. Check the code with your facilitator.",
    "code_used": "The code {code} has been used already: type your rejoin code instead, "
                 "or ask your facilitator for a fresh code.",
    # resume takes a seat's token and a facilitator's alike
    "bad_token": "The server knows no seat or class by this token (mistyped, or replaced by a fresh code).",
    "unknown_scenario": "The server has no scenario called {scenario!r}.",
}

__all__ = ["ConnectError", "Connection", "normalise_url"]


class Connection:
    """One server's connection for the app. `backoff`: the delays between reconnection
    attempts, the last one repeated (default: websockets' backoff, tuned for a classroom)."""

    def __init__(self, url: str, *, backoff: Sequence[float] | None = None, open_timeout: float = 5.0,
                 cafile: str | Path | None = None) -> None:
        delays = RECONNECT_DELAYS if backoff is None else fixed_delays(backoff)
        self.client = ProtocolClient(url, name="parley-textual", cafile=cafile, open_timeout=open_timeout,
                                     reconnect_delays=delays)
        self.url = self.client.url

    @property
    def is_open(self) -> bool:
        return self.client.is_open

    @property
    def token(self) -> str | None:
        return self.client.token

    @property
    def join_url(self) -> str | None:
        """Where the server tells students to join (see `wire.Welcome.join_url`)."""
        return self.client.join_url

    def next_id(self) -> str:
        return self.client.next_id()

    async def open(self) -> None:
        await self.client.open()

    async def join(self, code: str, name: str = "") -> wire.Joined:
        code = code.strip().upper()
        if not code:
            raise ConnectError("Type the join code your facilitator gave you.")
        return await self._ask(lambda: self.client.join(code, name.strip()[:60]), code=code)

    async def resume(self, token: str, last_seq: int = 0) -> wire.Joined | wire.ClassState:
        return await self._ask(lambda: self.client.resume(token, last_seq))

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
        return await self._ask(lambda: self.client.open_class(message), scenario=scenario)

    async def _ask(self, request: Callable[[], Awaitable[Reply]], **names: str) -> Reply:
        """Open if need be, then await a request of the protocol client, a refusal put in the
        join screen's words."""
        await self.client.open()
        try:
            return await request()
        except Refused as exc:
            text = JOIN_ERRORS.get(exc.error.code)
            raise ConnectError(text.format_map(defaultdict(str, names)) if text else exc.error.message) from None

    async def send(self, message: wire.Message) -> None:
        """Send now, or as soon as the connection is back."""
        await self.client.send(message)

    async def command(self, command: dict[str, Any], room: str | None = None) -> str:
        """Send a game command (`{"type": "mark_ready"}`, ...); returns its id.

        Raises pydantic.ValidationError if the command is malformed (an empty statement, say)."""
        message = wire.SendCommand.model_validate({"id": self.next_id(), "room": room, "command": command})
        await self.send(message)
        return message.id

    async def run(self, sink: Sink) -> None:
        """Hand every server message to `sink` until `close()` or the seat is lost."""
        async for message in self.client.messages():
            sink(ConnectionChanged(message.status, message.detail) if isinstance(message, LinkChanged)
                 else message)

    async def close(self) -> None:
        await self.client.close()
