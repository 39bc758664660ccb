"""What a student has looked at stops being called new, and what is gone stops being theirs to
sign (found by huser5 playing istanbul-2022).

The tab read "4 Pressure (4 new)" while the student was reading that very tab, and "5 Messages
(2)" with "2 unread" in the header after the messages were on screen: the panels' "seen"
happening, posted while the table screen rendered them, stopped at the screen (Textual stops a
message at its sender) and never reached the app. Real app, real server.
"""

from __future__ import annotations

from pathlib import Path

from textual.css.query import NoMatches
from textual.widgets import TabbedContent

from client.screens.table import TableScreen
from client.widgets.messages import MessagesPanel
from client.widgets.proposals import your_vote
from client_helpers import facilitate, negotiating_with, open_room, player_app, to_phase, wait_until
from engine_helpers import Table
from server.engine import commands as c
from server.engine.phases import Phase
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS


def label(app: object, tab: str) -> str:
    try:
        return str(app.screen.query_one(TabbedContent).get_tab(tab).label)  # type: ignore[attr-defined]
    except NoMatches:  # not composed yet
        return ""


async def test_visiting_the_pressure_tab_marks_its_changes_seen(srv: ParleyServer, tmp_path: Path) -> None:
    """A card arrives ('4 Pressure (2)' at 80 columns); pressing 4 shows it and the label goes back to '4 Pressure'."""
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await facilitate(room, c.InjectEvent(card="power_cuts"))
        await wait_until(pilot, lambda: "4 Pressure (" in label(app, "pressure"), what="the new card")
        await pilot.press("4")
        await wait_until(pilot, lambda: label(app, "pressure") == "4 Pressure", what="seen")
        assert app.state.unseen_changes == 0


async def test_messages_shown_on_the_messages_tab_are_read(srv: ParleyServer, tmp_path: Path) -> None:
    """Lowland writes to Upland ('1 unread'); Upland opens tab 5 on that channel and the count clears."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        said = await lowland.command({"type": "send_message", "to": "upland", "text": "Shall we talk water?"})
        assert said["type"] == "ack", said
        await wait_until(pilot, lambda: app.state.unread("lowland"), what="the unread message")
        await pilot.press("5")
        panel = app.screen.query_one(MessagesPanel)
        while panel.channel != "lowland":  # down the channel list to Lowland, as a student would
            await pilot.press("down")
            await pilot.pause(0.05)
        await wait_until(pilot, lambda: not app.state.unread("lowland"), what="the message read")
    await lowland.close()


def test_a_withdrawn_proposal_is_no_longer_yours_to_sign() -> None:
    """Lowland withdraws its P1: Upland's 'you' cell reads nothing, not 'to sign' (it can no longer be signed)."""
    table = Table()
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    assert your_vote("upland", table.game.view_for("upland").proposals[0]) == "to sign"
    table.act("lowland", c.WithdrawProposal(proposal="P1"))
    withdrawn = table.game.view_for("upland").proposals[0]
    assert withdrawn.withdrawn and your_vote("upland", withdrawn) == ""
