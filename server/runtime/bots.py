"""The runtime's side of bots: each bot seat's own seed (the bots are `server.bots.runner`)."""

from __future__ import annotations

import zlib


def bot_seed(game_seed: int, room_id: str, delegation: str) -> int:
    """A seed of its own for each bot, stable across restarts."""
    return (game_seed * 7919 + zlib.crc32(f"{room_id}/{delegation}".encode())) % 2**31
