"""Persistence: the append-only event log and its companions (classes, games, seats, replies).

`open_store(path)` gives the SQLite store; see server/store/sqlite.py for the read API.
"""

from __future__ import annotations

from pathlib import Path

from server.store.interface import Store
from server.store.memory import MemoryStore
from server.store.sqlite import (
    DURABILITY,
    SYNCHRONOUS,
    ClassInfo,
    Durability,
    EventRow,
    GameInfo,
    GameStatus,
    SeatRecord,
    SQLiteStore,
    StoredEventError,
)


def open_store(path: str | Path, durability: Durability = "process") -> SQLiteStore:
    """The store in the SQLite file at `path` (created, with its tables, if missing); for
    `durability` see server/store/sqlite.py."""
    return SQLiteStore(path, durability)


__all__ = ["DURABILITY", "SYNCHRONOUS", "ClassInfo", "Durability", "EventRow", "GameInfo", "GameStatus",
           "MemoryStore", "SQLiteStore", "SeatRecord", "Store", "StoredEventError", "open_store"]
