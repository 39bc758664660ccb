"""Proposals on the table: author, worth to you, signatures, your vote; the selected one whole.

The table's rows are updated in place (a cell changes, a row is added) instead of rebuilt, so a
new signature costs one cell. The detail below it shows every issue of the selected proposal,
who must sign it (which follows who is seated) and what it is worth to you, with the reasons.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import DataTable, Static

from client import format as fmt
from client import worth
from client.messages import Ask
from client.state import ClientState
from client.widgets.kept_table import KeptTable
from client.widgets.text import Hanging
from server.protocol import wire

COLUMNS = ("id", "by", "rd", "worth to you", "status", "you", "supporters")
ROW_PARTS = ("proposals", "seated", "walked_out", "agreement", "scenario", "team")  # what the rows show


class ProposalTable(KeptTable):
    """The proposals' rows; the detail follows the cursor in the same frame as the cursor.

    DataTable says the cursor moved with a message (RowHighlighted), handled after the frame
    the cursor was painted in had been painted: the detail came a frame later."""

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old != new and isinstance(self.parent, Proposals):
            self.parent.show_detail()


class Proposals(Vertical):
    def compose(self) -> ComposeResult:
        table = ProposalTable(id="proposal-table", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="proposal-detail-scroll"):
            yield Static("", id="proposal-detail")

    def on_mount(self) -> None:
        for label in COLUMNS:
            self.table.add_column(label, key=label)
        self._rows: dict[str, tuple[Any, ...]] = {}
        self._parts_shown: tuple[Any, ...] = ()
        # Answers about a package's worth, by what was asked: moving the cursor back to a
        # proposal shows its reasons at once instead of asking the server again.
        self._answers: dict[tuple[Any, ...], Any] = {}

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#proposal-table", DataTable)

    def selected(self) -> wire.ProposalView | None:
        """The proposal under the cursor (None when the table is empty): what the keys act on."""
        view: wire.SeatView | None = self.app.state.view  # type: ignore[attr-defined]
        table = self.table
        if not view or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((p for p in view.proposals if p.id == key), None)

    def show(self, state: ClientState) -> None:
        view = state.view
        if not view:
            return
        # The rows read these parts of the view; an update merges into the view held, keeping
        # the very objects of the parts it did not change (a statement's, or a worth reply).
        parts = tuple(getattr(view, key) for key in ROW_PARTS)
        if len(parts) != len(self._parts_shown) or any(a is not b for a, b in zip(parts, self._parts_shown)):
            self._parts_shown = parts
            self._show_rows(state)
        self.show_detail()

    def _show_rows(self, state: ClientState) -> None:
        view = state.view
        if view is None:
            return
        table = self.table
        # At 80 columns a long author ("European coalition (UK, France and partners)") pushed the
        # status and "you" columns off the screen; the detail below gives the whole name.
        longest = 18 if self.app.size.width < 100 else 60
        for p in view.proposals:
            author = fmt.author(view, p)
            author = author if len(author) <= longest else author[:longest - 1].rstrip() + "…"
            cells = (p.id, author, str(p.round), worth.cell(worth.figure_of(p)),
                     fmt.proposal_status(view, p), your_vote(state.delegation, p, state.is_head),
                     fmt.names(view, p.supporters))
            before = self._rows.get(p.id)
            if before is None:
                table.add_row(*cells, key=p.id)
            else:
                for column, (old, new) in zip(COLUMNS, zip(before, cells, strict=True), strict=True):
                    if str(old) != str(new) or getattr(old, "style", None) != getattr(new, "style", None):
                        table.update_cell(p.id, column, new)
            self._rows[p.id] = cells

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        state: ClientState = self.app.state  # type: ignore[attr-defined]
        view = state.view
        p = self.selected()
        detail = self.query_one("#proposal-detail", Static)
        if not view or p is None:
            detail.update("[dim]No proposal on the table yet. Compose one (key 2) and table it (t).[/]")
            return
        figure = worth.figure_of(p)
        # the figure's own values are part of the question: a new reservation value is a new answer
        asked = (tuple(sorted(p.terms.items())), repr(figure))
        answer = self._answers.get(asked)
        if figure and answer is None:
            answer = worth.answer_for(state.fetch_of("worth"), p.terms)
            if answer is not None and worth.agrees(answer, figure):
                if len(self._answers) > 200:  # bounded: a game has at most a few dozen proposals
                    self._answers.clear()
                self._answers[asked] = answer
            else:
                answer = None  # an answer of another moment: its reasons would not add up to the figure
                if getattr(self, "_asked", None) != asked:
                    self._asked = asked  # the reasons come with the whole answer
                    # to the app: posted while the screen renders (a new round), it stopped at the screen
                    self.app.post_message(Ask("worth", terms=dict(p.terms)))
        text = detail_text(view, p, answer)
        if getattr(self, "_detail", None) != text:
            self._detail = text
            # Repainted in place; laid out again only if its height must change. It is at least
            # as tall as the space under the table (the CSS's min-height), so a text shorter
            # than that space keeps the height: a layout costs two frames, the second for the
            # scroll area's new size.
            detail.update(Hanging(text), layout=False)
            width, shown = detail.content_region.width, detail.content_region.height
            floor = detail.parent.scrollable_content_region.height if isinstance(detail.parent, Widget) else 0
            needed = detail.get_content_height(detail.size, detail.size, width) if width else 0
            if not width or needed > shown or (needed < shown and shown > floor):
                detail.refresh(layout=True)


def detail_text(view: wire.SeatView, p: wire.ProposalView, answer: wire.PackageWorth | None = None) -> str:
    lines = [f"[b]{p.id}[/b] by {escape(fmt.author(view, p))}"
             + (f", amending {p.amends}" if p.amends else "") + f" — {fmt.proposal_status(view, p)}"]
    for issue in fmt.issues(view):
        option = p.terms.get(issue.id)
        label = fmt.option_label(view, issue.id, option) if option else "[dim]open[/]"
        lines.append(f"  {escape(issue.title)}: [b]{escape(label) if option else label}[/b]")
    lines.append(f"  needs: {escape(fmt.names(view, p.required))}; signed: "
                 f"{escape(fmt.names(view, p.signatures))}; declined: {escape(fmt.names(view, p.declines))}")
    figure = worth.figure_of(p)
    if figure is not None:
        lines += ["  " + worth.summary(figure), *("  " + line for line in worth.red_line_lines(figure)),
                  *("  " + line for line in worth.absent_lines(figure))]
    if answer is not None and answer.reasons:
        lines += ["  [b]Why[/b]", *("  " + line for line in worth.reasons_lines(answer))]
    return "\n".join(lines)


def your_vote(you: str | None, p: wire.ProposalView, head: bool = True) -> str:
    """Your delegation's vote on `p`; a team member who is not its head reads that the head signs."""
    if you in p.signatures:
        return "signed"
    if you in p.declines:
        return "declined"
    if p.withdrawn:  # no longer anyone's to sign
        return ""
    if you in p.required:
        return "to sign" if head else "head signs"
    return "supports" if you in p.supporters else ""
