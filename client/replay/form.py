"""The replay viewer as `parley web` serves it: a form for the token, then the viewer.

In a terminal, `parley replay GAME --server URL --token TOKEN` takes the token on its command
line; a browser tab must not (a token in a URL or a process list is a stolen seat), so the
tab asks for it: a seat's rejoin code, or the facilitator's token and the room to replay. The
log is fetched over the wire (`server.replay.remote.fetch_log`, in a thread: it is a
synchronous conversation), and the server decides what the token may see.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from client import rejoin
from client.replay.screen import ReplayScreen
from client.widgets.footer import KeysFooter
from server.replay.model import Replay, may_see_all


class ReplayFormScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        app: Any = self.app
        with VerticalScroll(classes="form"):
            yield Static("[b]Parley[/b] — replay a game", classes="title")
            yield Label("Server")
            yield Input(app.server, id="server", compact=True)
            yield Label("Your rejoin code (a seat), or the facilitator token")
            yield Input("", id="token", password=True, compact=True)
            yield Label("Room (only with the facilitator token; e.g. C-ABC123-1)")
            yield Input("", id="room", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Replay", id="replay", variant="primary")
            yield Static("", id="problem", classes="problem error")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#token", Input).focus()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.load()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.load()

    def load(self) -> None:
        values = {i.id or "": i.value.strip() for i in self.query(Input)}
        try:
            token = rejoin.token_of(values["token"]) or values["token"]
        except rejoin.RejoinTypo as exc:
            self.query_one("#problem", Static).update(str(exc))
            return
        if not token:
            self.query_one("#problem", Static).update("Type your rejoin code or the facilitator token.")
            return
        self.query_one("#problem", Static).update("Fetching the game…")
        self.fetch(values["server"], token, values["room"] or None)

    @work(thread=True, exclusive=True)
    def fetch(self, server: str, token: str, room: str | None) -> None:
        """Fetch and open the replay off the event loop; a refusal is shown on the form."""
        from server.replay import FACILITATOR
        from server.replay.remote import fetch_log
        from server.replay.sources import SourceError

        try:
            fetched = fetch_log(server, token, room, getattr(self.app, "cafile", None))
            loaded = fetched.loaded
            everything = may_see_all(loaded.events, loaded.trusted)
            seat = FACILITATOR if fetched.own_seat is None else fetched.own_seat
            replay = Replay(loaded.events, seat, game_id=loaded.game_id)
        except (SourceError, ValueError) as exc:
            self.app.call_from_thread(self.query_one("#problem", Static).update, str(exc))
            return
        self.app.call_from_thread(self._show, replay, everything)

    def _show(self, replay: Replay, everything: bool) -> None:
        self.query_one("#problem", Static).update("")
        self.app.push_screen(ReplayScreen(replay, everything, False))


class ReplayFormApp(App[None]):
    TITLE = "Parley replay"
    CSS_PATH = "../parley.tcss"  # the forms look like the client's
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, server: str, cafile: str | None = None) -> None:
        super().__init__()
        self.server = server
        self.cafile = cafile  # the authority a wss:// server's certificate is checked against

    def on_mount(self) -> None:
        self.push_screen(ReplayFormScreen())
