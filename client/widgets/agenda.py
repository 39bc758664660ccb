"""The agenda: every issue and option, your points for each, and each proposal's stance."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from client import format as fmt

LABEL = 34  # characters of an option's label; the full text is in the composer and the brief
COLUMNS = 12  # the latest open proposals; older ones stay on the Proposals tab


class Agenda(DataTable[Any]):
    """Rows are options grouped under their issue; a column per open proposal marks its pick."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def show(self, state: Any) -> None:
        view = state.view
        if not view:
            return
        proposals = [p for p in view["proposals"] if not p["withdrawn"]][-COLUMNS:]
        points = (view.get("you") or {}).get("points", {})
        row = self.cursor_row
        self.clear(columns=True)
        self.add_column("Issue / option", key="option")
        self.add_column("you", key="you")
        for p in proposals:
            agreed = "✔" if view.get("agreement") == p["id"] else ""
            self.add_column(f"{p['id']}{agreed} {p['author'][:8]}", key=p["id"])
        for issue in fmt.issues(view):
            self.add_row(Text(issue["title"], style="bold"), "", *["" for _ in proposals])
            for option in issue["options"]:
                mine = points.get(issue["id"], {}).get(option["id"])
                marks = [Text("●", style="bold green") if p["terms"].get(issue["id"]) == option["id"]
                         else Text("·", style="dim") for p in proposals]
                self.add_row("  " + short(option["label"]), "" if mine is None else f"{mine:g}", *marks)
        if row < self.row_count:
            self.move_cursor(row=row)


def short(label: str) -> str:
    return label if len(label) <= LABEL else label[:LABEL - 1] + "…"
