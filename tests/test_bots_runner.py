"""In-server bots (server.bots.runner) against a small stand-in for the runtime's room.

`FakeRoom` fakes the runtime, not the engine: a real `Game`, submitted to under a lock,
telling its listeners after each batch — the contract `start_bot` is written against.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from server.bots.runner import DEFAULT_STRATEGY, STRATEGIES, start_bot
from server.engine import FACILITATOR, Game
from server.engine import commands as c
from server.engine.events import EventBase
from server.scenario import bundled_scenarios

SEAT_ACTS = {"ready_marked", "proposal_tabled", "proposal_supported", "proposal_withdrawn",
             "statement_made", "message_sent", "proposal_signed", "proposal_declined"}


def acts_of(room: FakeRoom, seat: str, start: int = 0) -> list[str]:
    """The types of the events `seat` itself caused since log position `start`."""
    return [e.type for e in room.log[start:] if e.type in SEAT_ACTS
            and seat in (getattr(e, "delegation", None), getattr(e, "author", None), getattr(e, "sender", None))]


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait (by yielding to the loop, not by a fixed sleep) until `condition()` holds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.001)


class FakeRoom:
    def __init__(self, scenario: str = "tutorial", time_scale: float = 0.001,
                 clock: Callable[[], float] = time.time) -> None:
        self.id = "fake-1"
        self.clock = clock
        self.game, self.log = Game.create(bundled_scenarios()[scenario], seed=5, at=clock(),
                                          time_scale=time_scale)
        self._listeners: list = []
        self._lock = asyncio.Lock()

    async def submit(self, actor: str, command: c.CommandBase) -> list[EventBase]:
        async with self._lock:
            events = self.game.handle(command, actor, self.clock())
            self.log.extend(events)
        for fn in list(self._listeners):
            fn(events)
        return events

    def add_listener(self, fn) -> None:  # type: ignore[no-untyped-def]
        self._listeners.append(fn)

    def remove_listener(self, fn) -> None:  # type: ignore[no-untyped-def]
        self._listeners.remove(fn)


async def test_bots_in_every_seat_play_a_room_to_its_end() -> None:
    """Three runner bots, woken only by the room's batches, finish a tutorial game."""
    room = FakeRoom()
    handles = [start_bot(room, d, None, seed=n) for n, d in enumerate(("upland", "lowland", "commission"))]
    await room.submit(FACILITATOR, c.StartGame())
    await until(lambda: room.game.ended, timeout=20)
    for handle in handles:
        await handle.stop()
    assert room.game.state.ending is not None
    authors = {getattr(e, "delegation", None) for e in room.log if e.type == "ready_marked"}
    assert {"upland", "lowland", "commission"} <= authors
    assert handles[2].strategy_name == "mediator" and handles[0].strategy_name == DEFAULT_STRATEGY


async def test_a_bot_sends_a_few_commands_per_phase_and_stops() -> None:
    """One bot beside idle seats acts once per phase (no spinning); stop() silences it."""
    room = FakeRoom(time_scale=0.001, clock=lambda: 1_000.0)  # no deadline ever passes
    handle = start_bot(room, "upland", "hardliner", seed=1)
    await room.submit(FACILITATOR, c.StartGame())
    # The pressure phase waits for the other seats: upland marks ready, then waits for the room.
    await until(lambda: handle.idle and acts_of(room, "upland") != [])
    assert acts_of(room, "upland") == ["ready_marked"]
    start = len(room.log)
    await room.submit(FACILITATOR, c.AdvancePhase())  # negotiation
    await until(lambda: handle.idle and "ready_marked" in acts_of(room, "upland", start))
    negotiation = acts_of(room, "upland", start)
    assert "proposal_tabled" in negotiation and negotiation[-1] == "ready_marked" and len(negotiation) <= 8
    await handle.stop()
    before = len(room.log)
    await room.submit(FACILITATOR, c.AdvancePhase())
    assert handle._task.done()  # stopped: nothing left that could act
    assert acts_of(room, "upland", before) == []
    assert room._listeners == []
    assert "hardliner" in STRATEGIES
