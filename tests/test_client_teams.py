"""A team seat in the player's client, against a real server: the Team channel, the head named
in the status bar, a non-head's `s` refused naming the head, and the head's pending signature
shown to the rest of the team (real Textual app with App.run_test; the other members are raw
websockets clients)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from client.app import ParleyApp
from client.connection import Connection
from client.screens.confirm import ConfirmScreen
from client.screens.table import TableScreen
from client.state import TEAM
from client_helpers import to_phase, wait_until
from server.engine import commands as c
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client


async def _team_room(srv: ParleyServer) -> tuple[Any, dict[str, list[str]], dict[str, str]]:
    """A tutorial room with upland played by a team of three; (room, upland's member codes, solo codes)."""
    opened = await srv.runtime.open_class("tutorial", rooms=1, teams={"upland": 3})
    info = opened.rooms[0]
    room = srv.runtime.room(info.room)
    members = {s.delegation: [m.code for m in s.members] for s in info.seats if s.members}
    return room, members, {s.delegation: s.code for s in info.seats}


def _app(srv: ParleyServer, tmp_path: Path, code: str, name: str) -> ParleyApp:
    return ParleyApp(Connection(srv.url, backoff=(0.1,)), code=code, name=name,
                     config_file=tmp_path / f"{name}.json")


async def _on_table(pilot: Any, app: ParleyApp) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.query("#turn-hint")
                     and str(app.screen.query_one("#turn-hint").render()), what="the table")


def _notified(app: ParleyApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def test_a_member_writes_to_the_team_and_is_told_the_head_signs(srv: ParleyServer, tmp_path: Path) -> None:
    """Ben (not the head) has a Team channel that reaches Ana; his s is refused naming Ana; Ana's pending signature shows on his screen."""
    room, members, codes = await _team_room(srv)
    ana = await Client.connect(srv.url, "ana")
    assert (await ana.join(members["upland"][0], name="Ana"))["type"] == "joined"  # first: the head
    lowland = await Client.connect(srv.url, "lowland")
    await lowland.join(codes["lowland"], name="Lou")
    await to_phase(room, "negotiation")
    app = _app(srv, tmp_path, members["upland"][1], "Ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await _on_table(pilot, app)
        assert app.state.member == 2 and not app.state.is_head and app.state.head_name == "Ana"
        status = str(app.screen.query_one("StatusBar").render())
        assert "Ben · head Ana" in status
        # The Team channel: second in the list, written to like any other.
        await pilot.press("5")
        await wait_until(pilot, lambda: app.screen.query_one("#channels", OptionList).option_count >= 3,
                         what="the channels")
        channels = app.screen.query_one("#channels", OptionList)
        assert channels.get_option_at_index(1).id == TEAM
        await pilot.press("down", "enter")
        await pilot.press(*"hold the fund", "enter")
        heard = await ana.wait_for(lambda f: f["type"] == "update" and any(
            e["type"] == "team_message_sent" for e in f["events"]))
        assert [e["text"] for e in heard["events"] if e["type"] == "team_message_sent"] == ["hold the fund"]
        await ana.command({"type": "send_team_message", "text": "agreed, I sign P1"})
        await wait_until(pilot, lambda: any(n.kind == "team" and n.member == "Ana"
                                            for n in app.state.notes), what="Ana's team message")
        log_text = " ".join(str(line) for line in app.screen.query_one("#channel-log").lines)
        assert "Ana" in log_text and "agreed, I sign P1" in log_text
        assert not [f for f in lowland.frames if "hold the fund" in str(f) or "agreed, I sign" in str(f)]
        # To the decision with a proposal; Ben's s goes to the server, which names the head.
        await pilot.press("escape")
        await pilot.press("2")  # Ben tables from the composer: the proposal says it was him
        await pilot.pause()
        app.screen.query_one("Composer").load(dict(AGREEABLE_TUTORIAL_TERMS), None)
        await pilot.pause()
        await pilot.press("t")
        await wait_until(pilot, lambda: room.game.state.proposals.get("P1") is not None, what="Ben's proposal")
        assert room.game.state.proposals["P1"].member == "Ben"
        await wait_until(pilot, lambda: "Upland (Ben)" in str(app.screen.query_one("#proposal-table").get_row("P1")),
                         what="the proposals table naming Ben")
        await room.submit("facilitator", c.AdvancePhase())
        await wait_until(pilot, lambda: app.state.phase == "decision", what="the decision")
        hint = str(app.screen.query_one("#turn-hint").render())
        assert "Your head, Ana, signs or declines P1" in hint
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("s")
        await wait_until(pilot, lambda: "Only your head of delegation, Ana, may sign" in _notified(app),
                         what="the refusal naming the head")
        assert not isinstance(app.screen, ConfirmScreen)
        assert "upland" not in room.game.state.proposals["P1"].signatures
        # Ana opens her confirmation: Ben sees what she is about to sign, with its terms.
        await ana.call("share_intent", action="sign", proposal="P1")
        await wait_until(pilot, lambda: app.state.intent is not None, what="the head's intent")
        hint = str(app.screen.query_one("#turn-hint").render())
        assert "Ana (head) is about to sign P1" in hint and "Reduced" in hint
        assert "Ana (head) is about to sign P1" in _notified(app)
        await ana.call("share_intent")
        await wait_until(pilot, lambda: app.state.intent is None, what="the intent withdrawn")
    for client in (ana, lowland):
        await client.close()


async def test_the_heads_confirmation_is_shown_to_the_team(srv: ParleyServer, tmp_path: Path) -> None:
    """Ana (head) presses s: while her question is open Ben is told she is about to sign; n withdraws it; y signs under her name."""
    room, members, codes = await _team_room(srv)
    lowland = await Client.connect(srv.url, "lowland")
    await lowland.join(codes["lowland"], name="Lou")
    await to_phase(room, "negotiation")
    await lowland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    app = _app(srv, tmp_path, members["upland"][0], "Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await _on_table(pilot, app)
        ben = await Client.connect(srv.url, "ben")
        await ben.join(members["upland"][1], name="Ben")
        await room.submit("facilitator", c.AdvancePhase())
        await wait_until(pilot, lambda: app.state.phase == "decision" and app.state.is_head, what="the decision")
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        intent = await ben.wait_for(lambda f: f["type"] == "team_intent")
        assert intent["name"] == "Ana" and intent["head"] and intent["action"] == "sign" and intent["proposal"] == "P1"
        await pilot.press("n")
        assert (await ben.wait_for(lambda f: f["type"] == "team_intent"))["action"] is None
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await ben.wait_for(lambda f: f["type"] == "team_intent" and f["action"] == "sign")
        await pilot.press("y")
        await wait_until(pilot, lambda: "upland" in room.game.state.proposals["P1"].signatures, what="the signature")
        # The game's state moves when the command is decided; the log once it is stored.
        await wait_until(pilot, lambda: any(e.type == "proposal_signed" for e in room.log), what="the signature stored")
        signed = [e for e in room.log if e.type == "proposal_signed"]
        assert signed[-1].member == "Ana"
        await pilot.press("L")  # Ana hands the lead to Ben
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChooseScreen", what="whom to hand over to")
        await pilot.press("enter")  # Ben, the only other member who joined
        await wait_until(pilot, lambda: app.state.head_name == "Ben" and not app.state.is_head, what="Ben leads")
        assert "Ana · head Ben" in str(app.screen.query_one("StatusBar").render())
        await ben.close()
    await lowland.close()


async def test_the_console_makes_a_team_shows_its_members_and_changes_the_head(srv: ParleyServer, tmp_path: Path) -> None:
    """In the console, T makes the selected delegation a team of three (a row and a code per member), presence shows who joined and who leads, H names another head."""
    from textual.widgets import DataTable, Input

    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "console.json",
                    key=srv.instructor_key)
    async with app.run_test(size=(120, 36)) as pilot:
        app.screen.query_one("#scenario", Input).value = "tutorial"
        await pilot.click("#open")
        await wait_until(pilot, lambda: app.class_state.rooms and type(app.screen).__name__ == "ConsoleScreen"
                         and app.screen.query("#room-seats"), what="the console")
        seats = app.screen.query_one("#room-seats", DataTable)
        seats.focus()
        await pilot.press("T")  # on the first seat: upland
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChooseScreen", what="the team size menu")
        await pilot.press("down", "down", "enter")  # a team of 3
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen" and seats.row_count == 5,
                         what="a row per member")
        room = next(iter(app.class_state.rooms.values()))
        members = next(s for s in room.seats if s.delegation == "upland").members
        assert len({m.code for m in members}) == 3
        ana, ben = await Client.connect(srv.url, "ana"), await Client.connect(srv.url, "ben")
        await ana.join(members[0].code, name="Ana")
        await ben.join(members[1].code, name="Ben")
        await wait_until(pilot, lambda: seats.get_row("upland#2")[2] == "Ben" and seats.get_row("upland#2")[3] == "yes",
                         what="Ben's presence")
        assert seats.get_row("upland#1")[4] == "team (head)" and str(seats.get_row("upland#1")[0]).startswith("Upland ★")
        await wait_until(pilot, lambda: any("Ben joined Upland's team" in line for line in
                                            next(iter(app.class_state.rooms.values())).log), what="the log line")
        seats.move_cursor(row=1)  # Ben's row
        await pilot.press("H")
        await wait_until(pilot, lambda: seats.get_row("upland#2")[4] == "team (head)", what="Ben leads")
        assert (await ben.wait_for(lambda f: f["type"] == "update" and
                                   f["view"].get("team", {}).get("head_name") == "Ben"))["type"] == "update"
        await pilot.press("c")  # the codes screen lists each member's code not yet used (Ana's and Ben's are)
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CodesScreen", what="the codes")
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "(3 seats to join; 2 joined" in shown and "upland · member 3" in shown.lower(), shown
        assert all(f"upland · member {n}" not in shown.lower() for n in (1, 2)), shown
    for client in (ana, ben):
        await client.close()
