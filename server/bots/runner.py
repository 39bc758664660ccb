"""Bots inside the server: one asyncio task per bot seat, woken by the room's event batches.

Theory of operation
-------------------
`start_bot(room, delegation, strategy, seed)` registers a listener on the room and starts a
task. The listener runs synchronously after every stored batch, so it only sets an
`asyncio.Event` when the batch holds something the seat may see; the task waits for it,
"thinks" for 0.5-2 s scaled by the game's time scale (capped), reads the seat's own view
(`room.game.view_for(delegation, with_worth=False)`, nothing else: a bot values packages
itself), asks the strategy what to do and submits each command through `room.submit`, the
same path people use. A refused command (the phase
moved on meanwhile, say) is logged and skipped. The bot's own commands wake it again; the
strategy then has nothing left to do in the phase, so a bot never spins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from typing import Any, Protocol

from server.bots.strategies import DEFAULT_STRATEGY, STRATEGIES, Strategy, make_strategy, think_time
from server.engine import RuleViolation
from server.engine.commands import CommandBase
from server.engine.events import EventBase

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_STRATEGY", "STRATEGIES", "BotHandle", "start_bot"]


class BotRoom(Protocol):
    """What a bot needs of the runtime's room."""

    id: str
    game: Any

    async def submit(self, actor: str, command: CommandBase) -> list[EventBase]: ...
    def add_listener(self, fn: Any) -> None: ...
    def remove_listener(self, fn: Any) -> None: ...


class BotHandle:
    """A running bot; `stop()` ends it (the seat stays as it is)."""

    def __init__(self, room: BotRoom, delegation: str, strategy: Strategy, seed: int) -> None:
        self.room = room
        self.delegation = delegation
        self.strategy = strategy
        self._rng = random.Random(f"think:{seed}:{delegation}")
        self._wake = asyncio.Event()
        self._wake.set()  # act at once: a seat handed over mid-game has work waiting
        self._waiting = False
        room.add_listener(self._on_events)
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"bot {room.id}/{delegation}")

    @property
    def strategy_name(self) -> str:
        return self.strategy.name

    @property
    def idle(self) -> bool:
        """Waiting for the room, with nothing to do until an event it may see wakes it."""
        return self._waiting and not self._wake.is_set()

    def _on_events(self, events: Sequence[EventBase]) -> None:
        if any(e.visibility.allows(self.delegation) for e in events):
            self._wake.set()

    async def _run(self) -> None:
        while not self.room.game.ended:
            self._waiting = True
            await self._wake.wait()
            self._waiting = False
            self._wake.clear()
            await asyncio.sleep(self._think())
            try:
                await self._act()
            except Exception:  # a bug in a bot must not end the room's game
                log.exception("bot %s in room %s failed; it keeps listening", self.delegation, self.room.id)

    def _think(self) -> float:
        scale = float(getattr(self.room.game.state, "time_scale", 1.0))
        return think_time(self._rng, scale)

    async def _act(self) -> None:
        view = self.room.game.view_for(self.delegation, with_worth=False)
        for command in self.strategy.act(view):
            try:
                await self.room.submit(self.delegation, command)
            except RuleViolation as exc:
                log.info("bot %s in room %s: %s refused (%s: %s)", self.delegation, self.room.id,
                         command.type, exc.code, exc.message)  # type: ignore[attr-defined]
            if self.room.game.ended:
                return

    async def stop(self) -> None:
        self.room.remove_listener(self._on_events)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def start_bot(room: BotRoom, delegation: str, strategy: str | None, seed: int) -> BotHandle:
    """Start a bot playing `delegation` in `room` (`strategy` None: the seat's default)."""
    delegation_ = room.game.scenario.delegation(delegation)
    kind = delegation_.kind.value if delegation_ is not None else "party"
    return BotHandle(room, delegation, make_strategy(strategy, delegation, kind, seed), seed)
