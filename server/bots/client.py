"""A bot over the network: a real client of the wire protocol that plays one seat to the end.

Theory of operation
-------------------
`NetBot.run()` joins with the seat's code through the protocol client
(`server.protocol.client`, which also reconnects and resumes by itself) and keeps the latest
view the server sent (`joined`, then every `update`). One task plays: whenever the view has
changed, it thinks for a moment (0.5-2 s times the game's time scale, which it reads off the
phase deadlines it is sent), sends what the strategy wants, each command with its own id, and
waits for every answer (ack or error) before looking at the view again, which keeps it from
sending the same move twice from a stale view. It stops when the view says the game has ended.

Only the wire protocol and the strategies are imported: this is what a student's client
sees, and no more.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from pathlib import Path
from typing import IO

from server.bots.strategies import Strategy, make_strategy, think_time
from server.protocol import wire
from server.protocol.client import ClientError, LinkChanged, ProtocolClient, Refused

RESUME_ATTEMPTS = 5  # failed reconnection attempts in a row before the bot gives up


class BotFailed(Exception):
    """The bot cannot play: a bad code, an unreachable server. Its message is one line."""


class NetBot:
    def __init__(self, url: str, code: str, strategy: str | None = None, seed: int = 0,
                 transcript: IO[str] | None = None, name: str = "", cafile: str | Path | None = None) -> None:
        self.url, self.code, self.seed = url, code, seed
        self.cafile = cafile
        self.strategy_name = strategy
        self.name = name or f"bot ({strategy or 'default'})"
        self.transcript = transcript
        self.rng = random.Random(f"think:{seed}:{code}")
        self.strategy: Strategy | None = None
        self.delegation = ""
        self.view: wire.SeatView | None = None
        self.time_scale = 1.0
        self.sent = 0
        self._changed = asyncio.Event()

    # ------------------------------------------------------------ the session

    async def run(self) -> int:
        """Play until the game ends; 0. Raises BotFailed for a mistake the user can fix."""
        try:
            client = ProtocolClient(self.url, name="parley-bot", cafile=self.cafile,
                                    give_up_after=RESUME_ATTEMPTS, on_frame=self._record)
            await client.open()
            joined = await client.join(self.code, self.name)
        except Refused as exc:
            raise BotFailed(f"could not take the seat with code {self.code}: "
                            f"{exc.error.code}: {exc.error.message}") from None
        except ClientError as exc:
            raise BotFailed(str(exc)) from None
        self._take(joined)
        player = asyncio.get_running_loop().create_task(self._play(client))
        try:
            await self._listen(client)
        finally:
            player.cancel()
            with contextlib.suppress(asyncio.CancelledError, ClientError):
                await player
            await client.close()
        return 0

    @property
    def ended(self) -> bool:
        return self.view is not None and self.view.phase == "ended"

    def _take(self, joined: wire.Joined) -> None:
        self.delegation = joined.delegation
        if self.strategy is None:
            kind = next((d.kind for d in (joined.view.scenario.delegations if joined.view.scenario else ())
                         if d.id == joined.delegation), "party")
            self.strategy = make_strategy(self.strategy_name, joined.delegation, kind, self.seed)
        self._see(joined.view, whole=True)

    async def _listen(self, client: ProtocolClient) -> None:
        async for message in client.messages():
            if isinstance(message, wire.Joined):  # resumed after a drop: a fresh view
                self._see(message.view, whole=True)
            elif isinstance(message, wire.Update):
                self._learn_time_scale(message.events)
                self._see(message.view)
            elif isinstance(message, LinkChanged) and message.status == "lost":
                if not self.ended:
                    raise BotFailed(message.detail)
            if self.ended:
                return

    def _record(self, frame: str | bytes) -> None:
        if self.transcript is not None:
            self.transcript.write(json.dumps(json.loads(frame)) + "\n")
            self.transcript.flush()

    # ------------------------------------------------------------ playing

    def _see(self, view: wire.SeatView | wire.ViewDelta, whole: bool = False) -> None:
        """Take a view: a whole one (joined), or an update's changed keys merged in."""
        self.view = view if isinstance(view, wire.SeatView) and whole else wire.merge_view(view, self.view)
        self._changed.set()

    def _learn_time_scale(self, events: list[wire.Event]) -> None:
        """Phase length on the clock / phase length in the scenario = the game's time scale."""
        scenario = self.view.scenario if self.view else None
        lengths = scenario.phases.model_dump() if scenario else {}
        for event in events:
            if not isinstance(event, wire.PhaseStarted) or not event.deadline:
                continue
            nominal = lengths.get(event.phase.value)
            if nominal:
                self.time_scale = max(0.0, (event.deadline - event.at) / nominal)

    async def _play(self, client: ProtocolClient) -> None:
        """Think, act on the newest view, wait for every answer; again while the view changes."""
        assert self.strategy is not None
        while not self.ended:
            await self._changed.wait()
            await asyncio.sleep(think_time(self.rng, self.time_scale))
            self._changed.clear()
            if self.ended:
                return
            answers = []
            for command in self.strategy.act(self.view) if self.view is not None else ():
                self.sent += 1
                answers.append(await client.submit(
                    wire.SendCommand(id=client.next_id(), command=command)))  # type: ignore[arg-type]
            await asyncio.gather(*answers)  # acks or errors: a refused move is simply not made


async def play(url: str, code: str, strategy: str | None = None, seed: int = 0,
               transcript: Path | None = None, name: str = "", cafile: str | Path | None = None) -> int:
    """Run one network bot to the end of its game (the body of ``parley bot``)."""
    if transcript is None:
        return await NetBot(url, code, strategy, seed, None, name, cafile).run()
    with transcript.open("w", encoding="utf-8") as out:
        return await NetBot(url, code, strategy, seed, out, name, cafile).run()
