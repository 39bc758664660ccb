"""`ReplayScreen`: a recorded game's timeline with a cursor, and the state at the cursor beside it.

Theory of operation
-------------------
A `server.replay.Cursor` owns where we are and every move (steps, rounds, proposals, a
delegation's events, search, filters); this screen only turns keys into cursor calls and then
shows the cursor: it highlights the cursor's row in the timeline (a virtual `TimelineView`,
one line per event, grouped by round and phase under header rows) and renders
`replay.view_at(cursor.index)` in the state panel, the cursor's event in full on top. A click
on a timeline row moves the cursor there. The screen is self-contained (its own CSS and bindings), so the player's
outcome screen can push it for "Review this game", and `ReplayApp` pushes it at start.
"""

from __future__ import annotations

import bisect
from itertools import groupby

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from client.replay.chart import ConcessionChart
from client.replay.panels import state_markup
from client.replay.timeline_view import Row, TimelineView
from client.widgets.footer import KeysFooter
from server.replay import FACILITATOR, Cursor, Replay
from server.replay.timeline import GROUPS, Entry

GROUP_CHOICES: list[str | None] = [None, *GROUPS]


def row_text(cursor: Cursor, entry: Entry) -> str:
    return f"{entry.seq:>5} {cursor.text(entry)}"


class ReplayScreen(Screen[None]):
    """Step through `replay`; `can_switch` lets the viewer change seat (v) — only for someone
    allowed to see everything (the facilitator, or anyone once the game is open for review)."""

    BINDINGS = [
        Binding("down,right,n", "step(1)", "Next"),
        Binding("up,left,p", "step(-1)", "Prev"),
        Binding("pagedown", "step(20)", "20 on", show=False),
        Binding("pageup", "step(-20)", "20 back", show=False),
        Binding("r", "round(True)", "Next round"),
        Binding("R", "round(False)", "Prev round", show=False),
        Binding("o", "proposal(True)", "Next proposal"),
        Binding("O", "proposal(False)", "Prev proposal", show=False),
        Binding("c", "choose", "Choose delegation"),
        Binding("d", "delegation(True)", "Its next event"),
        Binding("D", "delegation(False)", "Its prev event", show=False),
        Binding("home,g", "start", "Start"),
        Binding("end,G", "end", "End"),
        Binding("t", "filter_type", "Filter type"),
        Binding("a", "filter_delegation", "Filter delegation"),
        Binding("x", "clear_filter", "Clear filter", show=False),
        Binding("slash", "search", "Search"),
        Binding("s", "search_again", "Search again", show=False),
        Binding("v", "switch_seat", "View as", show=False),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, replay: Replay, can_switch: bool = False, at_end: bool = False) -> None:
        super().__init__()
        self.replay = replay
        self.can_switch = can_switch
        self.cursor = Cursor(replay, at_end=at_end)
        self.chosen: str | None = replay.seat if replay.seat != FACILITATOR else None
        self.query_text = ""
        self._rows: list[int] = []  # timeline row of each shown entry

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="replay-status")
        with Horizontal(id="replay-body"):
            yield TimelineView(id="timeline")
            with Vertical(id="state-side"):
                with VerticalScroll(id="state-scroll"):
                    yield Static("", id="state-text")
                yield ConcessionChart(self.replay.concessions(), self.replay.names.delegations,
                                      id="chart")
        yield Input(placeholder="search the timeline (enter: find next, escape: back)", id="search")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.fill_timeline()
        self.query_one("#timeline", TimelineView).focus()

    def fill_timeline(self) -> None:
        """Rebuild the timeline rows from the cursor's shown entries, headers between groups."""
        rows: list[Row] = []
        self._rows = []
        for (round_, phase), entries in groupby(self.cursor.shown, key=lambda e: (e.round, e.phase)):
            title = f"Round {round_} · {phase}" if round_ else phase.capitalize()
            rows.append(Row(f" {title} ", None))
            for entry in entries:
                self._rows.append(len(rows))
                rows.append(Row(row_text(self.cursor, entry), entry.group))
        self.query_one("#timeline", TimelineView).set_rows(rows)
        self.show_cursor()

    # ------------------------------------------------------------ showing the cursor

    def show_cursor(self) -> None:
        if self._rows:
            self.query_one("#timeline", TimelineView).move_cursor(self._rows[self.cursor.pos])
        self.show_state()

    def show_state(self) -> None:
        entry = self.cursor.entry
        seat_name = self.seat_name()
        if entry is None:
            text = f"[b]{escape(seat_name)}[/b]\n\n[dim]No event matches the filter.[/]"
        else:
            text = (f"[reverse] {entry.seq} [/] {escape(self.cursor.text(entry))}\n\n"
                    + state_markup(self.replay.view_at(entry.index), seat_name))
            self.query_one("#chart", ConcessionChart).mark_round(entry.round)
        self.query_one("#state-text", Static).update(text)
        self.query_one("#replay-status", Static).update(self.status_text())

    def seat_name(self) -> str:
        if self.replay.seat == FACILITATOR:
            return "Everything (facilitator's view)"
        return f"As {self.replay.names.of(self.replay.seat)}"

    def status_text(self) -> str:
        c = self.cursor
        where = f"event {c.entry.seq} of {len(self.replay)}" if c.entry else "no event"
        bits = [escape(self.replay.scenario.title), where, f"{len(c.shown)} shown"]
        if c.group or c.delegation:
            bits.append("filter: " + " + ".join(
                filter(None, [c.group, c.delegation and self.replay.names.of(c.delegation)])))
        if self.chosen:
            bits.append(f"d: {escape(self.replay.names.of(self.chosen))}")
        if self.query_text:
            bits.append(f"search: {escape(self.query_text)}")
        return " · ".join(bits)

    @on(TimelineView.Clicked)
    def row_clicked(self, event: TimelineView.Clicked) -> None:
        pos = bisect.bisect_left(self._rows, event.row)
        if pos < len(self._rows) and self._rows[pos] == event.row:
            self.cursor.go(pos)
            self.show_cursor()

    # ------------------------------------------------------------ moves

    def action_step(self, n: int) -> None:
        self.cursor.step(n)
        self.show_cursor()

    def action_round(self, forward: bool) -> None:
        self._moved(self.cursor.next_round(forward), "no other round")

    def action_proposal(self, forward: bool) -> None:
        self._moved(self.cursor.next_proposal(forward), "no more proposals that way")

    def action_delegation(self, forward: bool) -> None:
        if self.chosen is None:
            self.notify("Choose a delegation first (c).")
            return
        self._moved(self.cursor.next_of(self.chosen, forward),
                    f"no more events of {self.replay.names.of(self.chosen)} that way")

    def action_start(self) -> None:
        self.cursor.start()
        self.show_cursor()

    def action_end(self) -> None:
        self.cursor.end()
        self.show_cursor()

    def _moved(self, moved: bool, otherwise: str) -> None:
        if moved:
            self.show_cursor()
        else:
            self.notify(otherwise.capitalize() + ".", timeout=2)

    def _cycle(self, choices: list[str | None], current: str | None) -> str | None:
        return choices[(choices.index(current) + 1) % len(choices)]

    def action_choose(self) -> None:
        self.chosen = self._cycle([None, *self.replay.delegations], self.chosen)
        self.show_state()

    # ------------------------------------------------------------ filter and search

    def action_filter_type(self) -> None:
        self.cursor.set_filter(self._cycle(GROUP_CHOICES, self.cursor.group), self.cursor.delegation)
        self.fill_timeline()

    def action_filter_delegation(self) -> None:
        choices: list[str | None] = [None, *self.replay.delegations]
        self.cursor.set_filter(self.cursor.group, self._cycle(choices, self.cursor.delegation))
        self.fill_timeline()

    def action_clear_filter(self) -> None:
        self.cursor.set_filter()
        self.fill_timeline()

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("-shown")
        box.focus()

    def action_search_again(self) -> None:
        if self.query_text:
            self._moved(self.cursor.search(self.query_text), f"no event matches {self.query_text!r}")

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.action_search_again()
        self.query_one("#search", Input).remove_class("-shown")
        self.query_one("#timeline", TimelineView).focus()

    # ------------------------------------------------------------ seat and closing

    def action_switch_seat(self) -> None:
        if not self.can_switch:
            self.notify("Only the facilitator (or anyone once the debrief is open) may switch seats.")
            return
        seats: list[str | None] = [FACILITATOR, *self.replay.delegations]
        seat = self._cycle(seats, self.replay.seat)
        assert seat is not None
        here = self.cursor.index
        self.replay = self.replay.as_seat(seat)
        self.cursor = Cursor(self.replay)
        self.cursor.set_filter()
        self.cursor.go(max(0, sum(1 for e in self.cursor.shown if e.index <= here) - 1))
        chart = self.query_one("#chart", ConcessionChart)
        chart.series = {d: [p for p in s if p.complete] for d, s in self.replay.concessions().items()}
        chart.draw()
        self.fill_timeline()

    def action_close(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_class("-shown"):
            box.remove_class("-shown")
            self.query_one("#timeline", TimelineView).focus()
        else:
            self.dismiss()
