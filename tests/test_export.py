"""`parley export` and `parley replay` sources: md/html/json/csv from a real SQLite store, files, errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from server.cli import UserError, build_parser, main
from server.cli.replay import load, seat_for
from server.engine import FACILITATOR, Game
from server.engine import events as ev
from server.replay import Replay
from server.replay.sources import Loaded
from server.store import ClassInfo, EventRow, GameStatus, SeatRecord, open_store
from test_replay_games import record_game

CLASS = "k1"
GAMES = {"k1-1": record_game("istanbul-2022", seed=4, chatter=12),
         "k1-2": record_game("tutorial", seed=5, ending="none", chatter=6, debrief=False)}


def _status(log: list[ev.EventBase]) -> GameStatus:
    s = Game.from_events(log).state
    return GameStatus("ended" if s.ended else "running", s.phase.value, s.round, s.agreement is not None, len(log))


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    """A Parley database holding one class with two recorded games (an istanbul and a tutorial one)."""
    path = tmp_path / "parley.db"
    store = open_store(path)
    info = ClassInfo(CLASS, "mixed", time.time(), "0" * 64, {}, ())
    games = [(g, [EventRow(i + 1, e) for i, e in enumerate(log)], _status(log)) for g, log in GAMES.items()]
    seats = [SeatRecord(g, d, f"{g}-{d}") for g, log in GAMES.items() for d in Game.from_events(log).state.seated]
    await store.create_class(info, games, seats)
    store.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class Checker(HTMLParser):
    """Fails on a closing tag that does not match the open one; collects headings and text."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_markdown_transcript_is_complete(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The md transcript has the briefing, every round, every statement and proposal, votes, outcome, results, debrief."""
    status, out, _ = run(capsys, "export", "k1-1", "--db", str(db), "--format", "md")
    assert status == 0
    log = GAMES["k1-1"]
    for heading in ("## Briefing", "## Timeline", "## Outcome", "## Results",
                    "## Concessions round by round", "## What really happened"):
        assert heading in out
    rounds = {e.round for e in log if isinstance(e, ev.PhaseStarted)}
    assert all(f"### Round {r}" in out for r in rounds)
    for e in log:
        if isinstance(e, ev.StatementMade | ev.MessageSent):
            assert e.text in out
        if isinstance(e, ev.ProposalTabled):
            assert f"tables {e.proposal}" in out
        if isinstance(e, ev.ProposalSigned | ev.ProposalDeclined):
            assert f"{'signs' if e.type == 'proposal_signed' else 'declines'} {e.proposal}" in out


def test_html_parses_and_escapes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The HTML export is a well-formed document (html.parser, tags balanced) with the same content."""
    status, out, _ = run(capsys, "export", "k1-1", "--db", str(db), "--format", "html")
    assert status == 0 and out.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(out)
    checker.close()
    assert checker.stack == []
    text = "".join(checker.text)
    assert "Timeline" in text and "Outcome" in text
    assert all(e.text in text for e in GAMES["k1-1"] if isinstance(e, ev.StatementMade))


def test_csv_has_one_row_per_delegation_and_per_room(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A game's CSV has one row per seated delegation; the class's, one per delegation per room."""
    _, out, _ = run(capsys, "export", "k1-1", "--db", str(db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    seated = Game.from_events(GAMES["k1-1"]).state.seated
    assert sorted(r["delegation"] for r in rows) == sorted(seated)
    assert all(r["result"] and r["vs_reservation"] in ("above", "below", "equal") for r in rows)
    assert all(r["agreement"] == "yes" and r["durability"] for r in rows)
    _, out, _ = run(capsys, "export", CLASS, "--db", str(db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = sum(len(Game.from_events(log).state.seated) for log in GAMES.values())
    assert len(rows) == expected and {r["game"] for r in rows} == set(GAMES)
    assert {r["class"] for r in rows} == {CLASS}


def test_json_export_opened_with_file_gives_the_same_replay(db: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`export --format json --out F` then `replay --file F` loads the same log: every view is equal."""
    out = tmp_path / "game.json"
    status, _, err = run(capsys, "export", "k1-1", "--db", str(db), "--format", "json", "--out", str(out))
    assert status == 0 and "Wrote" in err
    args = build_parser().parse_args(["replay", "--file", str(out)])
    [loaded] = load(args)
    assert loaded.game_id == "k1-1"
    from_file, from_db = Replay(loaded.events), Replay(GAMES["k1-1"])
    assert all(from_file.view_at(n) == from_db.view_at(n) for n in range(len(from_db)))
    status, md, _ = run(capsys, "export", "--file", str(out), "--format", "md", "--as", "russia")
    assert status == 0 and "Seen as Russian Federation" in md


def test_as_a_delegation_the_transcript_holds_no_secret(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--as ukraine`: its own private messages are in the md, others' private messages and tables are not."""
    _, out, _ = run(capsys, "export", "k1-1", "--db", str(db), "--format", "md", "--as", "ukraine")
    log = GAMES["k1-1"]
    messages = [e for e in log if isinstance(e, ev.MessageSent)]
    assert any(e.text in out for e in messages if "ukraine" in (e.sender, e.to))
    assert not any(e.text in out for e in messages if "ukraine" not in (e.sender, e.to))
    assert "What Ukraine knew in private" in out and "What Russian Federation knew" not in out
    intel = [e.text for e in log if isinstance(e, ev.IntelligenceReceived) and e.delegation != "ukraine"]
    assert not any(t in out for t in intel if t not in json.dumps([x.model_dump() for x in log
                                                                     if x.visibility.allows("ukraine")]))


def test_a_seat_before_review_may_not_see_everything() -> None:
    """Before the debrief, a seat's --all (or another seat) is refused; the facilitator's is not."""
    log = GAMES["k1-2"]
    seat = Loaded(log, "k1-2", trusted=False)
    with pytest.raises(UserError, match="not open for review"):
        seat_for(seat, None, True, own="upland")
    with pytest.raises(UserError, match="hidden until the debrief"):
        seat_for(seat, "lowland", False, own="upland")
    assert seat_for(seat, None, False, own="upland") == "upland"
    assert seat_for(Loaded(log, "k1-2"), None, True) == FACILITATOR
    assert seat_for(Loaded(GAMES["k1-1"], "k1-1", trusted=False), None, True, own="russia") == FACILITATOR


@pytest.mark.parametrize("argv, message", [
    (["export", "nope", "--format", "md"], "no game or class 'nope'"),
    (["export", "k1-1", "--format", "json", "--as", "ukraine"], "whole event log"),
    (["export", "k1-1", "--format", "md", "--as", "narnia"], "no delegation 'narnia'"),
    (["export", CLASS, "--format", "json"], "is a class: it exports as csv, md or html"),
])
def test_user_mistakes_get_one_line_and_status_1(db: Path, capsys: pytest.CaptureFixture[str],
                                                  argv: list[str], message: str) -> None:
    """Unknown game, a JSON export --as a seat, an unknown delegation, a class as html: one line, exit 1."""
    status, out, err = run(capsys, *argv, "--db", str(db))
    assert status == 1 and out == "" and message in err and err.count("\n") == 1


def test_not_a_parley_database_or_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another SQLite file, a text file, a missing file, a JSON file that is not an export: one line, exit 1, nothing written."""
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    before = other.read_bytes()
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 400)
    stray = tmp_path / "stray.json"
    stray.write_text(json.dumps({"events": [{"type": "game_created"}]}))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "parley-event-log", "version": 1, "events": [{"type": "nonsense", "at": 1}]}))
    cases = [(["--db", str(other)], "not a Parley database"), (["--db", str(text)], "not a Parley database"),
             (["--db", str(tmp_path / "none.db")], "no database at"),
             (["--file", str(stray)], "not a Parley event log export"),
             (["--file", str(text)], "not a Parley export (not JSON"),
             (["--file", str(broken)], "event 0 is not a Parley event")]
    for source, message in cases:
        status, _, err = run(capsys, "export", "g1", *source, "--format", "md")
        assert status == 1 and message in err and err.count("\n") == 1, (source, err)
    assert other.read_bytes() == before
    assert not (tmp_path / "none.db").exists()
