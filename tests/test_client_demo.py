"""`parley demo`: an embedded server on its own thread, bots in the other seats, a clean close."""

from __future__ import annotations

import threading

import pytest

from client.app import ParleyApp
from client.screens.lobby import LobbyScreen
from client.screens.table import TableScreen
from client_helpers import launched_demo, wait_until
from server.cli import UserError, main
from server.cli.play import make_demo


async def test_demo_chooses_a_seat_starts_with_bots_and_closes_cleanly() -> None:
    """Choose a delegation, start from the lobby, reach the table with bots seated; no thread is left."""
    before = set(threading.enumerate())
    with launched_demo("tutorial") as demo:
        app = ParleyApp(demo=demo)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: app.screen.query("#choices"), what="the chooser")
            await pilot.press("down", "enter")  # the second delegation: lowland
            await wait_until(pilot, lambda: isinstance(app.screen, LobbyScreen), timeout=10, what="the lobby")
            assert app.state.delegation == "lowland"
            assert app.state.view.controllers == {"commission": "bot", "lowland": "human", "upland": "bot"}
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.state.phase != "lobby",
                             timeout=10, what="the table")
    assert not demo.db_path.exists()
    # The test's own event loop may have started its default executor; nothing else may remain.
    left = {t for t in set(threading.enumerate()) - before if not t.name.startswith("asyncio_")}
    assert left == set() and not any(t.name == "parley-demo-server" for t in threading.enumerate())


def test_demo_names_the_choices_when_a_name_is_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong scenario or delegation is one plain line listing the choices, exit status 1."""
    assert main(["demo", "atlantis"]) == 1
    assert "choose one of: ceasefire-2025, istanbul-2022, tutorial" in capsys.readouterr().err
    with pytest.raises(UserError, match="choose one of: upland, lowland, commission"):
        make_demo("tutorial", "atlantis")
