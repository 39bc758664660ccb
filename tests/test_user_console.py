"""The console a teacher comes back to shows what the facilitator guide promises (huser5).

docs/facilitator-guide.md: "The console shows … the facilitator token in its header — write it
down". After `parley facilitate --token TOKEN` (coming back to a class) the header read
"· token" and nothing after it. Real console app, real server.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from client.app import ParleyApp
from client_helpers import wait_until
from server.net.server import ParleyServer


async def test_a_console_resumed_with_its_token_shows_the_token_in_its_header(
        srv: ParleyServer, tmp_path: Path) -> None:
    """Open a class, come back with `parley facilitate --token TOKEN`: the header ends 'token TOKEN'."""
    opened = await srv.runtime.open_class("tutorial", rooms=2)
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    token=opened.facilitator_token)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen", what="the console")
        header = app.screen.query_one("#class-header", Static)
        await wait_until(pilot, lambda: opened.facilitator_token in str(header.render()),
                         what="the token in the header: " + str(header.render()))
