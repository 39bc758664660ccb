"""Old logs keep working: the format versions of stored events and of the database, and the
one place that turns an older event into the current shape when it is read.

An event-sourced game is only as durable as its oldest log. Events are stored as JSON and
never rewritten; each stored event carries the version of the shape it was written in (the
`format` column of `events`; `event_format` in a JSON export), and every read goes through
`read_event`, which applies the upcasters from that version up to `EVENT_FORMAT`, then
validates the result with the current models. The database's own layout has a version too
(`PRAGMA user_version`), brought up to `DATABASE_FORMAT` by `migrate` when a store opens it.

Event formats:

1. Everything written up to commit 051a1c2, before events carried a version (no `format`
   column, no `event_format` in exports). tests/fixtures/v1_games.db is such a database.
2. Events carry their version. Every change since 1 only adds, with defaults that read a
   format-1 event as it was meant, so 1 -> 2 changes nothing: new event types
   (delegation_unseated, signers_changed, interim_agreed, interim_collapsed,
   reflection_submitted, reflections_closed), `game_created.schedule` (None: the scenario's
   phase lengths), `result_scored.worth` (None: a log from before the war cost was counted,
   whose `result` is the worth) and `.commitment` (0), `debrief_opened.questions` (none).
   Numbering per seat (issue 12) stores nothing: it follows from the log. Team seats add
   `member` to a team member's own events (absent: one person played the seat, as in every
   older log) and the events member_joined, head_changed and team_message_sent.

Database formats:

1. Up to 051a1c2: `PRAGMA user_version` 0, no `events.format` column.
2. `events.format` (rows from before read as 1); `user_version` 2.
3. `seats.member`: a team delegation has a row per member, keyed (game, delegation, member);
   the rows of before are member 1. `user_version` 3.

To change an event's shape: bump `EVENT_FORMAT`, add to `UPCASTERS` a function from the
previous version's JSON (a dict) to the new one, describe the version above, and make the
fixture test (tests/test_old_logs.py) still pass.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from server.engine import EVENT_ADAPTER, parse_event
from server.engine.events import EventBase

EVENT_FORMAT = 2
DATABASE_FORMAT = 3

Payload = dict[str, Any]


class FormatError(ValueError):
    """Stored data written by a newer Parley than this one (it cannot be read safely)."""


def _v1_to_v2(payload: Payload) -> Payload:
    return payload


# UPCASTERS[n] turns an event of format n into format n + 1.
UPCASTERS: dict[int, Callable[[Payload], Payload]] = {1: _v1_to_v2}


def upcast(payload: Payload, version: int) -> Payload:
    """An event's JSON of format `version`, in the current format (EVENT_FORMAT)."""
    if version > EVENT_FORMAT:
        raise FormatError(f"an event of format {version}, written by a newer Parley "
                          f"(this one reads formats 1 to {EVENT_FORMAT})")
    for step in range(version, EVENT_FORMAT):
        payload = UPCASTERS[step](payload)
    return payload


def read_event(payload: str | Payload, version: int) -> EventBase:
    """A stored event (JSON text, or its parsed dict) of format `version`, as a current event."""
    if version == EVENT_FORMAT and isinstance(payload, str):
        return EVENT_ADAPTER.validate_json(payload)  # the common case, without a detour via dict
    data = json.loads(payload) if isinstance(payload, str) else dict(payload)
    return parse_event(upcast(data, version))


# ---------------------------------------------------------------- the database


def database_format(conn: sqlite3.Connection) -> int:
    """The layout version of an open Parley database (1 for one from before versions)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return version or 1


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a Parley database whose tables exist up to DATABASE_FORMAT; FormatError if newer."""
    version = database_format(conn)
    if version > DATABASE_FORMAT:
        raise FormatError(f"the database is of format {version}, written by a newer Parley "
                          f"(this one reads formats 1 to {DATABASE_FORMAT})")
    if version < 2:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
        if "format" not in columns:
            conn.execute("ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 1")
    if version < 3:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(seats)")}
        if "member" not in columns:
            _seats_with_members(conn)
    conn.execute(f"PRAGMA user_version = {DATABASE_FORMAT}")


def _seats_with_members(conn: sqlite3.Connection) -> None:
    """Format 3's seats table (a row per team member) from format 2's (a row per delegation),
    in one transaction: SQLite cannot change a primary key in place."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE seats_v3 (game TEXT NOT NULL, delegation TEXT NOT NULL, code TEXT, "
                     "token_hash TEXT, name TEXT, member INTEGER NOT NULL DEFAULT 1, "
                     "PRIMARY KEY (game, delegation, member))")
        conn.execute("INSERT INTO seats_v3 (game, delegation, code, token_hash, name, member) "
                     "SELECT game, delegation, code, token_hash, name, 1 FROM seats ORDER BY rowid")
        conn.execute("DROP TABLE seats")
        conn.execute("ALTER TABLE seats_v3 RENAME TO seats")
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_seats_code ON seats (code)")
        conn.execute("CREATE INDEX IF NOT EXISTS idx_seats_token_hash ON seats (token_hash)")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
