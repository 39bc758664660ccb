"""A room's phase timer: one asyncio task that ticks the game when its deadline passes.

The engine never reads a clock; it only learns that time has passed from a `Tick()` sent by
the actor "clock". This task sleeps until the current phase's deadline (or until the room
says something changed: `reschedule()` is called after every batch of events, so a pause,
resume, extension or phase change takes effect at once) and then submits the tick through
the room's one path for commands. A paused, ended or untimed game sleeps until woken.
`reschedule()` wakes the task only when what it sleeps towards (the deadline, paused, ended)
is not what the game now says: most batches (statements, messages) change none of it, and
waking 1,600 rooms' timers for each of them was a task switch and a new wait per command.
`wake()` always wakes it (the clock itself moved).

A game with a schedule runs over days, so the timer never sleeps longer than `LOOK_AGAIN`
seconds at once (a wall clock set forward, a laptop waking, keep the deadline honest), and a
deadline found already passed (the server was down) is ticked *at the deadline*: the phase
ends when the schedule said, and the next one's length counts from then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from server.engine import CLOCK, Game
from server.engine.commands import CommandBase, Tick
from server.engine.events import EventBase

log = logging.getLogger(__name__)

LOOK_AGAIN = 60.0  # seconds: the longest the timer sleeps before reading the clock again


class TimedRoom(Protocol):
    """What the timer needs of its room (server.runtime.room.Room), and nothing more."""

    @property
    def id(self) -> str: ...
    @property
    def game(self) -> Game: ...
    @property
    def log(self) -> Sequence[EventBase]: ...

    async def submit(self, actor: str, command: CommandBase, *, at: float | None = None,
                     command_id: str | None = None) -> list[EventBase]: ...


class RoomTimer:
    def __init__(self, room: TimedRoom, clock: Callable[[], float]) -> None:
        self._room = room
        self._clock = clock
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sleeping_for: tuple[object, ...] | None = None  # the state the task last looked at

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"timer {self._room.id}")

    def reschedule(self) -> None:
        """Wake the task if the deadline, the pause or the end changed since it last looked."""
        if self._watched() != self._sleeping_for:
            self._changed.set()

    def wake(self) -> None:
        """Wake the task whatever changed (the clock moved)."""
        self._changed.set()

    def _watched(self) -> tuple[object, ...]:
        state = self._room.game.state
        return state.ended, state.paused, state.deadline

    async def stop(self) -> None:
        if self._task is not None:
            # Cancel until it takes: on Python 3.11, a cancel that arrives as the awaited
            # `_changed` is set (a reschedule just before stop) is swallowed by wait_for.
            while not self._task.done():
                self._task.cancel()
                await asyncio.wait([self._task], timeout=0.1)
            self._task = None

    def delay(self) -> float | None:
        """Seconds until the deadline (<= 0: due now), or None when nothing is timed."""
        state = self._room.game.state
        if state.ended or state.paused or state.deadline is None:
            return None
        return state.deadline - self._clock()

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            self._sleeping_for = self._watched()
            delay = self.delay()
            if delay is None or delay > 0:
                try:
                    await asyncio.wait_for(self._changed.wait(),
                                           None if delay is None else min(delay, LOOK_AGAIN))
                except TimeoutError:
                    pass
                continue  # woken, or slept: look at the deadline again
            await self._tick()

    def _tick_time(self) -> float | None:
        """When a tick happens: now, or for a scheduled game whose deadline has passed, the
        deadline itself (never before the last event: the log's times only go forward)."""
        state = self._room.game.state
        if state.schedule is None or state.deadline is None:
            return None
        last = self._room.log[-1].at if self._room.log else state.deadline
        return min(self._clock(), max(state.deadline, last))

    async def _tick(self) -> None:
        try:
            events = await self._room.submit(CLOCK, Tick(), at=self._tick_time())
        except Exception:  # a failing store, say: keep the room's clock alive and retry
            log.exception("tick failed in room %s", self._room.id)
            await asyncio.sleep(1.0)
            return
        if not events:
            # The deadline was not quite reached by the engine's reckoning: try a moment later.
            await asyncio.sleep(0.01)
