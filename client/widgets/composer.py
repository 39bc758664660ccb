"""The proposal composer: one option per issue, its worth to you as it will be scored, then table it.

The worth line sits above the pickers, so it stays in view at 80x24. It is the server's answer
(`client.worth`): each change of a picker asks for the package's worth to this seat if signed
now, with the reasons; the answer shows when it comes back (a few milliseconds), and is asked
again when the table or your reservation value changes.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from client import format as fmt
from client import worth
from client.messages import Ask
from client.state import ClientState
from client.widgets.text import set_text
from server.figures import number
from server.protocol import wire


class Pick(Select[str]):
    """One issue's picker. The composer is a column of them, so the arrows go from issue to
    issue, as in any form; Enter or Space opens the options. (Textual's Select opens its menu on
    Down too: a student pressing Down to reach the next issue reopened the one just chosen.)"""

    BINDINGS = [
        Binding("enter,space", "show_overlay", "Show the options", show=False),
        Binding("down", "step(1)", "Next issue", show=False),
        Binding("up", "step(-1)", "Previous issue", show=False),
    ]

    def action_step(self, by: int) -> None:
        picks = list(self.screen.query(Pick))
        at = picks.index(self) + by
        if 0 <= at < len(picks):
            self.screen.set_focus(picks[at])


class Composer(VerticalScroll):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.amends: str | None = None
        self._built_for: str | None = None
        self._pending: dict[str, str] = {}  # terms to show once the pickers exist
        self._asked: tuple[Any, ...] | None = None
        self._shown: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="amending")
        yield Static("", id="worth", classes="worth")
        yield Static("", id="issues-holder")
        with Horizontal(classes="buttons"):
            yield Button("Table it (t)", id="table-it", variant="primary", classes="small")
            yield Button("Clear (c)", id="clear", classes="small")
        yield Static("", id="worth-reasons")

    def on_mount(self) -> None:
        """Build the pickers at once, so that amending from another tab finds them to focus."""
        self.show(self.app.state)  # type: ignore[attr-defined]

    def show(self, state: ClientState) -> None:
        """Build the pickers once per scenario; afterwards only the worth lines change."""
        view = state.view
        if not view or view.scenario is None:
            return
        if self._built_for != view.scenario.id:
            self._built_for = view.scenario.id
            self._build(view)
        self.refresh_worth(state)

    def _build(self, view: wire.SeatView) -> None:
        points = view.you.points if view.you else {}
        holder = self.query_one("#issues-holder")
        for issue in fmt.issues(view):
            mine = points.get(issue.id, {})
            options = [(f"{o.label}  ({number(mine.get(o.id, 0))} pts)", o.id) for o in issue.options]
            picked = self._pending.get(issue.id, Select.NULL)
            row = Horizontal(Label(issue.title, classes="issue-title"),
                             Pick(options, prompt="— leave open —", id=f"pick-{issue.id}",
                                  value=picked, classes="pick"), classes="pick-row")
            self.mount(row, before=holder)
        holder.remove()

    def terms(self) -> dict[str, str]:
        if self._built_for is None:
            return dict(self._pending)
        picked = {}
        for select in self.query(Select):
            if select.value is not Select.NULL and select.id:
                picked[select.id.removeprefix("pick-")] = str(select.value)
        return picked

    def load(self, terms: dict[str, str], amends: str | None) -> None:
        """Start from a proposal's terms (to amend it)."""
        self.amends = amends
        self._pending = dict(terms)
        if self._built_for is None:
            return  # the pickers are built (with these terms) when the tab is shown
        for select in self.query(Select):
            issue = (select.id or "").removeprefix("pick-")
            select.value = terms.get(issue, Select.NULL)
        self.refresh_worth(self.app.state)  # type: ignore[attr-defined]

    def clear_terms(self) -> None:
        self.load({}, None)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_worth(self.app.state)  # type: ignore[attr-defined]

    def refresh_worth(self, state: ClientState) -> None:
        view = state.view
        terms = self.terms()
        set_text(self.query_one("#amending", Static),
            f"Amending [b]{self.amends}[/b] — your version is tabled as a new proposal citing it."
            if self.amends else "Pick an option per issue: ↑/↓ go from issue to issue, Enter opens its options "
            "(leave some open for a partial package).")
        if not view or not terms:
            self._show(("nothing",), "Nothing picked yet.", "")
            return
        asked = (tuple(sorted(terms.items())), tuple(view.seated), tuple(view.walked_out),
                 (view.you.reservation, view.you.war_cost) if view.you else None)
        answer = worth.answer_for(state.fetch_of("worth"), terms)
        if asked != self._asked:
            self._asked = asked
            # to the app: posted while the screen renders (a new round), it stopped at the screen
            self.app.post_message(Ask("worth", terms=terms))
        if answer is None:
            self._show(("asking", asked), "[dim]Working out what this package is worth to you…[/]", "")
            return
        lines = [worth.summary(answer), *worth.red_line_lines(answer), *worth.absent_lines(answer)]
        reasons = ["[b]Why[/b] (as it will be scored if signed now)", *worth.reasons_lines(answer)]
        self._show(("answer", asked, answer.result), "\n".join(lines),
                   "\n".join(reasons) if answer.reasons else "")

    def _show(self, key: tuple[Any, ...], worth_text: str, reasons: str) -> None:
        if key == self._shown:
            return
        self._shown = key
        self.query_one("#worth", Static).update(worth_text)
        self.query_one("#worth-reasons", Static).update(reasons)

