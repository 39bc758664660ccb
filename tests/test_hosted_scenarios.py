"""A teacher's own scenario on a real server: `parley host FILE`, `parley serve --scenarios DIR`."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.cli import main
from server.net.server import ParleyServer
from server.protocol.wire import MAX_SCENARIO_BYTES
from server.runtime.catalogue import Catalogue
from server_helpers import Client


def modified_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`scenarios new myclass --from tutorial`, then other delegation names and one more issue."""
    path = tmp_path / "myclass.yaml"
    assert main(["scenarios", "new", "myclass", "--from", "tutorial", "--out", str(path)]) == 0
    capsys.readouterr()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["delegations"][0]["name"], data["delegations"][1]["name"] = "Highland", "Riverside"
    data["issues"].append({"id": "fishing", "title": "Fishing rights", "options": [
        {"id": "shared", "label": "Shared fishing"}, {"id": "closed", "label": "A closed season"}]})
    for delegation in data["delegations"]:
        delegation["hidden"]["points"]["fishing"] = {"shared": 6, "closed": 0}
    data["history"]["terms"]["fishing"] = "shared"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


async def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`parley ARGV` in a thread (its websocket client is synchronous), with its output."""
    status = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


async def until(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_hosted_file_plays_survives_a_restart_and_replays_after_it_is_deleted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The class keeps the file's scenario: restarted, played to the end by bots, exported with the file gone."""
    path = modified_copy(tmp_path, capsys)
    text = path.read_text(encoding="utf-8")
    db = tmp_path / "parley.db"
    first = ParleyServer(db)
    await first.start()
    try:
        status, out, err = await run_cli(capsys, "host", str(path), "--server", first.url, "--key", first.instructor_key, "--bots", "all",
                                         "--time-scale", "0.01", "--json")
        assert status == 0, err
        opened = json.loads(out)
        room_id = opened["rooms"][0]["room"]
        stored = first.runtime.store.class_info(opened["class"])  # type: ignore[union-attr]
        assert stored is not None and stored.options["scenario"] == {"source": "hosted", "file": "myclass.yaml",
                                                                     "text": text}
    finally:
        await first.stop()
    path.unlink()  # from here on, only the server's copy of the scenario exists
    second = ParleyServer(db)
    await second.start()
    try:
        facilitator = await Client.connect(second.url, "facilitator")
        assert (await facilitator.call("resume", token=opened["facilitator_token"]))["type"] == "class_state"
        assert (await facilitator.command({"type": "start_game"}, room=room_id))["type"] == "ack"
        room = second.runtime.room(room_id)  # type: ignore[union-attr]
        await until(lambda: room.game.ended)
        scenario = room.game.state.scenario
        assert scenario.id == "myclass" and scenario.issue("fishing") is not None
        assert [d.name for d in scenario.delegations][:2] == ["Highland", "Riverside"]
    finally:
        await second.stop()
    status, markdown, err = await run_cli(capsys, "export", room_id, "--db", str(db), "--format", "md", "--all")
    assert status == 0, err
    assert "Highland" in markdown and "Fishing rights" in markdown
    status, log_json, err = await run_cli(capsys, "export", room_id, "--db", str(db), "--format", "json")
    assert status == 0, err
    created = json.loads(log_json)
    assert "Fishing rights" in json.dumps(created)


async def test_a_broken_file_is_refused_with_the_place_and_nothing_is_stored(
        server: ParleyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario text with a missing points table is refused (over the wire and by `host`), naming file and place."""
    data = yaml.safe_load((Path(__file__).parent.parent / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8"))
    del data["delegations"][1]["hidden"]["points"]["water_flow"]
    broken = yaml.safe_dump(data)
    client = await Client.connect(server.url, "instructor")
    refused = await client.call("open_class", key=server.instructor_key, scenario_text=broken, scenario_file="../../evil\x1b[2J.yaml")
    assert refused["type"] == "error" and refused["code"] == "bad_scenario"
    assert "evil[2J.yaml: delegations[1].hidden.points: no points for issue 'water_flow'" in refused["message"]
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    status, _, err = await run_cli(capsys, "host", str(path), "--server", server.url, "--key", server.instructor_key)
    assert status == 1 and "broken.yaml: delegations[1].hidden.points: no points for issue 'water_flow'" in err
    assert "Traceback" not in err
    assert server.runtime is not None and server.runtime.store.classes() == []


async def test_an_oversized_or_unknown_scenario_is_refused_and_nothing_is_stored(server: ParleyServer) -> None:
    """Scenario text over the size limit, YAML that is not a mapping, and an unknown id change nothing."""
    client = await Client.connect(server.url, "instructor")
    too_big = await client.call("open_class", key=server.instructor_key, scenario_text="#" * (MAX_SCENARIO_BYTES + 1))
    assert too_big["type"] == "error" and too_big["code"] == "bad_message"
    not_mapping = await client.call("open_class", key=server.instructor_key, scenario_text="- a list\n", scenario_file="list.yaml")
    assert not_mapping["code"] == "bad_scenario" and "list.yaml: (top level)" in not_mapping["message"]
    unknown = await client.call("open_class", key=server.instructor_key, scenario="no-such-thing")
    assert unknown["code"] == "unknown_scenario" and "tutorial" in unknown["message"]
    assert server.runtime is not None and server.runtime.store.classes() == []


def write_folder(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder.mkdir()
    assert main(["scenarios", "new", "river-class", "--from", "tutorial", "--out", str(folder / "river.yaml")]) == 0
    assert main(["scenarios", "new", "blank-class", "--out", str(folder / "blank.yml")]) == 0
    capsys.readouterr()
    (folder / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (folder / "again.yaml").write_text((folder / "river.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "readme.txt").write_text("not a scenario", encoding="utf-8")


def test_a_folder_offers_its_valid_scenarios_and_reports_the_rest(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Every valid file is offered by id beside the bundled ones; a broken or duplicate file is named and left out."""
    folder = tmp_path / "mine"
    write_folder(folder, capsys)
    catalogue = Catalogue()
    problems = catalogue.load_folder(folder)
    assert catalogue.ids()[:3] == ["ceasefire-2025", "istanbul-2022", "tutorial"]
    assert catalogue.ids()[3:] == ["river-class", "blank-class"]  # files in name order: again, blank, ...
    assert len(problems) == 2
    assert problems[0].startswith(f"{folder / 'broken.yaml'}: line ") and problems[0].endswith("(left out)")
    assert problems[1].startswith(f"{folder / 'river.yaml'}: id: 'river-class' is already offered by "
                                  f"{folder / 'again.yaml'}")
    assert Catalogue().load_folder(tmp_path / "missing") == [f"{tmp_path / 'missing'}: not a folder of scenario files"]


async def test_serve_offers_a_folder_scenario_by_id_and_keeps_its_text(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A class opened by a folder scenario's id stores that file's text, so later edits to it change nothing."""
    folder = tmp_path / "mine"
    write_folder(folder, capsys)
    catalogue = Catalogue()
    catalogue.load_folder(folder)
    srv = ParleyServer(tmp_path / "parley.db", catalogue=catalogue)
    await srv.start()
    try:
        client = await Client.connect(srv.url, "instructor")
        opened = await client.call("open_class", key=srv.instructor_key, scenario="river-class")
        assert opened["type"] == "class_opened" and opened["scenario"] == "river-class"
        info = srv.runtime.store.class_info(opened["class"])  # type: ignore[union-attr]
        assert info is not None and info.options["scenario"]["source"] == "folder"
        assert info.options["scenario"]["text"] == (folder / "river.yaml").read_text(encoding="utf-8")
    finally:
        await srv.stop()


def test_serve_reports_a_broken_folder_file_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley serve --scenarios DIR` prints each left-out file and serves the rest (status 0 on SIGTERM)."""
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "mine"
    write_folder(folder, capsys)
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", "0", "--db",
                             str(tmp_path / "s.db"), "--scenarios", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Parley server on"):
                break
        output = "".join(lines)
        assert "broken.yaml" in output and "left out" in output
        assert "Scenarios offered:" in output and "river-class" in output and "blank-class" in output
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.returncode == 0


async def test_only_a_signed_in_instructor_may_send_a_scenario(server: ParleyServer) -> None:
    """A scenario text without the instructor key, or with a wrong one, is refused before it is read; nothing is stored."""
    text = (Path(__file__).parent.parent / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    client = await Client.connect(server.url, "stranger")
    for key in (None, "0" * 40):
        fields = {"scenario_text": text, "scenario_file": "mine.yaml"} | ({"key": key} if key else {})
        refused = await client.call("open_class", **fields)
        assert refused["type"] == "error" and refused["code"] == "bad_key"
    assert server.runtime is not None and server.runtime.store.classes() == []
