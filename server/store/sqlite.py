"""The event log and its companions in one SQLite file (WAL; see `Durability` for when a commit
is on the disk).

Read API (what the replay, export and analysis code uses; nothing here needs a server)::

    from server.store import open_store
    store = open_store("parley.db")
    for info in store.list_games():          # GameInfo: id, class_id, scenario, status,
        ...                                  #   phase, round, agreement, created, updated, events
    store.game(game_id)                      # GameInfo | None
    store.events(game_id)                    # list[EventBase], in seq order (seq 1 = GameCreated)
    store.events(game_id, after=40)          # only those with seq > 40
    store.seats(game_id)                     # list[SeatRecord]: delegation, member, code, name
    store.classes() / store.class_info(id)   # ClassInfo: id, scenario, created, games
    store.close()

Tables (created by sqlite-utils on first open)::

    classes(id, scenario, created, facilitator_hash, options)
    games(id, class, scenario, created, updated, status, phase, round, agreement, last_seq)
    seats(game, delegation, code UNIQUE, token_hash, name, member)  -- PK (game, delegation, member):
                                                             -- a team delegation has one row per member
    events(game, seq, time, type, visibility, payload, format)  -- append-only, PK (game, seq)
    replies(game, actor, command_id, reply, seq)             -- answers to recent commands

`payload` is the whole event as JSON (`dump_event`) in the shape of event format `format`;
`upcast.read_event(payload, format)` gives it back as a current event (the one way events are
read; `PRAGMA user_version` is the layout's version, see upcast.py). `type`, `time` and
`visibility` are copies for SQL queries. Tokens are never
stored, only their SHA-256. Every write goes through the group-commit writer (writer.py):
an `append` returns only once its transaction is committed.

Durability: what a committed transaction survives (`parley serve --durability`)
----------------------------------------------------------------------------
`process` (the default): `synchronous=NORMAL`. A commit is written into the WAL file (the
operating system holds it) without waiting for the disk, so it survives the server process
dying in any way — SIGKILL, a crash, the out-of-memory killer: nothing acknowledged is lost. A
power cut or an operating-system crash may lose what was committed since the last checkpoint,
which fsyncs the WAL: the checkpointer runs one every second (`_Checkpointer`). `power`:
`synchronous=FULL`, every commit waits for its fsync, so an acknowledged move survives a power
cut too; a command's latency then includes the disk's worst fsync (a shared disk's stalls of
100-180 ms held ~1% of commands at 1,600 rooms: benchmarks/bench_server.py --durability power).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from server.engine.events import EventBase
from server.store.upcast import EVENT_FORMAT, migrate, read_event
from server.store.writer import GroupWriter


class StoredEventError(Exception):
    """A stored event that cannot be read or applied any more, named by game and seq."""

    def __init__(self, game: str, seq: int, type_: str, cause: BaseException) -> None:
        super().__init__(f"game {game}: event {seq} ({type_}) cannot be used: "
                         f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}")
        self.game, self.seq, self.type, self.cause = game, seq, type_, cause


def read_rows(game_id: str, rows: Iterable[tuple[int, str, str, int]]) -> list[EventBase]:
    """Stored (seq, type, payload, format) rows as events; StoredEventError names one that cannot be read."""
    events: list[EventBase] = []
    for seq, type_, payload, version in rows:
        try:
            events.append(read_event(payload, version))
        except Exception as exc:  # named, so one unreadable event takes down one game, not the server
            raise StoredEventError(game_id, seq, type_, exc) from exc
    return events


@dataclass(frozen=True)
class GameInfo:
    id: str
    class_id: str
    scenario: str
    status: str  # lobby | running | ended
    phase: str
    round: int
    agreement: bool
    created: float
    updated: float
    events: int


@dataclass(frozen=True)
class SeatRecord:
    game: str
    delegation: str
    code: str
    token_hash: str | None = field(default=None, repr=False)
    name: str = ""
    member: int = 1  # a team delegation's members are 1, 2...; a one-person seat is member 1


@dataclass(frozen=True)
class ClassInfo:
    id: str
    scenario: str
    created: float
    facilitator_hash: str = field(repr=False)
    options: dict[str, Any]
    games: tuple[str, ...]


@dataclass(frozen=True)
class EventRow:
    """One event ready for the log: its number and its JSON."""

    seq: int
    event: EventBase

    @cached_property
    def payload(self) -> str:
        """The event's JSON (encoded once: the room keeps it too, see runtime/eventlog.py)."""
        return self.event.model_dump_json()

    def values(self, game: str) -> tuple[Any, ...]:
        e = self.event
        return (game, self.seq, e.at, e.type, e.visibility.model_dump_json(), self.payload, EVENT_FORMAT)


@dataclass(frozen=True)
class GameStatus:
    """What `games` says about a game after a batch of its events."""

    status: str
    phase: str
    round: int
    agreement: bool
    last_seq: int


_SCHEMA: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "classes": ({"id": str, "scenario": str, "created": float, "facilitator_hash": str,
                 "options": str}, {"pk": "id"}),
    "games": ({"id": str, "class": str, "scenario": str, "created": float, "updated": float,
               "status": str, "phase": str, "round": int, "agreement": int, "last_seq": int},
              {"pk": "id"}),
    "seats": ({"game": str, "delegation": str, "code": str, "token_hash": str, "name": str, "member": int},
              {"pk": ("game", "delegation", "member")}),
    "events": ({"game": str, "seq": int, "time": float, "type": str, "visibility": str,
                "payload": str, "format": int}, {"pk": ("game", "seq")}),
    "replies": ({"game": str, "actor": str, "command_id": str, "reply": str, "seq": int},
                {"pk": ("game", "actor", "command_id")}),
}


class _Append:
    """One `append` as data, so that the writer runs a batch's appends together: three
    statements for all of them (`run_together`), whatever their number.

    Why: every statement the writer thread steps lets go of the GIL and must take it back
    from the event loop's thread, which holds it while it works (up to the switch interval,
    5 ms, at a time). Three statements per append (its events, its game's row, its reply),
    each a separate step, made a batch of a few hundred appends wait for the GIL a thousand
    times: commits took hundreds of milliseconds under load. The rows travel as one JSON
    parameter each (SQLite's json_each), so a batch takes the GIL back three times."""

    __slots__ = ("events", "game", "reply")

    def __init__(self, events: list[tuple[Any, ...]], game: tuple[Any, ...], reply: tuple[Any, ...] | None) -> None:
        self.events, self.game, self.reply = events, game, reply

    def __call__(self, conn: sqlite3.Connection) -> None:
        _Append.run_together(conn, [self])

    @staticmethod
    def run_together(conn: sqlite3.Connection, appends: Sequence[_Append]) -> None:
        events = [row for a in appends for row in a.events]
        games = list({a.game[-1]: a.game for a in appends}.values())  # a game's last status wins
        replies = [a.reply for a in appends if a.reply is not None]
        conn.execute(_INSERT_EVENTS_JSON, (json.dumps(events),))
        conn.execute(_UPDATE_GAMES_JSON, (json.dumps(games),))
        if replies:
            conn.execute(_INSERT_REPLIES_JSON, (json.dumps(replies),))


def _columns(count: int) -> str:
    return ", ".join(f"json_extract(value, '$[{n}]')" for n in range(count))


_INSERT_EVENTS_JSON = ("INSERT INTO events (game, seq, time, type, visibility, payload, format) "
                       f"SELECT {_columns(7)} FROM json_each(?)")
_UPDATE_GAMES_JSON = ("UPDATE games SET updated=u.c0, status=u.c1, phase=u.c2, round=u.c3, agreement=u.c4, "
                      "last_seq=u.c5 FROM (SELECT "
                      + ", ".join(f"json_extract(value, '$[{n}]') AS c{n}" for n in range(7))
                      + " FROM json_each(?)) AS u WHERE games.id = u.c6")
_INSERT_REPLIES_JSON = f"INSERT OR REPLACE INTO replies SELECT {_columns(5)} FROM json_each(?)"


def _insert_seats(conn: sqlite3.Connection, seats: Sequence[SeatRecord]) -> None:
    conn.executemany("INSERT INTO seats (game, delegation, code, token_hash, name, member) VALUES (?, ?, ?, ?, ?, ?)",
                     [(s.game, s.delegation, s.code, s.token_hash, s.name, s.member) for s in seats])


_INSERT_EVENT = ("INSERT INTO events (game, seq, time, type, visibility, payload, format) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")


Durability = Literal["process", "power"]
SYNCHRONOUS: dict[Durability, str] = {"process": "NORMAL", "power": "FULL"}  # the pragma of each
DURABILITY: tuple[Durability, ...] = tuple(SYNCHRONOUS)


def _connect(path: Path, durability: Durability = "process") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS[durability]}")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


class SQLiteStore:
    """The store over one SQLite file; see the module docstring for the read API."""

    def __init__(self, path: str | Path, durability: Durability = "process") -> None:
        if durability not in SYNCHRONOUS:
            raise ValueError(f"durability is one of {', '.join(DURABILITY)}, not {durability!r}")
        self.path = Path(path)
        self.durability = durability
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_conn = _connect(self.path, durability)
        self._create_schema(write_conn)
        # Checkpoints (copying the WAL into the database file, with its own fsyncs) run in a
        # thread of their own: in the writer they would stall every waiting commit at once.
        # With durability "process" they are also what puts the commits on the disk.
        write_conn.execute("PRAGMA wal_autocheckpoint=0")
        self._writer = GroupWriter(write_conn)
        self._read = _connect(self.path)
        self._read.row_factory = sqlite3.Row
        self._checkpoints = _Checkpointer(self.path)

    @staticmethod
    def _create_schema(conn: sqlite3.Connection) -> None:
        db = sqlite_utils.Database(conn)
        for name, (columns, options) in _SCHEMA.items():
            db.table(name).create(columns, not_null=set(options.get("pk", ())) if isinstance(
                options.get("pk"), tuple) else None, if_not_exists=True, **options)
        db["seats"].create_index(["code"], unique=True, if_not_exists=True)  # type: ignore[union-attr]
        db["seats"].create_index(["token_hash"], if_not_exists=True)  # type: ignore[union-attr]
        migrate(conn)  # an older database's layout, brought up to date (server/store/upcast.py)

    @property
    def writer(self) -> GroupWriter:
        return self._writer

    def close(self) -> None:
        self._writer.close()
        self._checkpoints.close()
        self._read.close()

    # ------------------------------------------------------------ writes (async, group-committed)

    def create_class(self, info: ClassInfo, games: Sequence[tuple[str, list[EventRow], GameStatus]],
                     seats: Sequence[SeatRecord]) -> asyncio.Future[Any]:
        """A class, its games with their first events, and their seats, in one transaction."""
        now = time.time()

        def op(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO classes VALUES (?, ?, ?, ?, ?)",
                         (info.id, info.scenario, info.created, info.facilitator_hash,
                          json.dumps(info.options)))
            for game_id, rows, status in games:
                conn.execute("INSERT INTO games VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (game_id, info.id, info.scenario, now, now, status.status,
                              status.phase, status.round, int(status.agreement), status.last_seq))
                conn.executemany(_INSERT_EVENT,
                                 [r.values(game_id) for r in rows])
            _insert_seats(conn, seats)

        return self._writer.submit(op)

    def add_seats(self, seats: Sequence[SeatRecord]) -> asyncio.Future[Any]:
        """More members' seats (a delegation made a team, or a bigger one)."""
        return self._writer.submit(lambda conn: _insert_seats(conn, seats))

    def remove_seat(self, game: str, delegation: str, member: int) -> asyncio.Future[Any]:
        """A member's seat that nobody claimed, taken away (a team made smaller)."""
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM seats WHERE game=? AND delegation=? AND member=?", (game, delegation, member))

        return self._writer.submit(op)

    def append(self, game: str, rows: Sequence[EventRow], status: GameStatus,
               reply: tuple[str, str, str] | None = None) -> asyncio.Future[Any]:
        """Append events (and the reply to the command that caused them) to a game's log."""
        games_row = (time.time(), status.status, status.phase, status.round, int(status.agreement),
                     status.last_seq, game)
        replies_row = (game, *reply, status.last_seq) if reply is not None else None
        return self._writer.submit(_Append([r.values(game) for r in rows], games_row, replies_row))

    def record_reply(self, game: str, actor: str, command_id: str, frame: str) -> asyncio.Future[Any]:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?)",
                         (game, actor, command_id, frame, None))

        return self._writer.submit(op)

    def update_seat(self, game: str, delegation: str, token_hash: str, name: str,
                    member: int = 1) -> asyncio.Future[Any]:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE seats SET token_hash=?, name=? WHERE game=? AND delegation=? AND member=?",
                         (token_hash, name, game, delegation, member))

        return self._writer.submit(op)

    def reissue_code(self, game: str, delegation: str, code: str, member: int = 1) -> asyncio.Future[Any]:
        """A fresh join code for a seat, and no token: whoever held the seat must use the code."""
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE seats SET code=?, token_hash=NULL WHERE game=? AND delegation=? AND member=?",
                         (code, game, delegation, member))

        return self._writer.submit(op)

    # ------------------------------------------------------------ reads (sync)

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self._read.execute(sql, tuple(params)).fetchall()

    def list_games(self, status: str | None = None) -> list[GameInfo]:
        """Every game (or those with `status`), oldest first."""
        where, params = ("WHERE status=?", [status]) if status else ("", [])
        return [_game_info(r) for r in self._rows(f"SELECT * FROM games {where} ORDER BY created, id", params)]

    def game(self, game_id: str) -> GameInfo | None:
        rows = self._rows("SELECT * FROM games WHERE id=?", [game_id])
        return _game_info(rows[0]) if rows else None

    def events(self, game_id: str, after: int = 0) -> list[EventBase]:
        rows = self._rows("SELECT seq, type, payload, format FROM events WHERE game=? AND seq>? ORDER BY seq",
                          [game_id, after])
        return read_rows(game_id, [(r["seq"], r["type"], r["payload"], r["format"]) for r in rows])

    def seats(self, game_id: str | None = None) -> list[SeatRecord]:
        """The seats of one game, or of every game."""
        where, params = ("WHERE game=?", [game_id]) if game_id else ("", [])
        return [SeatRecord(r["game"], r["delegation"], r["code"], r["token_hash"], r["name"] or "", r["member"])
                for r in self._rows(f"SELECT * FROM seats {where} ORDER BY game, rowid", params)]

    def classes(self) -> list[ClassInfo]:
        return [self._class(r) for r in self._rows("SELECT * FROM classes ORDER BY created, id")]

    def class_info(self, class_id: str) -> ClassInfo | None:
        rows = self._rows("SELECT * FROM classes WHERE id=?", [class_id])
        return self._class(rows[0]) if rows else None

    def replies(self, game_id: str, limit_per_actor: int) -> list[tuple[str, str, str]]:
        """(actor, command_id, reply) of the latest replies per actor, oldest first."""
        rows = self._rows(
            "SELECT actor, command_id, reply FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY actor "
            "ORDER BY rowid DESC) AS n FROM replies WHERE game=?) WHERE n<=? ORDER BY rowid",
            [game_id, limit_per_actor])
        return [(r["actor"], r["command_id"], r["reply"]) for r in rows]

    def _class(self, row: sqlite3.Row) -> ClassInfo:
        games = tuple(r["id"] for r in self._rows("SELECT id FROM games WHERE class=? ORDER BY id", [row["id"]]))
        return ClassInfo(row["id"], row["scenario"], row["created"], row["facilitator_hash"],
                         json.loads(row["options"] or "{}"), games)


class _Checkpointer:
    """A thread that checkpoints the WAL every `interval` seconds (PASSIVE: writers go on)."""

    def __init__(self, path: Path, interval: float = 1.0) -> None:
        self._conn = _connect(path)
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, name="parley-store-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:  # busy or locked: the next round will do it
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self._conn.close()


def _game_info(r: sqlite3.Row) -> GameInfo:
    return GameInfo(r["id"], r["class"], r["scenario"], r["status"], r["phase"], r["round"],
                    bool(r["agreement"]), r["created"], r["updated"], r["last_seq"])
