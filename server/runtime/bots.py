"""The runtime's side of bots: find the bots engineer's `start_bot`, and give a seat to it.

The bots live in `server.bots.runner` (another area of the code); it is imported only when a
bot is wanted, so the server runs — and refuses bot requests with `bots_unavailable` — when
that module is not there.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from typing import Any

from server.runtime.errors import Refusal


def bot_starter() -> Callable[..., Any]:
    try:
        runner = importlib.import_module("server.bots.runner")
    except ModuleNotFoundError as exc:
        if exc.name and "server.bots.runner".startswith(exc.name):
            raise Refusal("bots_unavailable", "This server has no bots installed.") from None
        raise
    start: Callable[..., Any] = runner.start_bot
    return start


def bot_seed(game_seed: int, room_id: str, delegation: str) -> int:
    """A seed of its own for each bot, stable across restarts."""
    return (game_seed * 7919 + zlib.crc32(f"{room_id}/{delegation}".encode())) % 2**31
