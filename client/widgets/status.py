"""The header line: scenario, round, phase, time left, who you are, and the connection."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from client import format as fmt


class StatusBar(Static):
    DEFAULT_CSS = "StatusBar { height: 1; background: $primary-background; padding: 0 1; }"

    def on_mount(self) -> None:
        self.watch(self.app, "state", self.refresh_text)
        self.set_interval(1.0, self.refresh_text)

    def refresh_text(self, _: Any = None) -> None:
        state = self.app.state  # type: ignore[attr-defined]
        view = state.view
        if not view:
            self.update(fmt.connection_mark(state.connection, state.connection_detail))
            return
        # Most urgent first: at 80 columns the scenario's title is what gets cut off.
        parts = [f"[b]{view['phase']}[/b]", fmt.time_left(view), fmt.round_text(view),
                 f"[b]{fmt.delegation_name(view, state.delegation)}[/b]",
                 fmt.connection_mark(state.connection, state.connection_detail),
                 view["scenario"]["title"]]
        self.update(" · ".join(p for p in parts if p))
