"""`MemoryStore`: the store's twin in memory — the same contract as `SQLiteStore` (see
interface.py), for tests and for a server that need not outlive its process.

Events are kept as the same JSON, with the same format number, and read back through the same
`read_rows`, so what the SQLite store would refuse to read this one refuses too. A write is
applied at once and answered with a done future; a write that breaks a rule the SQLite schema
enforces (an event number taken, a join code used twice) fails alone, changing nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from server.engine.events import EventBase
from server.store.sqlite import ClassInfo, EventRow, GameInfo, GameStatus, SeatRecord, read_rows
from server.store.writer import Commit


class StoreConflict(ValueError):
    """A write the store's constraints refuse (what SQLite reports as an IntegrityError)."""


class MemoryStore:
    def __init__(self) -> None:
        self._classes: dict[str, ClassInfo] = {}
        self._games: dict[str, GameInfo] = {}
        self._events: dict[str, dict[int, tuple[str, str, int]]] = {}  # game -> seq -> (type, json, format)
        self._seats: dict[tuple[str, str, int], SeatRecord] = {}
        self._replies: dict[tuple[str, str, str], str] = {}  # (game, actor, id) -> frame, oldest first

    def close(self) -> None:
        """Nothing to release: what was written stays readable while the object lives."""

    # ------------------------------------------------------------ writes

    def create_class(self, info: ClassInfo, games: Sequence[tuple[str, list[EventRow], GameStatus]],
                     seats: Sequence[SeatRecord]) -> asyncio.Future[Any]:
        def apply() -> None:
            if info.id in self._classes or any(g in self._games for g, _, _ in games):
                raise StoreConflict(f"class {info.id} or one of its games exists already")
            self._check_codes([s.code for s in seats], exempt=())
            now = time.time()
            self._classes[info.id] = replace(info, games=())
            for game_id, rows, status in games:
                self._games[game_id] = GameInfo(game_id, info.id, info.scenario, status.status, status.phase,
                                                status.round, status.agreement, now, now, status.last_seq)
                self._events[game_id] = {r.seq: _stored(r) for r in rows}
            for seat in seats:
                self._seats[(seat.game, seat.delegation, seat.member)] = seat

        return _done(apply)

    def add_seats(self, seats: Sequence[SeatRecord]) -> asyncio.Future[Any]:
        def apply() -> None:
            self._check_codes([s.code for s in seats], exempt=())
            for seat in seats:
                if (seat.game, seat.delegation, seat.member) in self._seats:
                    raise StoreConflict(f"{seat.delegation}'s member {seat.member} has a seat already")
            for seat in seats:
                self._seats[(seat.game, seat.delegation, seat.member)] = seat

        return _done(apply)

    def remove_seat(self, game: str, delegation: str, member: int) -> asyncio.Future[Any]:
        def apply() -> None:
            self._seats.pop((game, delegation, member), None)

        return _done(apply)

    def append(self, game: str, rows: Sequence[EventRow], status: GameStatus,
               reply: tuple[str, str, str] | None = None) -> asyncio.Future[Any]:
        def apply() -> None:
            log = self._events.setdefault(game, {})
            taken = [r.seq for r in rows if r.seq in log]
            if taken or len({r.seq for r in rows}) < len(rows):
                raise StoreConflict(f"game {game}: event {taken[0] if taken else rows[0].seq} is stored already")
            log.update((r.seq, _stored(r)) for r in rows)
            info = self._games.get(game)
            if info is not None:
                self._games[game] = replace(info, updated=time.time(), status=status.status, phase=status.phase,
                                            round=status.round, agreement=status.agreement,
                                            events=status.last_seq)
            if reply is not None:
                self._reply(game, *reply)

        return _done(apply)

    def record_reply(self, game: str, actor: str, command_id: str, frame: str) -> asyncio.Future[Any]:
        return _done(lambda: self._reply(game, actor, command_id, frame))

    def update_seat(self, game: str, delegation: str, token_hash: str, name: str,
                    member: int = 1) -> asyncio.Future[Any]:
        def apply() -> None:
            seat = self._seats.get((game, delegation, member))
            if seat is not None:
                self._seats[(game, delegation, member)] = replace(seat, token_hash=token_hash, name=name)

        return _done(apply)

    def reissue_code(self, game: str, delegation: str, code: str, member: int = 1) -> asyncio.Future[Any]:
        def apply() -> None:
            seat = self._seats.get((game, delegation, member))
            if seat is not None:
                self._check_codes([code], exempt=(seat.code,))
                self._seats[(game, delegation, member)] = replace(seat, code=code, token_hash=None)

        return _done(apply)

    def _reply(self, game: str, actor: str, command_id: str, frame: str) -> None:
        self._replies.pop((game, actor, command_id), None)  # replaced: now the newest
        self._replies[(game, actor, command_id)] = frame

    def _check_codes(self, codes: Sequence[str], exempt: Sequence[str]) -> None:
        used = {s.code for s in self._seats.values()} - set(exempt)
        clash = [c for c in codes if c in used] or [c for c in codes if codes.count(c) > 1]
        if clash:
            raise StoreConflict(f"the join code {clash[0]} is taken")

    # ------------------------------------------------------------ reads

    def list_games(self, status: str | None = None) -> list[GameInfo]:
        games = [g for g in self._games.values() if status is None or g.status == status]
        return sorted(games, key=lambda g: (g.created, g.id))

    def game(self, game_id: str) -> GameInfo | None:
        return self._games.get(game_id)

    def events(self, game_id: str, after: int = 0) -> list[EventBase]:
        log = self._events.get(game_id, {})
        return read_rows(game_id, [(seq, *log[seq]) for seq in sorted(log) if seq > after])

    def seats(self, game_id: str | None = None) -> list[SeatRecord]:
        return [s for s in self._seats.values() if game_id is None or s.game == game_id]

    def classes(self) -> list[ClassInfo]:
        return sorted((self._with_games(c) for c in self._classes.values()), key=lambda c: (c.created, c.id))

    def class_info(self, class_id: str) -> ClassInfo | None:
        found = self._classes.get(class_id)
        return self._with_games(found) if found else None

    def replies(self, game_id: str, limit_per_actor: int) -> list[tuple[str, str, str]]:
        mine = [(actor, command_id, frame) for (game, actor, command_id), frame in self._replies.items()
                if game == game_id]
        kept: list[tuple[str, str, str]] = []
        for actor in {a for a, _, _ in mine}:
            kept += [r for r in mine if r[0] == actor][-limit_per_actor:]
        order = {r: n for n, r in enumerate(mine)}
        return sorted(kept, key=order.__getitem__)

    def _with_games(self, info: ClassInfo) -> ClassInfo:
        return replace(info, games=tuple(sorted(g.id for g in self._games.values() if g.class_id == info.id)))


def _stored(row: EventRow) -> tuple[str, str, int]:
    values = row.values("")
    return row.event.type, values[5], values[6]


def _done(apply: Callable[[], None]) -> asyncio.Future[Any]:
    future = Commit(loop=asyncio.get_running_loop())
    try:
        apply()
    except Exception as exc:
        future.set_exception(exc)
    else:
        future.set_result(None)
    return future
