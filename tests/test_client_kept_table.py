"""KeptTable (client/widgets/kept_table.py): its cells survive a tab switch and a focus move, and
it always looks as Textual's own DataTable looks in the same state (focus, theme)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, TabbedContent, TabPane

from client.widgets.kept_table import KeptTable


class Twins(App[None]):
    """A KeptTable and a stock DataTable with the same rows, side by side in one tab."""

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="tables"):
            with TabPane("tables", id="tables"):
                yield KeptTable(id="kept", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="stock", cursor_type="row", zebra_stripes=True)
            with TabPane("other", id="other"):
                yield Input(id="elsewhere")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns("id", "worth", "status")
            for n in range(12):
                table.add_row(f"P{n}", f"{40 + n}", "to sign")


def lines(table: DataTable[Any]) -> list[str]:
    """The table's rendered lines as text with their styles (what the terminal is sent)."""
    return [strip.render(table.app.console) for strip in table.render_lines(table.region.reset_offset)]


def counting_cells(table: DataTable[Any]) -> list[int]:
    rendered = [0]
    render_cell = table._render_cell

    def counted(*args: Any, **kwargs: Any) -> Any:
        rendered[0] += 1
        return render_cell(*args, **kwargs)
    table._render_cell = counted  # type: ignore[method-assign]
    return rendered


async def show_again(app: Twins, pilot: Any, kept: KeptTable) -> None:
    """Show the other tab, then the tables' tab again with the kept table focused, as a player's keys do."""
    tabs = app.query_one(TabbedContent)
    tabs.active = "other"
    app.query_one("#elsewhere", Input).focus()
    await pilot.pause()
    tabs.active = "tables"
    kept.focus()
    await pilot.pause()
    await pilot.pause()

async def test_a_tab_shown_again_renders_no_cell_again_and_looks_like_the_stock_table() -> None:
    """Hidden and shown again (focus gone and back), no cell is rendered again; every look matches DataTable's."""
    app = Twins()
    async with app.run_test(size=(60, 40)) as pilot:
        kept, stock = app.query_one("#kept", KeptTable), app.query_one("#stock", DataTable)
        kept.focus()
        await pilot.pause()
        focused = lines(kept)
        stock.focus()
        await pilot.pause()
        assert lines(stock) == focused  # the same rows and state: the same picture
        unfocused = lines(kept)
        assert unfocused != focused  # the cursor row shows the focus is gone
        kept.focus()
        await pilot.pause()
        rendered = counting_cells(kept)
        await show_again(app, pilot, kept)
        assert lines(kept) == focused
        assert rendered[0] == 0  # every cell came from the cache


async def test_a_new_theme_renders_the_cells_again() -> None:
    """After a theme change the table shows the new theme's colours, exactly as DataTable does."""
    app = Twins()
    async with app.run_test(size=(60, 40)) as pilot:
        kept, stock = app.query_one("#kept", KeptTable), app.query_one("#stock", DataTable)
        await pilot.pause()
        before = lines(kept)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        assert lines(kept) != before
        assert lines(kept) == lines(stock)


async def test_a_new_size_renders_the_cells_while_shown_not_at_the_next_showing() -> None:
    """Resized while shown, the table renders its cells again then, so showing its tab again renders none."""
    app = Twins()
    async with app.run_test(size=(60, 40)) as pilot:
        kept = app.query_one("#kept", KeptTable)
        kept.focus()
        await pilot.pause()
        width = kept.size.width
        await pilot.resize_terminal(70, 40)
        await pilot.pause()
        await pilot.pause()
        assert kept.size.width != width  # a new size: DataTable dropped what it had rendered
        rendered = counting_cells(kept)
        await show_again(app, pilot, kept)
        assert rendered[0] == 0  # rendered at the new size while shown, kept since
