"""Where a replay's log comes from: a Parley database, or a JSON export. (The I/O edge of replay.)

Each loader returns `Loaded` or raises `SourceError` with one line naming what is wrong: a
missing file, a file that is not a Parley database or export, an unknown game or class.
A database is probed read-only *before* the store opens it, because opening a store creates
its tables — pointing `--db` at someone else's SQLite file must not write to it.

Who may see everything: the holder of a local database runs the server, i.e. is the
facilitator; the holder of a JSON export already holds the whole log. Both are `trusted`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from server.engine import events as ev
from server.replay.records import read_log_document
from server.store.upcast import DATABASE_FORMAT, database_format

if TYPE_CHECKING:
    from server.store import GameInfo

RECENT_CLASSES = 3  # named in the error for a game or class that is not there

_REQUIRED = {"games": {"id", "class", "scenario", "status"},
             "events": {"game", "seq", "type", "visibility", "payload"}}


class SourceError(ValueError):
    """A log cannot be read from where the user pointed; the message says why, in one line."""


@dataclass(frozen=True)
class Loaded:
    events: list[ev.EventBase]
    game_id: str
    class_id: str = ""
    trusted: bool = True  # may see everything whether or not the game is open for review


def check_database(path: Path) -> None:
    """Raise SourceError unless `path` is an SQLite file with Parley's tables (read-only probe)."""
    if not path.is_file():
        raise SourceError(f"no database at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for table, columns in _REQUIRED.items():
                found = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
                if not columns <= found:
                    raise SourceError(f"{path} is not a Parley database (no {table} table)")
            if database_format(conn) > DATABASE_FORMAT:
                raise SourceError(f"{path} was written by a newer Parley (database format "
                                  f"{database_format(conn)}; this one reads 1 to {DATABASE_FORMAT})")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"{path} is not a Parley database ({exc})") from None


def from_database(path: Path, ident: str) -> list[Loaded]:
    """The game `ident`, or every game of the class `ident`, from a Parley database."""
    check_database(path)
    from server.store import open_store  # the store starts a writer thread: only when needed

    store = open_store(path)
    try:
        info = store.game(ident)
        if info is not None:
            return [Loaded(store.events(ident), ident, info.class_id)]
        klass = store.class_info(ident)
        if klass is not None:
            if not klass.games:
                raise SourceError(f"class {ident} in {path} has no games")
            return [Loaded(store.events(g), g, ident) for g in sorted(klass.games, key=room_order)]
        raise SourceError(f"no game or class {ident!r} in {path} ({_recent(store.list_games())})")
    finally:
        store.close()


def room_order(game_id: str) -> list[int | str]:
    """A sort key putting a class's rooms in their order: C-2 before C-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", game_id)]


def _recent(games: list[GameInfo]) -> str:
    """The newest classes, each with its rooms from the first to the last, newest first."""
    rooms: dict[str, list[str]] = {}
    for game in games:  # oldest first
        rooms.setdefault(game.class_id or game.id, []).append(game.id)
    if not rooms:
        return "no games in it yet"
    recent = list(rooms.items())[::-1][:RECENT_CLASSES]
    return ("recent classes: " + "; ".join(f"{klass} ({_rooms(ids)})" for klass, ids in recent)
            + "; `parley games list` lists every game")


def _rooms(ids: list[str]) -> str:
    ordered = sorted(ids, key=room_order)
    listed = ", ".join(ordered) if len(ordered) <= 3 else f"{ordered[0]} to {ordered[-1]}"
    return f"{len(ordered)} room{'s' if len(ordered) != 1 else ''}: {listed}"


def from_file(path: Path) -> Loaded:
    """A JSON export (`parley export --format json`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(f"no file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not a Parley export (not JSON: {exc.msg} at line {exc.lineno})") from None
    try:
        events, game_id = read_log_document(data, str(path))
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    return Loaded(events, game_id)
