"""The header line: phase, time left, round, who you are, your no-deal value and war cost, what
is unread, the connection, the scenario — most urgent first, so that at 80 columns only the
scenario's title is cut off."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.widgets import Static

from client import format as fmt
from client.widgets.text import set_text


class StatusBar(Static):
    def on_mount(self) -> None:
        self.watch(self.app, "state", self.refresh_text)
        self.set_interval(1.0, self.refresh_text)

    def refresh_text(self, _: Any = None) -> None:
        state = self.app.state  # type: ignore[attr-defined]
        view = state.view
        if not view:
            set_text(self, fmt.connection_mark(state.connection, state.connection_detail), fixed_size=True)
            return
        you = view.get("you") or {}
        unread = sum(state.unread(c) for c in state.channels())
        parts = [f"[b]{view['phase']}[/b] {fmt.time_left(view)}".strip(),
                 fmt.round_text(view).replace("round ", "R"),
                 f"[b]{fmt.delegation_name(view, state.delegation)}[/b]",
                 escape(fmt.member_line(state)),  # a team's member: you, and who leads
                 f"no deal {fmt.no_deal(you):g}" if you else "",
                 f"war cost {you['war_cost']:g}" if you else "",
                 f"[b yellow]{unread} unread[/]" if unread else "",
                 fmt.connection_mark(state.connection, state.connection_detail),
                 view["scenario"]["title"]]
        # the clock ticks every second: repaint only on change, and never re-lay out (one line)
        set_text(self, " · ".join(p for p in parts if p), fixed_size=True)
