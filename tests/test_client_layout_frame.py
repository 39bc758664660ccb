"""client/widgets/layout_frame.py: a tab key on the table screen paints one frame (a plain Screen
painted a second, for the repaints the layout asked and its own frame had already painted), and a
repaint asked after that frame is still painted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from client.screens.table import TABS, TableScreen
from client.widgets.layout_frame import LaidOutOnce
from client_helpers import facilitate, negotiating_with, player_app, wait_until
from server.engine import commands as c
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS


class Panes(Screen[None]):
    # the tabs fill the screen and each pane its tab, as on the table screen (no size changes)
    DEFAULT_CSS = ("TabbedContent, ContentSwitcher, TabPane, #words, #rows { height: 1fr; } "
                   "Screen { overflow: hidden; }")

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="text"):
            with TabPane("1 Text", id="text"):
                yield Static("\n".join(f"line {n}" for n in range(8)), id="words")
            with TabPane("2 Table", id="table"):
                yield DataTable(id="rows", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "what")
        for n in range(40):  # taller than the screen: the table has a scrollbar
            table.add_row(f"P{n}", "a row")


class OncePanes(LaidOutOnce, Panes):
    pass


class PanesApp(App[None]):
    def __init__(self, screen: type[Screen[None]]) -> None:
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first())


def counting_frames(screen: Screen[Any]) -> list[int]:
    counted, paint = [0], screen._compositor_refresh

    def painted() -> None:
        paint()
        counted[0] += 1
    screen._compositor_refresh = painted  # type: ignore[method-assign]
    return counted


async def settled(app: App[Any]) -> None:
    """Until the screen has nothing left to lay out or paint (a few frames' time at most)."""
    for _ in range(100):
        await asyncio.sleep(0.02)
        screen = app.screen
        if not (screen._layout_required or screen._repaint_required or screen._dirty_widgets
                or screen._update_timer._active.is_set()):
            await asyncio.sleep(0.05)  # a frame of Textual's own (1/60 s) would come by now
            return


async def test_each_tab_key_of_the_table_paints_one_frame(srv: ParleyServer, tmp_path: Path) -> None:
    """On the real table screen (120x36, a proposal tabled), every tab key paints exactly one frame."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    await lowland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    await facilitate(room, c.PauseTimer())  # the clock still: its second's tick is a frame of its own
    app = player_app(srv, tmp_path, codes["upland"])
    app.animation_level = "none"  # the underline's slide is frames of its own
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.state.view
                         and app.state.view.proposals and app.state.view.paused_remaining is not None,
                         what="the paused table with its proposal")
        keys = ("3", "5", "4", "2", "6", "1")
        for key in keys:  # each tab shown once: its first showing is the screen's opening cost
            await pilot.press(key)
        await settled(app)
        counted = counting_frames(app.screen)
        for key in keys:
            before = counted[0]
            await pilot.press(key)
            await settled(app)
            assert counted[0] - before == 1, f"key {key}: {counted[0] - before} frames"
            assert app.screen.active_tab == TABS[int(key) - 1]


async def test_a_repaint_asked_after_the_layout_frame_is_painted() -> None:
    """A change after the layout's frame (the text updated) gets a frame of its own."""
    app = PanesApp(OncePanes)
    app.animation_level = "none"
    async with app.run_test(size=(60, 16)):
        await settled(app)
        counted = counting_frames(app.screen)
        app.screen.query_one("#words", Static).update("changed")
        await settled(app)
        assert counted[0] >= 1
        assert "changed" in str(app.screen.query_one("#words", Static).render())


class Scrolled(Screen[None]):
    # a column taller than the screen: its last part is placed below what is shown
    DEFAULT_CSS = "Screen { overflow: hidden; } #column { height: 1fr; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="column"):
            for n in range(6):
                yield Static("\n".join(f"part {n}" for _ in range(6)), id=f"part-{n}")  # 6 lines


class OnceScrolled(LaidOutOnce, Scrolled):
    pass


class ScrolledApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(OnceScrolled())


async def test_a_repaint_of_a_widget_out_of_view_paints_no_frame_and_shows_when_scrolled_to() -> None:
    """A part scrolled out of view (the sidebar's unread count below 40 proposals) changed: no
    frame (a plain Screen paints an empty one); scrolled into view, it shows the new text."""
    app = ScrolledApp()
    app.animation_level = "none"
    async with app.run_test(size=(40, 12)):
        await settled(app)
        counted = counting_frames(app.screen)
        app.screen.query_one("#part-5", Static).update("\n".join("changed below" for _ in range(6)), layout=False)  # same size
        await settled(app)
        assert counted[0] == 0, f"{counted[0]} frames for a change nobody can see"
        app.screen.query_one("#column", VerticalScroll).scroll_end(animate=False)
        await settled(app)
        assert "changed&#160;below" in app.export_screenshot()  # the SVG spaces are non-breaking
