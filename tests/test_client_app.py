"""The Textual client against a real Parley server on a free port (pilot tests, App.run_test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Select, Static

from client.app import ParleyApp
from client.screens.join import JoinScreen
from client.screens.lobby import LobbyScreen
from client.screens.outcome import OutcomeScreen
from client.screens.table import TableScreen
from client.state import PUBLIC
from client_helpers import facilitate, negotiating_with, open_room, player_app, to_phase, wait_until
from server.engine import commands as c
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, free_port


def text_of(app: ParleyApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def on_table(pilot: Any, app: ParleyApp) -> None:
    """Wait until the table screen is up and rendered (its tabs built, its hint written)."""
    await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.query("#turn-hint")
                     and text_of(app, "#turn-hint"), what="the table")


async def test_join_with_a_code_goes_from_lobby_to_table(srv: ParleyServer, tmp_path: Path) -> None:
    """Typing a join code opens the lobby; the facilitator's start opens the table; the server is remembered."""
    room, codes = await open_room(srv)
    app = player_app(srv, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, JoinScreen)
        app.screen.query_one("#code", Input).value = codes["upland"].lower()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LobbyScreen) and "Upland" in text_of(app, "#seats"),
                         what="the lobby")
        assert "Waiting for the facilitator" in text_of(app, "#start-note")
        await to_phase(room, "negotiation")
        await on_table(pilot, app)
        assert app.state.delegation == "upland" and app.state.connection == "connected"
    assert srv.url in (tmp_path / "client.json").read_text()


async def test_wrong_code_and_unreachable_server_get_a_plain_sentence(srv: ParleyServer, tmp_path: Path) -> None:
    """A wrong code and a server nobody listens on are each one sentence on the join screen."""
    await open_room(srv)
    app = player_app(srv, tmp_path)
    async with app.run_test() as pilot:
        app.screen.query_one("#code", Input).value = "ZZ-0000"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "No seat" in text_of(app, "#problem"), what="the wrong-code sentence")
        assert text_of(app, "#problem").startswith("No seat has the code ZZ-0000")
        app.screen.query_one("#server", Input).value = f"127.0.0.1:{free_port()}"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Cannot reach" in text_of(app, "#problem"), what="the unreachable sentence")
        assert isinstance(app.screen, JoinScreen)


async def test_a_tabled_proposal_reaches_another_seat_and_theirs_reaches_us(srv: ParleyServer, tmp_path: Path) -> None:
    """Upland composes and tables (t); Lowland's client sees it; Lowland's proposal shows on Upland's screen."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await on_table(pilot, app)
        await pilot.press("2")
        await wait_until(pilot, lambda: app.screen.query("#pick-dam_height"), what="the composer")
        for issue, option in {"dam_height": "full", "water_flow": "seasonal"}.items():
            app.screen.query_one(f"#pick-{issue}", Select).value = option
        await pilot.pause()
        assert "65.00 points on your table" in text_of(app, "#worth")
        await pilot.press("t")
        tabled = await lowland.wait_for(lambda f: f["type"] == "update" and any(
            e["type"] == "proposal_tabled" for e in f["events"]))
        assert tabled["view"]["proposals"][0]["author"] == "upland"
        await lowland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
        await wait_until(pilot, lambda: len(app.state.view.proposals) == 2, what="Lowland's proposal")
        await pilot.press("3")
        await pilot.pause()
        assert app.screen.query_one("#proposal-table").row_count == 2
    await lowland.close()


async def test_a_pressure_event_shows_in_the_pressure_panel(srv: ParleyServer, tmp_path: Path) -> None:
    """An injected card reaches the seat and is listed under what changed and this game's events."""
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test() as pilot:
        await on_table(pilot, app)
        await facilitate(room, c.InjectEvent(card="power_cuts"))
        await wait_until(pilot, lambda: any("Power cuts" in line for line in app.state.changes), what="the card")
        await pilot.press("4")
        await pilot.pause()
        panel = text_of(app, "#pressure-text")
        assert "Power cuts in Upland" in panel and "reservation value moved −4.00" in panel


async def test_signing_an_agreement_shows_the_outcome_and_the_debrief(srv: ParleyServer, tmp_path: Path) -> None:
    """Both parties sign; the outcome screen shows terms, your result, durability; the debrief adds all results."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    await lowland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    await facilitate(room, c.AdvancePhase())  # to the decision
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        await wait_until(pilot, lambda: "s sign / d decline: P1" in text_of(app, "#turn-hint"),
                         what="the hint to sign")
        await pilot.press("3", "s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: "upland" in app.state.view.proposals[0].signatures, what="the signature")
        reply = await lowland.command({"type": "sign_proposal", "proposal": "P1"})
        assert reply["type"] == "ack", reply
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen), what="the outcome")
        await pilot.pause()
        outcome = text_of(app, "#outcome-text")
        for words in ("An agreement was signed", "Reduced height", "Your result", "Durability", "Rounds lost"):
            assert words in outcome
        assert "Every delegation's result appears here" in outcome
        assert "What really happened" in text_of(app, "#history-text")
        await facilitate(room, c.OpenDebrief())
        await wait_until(pilot, lambda: "surplus" in text_of(app, "#outcome-text"), what="the debrief")
        assert "Lowland" in text_of(app, "#outcome-text").split("surplus")[1]
    await lowland.close()


async def test_facilitator_pauses_and_injects_an_event_seen_by_a_player(srv: ParleyServer, tmp_path: Path) -> None:
    """From the console: open a class, start, pause (p), inject a card (i) a player sees; give a seat to a bot (b)."""
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=srv.instructor_key)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#open")
        await wait_until(pilot, lambda: app.class_state.rooms and type(app.screen).__name__ == "ConsoleScreen",
                         what="the console")
        room_state = next(iter(app.class_state.rooms.values()))
        player = await Client.connect(srv.url, "upland")
        await player.join(room_state.code_of("upland"))
        await pilot.press("g")
        await wait_until(pilot, lambda: next(iter(app.class_state.rooms.values())).view.phase == "pressure",
                         what="the game to start")
        await pilot.press("p")
        await player.wait_for(lambda f: f["type"] == "update" and any(e["type"] == "timer_paused" for e in f["events"]))
        await pilot.press("i")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "InjectScreen", what="the card list")
        await pilot.press("enter")
        drawn = await player.wait_for(lambda f: f["type"] == "update" and any(
            e["type"] == "pressure_drawn" and e["injected"] for e in f["events"]))
        assert drawn["view"]["paused_remaining"] is not None
        await wait_until(pilot, lambda: any("political" in line or "battlefield" in line
                                            for line in next(iter(app.class_state.rooms.values())).log),
                         what="the console's log")
        app.screen.query_one("#room-seats").focus()
        await pilot.press("down", "b")  # the second seat (lowland) goes to a bot
        await wait_until(pilot, lambda: next(iter(app.class_state.rooms.values())).view.controllers
                         .get("lowland", "").startswith("bot"), what="the bot to take the seat")
        await player.close()


async def test_a_dropped_connection_reconnects_and_catches_up(srv: ParleyServer, tmp_path: Path) -> None:
    """When the socket drops, the header says so, the client resumes by itself and gets what it missed."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test() as pilot:
        await on_table(pilot, app)
        seen: list[str] = []
        app.watch(app, "state", lambda s: seen.append(s.connection))
        app.connection.client.socket.transport.abort()  # type: ignore[union-attr]  # the network goes away
        await lowland.command({"type": "make_statement", "text": "Said while you were away."})
        await wait_until(pilot, lambda: "reconnecting" in seen and app.state.connection == "connected",
                         what="the reconnection")
        await wait_until(pilot, lambda: any(n.text == "Said while you were away."
                                            for n in app.state.channel_notes(PUBLIC)), what="the missed statement")
        await pilot.press("r")
        await wait_until(pilot, lambda: "upland" in app.state.view.ready, what="a command after reconnecting")
    await lowland.close()
