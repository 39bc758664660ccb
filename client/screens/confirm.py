"""A question before an irreversible move: what it is, what it costs, yes or no.

The safe answer has the focus, so Enter (or Escape, or n) never does the irreversible thing;
only `y` or the yes button does. A question asked at one moment of the game is withdrawn when
the moment passes (a phase ends, the reservation value moves, a delegation joins or leaves the
table): its figures would no longer be the ones that count, and the move may no longer be open.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape,n", "dismiss(False)", "No"), Binding("y", "dismiss(True)", "Yes")]

    def __init__(self, question: str, yes: str = "Yes", danger: bool = True,
                 moment: Callable[[Any], Hashable] | None = None) -> None:
        """`moment(state)`: what the question's figures depend on; when it changes (the app's
        `state` is watched), the question is withdrawn, answered no, with a notice."""
        super().__init__()
        self.question, self.yes, self.danger = question, yes, danger
        self._moment = moment
        self._asked_at: Hashable = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="confirm-box"):
            yield Static(self.question, id="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error" if self.danger else "primary")
                yield Button("No (n / Esc)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()
        if self._moment is not None:
            self._asked_at = self._moment(self.app.state)  # type: ignore[attr-defined]
            self.watch(self.app, "state", self._state_changed, init=False)

    def _state_changed(self, state: Any) -> None:
        if self._moment is None or self._moment(state) == self._asked_at or not self.is_active:
            return
        self.app.notify("The game moved on while you were deciding (a new phase, or new figures): "
                        "nothing was done. Look again before you answer.", title="Question withdrawn",
                        severity="warning")
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
