"""What a teacher (or a scenario author) trips on at the command line (found by huser and huser5 playing a class).

`parley export NOPE` said "recent games: Y5URUT-39, Y5URUT-4, Y5URUT-40, …": eight rooms of
the newest class in text order (39 before 4), and a class's rooms were exported in that order
too. `parley scenarios new` wrote a modeline naming parley-scenario.schema.json and not the
file. Each test runs the real command against a real SQLite file.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from server.cli import main
from server.engine import Game
from server.scenario.loader import scenario_schema
from server.store import ClassInfo, EventRow, SeatRecord, open_store
from test_export import _status
from test_replay_games import record_game

ROOMS = 12


@pytest.fixture
async def big_class(tmp_path: Path) -> Path:
    """A database holding class BIG of twelve rooms (the same recorded tutorial game in each) and an older class OLD."""
    path = tmp_path / "parley.db"
    log = record_game("tutorial", seed=5, chatter=2)
    rows = [EventRow(i + 1, e) for i, e in enumerate(log)]
    seated = Game.from_events(log).state.seated
    store = open_store(path)
    for klass, rooms, created in (("OLD", 2, time.time() - 60), ("BIG", ROOMS, time.time())):
        games = [(f"{klass}-{n}", rows, _status(log)) for n in range(1, rooms + 1)]
        seats = [SeatRecord(g, d, f"{g}-{d}") for g, _, _ in games for d in seated]
        await store.create_class(ClassInfo(klass, "tutorial", created, "0" * 64, {}, ()), games, seats)
    store.close()
    return path


def test_an_unknown_game_names_the_recent_classes_and_their_rooms_in_room_order(
        big_class: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley export NOPE` names the classes newest first with their rooms from the first to the last ("BIG-1 to BIG-12"), not 'BIG-10, BIG-11, BIG-12, BIG-2'."""
    assert main(["export", "NOPE", "--format", "md", "--db", str(big_class)]) == 1
    err = capsys.readouterr().err
    assert "no game or class 'NOPE'" in err
    assert "BIG (12 rooms: BIG-1 to BIG-12)" in err, err
    assert "OLD (2 rooms: OLD-1, OLD-2)" in err, err
    assert err.index("BIG") < err.index("OLD"), err
    assert "parley games list" in err


def test_a_class_exports_its_rooms_in_room_order(big_class: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley export BIG --format csv --all` lists the rooms 1, 2, …, 12, not 1, 10, 11, 12, 2."""
    assert main(["export", "BIG", "--format", "csv", "--all", "--db", str(big_class)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    rooms = list(dict.fromkeys(row["game"] for row in rows))
    assert rooms == [f"BIG-{n}" for n in range(1, ROOMS + 1)], rooms


def test_scenarios_new_writes_the_schema_its_modeline_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley scenarios new` writes parley-scenario.schema.json beside the file, as its first line promises, and says so."""
    out = tmp_path / "classes" / "myclass.yaml"
    out.parent.mkdir()
    assert main(["scenarios", "new", "myclass", "--from", "tutorial", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=parley-scenario.schema.json", first
    schema = out.parent / "parley-scenario.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8")) == json.loads(scenario_schema())
    assert str(schema) in said, said
    # a second scenario beside it keeps the schema (and says nothing of it)
    assert main(["scenarios", "new", "other", "--out", str(out.parent / "other.yaml")]) == 0
    assert "schema" not in capsys.readouterr().out
