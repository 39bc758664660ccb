"""The facilitator's dialogs: inject a card, announce, confirm, a seat's private view, big codes,
a room's debrief and the class report (each shown once the reply to its fetch is in)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from client import format as fmt
from client.bigtext import big
from client.cards import card_lines
from client.class_overview import human_seats, plural
from client.console_state import ConsoleState
from client.slips import trust_hint
from client.widgets.debrief import DebriefView
from server.figures import number
from server.protocol import wire


def seat_message(kind: str, message_id: str, room: str, delegation: str) -> wire.Message:
    """assign_bot / release_bot / view_as / issue_code for one seat."""
    models = {"assign_bot": wire.AssignBot, "release_bot": wire.ReleaseBot, "view_as": wire.ViewAs,
              "issue_code": wire.IssueCode}
    return models[kind](id=message_id, room=room, delegation=delegation)  # type: ignore[no-any-return]


class InjectScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, view: wire.SeatView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        played = {p.card for p in self.view.pressure}
        options = []
        for card in self.view.scenario.cards if self.view.scenario else ():
            headline, details = card_lines(card, self.view)
            mark = " [yellow](played)[/]" if card.id in played else ""
            options.append(Option(f"[b]{escape(headline)}[/b]{mark}\n  [dim]{escape(details)}[/]", id=card.id))
        with Vertical(classes="modal-box", id="inject-box"):
            yield Static("[b]Inject a pressure event[/b] (Enter plays it now; Esc cancels)")
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ChooseScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"[b]{self.question}[/b] (Enter chooses; Esc cancels)")
            yield OptionList(*[Option(label, id=value) for value, label in self.choices])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class AnnounceScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str = "Announce to every delegation") -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"[b]{self.title_text}[/b] (Enter sends; Esc cancels)")
            yield Input(placeholder="e.g. Five minutes left in this round.")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class QuestionsScreen(ModalScreen[list[str] | None]):
    """The facilitator's own reflection questions, one per line, asked as the debrief opens."""

    BINDINGS = [Binding("ctrl+s", "ask", "Open the debrief", priority=True),
                Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = "QuestionsScreen TextArea { height: 8; }"

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Vertical(classes="modal-box"):
            yield Static("[b]Open the debrief with your own reflection questions[/b]\n"
                         "One question per line (at most 10); ctrl+s opens the debrief; Esc cancels. "
                         "[dim]Plain o asks the teacher's guide's questions instead.[/]")
            yield TextArea(id="questions")

    def on_mount(self) -> None:
        self.query_one("#questions").focus()

    def action_ask(self) -> None:
        from textual.widgets import TextArea

        lines = [line.strip() for line in self.query_one("#questions", TextArea).text.splitlines()]
        questions = [q for q in lines if q]
        if not questions:
            self.notify("Write at least one question, or press Esc and use o.", severity="warning")
        elif len(questions) > 10 or any(len(q) > 600 for q in questions):
            self.notify("At most 10 questions of at most 600 characters each.", severity="warning")
        else:
            self.dismiss(questions)


class ScenarioFileScreen(ModalScreen[Path | None]):
    """Pick a scenario file (.yaml, .yml, .json) from the folders below `root`; Enter picks."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box file-picker"):
            yield Static("[b]Choose a scenario file[/b] — arrows move, Enter opens a folder or picks a "
                         "file, Esc cancels. The server checks it when you open the class.")
            yield ScenarioFiles(self.root, id="scenario-files")

    def on_mount(self) -> None:
        self.query_one(ScenarioFiles).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(event.path)


class ScenarioFiles(DirectoryTree):
    """Folders and scenario files only (no hidden ones)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in (".yaml", ".yml", ".json"))]


class SeatViewScreen(ModalScreen[None]):
    """One delegation's private view, as the server sends it to that seat."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, room: str, delegation: str) -> None:
        super().__init__()
        self.room, self.delegation = room, delegation

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box"):
            yield Static("Asking the server…", id="seat-view")

    def on_mount(self) -> None:
        self.watch(self.app, "class_state", self.show)

    def show(self, cls: ConsoleState) -> None:
        view = cls.seat_views.get((self.room, self.delegation))
        if view is None:
            room = cls.rooms.get(self.room)
            hidden = (room.view.hidden or {}).get(self.delegation) if room and room.view else None
            if room is None or room.view is None or hidden is None:
                return
            view = room.view.model_copy(update={"you": hidden, "notes": []})
        self.query_one("#seat-view", Static).update(seat_view_text(view, self.delegation))


def seat_view_text(view: wire.SeatView, delegation: str) -> str:
    you = view.you
    if you is None:
        return f"[b]{fmt.delegation_name(view, delegation)}[/b] — no private view (Esc closes)"
    lines = [f"[b]{fmt.delegation_name(view, delegation)}[/b] — what this seat sees (Esc closes)", "",
             f"reservation {number(you.reservation)} (started {number(you.starting_reservation)}),"
             f" war cost {number(you.war_cost)}", "[b]Points[/b]"]
    for issue in fmt.issues(view):
        row = you.points.get(issue.id, {})
        worths = (f"{o.label} {number(row.get(o.id, 0))}" for o in issue.options)
        lines.append(f"  {issue.title}: " + ", ".join(worths))
    lines.append("[b]Red lines[/b]")
    lines += [f"  {r.label}" for r in you.red_lines] or ["  none"]
    lines.append("[b]Intelligence[/b]")
    lines += [f"  {i}" for i in you.intelligence] or ["  none"]
    private = [n for n in view.notes or [] if n.kind == "message"]
    if private:
        lines.append("[b]Private messages[/b]")
        lines += [f"  {n.sender} → {', '.join(n.to or [])}: {n.text}" for n in private]
    return "\n".join(lines)


class CodesScreen(ModalScreen[None]):
    """The join codes of the seats people play, for the projector: in large letters when a few
    fit, else a grid (30 seats fit at 120x36). Bot seats, absent delegations and codes already
    used (a student holds the seat: the code would only be refused) are left out."""

    DEFAULT_CSS = """
    CodesScreen #code-grid { grid-size: 3; grid-gutter: 0 2; height: auto; }
    CodesScreen #code-grid.-narrow { grid-size: 2; }
    CodesScreen .code-cell { height: 3; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("c", "dismiss", "Close")]
    BIG_LINES = 6  # a code in block letters, and its label

    def compose(self) -> ComposeResult:
        cls: Any = self.app.class_state  # type: ignore[attr-defined]
        # (room, seat, member): a team's each member with their own code, else the seat's
        held = [(room, seat, member) for room in cls.rooms.values() for seat in human_seats(room)
                for member in self._holders(seat)]
        seats = [(room, seat, member) for room, seat, member in held if (member or seat).name is None]
        joined = f"{len(held) - len(seats)} joined, " if len(seats) < len(held) else ""
        web_url = getattr(self.app, "web_url", None)
        server = getattr(self.app, "join_url", "")  # the address students reach, as the server says
        how = (f"Open [b]{escape(web_url)}[/b] in a browser, or run " if web_url else "Run ") + (
            f"[b]parley play --server {escape(server)}[/b]; then type your code.")
        if trust_hint(server):
            how += f"\n{escape(trust_hint(server))}"
        with VerticalScroll(classes="bigcode"):
            yield Static(how + f"  [dim]({plural(len(seats), 'seat')} to join; {joined}Esc closes)[/]\n")
            if len(seats) * self.BIG_LINES + 3 <= self.app.size.height:
                yield Static("\n".join(f"[b]{escape(self._label(room, seat, member))}[/b]\n"
                                       f"{big(member.code if member else seat.code)}"
                                       for room, seat, member in seats))
            else:
                grid = Grid(id="code-grid", classes="-narrow" if self.app.size.width < 110 else "")
                with grid:
                    for room, seat, member in seats:
                        code = member.code if member else seat.code
                        yield Static(f"{escape(self._label(room, seat, member))}\n[b reverse] {escape(code)} [/]",
                                     classes="code-cell")

    @staticmethod
    def _holders(seat: wire.SeatInfo) -> list[wire.MemberInfo | None]:
        """A team's members, each with a code of its own; else None: the seat's code."""
        return list(seat.members) if seat.members else [None]

    @staticmethod
    def _label(room: Any, seat: wire.SeatInfo, member: wire.MemberInfo | None) -> str:
        number = f" · member {member.number}" if member else ""
        return f"{room.room} · {fmt.delegation_name(room.view, seat.delegation)}{number}"


class FetchedScreen(ModalScreen[None]):
    """A large scrollable dialog that waits for the reply to one fetch, then shows it."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]
    waiting = "Asking the server…"

    def __init__(self, request_id: str | None, title: str) -> None:
        super().__init__()
        self.request_id, self.title_text = request_id, title
        self.shown = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="fetched"):
            yield Static(f"[b]{self.title_text}[/b] [dim](Esc closes)[/]")
            yield Static(self.waiting, id="fetch-status")

    def on_mount(self) -> None:
        self.watch(self.app, "class_state", self.check)

    def check(self, cls: Any) -> None:
        fetch = cls.fetches.get(self.request_id) if self.request_id else None
        if self.shown or fetch is None or not fetch.finished:
            return
        self.shown = True
        status = self.query_one("#fetch-status", Static)
        if fetch.refused is not None:
            status.update(f"[red]The server refused: {fetch.refused}[/]")
            return
        status.display = False
        self.query_one("#fetched", VerticalScroll).mount(self.body(fetch.result))

    def body(self, result: Any) -> Any:
        raise NotImplementedError


class DebriefScreen(FetchedScreen):
    """One room's debrief: outcome, every result, the analysis and the concession curves."""

    def body(self, result: Any) -> Any:
        return DebriefView(result.debrief, whole=True, id="debrief")


class ReportScreen(FetchedScreen):
    """The class report: every room side by side, and the historical outcome (Markdown)."""

    def body(self, result: Any) -> Any:
        return Markdown(result.markdown, id="report")


class GuideScreen(FetchedScreen):
    """The teacher's guide of the class's scenario (Markdown), to read during or after play."""

    def body(self, result: Any) -> Any:
        return Markdown(result.markdown, id="guide")
