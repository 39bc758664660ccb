"""What a person reads names delegations and meters by their labels, never by their ids.

Found by playing a class as its users would (huser): the console's room log said "turkey
tabled P1", "ready marked: turkey", "Member 1 joined ukraine's team"; the players' and the
console's "what changed" lines said "[tension +5]" for the scenario's "Tension in the valley".
Each test drives the real Textual app against a real server on a free port.
"""

from __future__ import annotations

import re
from pathlib import Path

from client.app import ParleyApp
from client.class_overview import room_row
from client.connection import Connection
from client.console_state import RoomState
from client.screens.table import TableScreen
from client_helpers import facilitate, open_room, player_app, to_phase, wait_until
from server.engine import commands as c
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client
from test_client_class_console import open_in_console
from test_client_focus import on_table

TUTORIAL_IDS = re.compile(r"\b(upland|lowland|commission|tension)\b")  # the labels are capitalised


async def test_the_consoles_room_log_names_delegations_and_meters_by_their_labels(
        srv: ParleyServer, tmp_path: Path) -> None:
    """A bot room's log in the console (tabling, readiness, a pressure card, a private message) has no id in it."""
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=srv.instructor_key)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 1, "lowland,commission")
        (room_id, held), = app.class_state.rooms.items()
        room = srv.runtime.room(room_id)
        codes = {s.delegation: s.code for s in held.seats}
        upland = await Client.connect(srv.url)
        await upland.join(codes["upland"])
        await to_phase(room, "negotiation")
        await facilitate(room, c.InjectEvent(card="power_cuts"))
        await upland.command({"type": "send_message", "to": "lowland", "text": "A word in private."})
        await upland.command({"type": "mark_ready"})

        def log() -> tuple[str, ...]:
            return app.class_state.rooms[room_id].log

        await wait_until(pilot, lambda: any("A word in private." in line for line in log())
                         and any("Power cuts" in line for line in log())
                         and any("ready" in line for line in log()), what="the room's log")
        lines = "\n".join(log())
        assert "Upland → Lowland (private): A word in private." in lines
        assert "Tension in the valley +5" in lines
        assert not TUTORIAL_IDS.search(lines), lines
        await upland.close()


async def test_a_players_what_changed_names_the_meters_by_their_labels(srv: ParleyServer, tmp_path: Path) -> None:
    """An injected card's meter change reads 'Tension in the valley +5' on the player's screen, not 'tension +5'."""
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await facilitate(room, c.InjectEvent(card="power_cuts"))
        await wait_until(pilot, lambda: any("Power cuts" in line for line in app.state.changes), what="the card")
        card = next(line for line in app.state.changes if "Power cuts" in line)
        assert "[Tension in the valley +5]" in card
        assert not TUTORIAL_IDS.search(card), card


async def test_a_players_refusals_say_you_not_their_delegations_id(srv: ParleyServer) -> None:
    """Ready twice, support one's own proposal, sign twice, a message to an absent seat: each refusal reads 'You …' or a name, never 'upland'."""
    room, codes = await open_room(srv)
    upland = await Client.connect(srv.url, "upland")
    await upland.join(codes["upland"])
    await to_phase(room, "negotiation")
    tabled = await upland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    assert tabled["type"] == "ack", tabled
    refusals = []
    for command in ({"type": "mark_ready"}, {"type": "mark_ready"},
                    {"type": "support_proposal", "proposal": "P1"},  # its author supports it already
                    {"type": "send_message", "to": "upland", "text": "to myself"}):
        reply = await upland.command(command)
        if reply["type"] == "error":
            refusals.append(reply["message"])
    await facilitate(room, c.AdvancePhase())
    for _ in range(2):
        reply = await upland.command({"type": "sign_proposal", "proposal": "P1"})
        if reply["type"] == "error":
            refusals.append(reply["message"])
    assert refusals == ["You are already marked ready.", "You already support P1.",
                        "Upland is not another delegation at the table.", "You have already voted on P1."], refusals
    await upland.close()


def test_the_consoles_rooms_table_counts_and_names_each_student_of_a_team() -> None:
    """A room with a Ukraine team of two (one joined) and Russia: humans 1/3, '2 students away: Ukraine (member 2 of 2), Russian Federation'."""
    from engine_helpers import Table
    from server.engine import FACILITATOR

    view = Table("istanbul-2022").game.view_for(FACILITATOR).model_copy(update={
        "phase": "negotiation", "seated": ["ukraine", "russia", "turkey"], "controllers": {"turkey": "bot"},
        "proposals": []})
    from server.protocol import wire

    seats = tuple(wire.SeatInfo.model_validate(s) for s in (
        {"delegation": "ukraine", "code": "", "connected": True, "members": [
            {"number": 1, "code": "UA-1", "connected": True}, {"number": 2, "code": "UA-2", "connected": False}]},
        {"delegation": "russia", "code": "RU-1", "connected": False},
        {"delegation": "turkey", "code": "TR-1", "controller": "bot"}))
    row = room_row(RoomState("R1", seats=seats, view=view))
    assert row.humans == "1/3"
    assert row.note == "2 students away: Ukraine (member 2 of 2), Russian Federation"
    lobby = room_row(RoomState("R1", seats=seats, view=view.model_copy(update={"phase": "lobby"})))
    assert lobby.note == "waiting for 2 students"


async def test_ctrl_q_at_a_seat_in_a_running_game_asks_first_and_shows_the_rejoin_code(
        srv: ParleyServer, tmp_path: Path) -> None:
    """ctrl+q in a running game asks (with the rejoin code); n stays; a second ctrl+q leaves; at the lobby's join form it just quits."""
    from client import rejoin
    from client.screens.confirm import ConfirmScreen

    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert app.state.token is not None
        assert rejoin.readable(app.state.token) in str(app.screen.query_one("#question").render())
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table again")
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")
    idle = ParleyApp(Connection(srv.url, backoff=(0.1,)), config_file=tmp_path / "client2.json")
    async with idle.run_test() as pilot:
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not idle.is_running, what="the join form to quit")


async def test_sign_before_the_decision_phase_says_when_instead_of_asking(srv: ParleyServer, tmp_path: Path) -> None:
    """s and d on a tabled package in the negotiation phase open no question; a notice says signing is for the decision phase."""
    from client.screens.confirm import ConfirmScreen

    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    await room.submit("lowland", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test() as pilot:
        await on_table(pilot, app)
        await pilot.press("3")
        await wait_until(pilot, lambda: app.screen.query_one("#tabs").active == "proposals", what="tab 3")
        for key in ("s", "d"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert not isinstance(app.screen, ConfirmScreen)
        notices = [n.message for n in app._notifications]
        assert any("You sign in the decision phase; this is the negotiation phase" in n for n in notices), notices
        assert any("You decline in the decision phase" in n for n in notices), notices


async def test_a_teacher_without_a_key_file_types_the_instructor_key_into_the_setup_form(
        srv: ParleyServer, tmp_path: Path) -> None:
    """In a browser tab (no --key, no key file) the setup form asks for the instructor key, hides it, and opens the class with it."""
    from textual.widgets import Input

    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json", key=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.screen.query("#key"), what="the key field")
        field = app.screen.query_one("#key", Input)
        assert field.password
        field.value = srv.instructor_key
        await pilot.click("#open")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen" and len(app.class_state.rooms) == 1,
                         what="the console of the class opened")


def test_the_text_debrief_names_delegations_in_the_best_packages_and_the_concessions() -> None:
    """A tutorial ended without a deal: the best packages' gains and the concession curves read 'Upland', never 'upland'."""
    from engine_helpers import Table
    from server.analysis.debrief import debrief_report, format_debrief
    from server.engine.phases import Phase
    from server.scenario.loader import bundled_scenarios

    table = Table(bundled_scenarios()["tutorial"])
    table.advance_to(Phase.NEGOTIATION)
    table.act("upland", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    table.facilitate(c.EndGame())
    text = format_debrief(debrief_report(table.log))
    assert "The best packages in the zone:" in text and "the table's joint gain" in text
    assert "- Upland: r1 " in text
    assert not TUTORIAL_IDS.search(text.replace("Tension in the valley", "")), text


async def test_at_80_columns_the_header_keeps_no_deal_and_war_cost_for_a_long_delegation_name(
        srv: ParleyServer, tmp_path: Path) -> None:
    """ceasefire-2025 as the European coalition at 80x24: the header's first 80 columns hold the phase, no deal and war cost."""
    from client.widgets.status import StatusBar

    room, codes = await open_room(srv, "ceasefire-2025")
    await to_phase(room, "negotiation")
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=codes["europe"], name="Eve",
                    config_file=tmp_path / "client.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app, proposals=False)
        bar = app.screen.query_one(StatusBar)
        header = str(bar.render())
        assert header.startswith("negotiation") and "European coalition ·" in header
        # within the columns the bar draws: the figures, the words around them shortened if need be
        assert re.search(r"no deal \d+\.\d\d · war( cost)? \d+\.\d\d", header[:bar.content_region.width]), header


async def test_a_team_member_who_is_not_the_head_reads_that_the_head_signs(srv: ParleyServer, tmp_path: Path) -> None:
    """Ben (member 2 of Upland, Ana heads it): the proposals' 'you' column says 'head signs', the Brief names Ana as the one who signs."""
    from client.widgets.brief import BriefPanel
    from test_client_teams import _team_room

    room, members, codes = await _team_room(srv)
    ana = await Client.connect(srv.url, "ana")
    await ana.join(members["upland"][0], name="Ana")
    await to_phase(room, "negotiation")
    await room.submit("lowland", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=members["upland"][1], name="Ben",
                    config_file=tmp_path / "ben.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await on_table(pilot, app)
        await pilot.press("3")
        table = app.screen.query_one("#proposal-table")
        await wait_until(pilot, lambda: table.row_count == 1, what="P1's row")
        assert "head signs" in [str(cell) for cell in table.get_row("P1")]
        await pilot.press("6")
        brief = app.screen.query_one(BriefPanel)
        await wait_until(pilot, lambda: "Ana, signs or declines" in str(brief.query_one("#brief-text").render()),
                         what="the brief naming the head")
    await ana.close()
