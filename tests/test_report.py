"""`parley report`: a class of bot-played rooms from a real server's SQLite store, side by side.

The class is played once per module on a real ParleyServer (port 0, a tmp_path database, bots
in every seat, time scale 0.01); every number in the report is checked against the stored
result_scored events and against `analysis.assess` called directly.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from server.analysis import analyse, assess, clear_cache
from server.analysis.report import class_report, report_csv, report_html, report_markdown
from server.bots.tournament import play_game, signing_seats
from server.cli import main
from server.engine import events as ev
from server.net.server import ParleyServer
from server.scenario import bundled_scenarios
from server.store import open_store

ROOMS = 3


async def _play_class(db: Path) -> str:
    srv = ParleyServer(db)
    await srv.start()
    try:
        assert srv.runtime is not None
        opened = await srv.runtime.open_class("tutorial", rooms=ROOMS, bots="all", time_scale=0.01,
                                              seed=11, start=True)
        rooms = [srv.runtime.room(r.room) for r in opened.rooms]
        async with asyncio.timeout(20):
            while not all(r.game.ended for r in rooms):
                await asyncio.sleep(0.02)
        return opened.class_
    finally:
        await srv.stop()


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(database, class id) of a tutorial class whose rooms bots played to the end."""
    db = tmp_path_factory.mktemp("report") / "parley.db"
    return db, asyncio.run(_play_class(db))


def stored_rooms(db: Path, class_id: str) -> dict[str, list[ev.EventBase]]:
    store = open_store(db)
    try:
        info = store.class_info(class_id)
        assert info is not None
        return {g: store.events(g) for g in info.games}
    finally:
        store.close()


def run_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["report", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_csv_has_every_room_with_the_stored_results_and_distances(played: tuple[Path, str],
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """One CSV row per delegation per room; results match result_scored, distances match assess()."""
    db, class_id = played
    status, out, _ = run_report(capsys, class_id, "--db", str(db), "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    rooms = stored_rooms(db, class_id)
    assert len(rooms) == ROOMS
    assert any(isinstance(e, ev.AgreementSigned) for events in rooms.values() for e in events)
    by_room: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_room.setdefault(row["room"], []).append(row)
    assert set(by_room) == set(rooms) | {"history"}
    for room_id, events in rooms.items():
        scored = {e.result.delegation: e.result for e in events if isinstance(e, ev.ResultScored)}
        ended = next(e for e in events if isinstance(e, ev.GameEnded))
        assert {r["delegation"] for r in by_room[room_id]} == set(scored) == {"upland", "lowland", "commission"}
        for row in by_room[room_id]:
            result = scored[row["delegation"]]
            assert (float(row["result"]), float(row["surplus"]), float(row["reservation"])) == (
                result.result, result.surplus, result.reservation)
            assert int(row["rounds_lost"]) == ended.rounds_lost and row["reason"] == ended.reason
        if ended.terms is not None:
            direct = assess(analyse(bundled_scenarios()["tutorial"], {d: r.reservation for d, r in scored.items()},
                                    scored), ended.terms)
            assert {float(r["distance"]) for r in by_room[room_id]} == {direct.distance}
            assert {float(r["joint_gain_left"]) for r in by_room[room_id]} == {direct.joint_gain_left}
            assert {float(r["durability"]) for r in by_room[room_id]} == {ended.durability.score}  # type: ignore[union-attr]


class _Checker(HTMLParser):
    """Fails on a closing tag that does not match the open one; counts cells and table rows."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.count: dict[str, int] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_markdown_and_html_show_every_room_beside_history(played: tuple[Path, str], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The md table has a column per room plus history; the HTML file parses with balanced tags."""
    db, class_id = played
    status, md, _ = run_report(capsys, class_id, "--db", str(db))
    assert status == 0
    header = next(line for line in md.splitlines() if line.startswith("|  |"))
    assert header == "|  | " + " | ".join(f"{class_id}-{n}" for n in range(1, ROOMS + 1)) + " | history (on paper) |"
    assert "| Upland: result (surplus) |" in md and "In most classes the valleys settle" in md
    out = tmp_path / "report.html"
    status, _, err = run_report(capsys, class_id, "--db", str(db), "--format", "html", "--out", str(out))
    assert status == 0 and f"Wrote {out}" in err
    checker = _Checker()
    checker.feed(out.read_text(encoding="utf-8"))
    checker.close()
    assert checker.stack == []
    assert checker.count["th"] == ROOMS + 2  # the label column, the rooms, history
    assert all(f"{class_id}-{n}" in checker.text for n in range(1, ROOMS + 1))


def test_user_mistakes_are_one_line_errors(played: tuple[Path, str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown class, a room id, a foreign SQLite file (left untouched), no file: exit 1, one line."""
    db, class_id = played
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text)")
    before = foreign.read_bytes()
    cases = [((class_id + "X", "--db", str(db)), "no game or class"),
             ((f"{class_id}-1", "--db", str(db)), f"is a room of class {class_id}"),
             ((class_id, "--db", str(foreign)), "is not a Parley database"),
             ((class_id, "--db", str(tmp_path / "missing.db")), "no database at")]
    for args, message in cases:
        status, out, err = run_report(capsys, *args)
        assert status == 1 and out == "" and message in err and err.count("\n") == 1, (args, err)
    assert foreign.read_bytes() == before


def test_rooms_without_agreement_and_unfinished_rooms() -> None:
    """A no-deal room leaves the whole greatest joint gain; an unfinished room is listed, unnumbered."""
    scenario = bundled_scenarios()["ceasefire-2025"]
    hard = dict.fromkeys(signing_seats(scenario, [d.id for d in scenario.delegations if not d.absent]), "hardliner")
    # The first seed at which hardliners in every seat fail to agree (bots are deterministic).
    no_deal = next(g for g in (play_game(scenario, hard, seed) for seed in range(1, 30)) if not g.agreement)
    deal = play_game(scenario, {}, 1)
    assert not no_deal.agreement and deal.agreement
    report = class_report([("r-1", deal.log), ("r-2", no_deal.log), ("r-3", deal.log[:40])], class_id="K")
    one, two, three = report["rooms"]
    assert one["terms"] is not None and one["distance"] is not None
    assert two["terms"] is None and two["distance"] is None and two["joint_gain"] == 0.0
    reservations = {d: r.reservation for d, r in no_deal.results.items()}
    best = analyse(scenario, reservations, no_deal.results.keys()).greatest_joint_gain
    assert best is not None and two["joint_gain_left"] == best.joint_gain
    assert three["status"] == "unfinished" and three["delegations"] == [] and three["round"] >= 1
    assert {k: report["summary"][k] for k in ("rooms", "ended", "agreements")} == {"rooms": 3, "ended": 2,
                                                                                  "agreements": 1}
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [r["room"] for r in rows].count("r-3") == 1 and [r["room"] for r in rows].count("r-2") == 4
    assert "unfinished (round" in report_markdown(report) and "no deal (last round)" in report_markdown(report)


@pytest.mark.parametrize("scenario_id", sorted(bundled_scenarios()))
def test_the_report_of_a_bundled_scenario_is_the_same_twice(scenario_id: str) -> None:
    """Built twice from the same logs, the analysis cache cleared between, the report is identical."""
    scenario = bundled_scenarios()[scenario_id]
    rooms = [(f"room-{seed}", play_game(scenario, {}, seed).log) for seed in (1, 2)]
    first = class_report(rooms)
    clear_cache()
    second = class_report(rooms)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert report_html(first) == report_html(second) and report_csv(first) == report_csv(second)


def test_the_report_names_options_delegations_and_red_lines_as_the_scenario_does(played: tuple[Path, str]) -> None:
    """Every cell of the side-by-side table reads as the scenario words it: option labels, delegation names, red line labels."""
    db, class_id = played
    rooms = stored_rooms(db, class_id)
    report = class_report(list(rooms.items()), class_id)
    results = report["rooms"][0]["delegations"]
    at = next(n for n, d in enumerate(results) if d["delegation"] == "upland")
    results[at] = results[at] | {"red_lines_crossed": ["no_frozen_without_fund"]}  # as if it had signed one
    md = report_markdown(report)
    assert "| Dam height | " in md and "| Reduced height |" in md  # the history column: its option's label
    for words in ("Upland: result (surplus)", "Lowland: result (surplus)", "River Commission: result (surplus)",
                  "red lines: Never freeze the dam without a compensation fund"):
        assert words in md, words
    rows = {line.split(" | ")[0].strip("| "): line.strip("| ").split(" | ")[1:]
            for line in md.splitlines() if line.startswith("| ")}
    for issue in report["issues"]:
        assert set(rows[issue["title"]]) <= set(issue["options"].values()) | {"-"}, rows[issue["title"]]
    assert not {"upland", "lowland", "commission"} & {name.split(":")[0] for name in rows}
