"""The "since you were here" dialog: what a returning student missed, before the table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from client import format as fmt
from server.protocol import wire


def summary_text(summary: wire.SinceSummary, now_phase: str, deadline_text: str) -> str:
    """The summary as the dialog's markup (every line from the server escaped)."""
    from rich.markup import escape

    when = f" (last seen {fmt.local_time(summary.since_at)})" if summary.since_at else ""
    rounds = (f"round {summary.from_round}" if summary.from_round == summary.to_round
              else f"rounds {summary.from_round} to {summary.to_round}")
    lines = [f"[b]Since you were here[/b]{when}",
             f"{summary.events} event{'s' * (summary.events != 1)} you may see, over {rounds}.",
             f"Now: {now_phase}{', ' + deadline_text if deadline_text else ''}.", ""]
    lines += [f"• {escape(line)}" for line in summary.lines]
    lines += [f"[dim]• {escape(line)}[/]" for line in summary.counts]
    if not summary.lines and not summary.counts:
        lines.append("[dim]Nothing but the clock moved.[/]")
    lines += ["", "[dim]Enter or Esc: to the table[/]"]
    return "\n".join(lines)


class SinceScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "To the table"),
                Binding("enter", "dismiss(None)", "To the table", show=False)]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="since"):
            with VerticalScroll():
                yield Static(self.text, id="since-text")
