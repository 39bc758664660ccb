"""Helpers for the client's tests: seat views built by the real engine, as wire messages,
and a real Parley server on a free port with a SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client.app import ParleyApp
from client.connection import Connection
from engine_helpers import Table
from server.engine import dump_event
from server.protocol import wire


def joined(table: Table, seat: str, room: str = "R1") -> wire.Joined:
    """The `joined` message a seat would get now (view with notes)."""
    return wire.Joined(reply_to="c1", token="t-" + seat, room=room, delegation=seat,
                       name=seat.title(), view=table.game.view_for(seat))


def view_with(seat: str | None = "upland", **changes: Any) -> wire.SeatView:
    """A real seat view of the tutorial (its lobby), with the parts a test names changed."""
    return Table().game.view_for(seat).model_copy(update=changes)


def update(table: Table, seat: str, events: list[Any], room: str = "R1", fresh: bool = False) -> wire.Update:
    """The `update` a seat would get after `events`: only those it may see, view without notes."""
    visible = [dump_event(e) for e in events if e.visibility.allows(seat)]
    return wire.Update(room=room, seq=table.state.seq, events=visible,
                       view=table.game.view_for(seat, include_notes=False).as_delta(), fresh=fresh)


# ---------------------------------------------------------------- a real server, and the app on it

import asyncio  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from server.engine import FACILITATOR  # noqa: E402
from server.engine import commands as c  # noqa: E402
from server_helpers import Client  # noqa: E402

TIMEOUT = 5.0


async def wait_until(pilot: Any, predicate: Callable[[], Any], timeout: float = TIMEOUT,
                     what: str = "the condition") -> None:
    """Let the app run until `predicate()` holds; fail the test after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def open_room(srv: Any, scenario: str = "tutorial") -> tuple[Any, dict[str, str]]:
    """Open a one-room class on a running ParleyServer; (the runtime's room, codes by delegation)."""
    opened = await srv.runtime.open_class(scenario, rooms=1)
    info = opened.rooms[0]
    return srv.runtime.room(info.room), {s.delegation: s.code for s in info.seats}


async def negotiating_with(srv: Any, other: str, scenario: str = "tutorial") -> tuple[Any, dict[str, str], Client]:
    """A one-room class in negotiation with `other`'s seat joined by a raw protocol client:
    (the runtime's room, codes by delegation, that client)."""
    room, codes = await open_room(srv, scenario)
    await to_phase(room, "negotiation")
    client = await Client.connect(srv.url, other)
    await client.join(codes[other])
    return room, codes, client


async def facilitate(room: Any, *commands: c.CommandBase) -> None:
    for command in commands:
        await room.submit(FACILITATOR, command)


async def to_phase(room: Any, phase: str) -> None:
    """Start the room's game if needed and advance it (as the facilitator) to `phase`."""
    if room.game.state.phase.value == "lobby":
        await facilitate(room, c.StartGame())
    while room.game.state.phase.value != phase:
        await facilitate(room, c.AdvancePhase())


def player_app(srv: Any, tmp_path: Path, code: str = "") -> ParleyApp:
    """The real player app, joining `srv` with `code` (or showing the join form) as Ann."""
    return ParleyApp(Connection(srv.url, backoff=(0.1,)), code=code or None, name="Ann",
                     config_file=tmp_path / "client.json")


@contextmanager
def launched_demo(scenario: str) -> Iterator[Any]:
    """`parley demo SCENARIO`'s server and bots (make_demo), launched, closed on the way out."""
    from server.cli.play import make_demo

    demo = make_demo(scenario, None, time_scale=1.0)
    demo.launch()
    try:
        yield demo
    finally:
        demo.close()
