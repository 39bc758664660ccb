"""Old logs keep working: a database written by the code at commit 051a1c2 (event and database
format 1, tests/fixtures/v1_games.db, made by tests/fixtures/make_v1_games.py) opens, replays to
the same result, exports, and its unfinished game resumes and plays on, with today's code.

Each test works on a copy of the fixture in tmp_path: the fixture itself is never written.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from server.cli import main
from server.engine import FACILITATOR
from server.engine.game import Game
from server.net.server import ParleyServer
from server.replay.model import Replay
from server.replay.records import log_document, read_log_document, result_rows
from server.store import open_store
from server.store.upcast import DATABASE_FORMAT, EVENT_FORMAT, FormatError, upcast
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, until_phase

FIXTURES = Path(__file__).parent / "fixtures"
MADE = json.loads((FIXTURES / "v1_games.json").read_text(encoding="utf-8"))
FINISHED, UNFINISHED = MADE["finished"], MADE["unfinished"]


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A copy of the format-1 database, in tmp_path."""
    copy = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "v1_games.db", copy)
    return copy


def outcome(events: list[Any], room: str) -> dict[str, Any]:
    """The same figures make_v1_games.py recorded with the old code."""
    state = Game.from_events(events).state
    rows = result_rows(Replay(events, FACILITATOR, game_id=room))
    return {"phase": str(state.phase), "round": state.round, "ended": state.ended,
            "agreement": state.agreement, "events": len(events),
            "proposals": {pid: dict(p.terms) for pid, p in state.proposals.items()},
            "results": {r["delegation"]: {k: r[k] for k in ("agreement", "reason", "points", "result",
                                                             "reservation", "war_cost")}
                        for r in rows}}


def test_the_fixture_is_of_the_oldest_format(old_db: Path) -> None:
    """The fixture really is format 1: no user_version, no events.format column."""
    conn = sqlite3.connect(f"file:{old_db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert "format" not in {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    finally:
        conn.close()


def test_an_old_database_opens_and_replays_to_the_same_result(old_db: Path) -> None:
    """Both games are listed, and each replays to the phase, agreement and scores the old code gave."""
    store = open_store(old_db)
    try:
        games = {g.id: g for g in store.list_games()}
        assert set(games) == {FINISHED["room"], UNFINISHED["room"]}
        assert games[FINISHED["room"]].status == "ended" and games[FINISHED["room"]].agreement
        assert games[UNFINISHED["room"]].status == "running"
        for made in (FINISHED, UNFINISHED):
            assert outcome(store.events(made["room"]), made["room"]) == made["expected"]
        private = [e for e in store.events(FINISHED["room"]) if e.type == "message_sent"]
        assert len(private) == 6 and all(e.visibility.scope == "seats" for e in private)
    finally:
        store.close()
    conn = sqlite3.connect(old_db)
    try:  # opening migrated the layout: old rows are marked format 1, the file is format 2
        assert conn.execute("PRAGMA user_version").fetchone()[0] == DATABASE_FORMAT
        assert {r[0] for r in conn.execute("SELECT DISTINCT format FROM events")} == {1}
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_an_old_game_exports(old_db: Path, tmp_path: Path, fmt: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """`parley export` writes the finished old game in every format, with its agreement and secrets."""
    out = tmp_path / f"game.{fmt}"
    assert main(["export", FINISHED["room"], "--db", str(old_db), "--format", fmt, "--all",
                 "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        events, game = read_log_document(json.loads(text))
        assert game == FINISHED["room"] and outcome(events, game) == FINISHED["expected"]
    elif fmt == "csv":
        assert text.count("\n") == 1 + len(FINISHED["expected"]["results"]) and "agreement" in text
    else:
        assert "Put it in writing" in text or "put it in writing" in text  # a private message
        assert "Olena" in text or "Ukraine" in text


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_an_old_class_reports_and_lists(old_db: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley report` of the old finished class and `parley games list` work on the old file."""
    assert main(["report", FINISHED["class"], "--db", str(old_db), "--format", fmt]) == 0
    assert FINISHED["room"] in capsys.readouterr().out
    assert main(["games", "list", "--db", str(old_db)]) == 0
    listed = capsys.readouterr().out
    assert FINISHED["room"] in listed and UNFINISHED["room"] in listed


def test_a_format_1_json_export_reads(old_db: Path) -> None:
    """A JSON export without `event_format` (as 051a1c2 wrote them) is read as format 1."""
    store = open_store(old_db)
    try:
        events = store.events(FINISHED["room"])
    finally:
        store.close()
    document = log_document(events, FINISHED["room"])
    assert document["event_format"] == EVENT_FORMAT
    del document["event_format"]
    read, _ = read_log_document(document)
    assert outcome(read, FINISHED["room"]) == FINISHED["expected"]


def test_newer_formats_are_refused_with_a_clear_message(old_db: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A database or event from a newer Parley is refused, naming the format, and not touched."""
    with pytest.raises(FormatError, match="newer Parley"):
        upcast({"type": "game_created"}, EVENT_FORMAT + 1)
    conn = sqlite3.connect(old_db)
    conn.execute(f"PRAGMA user_version = {DATABASE_FORMAT + 1}")
    conn.close()
    before = old_db.read_bytes()
    assert main(["export", FINISHED["room"], "--db", str(old_db), "--format", "md"]) == 1
    assert "newer Parley" in capsys.readouterr().err
    assert main(["games", "list", "--db", str(old_db)]) == 1
    assert "newer Parley" in capsys.readouterr().err
    assert old_db.read_bytes() == before


async def test_the_unfinished_old_game_resumes_and_plays_on(old_db: Path) -> None:
    """A real server on the old file brings the tutorial back mid-round 2; seats come back by their
    old tokens, play it to an agreement, and the whole log (old and new events) exports."""
    srv = ParleyServer(old_db)
    await srv.start()
    clients: list[Client] = []
    try:
        room = UNFINISHED["room"]
        seats: dict[str, Client] = {}
        for delegation, token in UNFINISHED["tokens"].items():
            client = await Client.connect(srv.url, delegation)
            clients.append(client)
            joined = await client.call("resume", token=token, last_seq=0)
            assert joined["type"] == "joined", joined
            assert joined["view"]["phase"] == "negotiation" and joined["view"]["round"] == 2
            seats[delegation] = client
        fac = await Client.connect(srv.url, "fac")
        clients.append(fac)
        assert (await fac.call("resume", token=UNFINISHED["facilitator_token"]))["type"] == "class_state"
        tabled = await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
        assert tabled["type"] == "ack", tabled
        newest = f"P{len(UNFINISHED['expected']['proposals']) + 1}"
        assert (await fac.command({"type": "advance"}, room=room))["type"] == "ack"
        await until_phase(seats["lowland"], "decision")
        for delegation in ("upland", "lowland"):
            reply = await seats[delegation].command({"type": "sign_proposal", "proposal": newest})
            assert reply["type"] == "ack", reply
        ended = await until_phase(seats["commission"], "ended")
        assert ended["view"]["agreement"] == newest
    finally:
        for client in clients:
            await client.close()
        await srv.stop()
    store = open_store(old_db)
    try:
        events = store.events(room)
    finally:
        store.close()
    assert len(events) > UNFINISHED["expected"]["events"]
    assert outcome(events[:UNFINISHED["expected"]["events"]], room) == UNFINISHED["expected"]
    assert Game.from_events(events).state.agreement == newest
    assert main(["export", room, "--db", str(old_db), "--format", "md", "--all",
                 "--out", str(old_db.with_suffix(".md"))]) == 0
