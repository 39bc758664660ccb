"""The rejoin-code dialog: the code a student writes down to come back to the seat."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class RejoinCodeScreen(ModalScreen[None]):
    """Shown once after the first join (the join code is spent then), and again on F9."""

    BINDINGS = [Binding("escape,enter", "dismiss", "I wrote it down")]

    def __init__(self, code: str, first: bool = False) -> None:
        super().__init__()
        self.code, self.first = code, first

    def compose(self) -> ComposeResult:
        lead = ("Your join code is used up now. " if self.first else "") + (
            "If this window closes, the page reloads or your computer restarts, you come back "
            "to your seat with this [b]rejoin code[/b] (type it where you typed the join code). "
            "Write it down now and keep it to yourself: it is your seat.")
        with Vertical(classes="modal-box", id="rejoin-box"):
            yield Static("[b]Your rejoin code[/b]")
            yield Static(lead, classes="hint")
            yield Static(f"[b]{self.code}[/b]", id="rejoin-code", classes="callout")
            yield Static("[dim]F9 shows it again. Lost it? Your facilitator can give your seat a "
                         "fresh join code.[/]")
            yield Button("I wrote it down (Enter)", id="done", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()
