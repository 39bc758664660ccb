"""The console's open-class form hosts a teacher's own scenario file: picked in a file picker,
sent as text, checked by the server (the place of an error named on the form, nothing stored).

Pilot tests drive the real console (App.run_test) against a real server on a free port.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from textual.widgets import DirectoryTree, Input, Label, Static

import scenarios
from client.app import ParleyApp
from client.screens.facilitator import BUNDLED
from client_helpers import wait_until
from server.net.server import ParleyServer
from server.scenario.loader import bundled_scenarios


def own_scenario(folder: Path) -> Path:
    """A copy of the tutorial with its delegations renamed, as a teacher would adapt it."""
    source = Path(scenarios.__file__).parent / "tutorial.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["id"] = "my-river"
    data["title"] = "My river"
    data["delegations"][0]["name"] = "Hill Country"
    path = folder / "my-river.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def console(srv: ParleyServer, tmp_path: Path) -> ParleyApp:
    return ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                     key=srv.instructor_key)


async def test_a_file_chosen_in_the_picker_opens_a_class_of_it(srv: ParleyServer, tmp_path: Path,
                                                               monkeypatch: Any) -> None:
    """'Choose a file…' lists the folder's scenario files; picking one fills the form, and opening
    the class plays exactly that file's scenario (its renamed delegation)."""
    own_scenario(tmp_path)
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#choose-file")
        await wait_until(pilot, lambda: bool(app.screen.query(DirectoryTree)), what="the picker")
        tree = app.screen.query_one(DirectoryTree)
        await wait_until(pilot, lambda: tree.root.children, what="the folder's files")
        shown = [str(child.label) for child in tree.root.children]
        assert "my-river.yaml" in shown and "notes.txt" not in shown
        tree.select_node(next(c for c in tree.root.children if str(c.label) == "my-river.yaml"))
        await wait_until(pilot, lambda: type(app.screen).__name__ == "FacilitatorSetupScreen", what="the form")
        assert app.screen.query_one("#scenario", Input).value.endswith("my-river.yaml")
        app.screen.query_one("#bots", Input).value = "all"
        await pilot.click("#open")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen" and app.class_state.rooms,
                         what="the console")
        room = next(iter(srv.runtime.rooms.values()))
        assert room.game.scenario.title == "My river"
        assert room.game.scenario.delegations[0].name == "Hill Country"


async def test_a_broken_file_is_refused_on_the_form_with_its_place(srv: ParleyServer, tmp_path: Path) -> None:
    """A file with an unknown option in a points table is refused: the form names the file and
    the place, the console does not open, and the server holds no class."""
    path = own_scenario(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    issue = data["issues"][0]["id"]
    data["delegations"][1]["hidden"]["points"][issue]["no_such_option"] = 5
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    app = console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.screen.query_one("#scenario", Input).value = str(path)
        await pilot.click("#open")
        problem = app.screen.query_one("#problem", Static)
        await wait_until(pilot, lambda: "no_such_option" in str(problem.render()), what="the refusal")
        text = str(problem.render())
        assert "my-river.yaml" in text and "delegations[1]" in text
        assert type(app.screen).__name__ == "FacilitatorSetupScreen"
        assert not srv.runtime.rooms


async def test_in_a_browser_the_form_offers_the_bundled_scenarios_and_reads_no_file_of_the_host(
        srv: ParleyServer, tmp_path: Path) -> None:
    """Served by `parley web`, the form offers the bundled ids (no file's path, no picker) and a path typed is refused unread: nothing sent, no class opened."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("instructor key: do-not-send-me\n", encoding="utf-8")
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=srv.instructor_key, web_url="http://127.0.0.1:8000/")
    async with app.run_test(size=(120, 36)) as pilot:
        labels = " ".join(str(label.render()) for label in app.screen.query(Label))
        assert ", ".join(BUNDLED) in labels and set(BUNDLED) == set(bundled_scenarios())
        assert "file" not in labels and not app.screen.query("#choose-file")
        app.screen.query_one("#scenario", Input).value = str(secret)
        await pilot.click("#open")
        problem = app.screen.query_one("#problem", Static)
        await wait_until(pilot, lambda: "parley host" in str(problem.render()), what="the refusal")
        assert "do-not-send-me" not in str(problem.render())
        assert type(app.screen).__name__ == "FacilitatorSetupScreen" and not srv.runtime.rooms
