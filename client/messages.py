"""Textual messages the connection worker posts to the app."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ServerMessage(Message):
    """A message from the server (a `server.protocol.wire` model) or a `ConnectionChanged`."""

    def __init__(self, message: Any) -> None:
        super().__init__()
        self.message = message
