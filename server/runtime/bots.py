"""The runtime's side of bots: each bot seat's own seed, and the strategy check (the bots are `server.bots.runner`)."""

from __future__ import annotations

import zlib

from server.bots.runner import STRATEGIES
from server.runtime.errors import Refusal


def check_strategy(name: str | None) -> None:
    """Refuse a strategy no bot plays, before anything naming it is stored (None: the default)."""
    if name is not None and name not in STRATEGIES:
        raise Refusal("unknown_strategy", f"No bot strategy is called {name[:40]!r} "
                                          f"(known: {', '.join(sorted(STRATEGIES))}).")


def bot_seed(game_seed: int, room_id: str, delegation: str) -> int:
    """A seed of its own for each bot, stable across restarts."""
    return (game_seed * 7919 + zlib.crc32(f"{room_id}/{delegation}".encode())) % 2**31
