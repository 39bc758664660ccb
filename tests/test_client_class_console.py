"""The console runs the whole class: class-wide actions, the live rooms table, codes and slips.

Pilot tests drive the real console (App.run_test) against a real server on a free port; the
overview and slip tests check the pure parts directly.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Footer, Input, Static

from client.app import ParleyApp
from client.class_overview import applies, overview
from client.console_state import ConsoleState, RoomState
from client.slips import Slip, slips_from_rooms, slips_html
from client_helpers import view_with, wait_until
from server.engine import FACILITATOR
from server.net.server import ParleyServer
from server.protocol import wire
from server_helpers import Client


async def console(srv: ParleyServer, tmp_path: Path, pilot_size: tuple[int, int] = (120, 36)) -> Any:
    return ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                     key=srv.instructor_key)


async def open_in_console(app: ParleyApp, pilot: Any, scenario: str, rooms: int, bots: str) -> None:
    screen = app.screen
    screen.query_one("#scenario", Input).value = scenario
    screen.query_one("#rooms", Input).value = str(rooms)
    screen.query_one("#bots", Input).value = bots
    await pilot.click("#open")
    await wait_until(pilot, lambda: len(app.class_state.rooms) == rooms
                     and type(app.screen).__name__ == "ConsoleScreen" and app.screen.query("#room-seats"),
                     what="the console")


def phases(app: ParleyApp) -> list[str]:
    return [r.view.phase if r.view else "?" for r in app.class_state.rooms.values()]


async def test_start_pause_resume_and_announce_reach_every_room_with_one_key(srv: ParleyServer, tmp_path: Path) -> None:
    """G starts all four rooms, P pauses every clock, R resumes them, A announces in each room."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 4, "all")
        await pilot.press("G")
        await wait_until(pilot, lambda: all(p not in ("lobby", "?") for p in phases(app)), what="four starts")
        await wait_until(pilot, lambda: all(r.view and r.view.deadline for r in app.class_state.rooms.values()),
                         what="four clocks")
        await pilot.press("P")
        await wait_until(pilot, lambda: all(r.view and r.view.paused_remaining is not None
                                            for r in app.class_state.rooms.values()), what="four pauses")
        await pilot.press("R")
        await wait_until(pilot, lambda: all(r.view and r.view.paused_remaining is None
                                            for r in app.class_state.rooms.values()), what="four resumes")
        await pilot.press("A")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AnnounceScreen", what="the announce box")
        app.screen.query_one(Input).value = "Ten minutes to the vote."
        await pilot.press("enter")
        await wait_until(pilot, lambda: all(any("Ten minutes to the vote." in line for line in r.log)
                                            for r in app.class_state.rooms.values()), what="four announcements")


async def test_the_whole_class_menu_counts_the_rooms_each_action_reaches(srv: ParleyServer, tmp_path: Path) -> None:
    """w lists the class-wide actions with how many rooms each reaches; choosing one sends it to them."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 3, "all")
        await pilot.press("w")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChooseScreen", what="the menu")
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Start in every room (3 of 3 now)" in labels[0]
        assert "Pause in every room (0 of 3 now)" in labels[1]
        await pilot.press("enter")
        await wait_until(pilot, lambda: "lobby" not in phases(app), what="three starts")


async def test_the_rooms_table_puts_a_room_with_a_student_away_first(srv: ParleyServer, tmp_path: Path) -> None:
    """A student who drops out of room 2 brings it to the top, named; the cursor stays on its room."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 3, "lowland,commission")
        players = []
        for room in app.class_state.rooms.values():
            players.append(await Client.connect(srv.url, "upland"))
            await players[-1].join(room.code_of("upland"))
        second = list(app.class_state.rooms.values())[1]
        await pilot.press("G")
        await wait_until(pilot, lambda: "lobby" not in phases(app), what="the starts")
        await players[1].close()
        table = app.screen.query_one("#rooms", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3 and "away" in str(table.get_row_at(0)[1]),
                         what="the away student on top")
        assert table.get_row_at(0)[0] == second.room and "away: Upland" in str(table.get_row_at(0)[1])
        assert table.get_row_at(0)[-1] == "0/1" and table.get_row_at(1)[-1] == "1/1"  # humans connected
        for player in players:
            await player.close()


async def test_the_seat_table_follows_a_bot_at_once_and_the_log_follows_new_lines(srv: ParleyServer, tmp_path: Path) -> None:
    """b shows 'bot' in the seat table as soon as the view says so; the log pane stays at its end."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 1, "commission")
        seats = app.screen.query_one("#room-seats", DataTable)
        seats.focus()
        await pilot.press("b")  # the first seat (upland)
        await wait_until(pilot, lambda: seats.get_row("upland")[3] == "bot", what="the seat table's bot")
        await pilot.press("g")
        for text in [f"line {i}" for i in range(40)]:  # at the pace a seat may send (20 a second)
            await app.send({"type": "announce", "text": text}, room=next(iter(app.class_state.rooms)))
            await pilot.pause(0.06)
        log = app.screen.query_one("#room-log")
        await wait_until(pilot, lambda: "line 39" in str(app.screen.query_one("#room-log-text", Static).render())
                         and log.max_scroll_y > 0 and log.scroll_y >= log.max_scroll_y - 1,
                         what="the log at its end")


@pytest.mark.parametrize("width", [80, 120])
async def test_the_footer_fits_at_80_and_120_columns(srv: ParleyServer, tmp_path: Path, width: int) -> None:
    """Every key the footer offers is whole, Quit last, at 80 and at 120 columns."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(width, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 1, "all")
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = [str(child.render()) for child in footer.query("FooterKey")]
        assert any("Quit" in key for key in keys) and any("All rooms" in key for key in keys)
        assert all(key.region.width > 0 and key.region.right <= width for key in footer.query("FooterKey"))


async def test_the_codes_screen_shows_human_seats_only_and_30_fit_at_120x36(srv: ParleyServer, tmp_path: Path) -> None:
    """Ten ceasefire rooms, Russia a bot: 30 human seats on one 120x36 screen, no bot seat."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "ceasefire-2025", 10, "russia")
        await pilot.press("c")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CodesScreen", what="the codes")
        await pilot.pause()
        cells = list(app.screen.query(".code-cell"))
        assert len(cells) == 30
        assert all(cell.region.bottom <= 36 and cell.region.right <= 120 for cell in cells)
        text = " ".join(str(c.render()) for c in cells)
        assert "RU-" not in text and "Russia" not in text and "Ukraine" in text and "Europe" in text


async def test_the_codes_screen_leaves_out_the_codes_students_have_used(srv: ParleyServer, tmp_path: Path) -> None:
    """Two tutorial rooms, Lowland a bot: once room 1's Upland has joined, its code is off the projector (it would
    only be refused) and the count says one joined; the other three codes are shown."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 2, "lowland")
        first, second = app.class_state.rooms.values()
        student = await Client.connect(srv.url, "upland")
        await student.join(first.code_of("upland"), name="Ann")
        await wait_until(pilot, lambda: app.class_state.rooms[first.room].seats[0].name == "Ann",
                         what="Ann in the class state")
        await pilot.press("c")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CodesScreen", what="the codes")
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert f"{first.room} · Upland" not in shown and f"{second.room} · Upland" in shown, shown
        assert f"{first.room} · River Commission" in shown and f"{second.room} · River Commission" in shown
        assert "(3 seats to join; 1 joined, Esc closes)" in shown, shown
        await student.close()


async def test_the_inject_list_says_what_each_card_does_and_to_whom(srv: ParleyServer, tmp_path: Path) -> None:
    """A card's line names who is told and every change, by label (the tutorial's dry spring)."""
    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 1, "all")
        await pilot.press("i")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "InjectScreen", what="the cards")
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert "A dry spring" in first and "told to" in first
        assert "−4.00 reservation for Lowland" in first and "+10 Tension in the valley" in first


def test_class_actions_apply_only_where_they_make_sense() -> None:
    """Start only in the lobby, pause only a running clock, resume only a paused one, debrief only ended."""
    lobby = view_with(FACILITATOR, phase="lobby")
    running = view_with(FACILITATOR, phase="negotiation", deadline=100.0, paused_remaining=None)
    paused = view_with(FACILITATOR, phase="negotiation", deadline=None, paused_remaining=30.0)
    ended = view_with(FACILITATOR, phase="ended", debrief_open=False)
    assert [applies("start_game", v) for v in (lobby, running, paused, ended)] == [True, False, False, False]
    assert [applies("pause", v) for v in (lobby, running, paused, ended)] == [False, True, False, False]
    assert [applies("resume", v) for v in (lobby, running, paused, ended)] == [False, False, True, False]
    assert [applies("open_debrief", v) for v in (lobby, running, paused, ended)] == [False, False, False, True]
    assert not applies("open_debrief", view_with(FACILITATOR, phase="ended", debrief_open=True))


def test_the_overview_sorts_paused_before_quiet_and_ended_last() -> None:
    """Rooms needing attention come first, in room order within a rank."""
    def room(name: str, **changes: Any) -> RoomState:
        return RoomState(name, seats=(), view=view_with(FACILITATOR, **changes))

    cls = ConsoleState(rooms={"R1": room("R1", phase="ended"),
                            "R2": room("R2", phase="negotiation", deadline=time.time() + 100),
                            "R3": room("R3", phase="negotiation", paused_remaining=20.0)})
    assert [r.room for r in overview(cls)] == ["R3", "R2", "R1"]


def test_slips_escape_every_text_and_skip_bots_and_absent_seats() -> None:
    """A hostile delegation name and brief are escaped; bot and absent seats get no slip; a wss:// server's slips say to pass --cafile, a ws:// one's do not."""
    base = view_with(FACILITATOR)
    assert base.scenario is not None
    hostile = [wire.PublicDelegation(id=d, name=name, code="AB", kind="party", brief=brief, public_demands=[],
                                     absent=False)
               for d, name, brief in (("a", "<script>x</script>", "A & B <i>"), ("b", "Bot", ""), ("c", "Absent", ""))]
    view = base.model_copy(update={"seated": ["a", "b"], "controllers": {"b": "bot"},
                                   "scenario": base.scenario.model_copy(update={"delegations": hostile})})
    seats = [wire.SeatInfo(delegation=d, code=f"{d.upper()}-2345AB") for d in "abc"]
    found = slips_from_rooms([("R-1", seats, view)])
    assert found == [Slip("R-1", "<script>x</script>", "A & B <i>", "A-2345AB")]
    page = slips_html("T <b>", found, "http://10.0.0.5:8000/", "ws://10.0.0.5:8765")
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page and "A &amp; B &lt;i&gt;" in page
    assert "T &lt;b&gt;" in page and "<svg" in page and "parley play --server ws://10.0.0.5:8765 --code A-2345AB" in page
    assert "--cafile" not in page  # a plain ws:// server needs no certificate authority
    tls_page = slips_html("T", found, "https://10.0.0.5:8000/", "wss://10.0.0.5:8765")
    assert "parley play --server wss://10.0.0.5:8765 --code A-2345AB" in tls_page and "--cafile FILE" in tls_page
