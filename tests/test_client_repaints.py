"""The table screen's parts that repaint without laying the screen out (client/screens/table.py,
client/widgets/messages.py): a tab label as wide as before, a line in a hidden log, the underline."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static, TabbedContent, TabPane
from textual.widgets._tabs import Underline

from client.screens.table import relabel, underline_now
from client.widgets.messages import ChannelLog


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
