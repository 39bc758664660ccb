"""The proposal composer: one option per issue, its live worth to you, then table it.

The worth is "points on your table" (`client.worth`): the sum of your points for the options
picked, against your reservation value, with the red lines the package crosses. Durability is
hidden from seats, so the estimate leaves it out and says so.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from client import format as fmt
from client.worth import worth


class Composer(VerticalScroll):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.amends: str | None = None
        self._built_for: str | None = None
        self._pending: dict[str, str] = {}  # terms to show once the pickers exist

    def compose(self) -> ComposeResult:
        yield Static("", id="amending")
        yield Static("", id="issues-holder")
        yield Static("", id="worth", classes="worth")
        yield Static("[dim]Points on your table only: the agreement's durability (hidden) is not "
                     "included in this estimate.[/]", classes="hint")
        with Horizontal(classes="buttons"):
            yield Button("Table it (t)", id="table-it", variant="primary", classes="small")
            yield Button("Clear (c)", id="clear", classes="small")

    def show(self, state: Any) -> None:
        """Build the pickers once per scenario; afterwards only the worth line changes."""
        view = state.view
        if not view:
            return
        if self._built_for != view["scenario"]["id"]:
            self._built_for = view["scenario"]["id"]
            self._build(view)
        self.refresh_worth()

    def _build(self, view: Any) -> None:
        points = (view.get("you") or {}).get("points", {})
        holder = self.query_one("#issues-holder")
        for issue in fmt.issues(view):
            options = [(f"{o['label']}  ({points.get(issue['id'], {}).get(o['id'], 0):g} pts)", o["id"])
                       for o in issue["options"]]
            picked = self._pending.get(issue["id"], Select.NULL)
            row = Horizontal(Label(issue["title"], classes="issue-title"),
                             Select(options, prompt="— leave open —", id=f"pick-{issue['id']}",
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
        self.refresh_worth()

    def clear_terms(self) -> None:
        self.load({}, None)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_worth()

    def refresh_worth(self) -> None:
        view = self.app.state.view  # type: ignore[attr-defined]
        terms = self.terms()
        self.query_one("#amending", Static).update(
            f"Amending [b]{self.amends}[/b] — your version is tabled as a new proposal citing it."
            if self.amends else "Pick an option per issue (leave some open for a partial package).")
        value = worth(view, terms) if view else None
        line = self.query_one("#worth", Static)
        if value is None or not terms:
            line.update("Nothing picked yet.")
            return
        style = "red" if value.red_lines or value.margin < 0 else "green"
        partial = "" if value.complete else " [dim](partial: only complete packages can be signed)[/]"
        line.update(f"[{style}]{value.summary()}[/]{partial}")
