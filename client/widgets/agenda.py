"""The agenda: every issue and option, your points for each, and each proposal's stance."""

from __future__ import annotations

from rich.text import Text

from client import format as fmt
from client.state import ClientState
from client.widgets.kept_table import KeptTable
from server.figures import number

LABEL = 34  # characters of an option's label before the table knows its width
MIN_LABEL = 24
COLUMNS = 12  # the latest open proposals; older ones stay on the Proposals tab


class Agenda(KeptTable):
    """Rows are options grouped under their issue; a column per open proposal marks its pick."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def on_resize(self) -> None:
        if self.app.state.view:  # type: ignore[attr-defined]
            self.show(self.app.state)  # type: ignore[attr-defined]

    def show(self, state: ClientState) -> None:
        view = state.view
        if not view:
            return
        proposals = [p for p in view.proposals if not p.withdrawn][-COLUMNS:]
        headers = [f"{p.id}{'✔' if view.agreement == p.id else ''} "
                   f"{fmt.delegation_name(view, p.author)[:8]}" for p in proposals]
        # the option labels take the width the proposal columns leave (each has 2 of padding)
        width = self.size.width - 2 - 7 - sum(len(h) + 2 for h in headers) - 2
        # A hidden tab has no width: keep the width last laid out rather than rebuild the table
        # twice (for no width, then for its own) each time the tab is shown.
        label = max(MIN_LABEL, width) if self.size.width else getattr(self, "_label", LABEL)
        self._label = label
        key = (tuple((p.id, tuple(sorted(p.terms.items()))) for p in proposals), view.agreement, label)
        if getattr(self, "_shown", None) == key:
            return  # nothing this table shows has changed
        self._shown = key
        points = view.you.points if view.you else {}
        row = self.cursor_row
        self.clear(columns=True)
        self.add_column("Issue / option", key="option")
        self.add_column("you", key="you")
        for p, header in zip(proposals, headers, strict=True):
            self.add_column(header, key=p.id)
        for issue in fmt.issues(view):
            self.add_row(Text(issue.title, style="bold"), "", *["" for _ in proposals])
            labels = shorts([o.label for o in issue.options], label - 2)
            for option, option_label in zip(issue.options, labels, strict=True):
                mine = points.get(issue.id, {}).get(option.id)
                marks = [Text("●", style="bold green") if p.terms.get(issue.id) == option.id
                         else Text("·", style="dim") for p in proposals]
                self.add_row("  " + option_label, "" if mine is None else number(mine), *marks)
        if row < self.row_count:
            self.move_cursor(row=row)


def short(label: str, width: int = LABEL) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


def shorts(labels: list[str], width: int) -> list[str]:
    """An issue's option labels shortened to `width`; if two would then read the same
    ("European reassurance …" for 4.00 and for 24.00 points), cut in the middle instead, so
    that their different ends show ("European…American role", "European…ican backstop")."""
    cut = [short(label, width) for label in labels]
    if len(set(cut)) == len(cut):
        return cut
    head = width // 3  # the ends differ: most of the width goes to them
    return [label if len(label) <= width else
            label[:head].rstrip() + "…" + label[-(width - 1 - head):].lstrip() for label in labels]
