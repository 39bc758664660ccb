"""A bot over the network: a real client of the wire protocol that plays one seat to the end.

Theory of operation
-------------------
`NetBot.run()` connects, says hello, joins with the seat's code and keeps the latest view the
server sent (`joined`, then every `update`). Whenever the view changes and none of its own
commands is still waiting for an answer, it thinks for a moment (0.5-2 s times the game's
time scale, which it reads off the phase deadlines it is sent) and sends what the strategy
wants, each command with its own id. Waiting for the acks before acting again keeps it from
sending the same move twice from a stale view. A dropped connection is resumed with the seat
token and the last event number seen. It stops when the view says the game has ended.

Only the wire protocol and the strategies are imported: this is what a student's client
sees, and no more. It is also the server benchmark's load generator.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from pathlib import Path
from typing import IO, Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from server.bots.strategies import Strategy, make_strategy, think_time
from server.protocol import wire

RESUME_ATTEMPTS = 5
HANDSHAKE_TIMEOUT = 10.0


class BotFailed(Exception):
    """The bot cannot play: a bad code, an unreachable server. Its message is one line."""


class NetBot:
    def __init__(self, url: str, code: str, strategy: str | None = None, seed: int = 0,
                 transcript: IO[str] | None = None, name: str = "") -> None:
        self.url, self.code, self.seed = url, code, seed
        self.strategy_name = strategy
        self.name = name or f"bot ({strategy or 'default'})"
        self.transcript = transcript
        self.rng = random.Random(f"think:{seed}:{code}")
        self.strategy: Strategy | None = None
        self.token = ""
        self.delegation = ""
        self.view: dict[str, Any] = {}
        self.last_seq = 0
        self.time_scale = 1.0
        self.inflight: set[str] = set()
        self.dirty = False
        self.sent = 0
        self.ws: ClientConnection | None = None
        self._acting: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ the session

    async def run(self) -> int:
        """Play until the game ends; 0. Raises BotFailed for a mistake the user can fix."""
        await self._connect(wire.Join(id="join", code=self.code, name=self.name))
        attempts = 0
        while not self.ended:
            try:
                await self._listen()
            except ConnectionClosed:
                if self.ended:
                    break
                if self.ws is not None and self.ws.close_code == wire.CLOSE_SEAT_LOST:
                    raise BotFailed("the seat was opened on another connection, or given a fresh "
                                    "code: this bot no longer holds it") from None
                attempts += 1
                if attempts > RESUME_ATTEMPTS:
                    raise BotFailed(f"lost the connection to {self.url} and could not resume") from None
                await asyncio.sleep(min(2.0, 0.2 * attempts))
                with contextlib.suppress(BotFailed, OSError):
                    await self._connect(wire.Resume(id=f"resume{attempts}", token=self.token,
                                                    last_seq=self.last_seq))
        await self.close()
        return 0

    @property
    def ended(self) -> bool:
        return self.view.get("phase") == "ended"

    async def _connect(self, first: wire.Join | wire.Resume) -> None:
        try:
            self.ws = await asyncio.wait_for(connect(self.url, max_size=wire.MAX_FRAME_BYTES,
                                                     compression=None), HANDSHAKE_TIMEOUT)
        except (OSError, InvalidURI, InvalidHandshake, TimeoutError) as exc:
            raise BotFailed(f"cannot reach a Parley server at {self.url}: {exc}") from None
        self.inflight.clear()
        await self._send(wire.Hello(protocol=wire.PROTOCOL_VERSION, client="parley-bot"))
        welcome = await self._receive()
        if not isinstance(welcome, wire.Welcome):
            raise BotFailed(f"{self.url} did not welcome the bot: {_describe(welcome)}")
        await self._send(first)
        joined = await self._receive()
        while isinstance(joined, wire.PresenceChanged | wire.Update):
            joined = await self._receive()  # news of the room may come before the answer
        if not isinstance(joined, wire.Joined):
            raise BotFailed(f"could not take the seat with code {self.code}: {_describe(joined)}")
        self.token, self.delegation = joined.token, joined.delegation
        if self.strategy is None:
            kind = next((d["kind"] for d in joined.view["scenario"]["delegations"]
                         if d["id"] == joined.delegation), "party")
            self.strategy = make_strategy(self.strategy_name, joined.delegation, kind, self.seed)
        self._see(joined.view, joined.view.get("seq", self.last_seq))

    async def _listen(self) -> None:
        while not self.ended:
            message = await self._receive()
            if isinstance(message, wire.Update):
                self._learn_time_scale(message.events)
                self._see(message.view, message.seq)
            elif isinstance(message, wire.Ack | wire.Error):
                self.inflight.discard(message.reply_to or "")
                self._maybe_act()

    async def close(self) -> None:
        if self._acting is not None:
            self._acting.cancel()
        if self.ws is not None:
            await self.ws.close()

    # ------------------------------------------------------------ frames

    async def _send(self, message: wire.Message) -> None:
        assert self.ws is not None
        await self.ws.send(wire.encode(message))

    async def _receive(self) -> Any:
        assert self.ws is not None
        frame = await self.ws.recv()
        if self.transcript is not None:
            self.transcript.write(json.dumps(json.loads(frame)) + "\n")
            self.transcript.flush()
        return wire.parse_server(frame)

    # ------------------------------------------------------------ playing

    def _see(self, view: dict[str, Any], seq: int) -> None:
        self.view, self.last_seq = wire.with_scenario(view, self.view), max(self.last_seq, seq)
        self.dirty = True
        self._maybe_act()

    def _learn_time_scale(self, events: list[dict[str, Any]]) -> None:
        """Phase length on the clock / phase length in the scenario = the game's time scale."""
        lengths = (self.view.get("scenario") or {}).get("phases") or {}
        for event in events:
            nominal = lengths.get(str(event.get("phase")))
            if event.get("type") == "phase_started" and event.get("deadline") and nominal:
                self.time_scale = max(0.0, (event["deadline"] - event["at"]) / nominal)

    def _maybe_act(self) -> None:
        busy = self._acting is not None and not self._acting.done()
        if self.dirty and not self.inflight and not busy and not self.ended:
            self._acting = asyncio.get_running_loop().create_task(self._act())

    async def _act(self) -> None:
        await asyncio.sleep(think_time(self.rng, self.time_scale))
        self.dirty = False
        assert self.strategy is not None
        for command in self.strategy.act(self.view):
            self.sent += 1
            command_id = f"b{self.sent}"
            self.inflight.add(command_id)
            try:
                await self._send(wire.SendCommand(id=command_id, command=command))  # type: ignore[arg-type]
            except ConnectionClosed:
                return  # the listener notices and resumes


def _describe(message: Any) -> str:
    if isinstance(message, wire.Error):
        return f"{message.code}: {message.message}"
    return f"unexpected {getattr(message, 'type', type(message).__name__)} message"


async def play(url: str, code: str, strategy: str | None = None, seed: int = 0,
               transcript: Path | None = None, name: str = "") -> int:
    """Run one network bot to the end of its game (the body of ``parley bot``)."""
    if transcript is None:
        return await NetBot(url, code, strategy, seed, None, name).run()
    with transcript.open("w", encoding="utf-8") as out:
        return await NetBot(url, code, strategy, seed, out, name).run()
