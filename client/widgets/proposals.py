"""Proposals on the table: author, worth to you, supporters, signatures; the selected one's terms."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from client import format as fmt
from client.worth import worth


class Proposals(Vertical):
    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(id="proposal-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="proposal-detail")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#proposal-table", DataTable)

    def selected(self) -> dict[str, Any] | None:
        """The proposal under the cursor, or the newest open one when none is."""
        view = self.app.state.view  # type: ignore[attr-defined]
        if not view or not view["proposals"]:
            return None
        by_id = {p["id"]: p for p in view["proposals"]}
        table = self.table
        if table.row_count:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
            if key in by_id:
                found: dict[str, Any] = by_id[key]
                return found
        open_ = [p for p in view["proposals"] if not p["withdrawn"]]
        return open_[-1] if open_ else None

    def show(self, state: Any) -> None:
        view = state.view
        if not view:
            return
        table = self.table
        row = table.cursor_row
        table.clear(columns=True)
        for label in ("id", "by", "rd", "worth", "status", "you", "supporters"):
            table.add_column(label, key=label)
        for p in view["proposals"]:
            table.add_row(p["id"], fmt.delegation_name(view, p["author"]), str(p["round"]),
                          _worth_cell(view, p), fmt.proposal_status(view, p),
                          _your_vote(state.delegation, p), ", ".join(p["supporters"]), key=p["id"])
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        view = self.app.state.view  # type: ignore[attr-defined]
        p = self.selected()
        detail = self.query_one("#proposal-detail", Static)
        if not view or p is None:
            detail.update("[dim]No proposal on the table yet. Compose one (key 2) and table it (t).[/]")
            return
        lines = [f"[b]{p['id']}[/b] by {fmt.delegation_name(view, p['author'])}"
                 + (f", amending {p['amends']}" if p["amends"] else "")]
        for issue in fmt.issues(view):
            lines.append(f"  {issue['title']}: {fmt.option_label(view, issue['id'], p['terms'].get(issue['id']))}")
        lines.append(f"  needs: {', '.join(p['required']) or '—'}; signed: "
                     f"{', '.join(p['signatures']) or '—'}; declined: {', '.join(p['declines']) or '—'}")
        detail.update("\n".join(lines))


def _worth_cell(view: Any, p: dict[str, Any]) -> Text:
    value = worth(view, p["terms"])
    if value is None:
        return Text("")
    text = f"{value.points:g} ({'+' if value.margin >= 0 else ''}{value.margin:g})"
    if value.red_lines:
        return Text(text + " RED LINE", style="bold red")
    return Text(text, style="green" if value.margin >= 0 else "yellow")


def _your_vote(you: str | None, p: dict[str, Any]) -> str:
    if you in p["signatures"]:
        return "signed"
    if you in p["declines"]:
        return "declined"
    if you in p["required"]:
        return "to sign"
    return "supports" if you in p["supporters"] else ""
