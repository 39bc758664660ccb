"""What the runtime needs of a store: the `Store` protocol, met by `SQLiteStore` (the real one,
sqlite.py) and `MemoryStore` (its twin in memory, memory.py).

Writes return a future that is resolved once the write is durable (for SQLite: committed;
for memory: applied) and fails with the write's own error, and that cannot be cancelled
(`writer.Commit`: a write handed over happens regardless); reads are synchronous. An event
is in the store before anyone is told of it: callers await the write, then deliver.
The same tests run against both (tests/test_store_contract.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

from server.engine.events import EventBase
from server.store.sqlite import ClassInfo, EventRow, GameInfo, GameStatus, SeatRecord


class Store(Protocol):
    # ------------------------------------------------------------ writes
    def create_class(self, info: ClassInfo, games: Sequence[tuple[str, list[EventRow], GameStatus]],
                     seats: Sequence[SeatRecord]) -> asyncio.Future[Any]:
        """A class, its games with their first events, and their seats, all or nothing."""

    def append(self, game: str, rows: Sequence[EventRow], status: GameStatus,
               reply: tuple[str, str, str] | None = None) -> asyncio.Future[Any]:
        """Events of a game (and the reply to the command that caused them), all or nothing;
        an event number already taken fails this write alone."""

    def record_reply(self, game: str, actor: str, command_id: str, frame: str) -> asyncio.Future[Any]: ...

    def update_seat(self, game: str, delegation: str, token_hash: str, name: str,
                    member: int = 1) -> asyncio.Future[Any]: ...

    def reissue_code(self, game: str, delegation: str, code: str, member: int = 1) -> asyncio.Future[Any]: ...

    def add_seats(self, seats: Sequence[SeatRecord]) -> asyncio.Future[Any]:
        """More members' seats for a team delegation; a taken code or member fails the write."""

    def remove_seat(self, game: str, delegation: str, member: int) -> asyncio.Future[Any]: ...

    # ------------------------------------------------------------ reads
    def list_games(self, status: str | None = None) -> list[GameInfo]: ...

    def game(self, game_id: str) -> GameInfo | None: ...

    def events(self, game_id: str, after: int = 0) -> list[EventBase]: ...

    def seats(self, game_id: str | None = None) -> list[SeatRecord]: ...

    def classes(self) -> list[ClassInfo]: ...

    def class_info(self, class_id: str) -> ClassInfo | None: ...

    def replies(self, game_id: str, limit_per_actor: int) -> list[tuple[str, str, str]]: ...

    def close(self) -> None: ...
