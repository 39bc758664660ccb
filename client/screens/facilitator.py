"""The facilitator's screens: open (or resume) a class, then run it room by room."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from client import format as fmt
from client.class_overview import ATTENTION, CLASS_ACTIONS, applies, overview, plural, rooms_for, summary
from client.connection import ConnectError
from client.messages import Act, ShowScreen
from client.screens import facilitator_modals as modals
from client.screens.confirm import ConfirmScreen
from client.screens.review import LogReview
from client.slips import default_web_url, slips_from_rooms, slips_html
from client.widgets.footer import KeysFooter
from server.protocol import wire

BUNDLED = ("tutorial", "istanbul-2022", "ceasefire-2025")  # the scenarios every server has


class FacilitatorSetupScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        app: Any = self.app
        with VerticalScroll(classes="form"):
            yield Static("[b]Parley[/b] — facilitate a class", classes="title")
            yield Label("Server")
            yield Input(app.server, id="server", compact=True)
            # served to browsers, the host's folders are not the teacher's: ids only, no picker
            yield Label(f"Scenario ({', '.join(BUNDLED)}"
                        + (")" if app.web_url else ", or a file's path)"))
            with Horizontal(classes="field-row"):
                yield Input("tutorial", id="scenario", compact=True)
                if not app.web_url:
                    yield Button("Choose a file…", id="choose-file", compact=True)
            yield Label("Rooms (one per group of students)")
            yield Input("1", id="rooms", type="integer", compact=True)
            yield Label("Bots: none, all, or the delegations they play (Russia, Turkey)")
            yield Input("none", id="bots", compact=True)
            yield Label("Time scale (1 = the scenario's timings; 0.5 = twice as fast)")
            yield Input("1", id="time_scale", type="number", compact=True)
            if not app.key:  # from --key, PARLEY_KEY or the server machine's key file, else typed here
                yield Label("Instructor key (`parley serve` printed it)")
                yield Input("", id="key", password=True, compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Open the class", id="open", variant="primary")
            yield Label("…or come back to a class with its facilitator token")
            yield Input(app.token or "", id="token", placeholder="facilitator token", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Resume", id="resume")
            yield Static("", id="problem", classes="problem error")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#scenario", Input).focus()
        if self.app.token:  # type: ignore[attr-defined]
            self.run_worker(self._resume(), exclusive=True, group="join")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the token box resumes; Enter anywhere else opens the class."""
        work = self._resume() if event.input.id == "token" else self._open()
        self.run_worker(work, exclusive=True, group="join")

    def _values(self) -> dict[str, str]:
        return {i.id or "": i.value.strip() for i in self.query(Input)}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "choose-file":
            self.post_message(ShowScreen(modals.ScenarioFileScreen(Path.cwd()), callback=self._chosen))
            return
        work = self._open() if event.button.id == "open" else self._resume()
        self.run_worker(work, exclusive=True, group="join")

    def _chosen(self, path: Path | None) -> None:
        if path is not None:
            scenario = self.query_one("#scenario", Input)
            scenario.value = str(path)
            scenario.focus()

    async def _open(self) -> None:
        v = self._values()
        try:
            rooms, scale = int(v["rooms"] or 1), float(v["time_scale"] or 1)
        except ValueError:
            self._problem("Rooms must be a whole number and the time scale a number.")
            return
        bots: list[str] | str = "all" if v["bots"] == "all" else [
            b.strip() for b in v["bots"].split(",") if b.strip() and v["bots"] != "none"]
        if self.app.web_url and v["scenario"] not in BUNDLED:  # type: ignore[attr-defined]
            self._problem(f"In a browser the console opens {', '.join(BUNDLED)}. To host your own "
                          "scenario file, run `parley host FILE` (or `parley facilitate`) on your machine.")
            return
        if v.get("key"):
            self.app.key = v["key"]  # type: ignore[attr-defined]
        await self._attempt(self.app.open_class(v["server"], v["scenario"], rooms, bots, scale))  # type: ignore[attr-defined]

    async def _resume(self) -> None:
        v = self._values()
        if not v["token"]:
            self._problem("Paste the facilitator token printed when the class was opened.")
            return
        await self._attempt(self.app.resume_class(v["server"], v["token"]))  # type: ignore[attr-defined]

    async def _attempt(self, work: Any) -> None:
        self._problem("Connecting…")
        try:
            await work
        except ConnectError as exc:
            self._problem(str(exc))
            return
        except ValueError as exc:  # the wire model refused the values (rooms 0, say)
            self._problem(f"Check the form: {str(exc).splitlines()[-1] if str(exc) else exc}")
            return
        self.post_message(ShowScreen(ConsoleScreen(), switch=True))

    def _problem(self, text: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(text)
        # At 80x24 the line is under the fold: a teacher pressing Enter saw nothing happen.
        self.call_after_refresh(problem.scroll_visible, animate=False)


class ConsoleScreen(Screen[None]):
    """Every room of the class; the selected room's seats and activity; the controls."""

    # The footer shows what a teacher reaches for most (it fits 80 columns); every key is in
    # the keys line under the header and in the command palette (ctrl+p).
    BINDINGS = [
        Binding("g", "command('start_game')", "Start"),
        Binding("p", "command('pause')", "Pause"),
        Binding("r", "command('resume')", "Resume"),
        Binding("e", "extend", "+1 min", show=False),
        Binding("o", "command('open_debrief')", "Open debrief"),
        Binding("d", "show_debrief", "Debrief"),
        Binding("a", "announce", "Announce"),
        Binding("w", "whole_class", "All rooms"),
        Binding("c", "codes", "Codes"),
        Binding("n", "command('advance')", "Next phase", show=False),
        Binding("i", "inject", "Inject", show=False),
        Binding("b", "bot", "Bot seat", show=False),
        Binding("h", "human", "Human seat", show=False),
        Binding("j", "seat_absent", "Seat absent", show=False),
        Binding("s", "start", "Start", show=False),
        Binding("v", "view_as", "View as", show=False),
        Binding("x", "end", "End", show=False),
        Binding("l", "review", "Review", show=False),
        Binding("t", "report", "Report", show=False),
        Binding("question_mark", "guide", "Guide", show=False),
        Binding("k", "command('close_reflections')", "Close reflections", show=False),
        Binding("Q", "open_debrief_asking", "Open debrief, own questions", show=False),
        Binding("f", "fresh_code", "Fresh code", show=False),
        Binding("T", "team_size", "Team size of the seat", show=False),
        Binding("H", "make_head", "Make head of delegation", show=False),
        Binding("S", "slips", "Code slips for the class", show=False),
        Binding("G", "class_action('start_game')", "Start every room", show=False),
        Binding("P", "class_action('pause')", "Pause every room", show=False),
        Binding("R", "class_action('resume')", "Resume every room", show=False),
        Binding("E", "class_action('extend')", "+1 min in every room", show=False),
        Binding("A", "class_action('announce')", "Announce to every room", show=False),
        Binding("O", "class_action('open_debrief')", "Open every debrief", show=False),
        Binding("K", "show_token", "Show or hide the facilitator token", show=False),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    # What the footer offers depends on the selected room: running it, or debriefing it.
    WHILE_PLAYING = {"start_game", "pause", "resume", "advance", "extend", "inject", "end", "bot",
                     "human", "seat_absent", "start"}
    ONCE_ENDED = {"open_debrief", "show_debrief", "close_reflections", "open_debrief_asking"}

    def __init__(self) -> None:
        super().__init__()
        self.review = LogReview(self, "class_state", facilitator=True)
        self.ended_shown: Any = None  # the selected room's state the footer's keys were chosen for
        self.selected: str | None = None  # the room under the cursor, whatever the rows' order
        # What the tables and the log show now: `show` runs every second (the clocks), and
        # refilling tables that did not change cost an idle console 3-6% of a core.
        self._rooms_shown: list[tuple[str, ...]] = []
        self._seats_shown: tuple[str, list[tuple[object, ...]]] | None = None
        self._log_shown: str | None = None
        # The console is often on the projector: whoever reads the facilitator token can run
        # the class, so it shows only when asked (K), to be written down.
        self.token_shown = False

    def compose(self) -> ComposeResult:
        yield Static("", id="class-header")
        yield Static(KEYS_LINE, id="codes")
        yield DataTable(id="rooms", cursor_type="row")
        with Horizontal(id="room-detail"):
            yield DataTable(id="room-seats", cursor_type="row")
            with VerticalScroll(id="room-log"):
                yield Static("", id="room-log-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        rooms = self.query_one("#rooms", DataTable)
        # What needs the facilitator comes second: at 80 columns the last columns are off-screen.
        for label in ("room", "needs attention", "phase", "round", "time left", "proposals", "best signed",
                      "humans"):
            rooms.add_column(label, key=label)
        seats = self.query_one("#room-seats", DataTable)
        for label in ("delegation", "code", "player", "connected", "controller", "ready"):
            seats.add_column(label, key=label)
        self.watch(self.app, "class_state", self.show)
        self.watch(self.app, "class_state", self.review.check)
        self.set_interval(1.0, self.show)

    @property
    def cls(self) -> Any:
        return self.app.class_state  # type: ignore[attr-defined]

    def selected_room(self) -> Any:
        rooms = self.cls.rooms
        if not rooms:
            return None
        return rooms.get(self.selected or "") or next(iter(rooms.values()))

    def selected_seat(self) -> str | None:
        """The delegation of the seats table's row under the cursor."""
        key = self._seat_key()
        return key.split("#")[0] if key is not None else None

    def selected_member(self) -> int:
        """Which member of a team the row under the cursor is (1 for a one-person seat)."""
        key = self._seat_key()
        return int(key.split("#")[1]) if key and "#" in key else 1

    def _seat_key(self) -> str | None:
        seats = self.query_one("#room-seats", DataTable)
        if not seats.row_count:
            return None
        return str(seats.coordinate_to_cell_key(Coordinate(seats.cursor_row, 0)).row_key.value)

    def show(self, _: Any = None) -> None:
        cls = self.cls
        self.query_one("#class-header", Static).update(
            f"[b]Class {cls.class_id}[/b] · scenario {cls.scenario} · {plural(len(cls.rooms), 'room')} · "
            f"{fmt.connection_mark(cls.connection, cls.connection_detail)} · "
            + (f"token [dim]{cls.token or ''}[/] (K hides it)" if self.token_shown else "K shows the token"))
        self._fill_rooms(cls)
        self._fill_room(self.selected_room())
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        """The footer offers the keys that fit the selected room now (start in the lobby, pause
        a running clock, resume a paused one, the debrief once ended)."""
        room = self.selected_room()
        view = room.view if room else None
        shown = (self.selected_ended(), view.phase if view else None, view is None or view.paused_remaining is None)
        if shown != self.ended_shown:
            self.ended_shown = shown
            self.refresh_bindings()

    def selected_ended(self) -> bool:
        room = self.selected_room()
        return room is not None and room.view is not None and room.view.phase == "ended"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        name = str(parameters[0]) if action == "command" and parameters else action
        if name in ("start_game", "pause", "resume") and action == "command":
            room = self.selected_room()
            return room is not None and applies(name, room.view)
        if name in self.WHILE_PLAYING:
            return not self.selected_ended()
        if name in self.ONCE_ENDED:
            return self.selected_ended()
        return True

    def _fill_rooms(self, cls: Any) -> None:
        """The live table of every room, those needing attention first; the cursor stays on
        the room it was on, wherever that room's row moves."""
        table = self.query_one("#rooms", DataTable)
        rows = overview(cls)
        if self.selected is None and rows:
            self.selected = rows[0].room
        cells: list[tuple[str, ...]] = [
            (r.room, f"[b red]{r.note}[/]" if r.rank < ATTENTION[""] else r.note, r.phase, r.round,
             r.time_left, r.proposals, r.signatures, r.humans) for r in rows]
        if cells == self._rooms_shown:
            return
        self._rooms_shown = cells
        table.clear()
        for row_cells in cells:
            table.add_row(*row_cells, key=str(row_cells[0]))
        at = next((i for i, r in enumerate(rows) if r.room == self.selected), 0)
        if table.row_count:
            table.move_cursor(row=at)

    def _fill_room(self, room: Any) -> None:
        seats = self.query_one("#room-seats", DataTable)
        if room is None:
            self._seats_shown = None
            seats.clear()
            return
        rows = self._seat_rows(room)
        if (room.room, rows) != self._seats_shown:
            self._seats_shown = (room.room, rows)
            row = seats.cursor_row
            seats.clear()
            for *row_cells, key in rows:
                seats.add_row(*row_cells, key=str(key))
            if seats.row_count:
                seats.move_cursor(row=min(max(row, 0), seats.row_count - 1))
        log = self.query_one("#room-log", VerticalScroll)
        if not log.query("#room-log-text"):  # the screen is going: its children are removed first
            return
        text = "\n".join(room.log[-200:]) or "[dim]Nothing has happened in this room yet.[/]"
        if text == self._log_shown:
            return
        self._log_shown = text
        following = log.scroll_y >= log.max_scroll_y - 1  # unless the teacher scrolled up
        self.query_one("#room-log-text", Static).update(text)
        if following:
            log.call_after_refresh(log.scroll_end, animate=False)

    @staticmethod
    def _seat_rows(room: Any) -> list[tuple[object, ...]]:
        """The seats table's rows (cells, then the row key): a row per seat, a team's per member."""
        rows: list[tuple[object, ...]] = []
        view = room.view
        seated = set(view.seated) if view else set()
        controllers = view.controllers if view else {}  # the view follows a bot/human change at once
        for seat in room.seats:
            d = seat.delegation
            controller = controllers.get(d, seat.controller)
            if controller != "human":
                presence = "bot"
            elif view and d not in seated:
                presence = "absent"  # not at the table until seated (j)
            else:
                presence = "yes" if seat.connected else "no"
            label = fmt.delegation_name(view, d) if view else d  # people see names, never ids
            # cut, so that the code and the player fit beside it at 80 columns (the rooms table
            # and the codes screen give the whole name)
            label = label if len(label) <= SEAT_LABEL else label[:SEAT_LABEL - 1] + "…"
            ready = "✔" if view and d in view.ready else ""
            members = seat.members
            for m in members:  # a team: a row per member, its head starred
                rows.append((f"{label} {'★' if m.head else '·'}{m.number}/{len(members)}", m.code,
                             m.name or "", "yes" if m.connected else "no",
                             "team" + (" (head)" if m.head else ""), ready, f"{d}#{m.number}"))
            if not members:
                rows.append((label, seat.code, seat.name or "", presence, controller, ready, d))
        return rows

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "rooms":
            if event.row_key.value is not None:
                self.selected = str(event.row_key.value)
            self._fill_room(self.selected_room())
            self._refresh_footer()

    # ------------------------------------------------------------ actions

    def _send(self, command: dict[str, Any]) -> None:
        room = self.selected_room()
        if room is None:
            self.notify("No room yet.", severity="warning")
            return
        self.post_message(Act(command, room=room.room))

    async def action_command(self, kind: str) -> None:
        self._send({"type": kind})

    async def action_extend(self) -> None:
        self._send({"type": "extend", "seconds": 60})

    def action_inject(self) -> None:
        room = self.selected_room()
        if room is not None and room.view:
            self.post_message(ShowScreen(modals.InjectScreen(room.view), callback=self._inject))

    async def _inject(self, card: str | None) -> None:
        if card:
            self._send({"type": "inject_event", "card": card})

    def action_open_debrief_asking(self) -> None:
        self.post_message(ShowScreen(modals.QuestionsScreen(), callback=self._open_debrief_asking))

    def _open_debrief_asking(self, questions: list[str] | None) -> None:
        if questions:
            self._send({"type": "open_debrief", "questions": questions})

    def action_announce(self) -> None:
        self.post_message(ShowScreen(modals.AnnounceScreen(), callback=self._announce))

    async def _announce(self, text: str | None) -> None:
        if text:
            self._send({"type": "announce", "text": text})

    def action_end(self) -> None:
        question = "End this room's game now? Every seat sees the outcome at once."
        self.post_message(ShowScreen(ConfirmScreen(question, "End"), callback=self._end))

    async def _end(self, yes: bool | None) -> None:
        if yes:
            self._send({"type": "end_game"})

    async def _seat_message(self, kind: str) -> None:
        room, seat = self.selected_room(), self.selected_seat()
        if room is None or seat is None:
            self.notify("Pick a seat in the seats table first.", severity="warning")
            return
        await self.app.send_message(lambda i: modals.seat_message(kind, i, room.room, seat))  # type: ignore[attr-defined]

    async def action_bot(self) -> None:
        await self._seat_message("assign_bot")

    async def action_human(self) -> None:
        await self._seat_message("release_bot")

    async def action_view_as(self) -> None:
        room, seat = self.selected_room(), self.selected_seat()
        if room is not None and seat is not None:
            await self._seat_message("view_as")
            self.post_message(ShowScreen(modals.SeatViewScreen(room.room, seat)))

    @staticmethod
    def _seat_name(room: Any, seat: str) -> str:
        """The delegation's name, as the teacher reads it (the questions said "europe")."""
        return fmt.delegation_name(room.view if room is not None else None, seat)

    def action_fresh_code(self) -> None:
        """A student lost their seat's token: a fresh code for it (the old token stops working)."""
        room, seat, member = self.selected_room(), self.selected_seat(), self.selected_member()
        if seat is None:
            self.notify("Pick a seat in the seats table first.", severity="warning")
            return
        who = self._seat_name(room, seat) + (f" (member {member})" if "#" in (self._seat_key() or "") else "")
        question = f"Give {who} a fresh join code? Whoever holds the seat now is disconnected."
        self.post_message(ShowScreen(ConfirmScreen(question, "Fresh code"), callback=self._fresh_code))

    async def _fresh_code(self, yes: bool | None) -> None:
        room, seat, member = self.selected_room(), self.selected_seat(), self.selected_member()
        if yes and room is not None and seat is not None:
            await self.app.send_message(  # type: ignore[attr-defined]
                lambda i: wire.IssueCode(id=i, room=room.room, delegation=seat, member=member))

    def action_team_size(self) -> None:
        """Make the selected delegation a team (or resize it): a join code per member."""
        seat = self.selected_seat()
        if seat is None:
            self.notify("Pick a seat in the seats table first.", severity="warning")
            return
        choices = [(str(n), "one person" if n == 1 else f"a team of {n}") for n in range(1, wire.TEAM_MAX + 1)]
        name = self._seat_name(self.selected_room(), seat)
        self.post_message(ShowScreen(modals.ChooseScreen(f"How many play {name}?", choices),
                                     callback=self._team_size))

    async def _team_size(self, size: str | None) -> None:
        room, seat = self.selected_room(), self.selected_seat()
        if size and room is not None and seat is not None:
            await self.app.send_message(  # type: ignore[attr-defined]
                lambda i: wire.SetTeamSize(id=i, room=room.room, delegation=seat, size=int(size)))

    def action_make_head(self) -> None:
        """The team member under the cursor leads the delegation (signs, declines, walks out)."""
        room, seat, member = self.selected_room(), self.selected_seat(), self.selected_member()
        team = next((s for s in room.seats if s.delegation == seat), None) if room and seat else None
        chosen = next((m for m in team.members if m.number == member), None) if team else None
        if chosen is None or not chosen.name:
            self.notify("Pick a team member who has joined (a row like 'Ukraine ·2/3').", severity="warning")
            return
        self._send({"type": "set_head", "delegation": seat, "member": member})

    def action_seat_absent(self) -> None:
        """Bring an absent delegation (Istanbul's Western guarantors, say) to the table."""
        room = self.selected_room()
        view = room.view if room else None
        absent = [d for d in view.scenario.delegations if d.id not in view.seated] if view and view.scenario else []
        if not absent:
            self.notify("Every delegation of this scenario is already at the table.")
            return
        choices = [(d.id, d.name) for d in absent]
        self.post_message(ShowScreen(modals.ChooseScreen("Seat which delegation?", choices),
                                     callback=self._seat_absent))

    async def _seat_absent(self, delegation: str | None) -> None:
        if delegation:
            self._send({"type": "seat_delegation", "delegation": delegation})

    async def action_start(self) -> None:
        self._send({"type": "start_game"})

    def action_show_token(self) -> None:
        self.token_shown = not self.token_shown
        self.show()

    def action_codes(self) -> None:
        self.post_message(ShowScreen(modals.CodesScreen()))

    def action_slips(self) -> None:
        """The printable code slips: opened in the teacher's browser when served by `parley
        web`, else written next to where the console runs."""
        app: Any = self.app
        cls = self.cls
        web_url = app.web_url or default_web_url(app.join_url)
        title = next((r.view.scenario.title for r in cls.rooms.values()
                      if r.view and r.view.scenario), cls.scenario or "")
        found = slips_from_rooms((r.room, r.seats, r.view) for r in cls.rooms.values())
        page = slips_html(title, found, web_url, app.join_url)
        name = f"slips-{cls.class_id or 'class'}.html"
        if app.web_url:
            app.deliver_text(io.StringIO(page), save_filename=name, open_method="browser",
                             mime_type="text/html")
            self.notify(f"{len(found)} slips: your browser opens them to print.", title="Code slips")
            return
        try:
            Path(name).write_text(page, encoding="utf-8")
        except OSError as exc:
            self.notify(f"Cannot write {name}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"{len(found)} slips written to {Path(name).resolve()}: open it in a browser "
                    "and print.", title="Code slips", timeout=15)

    async def action_show_debrief(self) -> None:
        room = self.selected_room()
        if room is None or room.view is None or room.view.phase != "ended":
            self.notify("A room's debrief is ready once its game has ended (x ends it).", severity="warning")
            return
        request = await self.app.fetch("debrief", room.room)  # type: ignore[attr-defined]
        self.post_message(ShowScreen(modals.DebriefScreen(request, f"Debrief of room {room.room}")))

    async def action_review(self) -> None:
        room = self.selected_room()
        if room is None:
            self.notify("No room yet.", severity="warning")
            return
        await self.review.start(room.room)

    async def action_report(self) -> None:
        request = await self.app.fetch("report")  # type: ignore[attr-defined]
        self.post_message(ShowScreen(modals.ReportScreen(request, f"Class report: {self.cls.class_id}")))

    # ------------------------------------------------------------ the whole class

    def action_whole_class(self) -> None:
        """A menu of the class-wide actions, each with how many rooms it would reach now."""
        total = len(self.cls.rooms)
        choices = [(name, f"{action.name} in every room ({len(rooms_for(name, self.cls))} of {total} now)"
                           f"  [dim]{key}[/]")
                   for (name, action), key in zip(CLASS_ACTIONS.items(), "GPREAO")]
        self.app.push_screen(modals.ChooseScreen("The whole class at once", choices), self._class_chosen)

    async def _class_chosen(self, action: str | None) -> None:
        if action:
            await self.action_class_action(action)

    async def action_class_action(self, action: str) -> None:
        """Send `action` to every room it applies to; say how many it reached."""
        rooms = rooms_for(action, self.cls)
        if action == "announce" and rooms:
            self.app.push_screen(modals.AnnounceScreen(f"Announce to every room ({len(rooms)})"),
                                 lambda text: self._announce_all(rooms, text))
            return
        command = CLASS_ACTIONS[action].command
        assert command is not None
        await self._send_to_rooms(rooms, dict(command))
        self.notify(summary(action, rooms, len(self.cls.rooms)), title="Whole class")

    async def _announce_all(self, rooms: list[str], text: str | None) -> None:
        if not text:
            return
        await self._send_to_rooms(rooms, {"type": "announce", "text": text})
        self.notify(summary("announce", rooms, len(self.cls.rooms)), title="Whole class")

    async def _send_to_rooms(self, rooms: list[str], command: dict[str, Any]) -> None:
        """One command per room; past the server's burst, at the pace it accepts (20 a second)."""
        for i, room in enumerate(rooms):
            if i >= CLASS_BURST:
                await asyncio.sleep(CLASS_PACE)
            await self.app.send(dict(command), room=room)  # type: ignore[attr-defined]

    async def action_guide(self) -> None:
        request = await self.app.fetch("guide")  # type: ignore[attr-defined]
        self.post_message(ShowScreen(modals.GuideScreen(request, "Teacher's guide")))


CLASS_BURST, CLASS_PACE = 30, 0.06  # the server lets one connection send 40 at once, then 20 a second
SEAT_LABEL = 20  # characters of a delegation's name in the seats table

KEYS_LINE = ("[dim]e +1 min · n next phase · i inject · x end · b/h bot/human seat · j seat absent · f fresh code · "
             "v view as · l review · t report · ? guide · Q debrief with own questions · k close reflections · "
             "S code slips · K facilitator token · "
             "capitals act on every room: G P R E A O · ctrl+p finds any key[/]")
