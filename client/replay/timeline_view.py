"""`TimelineView`: the timeline as a virtual list — one line per row, only the visible lines drawn.

A game of 10,000 events has 10,000 rows; a widget per row (or an OptionList, which measures
every option's wrapped height) takes seconds to lay out. Here the rows are plain strings with
a style, the virtual height is the row count, and `render_line` draws the lines on screen, so
opening and scrolling cost the same whatever the length of the game. Header rows (round and
phase) sit between the events; a click on an event row posts `Clicked` with its row.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

HEADER = Style(bold=True, reverse=True)
CURSOR = Style(reverse=True, bold=True)
GROUP_STYLES = {"messages": Style(color="magenta"), "proposals": Style(color="cyan"),
                "votes": Style(color="green"), "pressure": Style(color="yellow"),
                "outcome": Style(color="red", bold=True), "statements": Style(),
                "phases": Style(dim=True), "facilitator": Style(dim=True)}


@dataclass(frozen=True)
class Row:
    text: str
    group: str | None  # None: a header row


class TimelineView(ScrollView, can_focus=True, inherit_bindings=False):
    """The rows, with none of ScrollView's keys: the arrows, Home, End and the page keys move the
    replay's cursor (the screen's bindings), and the view follows it. Had the view kept its own,
    End would scroll to the bottom while the cursor, the panel and the status stayed put."""

    class Clicked(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Row] = []
        self.cursor_row = -1

    def set_rows(self, rows: list[Row]) -> None:
        self.rows = rows
        self.cursor_row = -1
        self.virtual_size = Size(self.size.width, len(rows))
        self.refresh()

    def move_cursor(self, row: int) -> None:
        """Highlight `row` and scroll it into view (with the rows above it as context)."""
        self.cursor_row = row
        self.scroll_to_region(Region(0, max(0, row - 1), 1, 3), animate=False, force=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row_index = y + self.scroll_offset.y
        if not 0 <= row_index < len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[row_index]
        if row.group is None:
            style = HEADER
        elif row_index == self.cursor_row:
            style = CURSOR
        else:
            style = GROUP_STYLES.get(row.group, Style())
        text = row.text if len(row.text) <= width else row.text[: max(0, width - 1)] + "…"
        return Strip([Segment(set_cell_size(text, width), self.rich_style + style)], width)

    def on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < len(self.rows) and self.rows[row].group is not None:
            self.post_message(self.Clicked(row))
