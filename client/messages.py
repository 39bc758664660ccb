"""Textual messages: what the connection worker posts to the app, and what screens ask of it.

Screens and widgets never call the app's methods to act: they post one of these and the app
(`client.app.ParleyApp`) handles it — sends the command, folds the local happening into the
state, switches the screen. That keeps the screens testable on their own and the app the one
place where the socket and the state are touched.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class FromServer(Message):
    """The Textual message that carries one message from the server (a model of the wire's
    `ServerMessage` union) or a `ConnectionChanged` from the socket's worker to the app."""

    def __init__(self, message: Any) -> None:
        super().__init__()
        self.message = message


class Act(Message):
    """Send a game command (a dict the wire's `Command` union validates); `room` for the facilitator."""

    def __init__(self, command: dict[str, Any], room: str | None = None) -> None:
        super().__init__()
        self.command, self.room = command, room


class Happened(Message):
    """A local happening to fold into the client state (`ChannelRead`, `Forget`, ...)."""

    def __init__(self, happening: Any) -> None:
        super().__init__()
        self.happening = happening


class ShowScreen(Message):
    """Push (or, with `switch`, switch to) a screen; `callback` gets a modal's result."""

    def __init__(self, screen: Any, switch: bool = False, callback: Any = None) -> None:
        super().__init__()
        self.screen, self.switch, self.callback = screen, switch, callback


class GoTo(Message):
    """Show the game's "table" or its "outcome". The app knows the screens, so the table and
    the outcome screen, which lead to each other, never import each other."""

    def __init__(self, place: str) -> None:
        super().__init__()
        self.place = place


class Ask(Message):
    """Fetch something (see `ParleyApp.fetch`): a package's "worth" to this seat, a "debrief"..."""

    def __init__(self, kind: str, room: str | None = None, terms: dict[str, str] | None = None) -> None:
        super().__init__()
        self.kind, self.room, self.terms = kind, room, terms
