"""The Textual application: one app for players, facilitators and the demo.

The app holds the client state (`state` for a player, `class_state` for a facilitator) as
reactives; screens watch them and re-render. Exactly one worker owns the socket
(`Connection.run`) and posts every server message as a `FromServer`; `on_from_server`
folds it through the pure reducer and moves between screens when the phase calls for it.
The connection is handed in (tests pass one to a real test server) or made from the join
screen's address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.timer import Timer

from client import collector, config, rejoin, visits
from client import format as fmt
from client.connection import ConnectError, Connection, normalise_url
from client.console_state import ConsoleState, reduce_console
from client.messages import Act, Ask, FromServer, GoTo, Happened, ShowScreen
from client.palette import ActionsProvider
from client.state import ClientState, ConnectionChanged, Requested, notices, reduce
from client.visits import VisitMemory
from server.protocol import wire
from server.protocol.scenario_file import ScenarioFileError, read_scenario_file

FETCH_MESSAGES: dict[str, Callable[..., wire.Message]] = {
    "log": wire.FetchLog, "debrief": wire.FetchDebrief, "report": wire.FetchReport,
    "guide": wire.FetchGuide, "worth": wire.AskWorth}


class DemoHost(Protocol):
    """What `parley demo` gives the app: the seats to choose from and a room to play in."""

    delegations: list[tuple[str, str, str]]  # id, name, public brief
    chosen: str | None

    async def seat(self, delegation: str) -> tuple[str, str]: ...  # (server url, join code)
    async def start(self) -> None: ...
    async def open_debrief(self) -> None: ...


class ParleyApp(App[None]):
    TITLE = "Parley"
    # absolute, so a subclass defined elsewhere (the snapshot tests' app) finds it too
    CSS_PATH = Path(__file__).parent / "parley.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    COMMANDS = App.COMMANDS | {ActionsProvider}
    # Textual's own ctrl+q is hidden from the footer; a newcomer should see how to leave.
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True),
                Binding("f9", "rejoin_code", "My rejoin code", show=False)]

    # The screens watch these and repaint what changed; a reactive's own repaint would repaint the
    # whole screen on every state change (every incoming message): a frame of every widget.
    state: reactive[ClientState] = reactive(ClientState, always_update=True, repaint=False)
    class_state: reactive[ConsoleState] = reactive(ConsoleState, always_update=True, repaint=False)

    def __init__(self, connection: Connection | None = None, *, server: str | None = None,
                 code: str | None = None, name: str = "", role: str = "player",
                 token: str | None = None, demo: DemoHost | None = None,
                 config_file: Path | None = None, web_url: str | None = None,
                 rejoin_prompt: bool = False, key: str | None = None, cafile: str | Path | None = None,
                 quiet_collector: bool = False) -> None:
        super().__init__()
        self.quiet_collector = quiet_collector  # see client.collector: `parley play` and `demo` ask for it
        self._input_at = 0.0  # when the player last typed or used the mouse (time.monotonic)
        self._pause_timer: Timer | None = None  # looks for a pause to collect in (quiet_collector)
        self.web_url = web_url  # the page students open, when served by `parley web`
        self.rejoin_prompt = rejoin_prompt  # show the rejoin code as soon as a code is spent
        self.connection = connection
        self.config_file = config_file
        saved = config.load(config_file)
        self.server = server or (connection.url if connection else saved.get("server", config.DEFAULT_SERVER))
        self.code, self.player_name = code, name or saved.get("name", "")
        self.role, self.token, self.demo = role, token, demo
        self.key = key  # the server's instructor key, for opening a class
        self.cafile = cafile  # the authority a wss:// server's certificate is checked against
        self._routed: str | None = None
        self._visit: VisitMemory | None = None  # where this seat's visit has got to
        self.reflection_draft: list[str] = []   # the reflection form's answers, kept between visits to it
        self.reflection_handed_in = False

    def on_mount(self) -> None:
        from client.screens.chooser import ChooserScreen
        from client.screens.facilitator import FacilitatorSetupScreen
        from client.screens.join import JoinScreen

        if self.demo is not None:
            self.push_screen(ChooserScreen())
        elif self.role == "facilitator":
            self.push_screen(FacilitatorSetupScreen())
        else:
            self.push_screen(JoinScreen())

    # ------------------------------------------------------------ connecting

    async def _connection_for(self, server: str) -> Connection:
        url = normalise_url(server)
        if self.connection is not None and self.connection.url != url:
            await self.connection.close()
            self.connection = None
        if self.connection is None:
            self.connection = Connection(url, cafile=self.cafile)
        return self.connection

    @property
    def join_url(self) -> str:
        """The server's address as students are told it (the server says, in its welcome: its
        --public-url or LAN address), else the one this app connected to."""
        told = self.connection.join_url if self.connection is not None else None
        return told or self.server

    async def join_seat(self, server: str, code: str, name: str) -> None:
        """Join with a code; raises ConnectError with a sentence for the join screen."""
        connection = await self._connection_for(server)
        self.state = reduce(self.state, ConnectionChanged("connecting"))
        reply = await connection.join(code, name)
        self.role = "player"
        self._start(reply)
        if self.demo is None:
            config.remember(self.config_file, server=connection.url, name=name)
            if self.rejoin_prompt:
                self.action_rejoin_code(first=True)

    async def rejoin_seat(self, server: str, token: str) -> None:
        """Come back to a seat with its token (typed as a rejoin code); ConnectError if refused."""
        connection = await self._connection_for(server)
        self.state = reduce(self.state, ConnectionChanged("connecting"))
        reply = await connection.resume(token)
        if reply.type != "joined":
            raise ConnectError("That code is a facilitator's: open the console with it (F2).")
        self.role = "player"
        self._start(reply)
        config.remember(self.config_file, server=connection.url)

    async def action_quit(self) -> None:
        """Leave. From a seat whose game is still on, ask first (ctrl+q is one slip of the hand
        from ctrl+p, and the join code is spent), showing the rejoin code to come back with; a
        second ctrl+q leaves at once."""
        from client.screens.confirm import ConfirmScreen

        playing = self.role == "player" and self.demo is None and self.state.token is not None
        if not playing or self.state.phase in (None, "ended") or isinstance(self.screen, ConfirmScreen):
            self.exit()
            return
        code = rejoin.readable(self.state.token or "")

        def answered(sure: bool | None) -> None:
            if sure:
                self.exit()
        self.push_screen(ConfirmScreen(
            "Leave the game? Your seat stays yours while you are away. To come back, type your "
            f"rejoin code where you typed the join code:\n\n  [b]{code}[/b]", "Leave", danger=True),
            answered)

    def action_rejoin_code(self, first: bool = False) -> None:
        """Show the seat's rejoin code (after the first join, and on F9)."""
        from client.screens.rejoin import RejoinCodeScreen

        code = rejoin.readable(self.state.token) if self.state.token and self.role == "player" else None
        if code is None:
            self.notify("There is no seat to rejoin yet: join with your code first.", severity="warning")
            return
        self.push_screen(RejoinCodeScreen(code, first=first))

    async def open_class(self, server: str, scenario: str, rooms: int, bots: list[str] | str,
                         time_scale: float) -> None:
        connection = await self._connection_for(server)
        try:
            text, name = read_scenario_file(scenario)
        except ScenarioFileError as exc:
            raise ConnectError(f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from None
        opened = await connection.open_class(name, rooms, bots, time_scale, key=self.key, scenario_text=text)
        self.class_state = reduce_console(self.class_state, opened)
        await self.resume_class(server, opened.facilitator_token)

    async def resume_class(self, server: str, token: str) -> None:
        connection = await self._connection_for(server)
        reply = await connection.resume(token)
        if reply.type != "class_state":
            raise ConnectError("That token is a seat's, not a facilitator's: use `parley play`.")
        self.role = "facilitator"
        self.class_state = reduce_console(self.class_state, ConnectionChanged("connected"))
        self._start(reply)
        if not self.class_state.token:  # come back with it: the header shows it, to write down again
            self.class_state = replace(self.class_state, token=token)
        config.remember(self.config_file, server=connection.url)

    async def demo_join(self, delegation: str) -> None:
        assert self.demo is not None
        url, code = await self.demo.seat(delegation)
        self.connection = Connection(url)
        await self.join_seat(url, code, "You")

    def _start(self, reply: Any) -> None:
        assert self.connection is not None
        self.apply(reply)
        self.apply(ConnectionChanged("connected"))
        connection = self.connection
        if reply.type == "joined" and self.demo is None:
            self._welcome_back(connection, reply)
        def sink(message: Any) -> None:
            self.post_message(FromServer(message))

        self.run_worker(connection.run(sink),
                        name="connection", group="connection", exclusive=True)

    def _welcome_back(self, connection: Connection, joined: wire.Joined) -> None:
        """Remember this seat's visit; if it was played here before and the room has moved on
        since, ask for the "since you were here" summary (shown when it comes)."""
        if self._visit is not None:
            self._visit.flush()
        last = visits.last_seen(connection.url, joined.room, joined.delegation, self.config_file)
        self._visit = VisitMemory(connection.url, joined.room, joined.delegation, self.config_file)
        self._visit.saw(joined.view.seq)
        if last is not None and last < joined.view.seq:
            self.run_worker(connection.send(wire.FetchSince(id=connection.next_id(), since_seq=last)),
                            group="since")

    def _fetch_earlier_notes(self) -> None:
        """A long game's joined view brings only its newest notes: ask for the older ones."""
        connection = self.connection
        if connection is None:
            return
        before = next((n.seq for n in self.state.notes if n.seq), self.state.seq + 1)
        self.run_worker(connection.send(wire.FetchNotes(id=connection.next_id(), before=before)),
                        group="notes")

    def _show_since(self, message: wire.SinceLastVisit) -> None:
        from client.screens.since import SinceScreen, summary_text

        view = self.state.view
        text = summary_text(message.summary, f"{view.phase if view else '?'}, {fmt.round_text(view)}",
                            fmt.time_left(view))
        self.push_screen(SinceScreen(text))

    # ------------------------------------------------------------ state

    def on_from_server(self, event: FromServer) -> None:
        self.apply(event.message)

    async def on_ask(self, event: Ask) -> None:
        await self.fetch(event.kind, event.room, event.terms)

    async def on_act(self, event: Act) -> None:
        """A screen asks for a game command; awaited here, so commands leave in order."""
        await self.send(event.command, event.room)

    def on_happened(self, event: Happened) -> None:
        self.apply(event.happening)

    def on_go_to(self, event: GoTo) -> None:
        """The outcome over the table (escape goes back to it), or back to the table."""
        from client.screens.outcome import OutcomeScreen
        from client.screens.table import TableScreen

        if event.place == "outcome":
            self.push_screen(OutcomeScreen())
        elif len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], TableScreen):
            self.pop_screen()  # the table the outcome was opened over
        else:
            self.switch_screen(TableScreen())

    def on_show_screen(self, event: ShowScreen) -> None:
        if event.switch:
            self.switch_screen(event.screen)
        else:
            self.push_screen(event.screen, event.callback)

    def apply(self, message: Any) -> None:
        fetches = (self.class_state if self.role == "facilitator" else self.state).fetches
        if message.type == "error" and message.reply_to not in fetches:
            self.notify(message.message, title="Refused", severity="error")
        if self.role == "facilitator":
            self.class_state = reduce_console(self.class_state, message)
            return
        if message.type == "since_last_visit":
            self._show_since(message)
            return
        before, self.state = self.state, reduce(self.state, message)
        if message.type == "joined" and message.earlier_notes:
            self._fetch_earlier_notes()
        if message.type == "joined" and self._routed == "table":
            self._freeze_soon()  # back at the table (a rejoin): what it now holds
        if self._visit is not None:
            self._visit.saw(self.state.seq)
        if self.state.intent and self.state.intent is not before.intent:
            self.notify(fmt.intent_text(self.state.view, self.state.intent), title="Your team",
                        severity="warning", timeout=12, markup=False)
        # Two notices at most, briefly: they cover the lower right of the screen (at 80x24 the
        # brief below its red lines); the Pressure and Messages tabs keep everything they say.
        for title, text in notices(before, self.state)[-2:]:
            self.notify(text, title=title, severity="warning" if title == "Announcement" else "information",
                        timeout=8 if title == "Announcement" else 5, markup=False)
        if message.type == "connection" and message.status == "lost":
            self.notify(message.detail, title="Connection lost", severity="error", timeout=30)
        self.route()

    def route(self) -> None:
        """Show the screen the game's phase calls for: lobby, table or outcome."""
        from client.screens.lobby import LobbyScreen
        from client.screens.outcome import OutcomeScreen
        from client.screens.table import TableScreen

        phase = self.state.phase
        if phase is None:
            return
        target = "lobby" if phase == "lobby" else "outcome" if phase == "ended" else "table"
        if target == self._routed:
            return
        self._routed = target
        screens: dict[str, Callable[[], Any]] = {"lobby": LobbyScreen, "table": TableScreen,
                                                 "outcome": OutcomeScreen}
        if target == "outcome" and isinstance(self.screen, TableScreen):
            self.push_screen(OutcomeScreen())  # escape goes back to the table
        else:
            self.switch_screen(screens[target]())
        if target == "table":
            self._freeze_soon()

    def _freeze_soon(self) -> None:
        """Once the table has been drawn, freeze what it holds out of the collector's passes; from
        then on the collector's full passes come when the player pauses."""
        if self.quiet_collector:
            self.set_timer(0.5, collector.freeze_survivors)
            if self._pause_timer is None:
                self._pause_timer = self.set_interval(collector.PAUSE / 2, self._collect_in_pause)

    def _collect_in_pause(self) -> None:
        if time.monotonic() - self._input_at >= collector.PAUSE:
            collector.collect_in_pause()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._input_at = time.monotonic()  # a key or the mouse, as the terminal hands it over
        await super().on_event(event)

    async def send(self, command: dict[str, Any], room: str | None = None) -> None:
        """Send a game command; a refusal comes back from the server as an error notice."""
        if self.connection is None:
            self.notify("Not connected to a server.", severity="error")
            return
        try:
            await self.connection.command(command, room)
        except ValidationError as exc:
            problem = exc.errors()[0]
            self.notify(f"{problem['msg']} ({'.'.join(map(str, problem['loc'][1:]))})",
                        title="Not sent", severity="error")

    async def send_message(self, message_factory: Callable[[str], Any]) -> None:
        """Send a non-command message built around a fresh id (assign_bot, view_as, ...)."""
        if self.connection is not None:
            await self.connection.send(message_factory(self.connection.next_id()))

    async def fetch(self, kind: str, room: str | None = None,
                    terms: dict[str, str] | None = None) -> str | None:
        """Ask for a room's "log" or "debrief", the class "report" or "guide", or a package's "worth" to
        this seat (`terms`); returns the request id.

        The replies fold into the state's `fetches` under that id (see client.state)."""
        if self.connection is None:
            self.notify("Not connected to a server.", severity="error")
            return None
        request_id = self.connection.next_id()
        fields: dict[str, Any] = ({} if kind in ("report", "guide") else {"terms": terms or {}}
                                  if kind == "worth" else {"room": room})
        self.apply(Requested(kind, request_id, room))
        await self.connection.send(FETCH_MESSAGES[kind](id=request_id, **fields))
        return request_id

    async def on_unmount(self) -> None:
        if self.quiet_collector:
            collector.thaw()
        if self._visit is not None:
            self._visit.flush()
        if self.connection is not None:
            await self.connection.close()
