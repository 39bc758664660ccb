"""The reflection form in the player's client, against a real server: opened with r once the
debrief is open, handed in with ctrl+s, revised, and refused once the class is closed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from client.app import ParleyApp
from client.connection import Connection
from client.screens.outcome import OutcomeScreen
from client.screens.reflection import ReflectionScreen
from client_helpers import facilitate, open_room, to_phase, wait_until
from server.engine import commands as c
from server.net.server import ParleyServer


async def test_a_student_hands_in_and_revises_a_reflection(srv: ParleyServer, tmp_path: Path) -> None:
    """After the debrief, r opens the questions; ctrl+s hands the answers in (stored for the
    facilitator); a second hand-in replaces the first; closing the class hides the key."""
    room, codes = await open_room(srv)
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), name="Ann", config_file=tmp_path / "c.json")
    async with app.run_test(size=(110, 34)) as pilot:
        app.screen.query_one("#code", Input).value = codes["lowland"]
        await pilot.press("enter")
        await to_phase(room, "negotiation")
        await facilitate(room, c.EndGame())
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen), what="the outcome")
        assert not app.screen.check_action("reflect", ())  # not before the debrief
        await facilitate(room, c.OpenDebrief(questions=("What worked?", "What next?")))
        await wait_until(pilot, lambda: app.screen.check_action("reflect", ()), what="the reflect key")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReflectionScreen), what="the form")
        await pilot.press(*"Tabling early.")  # the first answer has the focus
        await pilot.press("tab", *"Later")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: room.game.state.reflections.get("lowland") == ("Tabling early.", "Later"),
                         what="the reflection stored")
        assert room.game.state.reflection_authors["lowland"] == "Ann"
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReflectionScreen), what="the form again")
        assert app.screen.query_one("#answer-1", TextArea).text == "Tabling early."  # the draft is kept
        app.screen.query_one("#answer-2", TextArea).text = "Ask for guarantees."
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: room.game.state.reflections["lowland"][1] == "Ask for guarantees.",
                         what="the revision stored")
        await facilitate(room, c.CloseReflections())
        await wait_until(pilot, lambda: not app.screen.check_action("reflect", ()), what="the key gone")


async def test_the_console_asks_its_own_questions_and_closes_reflections(srv: ParleyServer, tmp_path: Path) -> None:
    """In the console, O opens the debrief with the facilitator's own questions (one per line)
    and k closes the room's reflections."""
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=srv.instructor_key)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#open")
        await wait_until(pilot, lambda: app.class_state.rooms and type(app.screen).__name__ == "ConsoleScreen",
                         what="the console")
        room = srv.runtime.room(app.class_state.room_ids()[0])  # type: ignore[union-attr]
        await to_phase(room, "negotiation")
        await facilitate(room, c.EndGame())
        await wait_until(pilot, lambda: app.screen.check_action("open_debrief_asking", ()), what="the debrief keys")
        await pilot.press("Q")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "QuestionsScreen", what="the questions form")
        await pilot.press(*"What surprised you?", "enter", *"Whom did you trust?")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: room.game.state.reflection_questions
                         == ("What surprised you?", "Whom did you trust?"), what="the debrief open with them")
        await pilot.press("k")
        await wait_until(pilot, lambda: room.game.state.reflections_closed, what="reflections closed")
