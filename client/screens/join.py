"""The join screen: server, code and name; or go to the facilitator's console."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from client import rejoin
from client.connection import ConnectError
from client.messages import ShowScreen
from client.widgets.footer import KeysFooter


class JoinScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "join", "Join", priority=True),
        Binding("f2", "facilitate", "Facilitate a class"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        app: Any = self.app
        with VerticalScroll(id="join-box", classes="form"):
            yield Static("[b]Parley[/b] — join a negotiation", classes="title")
            yield Label("Server")
            yield Input(app.server, id="server", placeholder="ws://host:8765", compact=True)
            yield Label("Join code from your facilitator, or your rejoin code")
            yield Input(app.code or "", id="code", placeholder="e.g. UP-7KQ4XM", compact=True)
            yield Label("Your name")
            yield Input(app.player_name, id="name", placeholder="shown to the facilitator", compact=True)
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Join", id="join", variant="primary")
                yield Button("Facilitate a class", id="facilitate")
        yield KeysFooter()

    def on_mount(self) -> None:
        app: Any = self.app
        self.query_one("#name" if app.code else "#code", Input).focus()
        if app.code:
            self.action_join()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "join":
            self.action_join()
        elif event.button.id == "facilitate":
            self.action_facilitate()

    def action_join(self) -> None:
        values = {i.id: i.value for i in self.query(Input)}
        self.problem("Connecting…", error=False)
        self.run_worker(self._join(values["server"], values["code"], values["name"]),
                        exclusive=True, group="join")

    async def _join(self, server: str, code: str, name: str) -> None:
        app: Any = self.app
        try:
            token = rejoin.token_of(code)
            if token is None:
                await app.join_seat(server, code, name)
            else:
                await app.rejoin_seat(server, token)
        except (ConnectError, rejoin.RejoinTypo) as exc:
            self.problem(str(exc))

    def problem(self, text: str, error: bool = True) -> None:
        widget = self.query_one("#problem", Static)
        widget.update(text)
        widget.set_class(error, "error")

    def action_facilitate(self) -> None:
        from client.screens.facilitator import FacilitatorSetupScreen

        self.post_message(ShowScreen(FacilitatorSetupScreen(), switch=True))
