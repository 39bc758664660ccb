"""The pressure panel: meters, this game's events, and what changed for you."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from client import format as fmt
from client.messages import Happened
from client.state import ChangesSeen, ClientState
from client.widgets.text import set_text
from server.figures import number

BAR = 20


def meter_bar(value: float, low: float, high: float) -> str:
    filled = 0 if high <= low else round(BAR * (value - low) / (high - low))
    return "█" * filled + "░" * (BAR - filled)


class PressurePanel(VerticalScroll, can_focus=True):
    def compose(self) -> ComposeResult:
        yield Static("", id="pressure-text")

    def show(self, state: ClientState) -> None:
        view = state.view
        if not view:
            return
        lines = ["[b]Meters[/b]"]
        for meter in view.scenario.meters if view.scenario else ():
            value = view.meters.get(meter.id, meter.start)
            label = meter.label if len(meter.label) <= 32 else meter.label[:31] + "…"
            lines.append(f"  {label:<32} {meter_bar(value, meter.min, meter.max)} {value:g}")
        you = view.you
        if you:
            lines.append(f"\n[b]You[/b]  reservation {number(you.reservation)} (started at "
                         f"{number(you.starting_reservation)}) · war cost so far {number(you.war_cost)}")
        lines.append("\n[b]What changed for you[/b] (newest first)")
        lines += [f"  • {escape(fmt.reflow(c))}" for c in reversed(state.changes[-12:])] or ["  [dim]nothing yet[/]"]
        lines.append("\n[b]Events this game[/b]")
        for card in reversed(view.pressure):
            injected = " [dim](injected)[/]" if card.injected else ""
            lines.append(f"  R{card.round} [b]{escape(card.title)}[/b] ({card.kind}){injected}: "
                         f"{escape(fmt.reflow(card.text))}")
        if not view.pressure:
            lines.append("  [dim]none yet[/]")
        intelligence = you.intelligence if you else []
        if intelligence:
            lines.append("\n[b]Your intelligence[/b]")
            lines += [f"  • {escape(fmt.reflow(item))}" for item in intelligence]
        set_text(self.query_one("#pressure-text", Static), "\n".join(lines))  # a layout only when changed
        if state.unseen_changes:
            # to the app itself: posted here while the table screen renders, it would bubble only
            # as far as the screen (Textual stops a message at its sender) and never be folded in
            self.app.post_message(Happened(ChangesSeen()))
