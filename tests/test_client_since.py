"""The client in a game over days, against a real server: the deadline as a local date and
time, "since you were here" first when a student comes back, and the visit remembered."""

from __future__ import annotations

import json
import time
from datetime import UTC
from pathlib import Path

from textual.widgets import Input, Static

from client import format as fmt
from client.app import ParleyApp
from client.connection import Connection, normalise_url
from client.screens.since import SinceScreen
from client.screens.table import TableScreen
from client_helpers import facilitate, to_phase, view_with, wait_until
from server.engine import commands as c
from server.engine.schedule import parse_schedule
from server.net.server import ParleyServer


def test_a_long_phase_ends_at_a_local_date_and_time() -> None:
    """An hour or more left reads as the date and time it ends, in local time; less, as m:ss."""
    deadline = time.time() + 2 * 86400 + 600
    text = fmt.time_left(view_with(deadline=deadline, paused_remaining=None), now=deadline - 2 * 86400 - 600)
    assert text == f"until {fmt.local_time(deadline)} (2d 0h left)".replace(" 0h", "")
    assert fmt.time_left(view_with(deadline=100.0, paused_remaining=None), now=10.0) == "1:30 left"
    assert fmt.time_left(view_with(deadline=None, paused_remaining=5 * 3600 + 1200)) == "paused 5h 20m"
    assert fmt.span(26 * 3600 + 60) == "1d 2h" and fmt.span(720) == "12m"


async def test_coming_back_shows_what_happened_since(srv: ParleyServer, tmp_path: Path) -> None:
    """A seat played on this machine before, back after others moved, first sees the summary
    (the proposal tabled, the announcement), then the table with its deadline as a date."""
    schedule = parse_schedule("negotiation=2d", UTC)
    opened = await srv.runtime.open_class("tutorial", rooms=1, schedule=schedule)  # type: ignore[union-attr]
    info = opened.rooms[0]
    room = srv.runtime.room(info.room)  # type: ignore[union-attr]
    codes = {s.delegation: s.code for s in info.seats}
    await to_phase(room, "negotiation")
    last_visit = room.streams.count("lowland")  # a seat counts in its own stream
    await room.submit("upland", c.TableProposal(terms={"dam_height": "reduced"}))
    await facilitate(room, c.Announce(text="Decisions on Thursday."))
    config_file = tmp_path / "client.json"
    key = f"{normalise_url(srv.url)}|{info.room}|lowland"
    config_file.write_text(json.dumps({"visits": {key: last_visit}}))
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), name="Lee", config_file=config_file)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#code", Input).value = codes["lowland"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SinceScreen), what="the summary")
        text = str(app.screen.query_one("#since-text", Static).render())
        assert "Since you were here" in text and "tables P1" in text and "Decisions on Thursday." in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        status = str(app.screen.query_one("StatusBar", Static).render())
        assert "until " in status and "left)" in status
    remembered = json.loads(config_file.read_text())["visits"][key]
    assert remembered == room.streams.count("lowland")


async def test_a_first_visit_has_no_summary(srv: ParleyServer, tmp_path: Path) -> None:
    """A seat never played on this machine goes straight to its screen, and is remembered."""
    opened = await srv.runtime.open_class("tutorial", rooms=1)  # type: ignore[union-attr]
    info = opened.rooms[0]
    room = srv.runtime.room(info.room)  # type: ignore[union-attr]
    await to_phase(room, "negotiation")
    config_file = tmp_path / "client.json"
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), name="Lee", config_file=config_file)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#code", Input).value = next(s.code for s in info.seats if s.delegation == "upland")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, SinceScreen)
    assert json.loads(config_file.read_text())["visits"] == {
        f"{normalise_url(srv.url)}|{info.room}|upland": room.streams.count("upland")}


async def test_coming_back_with_the_rejoin_code_shows_the_summary_too(srv: ParleyServer, tmp_path: Path) -> None:
    """A student who types their rejoin code the next day gets the summary first as well."""
    from client import rejoin

    opened = await srv.runtime.open_class("tutorial", rooms=1)  # type: ignore[union-attr]
    info = opened.rooms[0]
    room = srv.runtime.room(info.room)  # type: ignore[union-attr]
    await to_phase(room, "negotiation")
    config_file = tmp_path / "client.json"
    first = ParleyApp(Connection(srv.url, backoff=(0.1,)), name="Lee", config_file=config_file)
    async with first.run_test(size=(100, 30)) as pilot:
        first.screen.query_one("#code", Input).value = next(s.code for s in info.seats if s.delegation == "lowland")
        await pilot.press("enter")
        await wait_until(pilot, lambda: first.state.token is not None, what="the seat")
        token = first.state.token
    await facilitate(room, c.Announce(text="See you tomorrow."))
    again = ParleyApp(Connection(srv.url, backoff=(0.1,)), name="Lee", config_file=config_file)
    async with again.run_test(size=(100, 30)) as pilot:
        assert token is not None
        again.screen.query_one("#code", Input).value = rejoin.readable(token) or ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(again.screen, SinceScreen), what="the summary")
        assert "See you tomorrow." in str(again.screen.query_one("#since-text", Static).render())
