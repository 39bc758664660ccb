"""The header line: phase, time left, round, who you are, your no-deal value and war cost, what
is unread, a team member's own line, the connection, the scenario — most urgent first, so that
at 80 columns only what comes after what is unread is cut off."""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape
from rich.text import Text
from textual.widgets import Static

from client import format as fmt
from client.state import ClientState
from client.widgets.text import set_text
from server.figures import number


def short_name(name: str) -> str:
    """A long delegation name without its parenthesis ("European coalition (UK, France and
    partners)" -> "European coalition"), so that at 80 columns the no-deal value, the war cost
    and what is unread still fit after it; the full name is on the Brief tab."""
    short = re.sub(r"\s*\([^)]*\)$", "", name)
    return short if len(name) > 20 and short else name


class StatusBar(Static):
    def on_mount(self) -> None:
        self.watch(self.app, "state", self.refresh_text)
        self.set_interval(1.0, self.refresh_text)

    def on_resize(self) -> None:
        self.refresh_text()  # the words shorten at 80 columns: the width is known from here on

    def refresh_text(self, _: Any = None) -> None:
        state: ClientState = self.app.state  # type: ignore[attr-defined]
        view = state.view
        if not view:
            set_text(self, fmt.connection_mark(state.connection, state.connection_detail), fixed_size=True)
            return
        you = view.you
        unread = sum(state.unread(c) for c in state.channels())
        unread_text = f"[b yellow]{unread} unread[/]" if unread else ""
        parts = [f"[b]{view.phase}[/b] {fmt.time_left(view)}".strip(),
                 fmt.round_text(view).replace("round ", "R"),
                 f"[b]{escape(short_name(fmt.delegation_name(view, state.delegation)))}[/b]",
                 f"no deal {number(fmt.no_deal(you))}" if you else "",
                 f"war cost {number(you.war_cost)}" if you else "",
                 unread_text,
                 escape(fmt.member_line(state)),  # a team's member: you, and who leads
                 fmt.connection_mark(state.connection, state.connection_detail),
                 view.scenario.title if view.scenario else ""]
        text = " · ".join(p for p in parts if p)

        def cut() -> bool:
            """Whether what must show is cut: what is unread, or else the war cost's figure (with
            nothing unread the long form ran "war cost" past the 80th column, without its figure)."""
            must = f"{unread} unread" if unread else parts[4]
            return bool(self.size.width and must) and _end_of(text, must) > self.size.width

        if cut():
            # narrow (80 columns): what is unread must show, so the words around the figures go first
            parts[0] = parts[0].removesuffix(" left")
            parts[4] = parts[4].replace("war cost", "war")
            text = " · ".join(p for p in parts if p)
        if cut():
            parts[2] = ""  # a long name ("Russian Federation"): it is on the Brief tab, and it does not change
            text = " · ".join(p for p in parts if p)
        # the clock ticks every second: repaint only on change, and never re-lay out (one line)
        set_text(self, text, fixed_size=True)


def _end_of(markup: str, words: str) -> int:
    """The column just after `words` in the line `markup` draws."""
    plain = Text.from_markup(markup).plain
    return plain.index(words) + len(words)
