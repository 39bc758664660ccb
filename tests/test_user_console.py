"""The console a teacher comes back to shows what the facilitator guide promises (huser5).

docs/facilitator-guide.md: "The console shows … the facilitator token in its header — write it
down". After `parley facilitate --token TOKEN` (coming back to a class) the header read
"· token" and nothing after it. The token now shows only when asked (K): the console may be
on the projector, and whoever reads the token can run the class. Real console app, real server.
"""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from client.app import ParleyApp
from client_helpers import wait_until
from server.net.server import ParleyServer


async def test_a_console_resumed_with_its_token_shows_the_token_in_its_header(
        srv: ParleyServer, tmp_path: Path) -> None:
    """Come back with `parley facilitate --token TOKEN`: the header hides the token (the console may be
    projected) until K shows it, and K hides it again."""
    opened = await srv.runtime.open_class("tutorial", rooms=2)
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    token=opened.facilitator_token)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen", what="the console")
        header = app.screen.query_one("#class-header", Static)
        await wait_until(pilot, lambda: "K shows the token" in str(header.render()),
                         what="the token hidden: " + str(header.render()))
        assert opened.facilitator_token not in str(header.render())
        await pilot.press("K")
        await wait_until(pilot, lambda: opened.facilitator_token in str(header.render()),
                         what="the token in the header: " + str(header.render()))
        await pilot.press("K")
        await wait_until(pilot, lambda: opened.facilitator_token not in str(header.render()),
                         what="the token hidden again: " + str(header.render()))


async def test_the_setup_form_takes_bots_by_name_and_shows_its_problems_at_80x24(
        srv: ParleyServer, tmp_path: Path) -> None:
    """Bots typed as a teacher names them ("Atlantis" is refused, the problem scrolled into view at
    80x24, no class opened; "Russia, turkey" opens a class whose Russia and Turkey are bots)."""
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=srv.instructor_key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        form.query_one("#scenario", Input).value = "istanbul-2022"
        bots = form.query_one("#bots", Input)
        bots.value = "Atlantis"
        await pilot.press("enter")  # in the scenario box: opens the class
        problem = form.query_one("#problem", Static)
        await wait_until(pilot, lambda: "Atlantis" in str(problem.render()), what="the refusal")
        assert "Russian Federation (russia)" in str(problem.render()) and not srv.runtime.rooms
        await wait_until(pilot, lambda: form.query_one(VerticalScroll).scroll_offset.y > 0
                         and problem.region.bottom <= 24, what="the problem scrolled into view")
        bots.value = "Russia, turkey"
        form.query_one("#scenario", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen", what="the console")
    (room,) = srv.runtime.rooms.values()
    assert sorted(room.bots) == ["russia", "turkey"]
