"""Pictures of the client's screens at 80x24 and 120x36 (pytest-textual-snapshot): a layout
regression changes a picture and fails. Refresh them on purpose with `pytest --snapshot-update`.

Nothing in a picture depends on the moment or on chance: seat views come from the real engine
playing a seeded game on its own clock (tests/engine_helpers.Table), the time left is read at a
fixed point before each deadline, the room, token and class ids are fixed, and a package's
worth is answered by the same engine function the server uses (`Game.package_worth`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from client import format as fmt
from client.app import ParleyApp
from client.state import ConnectionChanged, Requested
from client_helpers import joined, wait_until
from engine_helpers import Table
from server.engine import FACILITATOR
from server.engine import commands as c
from server.engine.phases import Phase
from server.protocol import wire
from server_helpers import AGREEABLE_TUTORIAL_TERMS

SIZES = [(80, 24), (120, 36)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]  # picture names say the terminal size
NO_CONFIG = Path(__file__).parent / "__snapshots__" / "no-client-config.json"  # never written
RED_LINE_TERMS = {"dam_height": "frozen", "water_flow": "guaranteed", "compensation": "none"}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every timer reads 1:30 left, whenever the picture is taken."""
    original = fmt.time_left

    def time_left(view: Any, now: float | None = None) -> str:
        deadline = view.deadline if view else None
        return original(view, now=deadline - 90 if deadline is not None else None)

    monkeypatch.setattr(fmt, "time_left", time_left)


class SnapshotApp(ParleyApp):
    """The real app without a socket: the seat's view is handed in, worth is asked of the engine."""

    def __init__(self, table: Table | None = None, seat: str = "upland", **kwargs: Any) -> None:
        # a config file that is never there: nothing remembered from the user's own runs
        super().__init__(server="ws://127.0.0.1:8765", name="Ann", config_file=NO_CONFIG, **kwargs)
        self.table, self.seat = table, seat
        self.animation_level = "none"

    async def fetch(self, kind: str, room: str | None = None,
                    terms: dict[str, str] | None = None) -> str | None:
        if kind != "worth" or self.table is None:
            return None
        request = f"w{len(self.state.fetches) + 1}"
        self.apply(Requested(kind, request, room))
        self.apply(wire.Worth(reply_to=request, room="R1",
                              worth=self.table.game.package_worth(self.seat, terms or {})))
        return request


def negotiating(scenario: str = "tutorial") -> Table:
    table = Table(scenario, seed=3)
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.TableProposal(terms=RED_LINE_TERMS))
    table.act("commission", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    table.act("lowland", c.MakeStatement(text="Water first, then we can talk about the fund."))
    table.act("commission", c.SendMessage(to="upland", text="Would a shared fund work for you?"))
    return table


async def seat(pilot: Any, table: Table, keys: tuple[str, ...] = ()) -> None:
    app = pilot.app
    app.apply(joined(table, app.seat))
    app.apply(ConnectionChanged("connected"))
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await wait_until(pilot, lambda: focus_settled(app), what="the focus inside the shown tab")
    await pilot.pause(0.2)


def focus_settled(app: ParleyApp) -> bool:
    """On the table, the focus has reached the tab shown (under load it comes a few frames late,
    and a picture taken before it would show another widget focused)."""
    tabs = app.screen.query("#tabs")
    if not tabs:
        return True  # not the table screen
    focused = app.screen.focused
    return focused is not None and any(node.id == tabs.first().active
                                       for node in focused.ancestors_with_self)


def take(snap_compare: Any, app: ParleyApp, size: tuple[int, int],
         run_before: Callable[[Any], Awaitable[None]] | None = None) -> None:
    async def steady(pilot: Any) -> None:
        if run_before is not None:
            await run_before(pilot)
        for box in pilot.app.screen.query(Input):  # a blinking cursor is there or not by chance
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=steady)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_join_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    """The join form, the code field focused (and visibly so)."""
    take(snap_compare, SnapshotApp(), size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_lobby_with_the_brief(snap_compare: Any, size: tuple[int, int]) -> None:
    """The lobby: the briefing, your brief with red lines and points, before the game starts."""
    table = Table("istanbul-2022", seed=3)

    async def run_before(pilot: Any) -> None:
        await seat(pilot, table)

    take(snap_compare, SnapshotApp(table, "ukraine"), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5", "6"], ids=lambda key: f"tab{key}")
def test_table_tabs(snap_compare: Any, size: tuple[int, int], tab: str) -> None:
    """Each tab of the table in a negotiation with two proposals, one across a red line."""
    table = negotiating()

    async def run_before(pilot: Any) -> None:
        await seat(pilot, table, (tab,))

    take(snap_compare, SnapshotApp(table), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_writing_a_message(snap_compare: Any, size: tuple[int, int]) -> None:
    """Writing mode: the cursor in the box, only the writing keys in the footer."""
    table = negotiating()

    async def run_before(pilot: Any) -> None:
        await seat(pilot, table, ("m", *"a shared fund"))

    take(snap_compare, SnapshotApp(table), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_composer_with_a_package(snap_compare: Any, size: tuple[int, int]) -> None:
    """The composer amending a proposal: its worth as scored and why, above and below the pickers."""
    table = negotiating("tutorial")

    async def run_before(pilot: Any) -> None:
        await seat(pilot, table, ("3", "down", "a"))

    take(snap_compare, SnapshotApp(table), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_signing_across_a_red_line_asks(snap_compare: Any, size: tuple[int, int]) -> None:
    """The question before a red-line signature, with what it costs."""
    table = negotiating()
    table.advance_to(Phase.DECISION)

    async def run_before(pilot: Any) -> None:
        await seat(pilot, table, ("3", "s"))

    take(snap_compare, SnapshotApp(table), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_outcome(snap_compare: Any, size: tuple[int, int]) -> None:
    """The outcome of a signed agreement: terms, your result, durability and why, history."""
    table = Table("tutorial", seed=3)
    table.advance_to(Phase.NEGOTIATION)
    table.act("commission", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    table.advance_to(Phase.DECISION)
    for delegation in table.state.proposals["P1"].required:
        table.act(delegation, c.SignProposal(proposal="P1"))

    async def run_before(pilot: Any) -> None:
        await seat(pilot, table)

    take(snap_compare, SnapshotApp(table), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_facilitator_console(snap_compare: Any, size: tuple[int, int]) -> None:
    """The facilitator's console on a class of one room in negotiation, a seat row selected."""
    table = negotiating()
    seats = [wire.SeatInfo(delegation=d, code=f"{d[:2].upper()}-7KQ4", name="Ann" if d == "upland" else None,
                           connected=d == "upland", controller="human" if d == "upland" else "bot")
             for d in ("upland", "lowland", "commission")]
    room = wire.RoomInfo(room="CLS-1", seats=seats, view=table.game.view_for(FACILITATOR, include_notes=False))
    message = wire.ClassState(reply_to="c1", class_="CLS", scenario="tutorial", rooms=[room])

    async def run_before(pilot: Any) -> None:
        from client.screens.facilitator import ConsoleScreen

        app = pilot.app
        app.role = "facilitator"
        app.apply(message)
        app.apply(ConnectionChanged("connected"))
        await app.push_screen(ConsoleScreen())
        await pilot.pause(0.2)

    take(snap_compare, SnapshotApp(table, role="facilitator"), size, run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_facilitator_setup_form(snap_compare: Any, size: tuple[int, int]) -> None:
    """The facilitator's form to open a class, its first field focused."""
    take(snap_compare, SnapshotApp(role="facilitator"), size)
