"""The command line around the server: serve (with /healthz and SIGTERM), host, games list, schema."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from server.cli import main
from server_helpers import ServeProcess


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    proc = ServeProcess(tmp_path / "class.db").start()
    yield proc
    proc.kill()


def test_serve_host_and_list_then_sigterm(served: ServeProcess, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley host --json` opens rooms on a served database, `games list` shows them, SIGTERM stops cleanly."""
    with urllib.request.urlopen(f"http://127.0.0.1:{served.port}/healthz", timeout=5) as response:
        assert response.status == 200
    assert main(["host", "tutorial", "--server", served.url, "--rooms", "2", "--time-scale", "0.5", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"class", "facilitator_token", "join_url", "rooms"}
    assert printed["join_url"] == served.url  # bound to 127.0.0.1: that is where students join
    assert len(printed["rooms"]) == 2
    seats = printed["rooms"][0]["seats"]
    assert [s["delegation"] for s in seats] == ["upland", "lowland", "commission"]
    assert all(len(s["code"]) == 9 and s["code"][2] == "-" for s in seats)
    assert not set("01OI") & set("".join(s["code"][3:] for s in seats))
    assert main(["games", "list", "--db", str(served.db), "--json"]) == 0
    games = json.loads(capsys.readouterr().out)
    assert sorted(g["id"] for g in games) == sorted(r["room"] for r in printed["rooms"])
    assert {g["status"] for g in games} == {"lobby"}
    assert served.terminate() == 0
    assert "stopped" in served.proc.stdout.read()


def test_host_prints_a_table_of_codes(served: ServeProcess, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json, `parley host` prints each room's codes next to their delegations."""
    assert main(["host", "tutorial", "--server", served.url, "--start"]) == 0
    out = capsys.readouterr().out
    assert "Facilitator token" in out and "UP-" in out
    assert "Upland" in out and "River Commission" in out
    assert not re.search(r"\b(upland|lowland|commission)\b", out), out  # the scenario's names, not its ids


def test_host_names_absent_seats_and_bots_and_every_room_of_a_big_class(
        served: ServeProcess, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """40 istanbul rooms: every room's slips are written (the class state comes in parts), absent seats are said to be absent."""
    slips = tmp_path / "slips.html"
    assert main(["host", "istanbul-2022", "--server", served.url, "--rooms", "40", "--bots", "turkey",
                 "--slips", str(slips)]) == 0
    out = capsys.readouterr().out
    assert out.count("Room ") == 40
    assert out.count("Turkey (host) (bot)") == 40
    assert out.count("United States — absent: seat it from the console (j)") == 40
    assert "Ukraine\n" in out and "Russian Federation\n" in out
    page = slips.read_text(encoding="utf-8")
    codes = set(re.findall(r"\b(?:UA|RU)-[0-9A-Z]{6}\b", page))
    assert len(codes) == 80 and codes <= set(re.findall(r"\b(?:UA|RU)-[0-9A-Z]{6}\b", out))  # each room's two people


def test_host_mistakes_are_one_line_errors(served: ServeProcess, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown scenario, an unreachable server and a bad URL each give one plain line and status 1."""
    assert main(["host", "no-such-scenario", "--server", served.url]) == 1
    assert "no scenario on this server is called" in capsys.readouterr().err.lower()
    assert main(["host", "tutorial", "--server", "ws://127.0.0.1:1"]) == 1
    assert "cannot reach" in capsys.readouterr().err.lower()
    assert main(["host", "tutorial", "--server", "http//nope"]) == 1
    assert "not a websocket address" in capsys.readouterr().err
    assert main(["host", "tutorial", "--server", served.url, "--bots", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err


def test_games_list_table_and_missing_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`games list` refuses a missing database in one line and lists an empty one politely."""
    assert main(["games", "list", "--db", str(tmp_path / "missing.db")]) == 1
    assert "no database" in capsys.readouterr().err
    from server.store import open_store

    open_store(tmp_path / "empty.db").close()
    assert main(["games", "list", "--db", str(tmp_path / "empty.db")]) == 0
    assert "No games" in capsys.readouterr().out


def test_protocol_schema_names_every_message(capsys: pytest.CaptureFixture[str]) -> None:
    """`parley protocol schema` prints JSON Schema covering client and server messages."""
    assert main(["protocol", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    text = json.dumps(schema)
    for name in ("Hello", "Join", "Resume", "OpenClass", "SendCommand", "Update", "ClassOpened", "Error"):
        assert name in text


def test_host_with_teams_prints_a_code_per_member(served: ServeProcess, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley host --team-size 2` (typed wire message through the protocol client) gives each delegation two member codes."""
    assert main(["host", "tutorial", "--server", served.url, "--team-size", "2", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    seats = printed["rooms"][0]["seats"]
    assert all(len(s["members"]) == 2 and len({m["code"] for m in s["members"]}) == 2 for s in seats)
    assert main(["host", "tutorial", "--server", served.url, "--teams", "upland=3"]) == 0
    out = capsys.readouterr().out
    assert out.count("Upland — member") == 3
    assert main(["host", "tutorial", "--server", served.url, "--teams", "upland"]) == 1
    assert "not DELEGATION=N" in capsys.readouterr().err


def test_serve_says_how_host_finds_a_key_kept_in_another_data_dir(tmp_path: Path) -> None:
    """With --data-dir other than the one `parley host` looks in, serve says to set PARLEY_DATA_DIR (or give --key)."""
    proc = ServeProcess(tmp_path / "class.db")
    proc.data_dir = tmp_path / "elsewhere"
    proc.start()
    try:
        assert proc.terminate() == 0
        out = proc.proc.stdout.read()
    finally:
        proc.kill()
    assert f"PARLEY_DATA_DIR={tmp_path / 'elsewhere'} set; else give them --key" in out, out


def test_host_names_the_option_a_bad_value_came_from(served: ServeProcess, capsys: pytest.CaptureFixture[str]) -> None:
    """--rooms 0, --time-scale 0, --teams upland=0: one line naming the option (no 'parley: parley host:')."""
    for args, expected in ((["--rooms", "0"], "parley: --rooms: Input should be greater than or equal to 1"),
                           (["--time-scale", "0"], "parley: --time-scale: Input should be greater than or equal to 0.001"),
                           (["--teams", "upland=0"], "parley: --teams upland: Input should be greater than or equal to 1")):
        assert main(["host", "tutorial", "--server", served.url, *args]) == 1
        assert capsys.readouterr().err.strip() == expected
