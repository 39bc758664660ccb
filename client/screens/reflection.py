"""The reflection form: after the debrief, a student answers the reflection questions.

One text area per question (Tab moves on, ctrl+s hands in, Esc keeps the draft and goes
back). What was handed in can be revised and handed in again until the facilitator closes
the class; the answers are the facilitator's alone to read, which the form says.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class ReflectionScreen(ModalScreen[list[str] | None]):
    """Dismissed with the answers (ctrl+s) or None (Esc: the draft is kept by the caller)."""

    DEFAULT_CSS = """
    ReflectionScreen #reflection { height: 90%; }
    ReflectionScreen TextArea.answer { height: 5; margin-bottom: 1; }
    """
    BINDINGS = [Binding("ctrl+s", "hand_in", "Hand in", priority=True),
                Binding("escape", "keep", "Back (draft kept)")]

    def __init__(self, questions: list[str], draft: list[str], handed_in: bool) -> None:
        super().__init__()
        self.questions = questions
        self.draft = (draft + [""] * len(questions))[:len(questions)]
        self.handed_in = handed_in

    def compose(self) -> ComposeResult:
        from rich.markup import escape

        note = ("You handed this in; change it and hand it in again until the facilitator closes the class."
                if self.handed_in else "Only your facilitator reads your answers.")
        with Vertical(classes="modal-box", id="reflection"):
            yield Static(f"[b]Reflection[/b] — {note}\n[dim]Tab: next answer · ctrl+s: hand in · Esc: back[/]")
            with VerticalScroll():
                for n, (question, answer) in enumerate(zip(self.questions, self.draft), 1):
                    yield Static(f"[b]{n}.[/b] {escape(question)}", classes="question")
                    yield TextArea(answer, id=f"answer-{n}", classes="answer")

    def on_mount(self) -> None:
        self.query_one("#answer-1", TextArea).focus()  # typing goes into the first answer at once

    def answers(self) -> list[str]:
        return [self.query_one(f"#answer-{n}", TextArea).text for n in range(1, len(self.questions) + 1)]

    def action_hand_in(self) -> None:
        answers = self.answers()
        if not any(a.strip() for a in answers):
            self.notify("Write at least one answer before handing in.", severity="warning")
            return
        self.dismiss(answers)

    def action_keep(self) -> None:
        self.app.reflection_draft = self.answers()  # type: ignore[attr-defined]
        self.dismiss(None)
