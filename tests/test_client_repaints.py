"""The table screen's parts that repaint without laying the screen out (client/screens/table.py,
client/widgets/messages.py): a tab label as wide as before, a line in a hidden log, the underline;
and what a repaint renders again (client/widgets/kept_blank.py, kept_table.StyleOncePerRender)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.style import Style
from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane
from textual.widgets._tabs import Underline

from client.screens import table as table_screen
from client.screens.table import Pane, TableScreen, TableTabs, relabel, sidebar_parts, underline_now
from client.widgets.messages import ChannelLog
from client_helpers import open_room, player_app, to_phase, wait_until
from server.engine import commands as c
from server.net.server import ParleyServer


class Tabs(App[None]):
    def compose(self) -> ComposeResult:
        with TabbedContent(initial="one"):
            with TabPane("1 One", id="one"):
                yield Static("one")
            with TabPane("5 Messages (3)", id="messages"):
                yield ChannelLog(id="log")
            with TabPane("6 Brief", id="brief"):
                yield Static("brief")


def layouts(app: App[Any]) -> list[int]:
    """Counts the screen's layouts from now on."""
    screen, counted = app.screen, [0]
    lay_out = screen._refresh_layout

    def counting(*args: Any, **kwargs: Any) -> None:
        counted[0] += 1
        lay_out(*args, **kwargs)
    screen._refresh_layout = counting  # type: ignore[method-assign]
    return counted


async def test_a_label_as_wide_as_before_is_repainted_and_a_wider_one_laid_out() -> None:
    """"(3)" -> "(4)" changes the label without a layout; "(3)" -> "" lays the bar out (the tab shrinks)."""
    app = Tabs()
    async with app.run_test(size=(80, 24)) as pilot:
        tab = app.query_one(TabbedContent).get_tab("messages")
        await pilot.pause(0.2)  # the opening layouts done
        counted = layouts(app)
        relabel(tab, "5 Messages (4)")
        await pilot.pause()
        assert str(tab.label) == "5 Messages (4)" and "5 Messages (4)" in str(tab.render())
        assert counted[0] == 0
        relabel(tab, "5 Messages")
        await pilot.pause()
        assert str(tab.label) == "5 Messages" and counted[0] >= 1


async def test_a_line_written_to_a_hidden_log_lays_nothing_out_and_shows_with_its_tab() -> None:
    """While its tab is hidden the log takes lines without a layout; shown, it holds them all."""
    app = Tabs()
    async with app.run_test(size=(80, 24)) as pilot:
        log, tabs = app.query_one(ChannelLog), app.query_one(TabbedContent)
        tabs.active = "messages"  # shown once: the log knows its width and writes at once
        await pilot.pause(0.2)
        tabs.active = "one"
        await pilot.pause(0.2)
        counted = layouts(app)
        for n in range(30):
            log.write(f"line {n}")
        await pilot.pause()
        assert counted[0] == 0
        tabs.active = "messages"
        await pilot.pause()
        await pilot.pause()
        assert log.virtual_size.height == 30 and log.region.height > 0
        assert log.max_scroll_y > 0  # laid out with every line: it scrolls


async def test_the_underline_is_under_the_new_tab_before_the_next_frame() -> None:
    """underline_now places the bar's underline under the tab just chosen, as Textual later would."""
    app = Tabs()
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = app.query_one(TabbedContent)
        underline = app.query_one(Underline)
        tabs.active = "brief"
        underline_now(tabs)
        placed = (underline.highlight_start, underline.highlight_end)
        await pilot.pause()
        await pilot.pause()
        assert placed == (underline.highlight_start, underline.highlight_end)  # where Textual put it
        assert placed != (0, 0)


class Panes(App[None]):
    """The table screen's own tabs and panes (TableTabs, Pane), with a log to repaint; as on the
    table screen, the tabs take the screen's height whichever pane is shown."""

    CSS = "TableTabs, ContentSwitcher, Pane { height: 1fr; }"

    def compose(self) -> ComposeResult:
        with TableTabs(initial="one"):
            with Pane("1 One", id="one"):
                yield Static("one")
            with Pane("2 Two", id="two"):
                yield ChannelLog(id="log")


def counting_renders(monkeypatch: Any) -> list[str]:
    """Records `Widget.render_lines` from now on: each widget whose lines are rendered afresh."""
    rendered: list[str] = []
    render_lines = Widget.render_lines

    def counted(widget: Widget, crop: Region) -> list[Strip]:
        rendered.append(f"{type(widget).__name__}#{widget.id}")
        return render_lines(widget, crop)
    monkeypatch.setattr(Widget, "render_lines", counted)
    return rendered


async def test_the_tabs_and_a_pane_shown_again_render_no_blank_line_again_until_the_theme_changes(
        monkeypatch: Any) -> None:
    """A tab key renders neither TableTabs nor the pane it shows again (as a fresh render would look); a new theme does."""
    app = Panes()
    async with app.run_test(size=(80, 24)) as pilot:
        tabs, two = app.query_one(TableTabs), app.query_one("#two", Pane)
        for tab in ("two", "one"):  # each shown once
            tabs.active = tab
            await pilot.pause()
        rendered = counting_renders(monkeypatch)
        tabs.active = "two"
        await pilot.pause()
        await pilot.pause()
        assert "Pane#two" not in rendered and "TableTabs#None" not in rendered
        assert "ChannelLog#log" in rendered  # what the pane shows is painted as before
        kept = [strip.render(app.console) for strip in two.render_lines(two.region.reset_offset)]
        two._kept_lines = None
        assert [strip.render(app.console) for strip in two.render_lines(two.region.reset_offset)] == kept
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.pause()
        assert "Pane#two" in rendered and "TableTabs#None" in rendered


async def test_a_log_repainted_whole_works_its_style_out_once_not_once_a_line(monkeypatch: Any) -> None:
    """ChannelLog (StyleOncePerRender) walks its ancestors' styles once per repaint, though each of its lines asks."""
    app = Panes()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(TableTabs).active = "two"
        log = app.query_one(ChannelLog)
        for n in range(30):
            log.write(f"line {n}")
        await pilot.pause()
        await pilot.pause()
        walks = [0]
        rich_style = DOMNode.rich_style

        def walked(node: DOMNode) -> Style:
            if node is log:
                walks[0] += 1
            return rich_style.fget(node)  # type: ignore[attr-defined, no-any-return]
        monkeypatch.setattr(DOMNode, "rich_style", property(walked))
        log.refresh()
        await pilot.pause()
        assert log.region.height >= 10 and walks[0] == 1


async def test_a_tab_key_shows_the_table_once_and_a_new_state_again(srv: ParleyServer, tmp_path: Path,
                                                                    monkeypatch: Any) -> None:
    """TableScreen.show does the tab's labels and sidebar once per key (not again at TabActivated); an update does them again."""
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.query("#turn-hint")
                         and str(app.screen.query_one("#turn-hint").render()), what="the table")
        await pilot.pause(0.2)
        shown: list[Any] = []

        def counted(state: Any) -> Any:
            shown.append(state)
            return sidebar_parts(state)
        monkeypatch.setattr(table_screen, "sidebar_parts", counted)
        await pilot.press("3")
        await wait_until(pilot, lambda: app.screen.query_one(TabbedContent).active == "proposals", what="the tab")
        await pilot.pause(0.2)
        assert len(shown) == 1
        await room.submit("lowland", c.MakeStatement(text="A word from Lowland."))
        await wait_until(pilot, lambda: len(shown) == 2, what="the new state shown")
        assert shown[1] is app.state
