"""The player's focus model and confirmations, on the real app against a real server:
typing never plays a move, irreversible moves ask first, keys act only on what is shown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual import events
from textual.geometry import Region
from textual.widgets import DataTable, Input, OptionList, Select, Static, TabbedContent
from textual.widgets._toast import Toast

from client.app import ParleyApp
from client.screens.confirm import ConfirmScreen
from client.screens.table import TableScreen
from client.state import PUBLIC
from client.widgets.messages import MessageBox
from client_helpers import facilitate, negotiating_with, open_room, player_app, to_phase, wait_until
from server.engine import commands as c
from server.figures import number
from server.net.server import ParleyServer
from server.protocol.wire import TEXT_CHARS
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client

RED_LINE_TERMS = {"dam_height": "frozen", "water_flow": "guaranteed", "compensation": "none"}
GAME_KEYS = ("1", "2", "3", "s", "d", "r", "t", "a", "u", "w", "x")



async def on_table(pilot: Any, app: ParleyApp, proposals: bool = True) -> None:
    """Wait until the table is rendered (its hint written) and, with `proposals`, has one."""
    await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.query("#turn-hint")
                     and str(app.screen.query_one("#turn-hint").render())
                     and (not proposals or app.state.view.proposals), what="the table")


def footer_keys(app: ParleyApp) -> set[str]:
    """The keys the footer offers now (enabled bindings with a description, shown)."""
    return {key for key, active in app.screen.active_bindings.items()
            if active.enabled and active.binding.show and active.binding.description}


async def a_decision_with(srv: ParleyServer, terms: dict[str, str]) -> tuple[Any, dict[str, str], Client]:
    room, codes, lowland = await negotiating_with(srv, "lowland")
    await lowland.command({"type": "table_proposal", "terms": terms})
    await room.submit("facilitator", c.AdvancePhase())  # to the decision
    return room, codes, lowland


async def test_typing_after_the_write_key_never_plays_a_move(srv: ParleyServer, tmp_path: Path) -> None:
    """m, then a sentence full of game keys, Enter: one statement is sent; nothing signed, declined or readied."""
    room, codes, lowland = await a_decision_with(srv, RED_LINE_TERMS)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        await pilot.press("m", *"yes I sign 3s d r x w")  # at once: before the cursor could move
        await wait_until(pilot, lambda: isinstance(app.focused, MessageBox), what="the cursor in the box")
        assert app.screen.query_one("#say", Input).value == "yes I sign 3s d r x w"
        assert footer_keys(app) & set(GAME_KEYS) == set(), "no game key is offered while writing"
        assert {"enter", "escape"} <= footer_keys(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(n.text == "yes I sign 3s d r x w"
                                            for n in app.state.channel_notes(PUBLIC)), what="the statement")
        assert isinstance(app.focused, OptionList), "after sending, the focus is back on the channels"
        assert app.screen.query_one("#say", Input).value == ""
        p1 = room.game.state.proposals["P1"]
        assert "upland" not in p1.signatures and "upland" not in p1.declines
        assert "upland" not in room.game.state.ready and not room.game.state.walked_out
        await pilot.press("s")  # a game key again, now that the box is left: it asks, on tab 3
        await pilot.pause()
        assert "s" in footer_keys(app)
    await lowland.close()


def burst(app: ParleyApp, *keys: str) -> None:
    """Keys arriving all at once, as a terminal hands them over on a busy machine: all are queued
    before the app has handled the first (the pilot's press waits for the app between keys)."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


async def test_keys_queued_behind_enter_are_never_typed(srv: ParleyServer, tmp_path: Path) -> None:
    """m, a sentence, Enter and then 5 3 1 x typed at once: the sentence alone is sent, and the
    keys behind Enter act as game keys (x asks to walk out), never as text in the next message."""
    room, codes, lowland = await a_decision_with(srv, AGREEABLE_TUTORIAL_TERMS)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        table = app.screen
        burst(app, "m", *"yes I sign", "enter", "5", "3", "1", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#no")
                         and app.focused is app.screen.query_one("#no"), what="x asking to walk out")
        await wait_until(pilot, lambda: any(n.text == "yes I sign" for n in app.state.channel_notes(PUBLIC)),
                         what="the statement")
        assert [n.text for n in app.state.channel_notes(PUBLIC) if n.sender == "upland"] == ["yes I sign"]
        assert table.query_one("#say", Input).value == "", "nothing typed after Enter reached the box"
        assert table.query_one(TabbedContent).active == "agenda", "5, 3 and 1 switched the tabs"
        await pilot.press("n")  # no walking out
        await wait_until(pilot, lambda: app.screen is table, what="the table again")
        assert not room.game.state.walked_out
        burst(app, "m", *"next")
        await wait_until(pilot, lambda: table.query_one("#say", Input).value == "next", what="the next message")
    await lowland.close()


async def test_escape_leaves_the_box_and_the_game_keys_come_back(srv: ParleyServer, tmp_path: Path) -> None:
    """Escape in the box keeps the text unsent, gives focus to the channel list and the footer its keys."""
    _, codes, lowland = await a_decision_with(srv, AGREEABLE_TUTORIAL_TERMS)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        await pilot.press("5")
        await wait_until(pilot, lambda: isinstance(app.focused, OptionList), what="the channel list")
        channels = app.screen.query_one("#channels", OptionList)
        assert channels.highlighted == 0, "a channel is highlighted from the first key"
        await pilot.press("down", "down", "enter")  # Lowland's private channel (after the Commission)
        await wait_until(pilot, lambda: isinstance(app.focused, MessageBox), what="the box")
        assert "Lowland (private)" in app.screen.query_one("#say", Input).placeholder
        await pilot.press(*"hello", "escape")
        await pilot.pause()
        assert isinstance(app.focused, OptionList) and "s" in footer_keys(app)
        assert not app.state.channel_notes("lowland")
    await lowland.close()


async def test_a_message_over_the_limit_is_refused_and_kept(srv: ParleyServer, tmp_path: Path) -> None:
    """An over-long message is refused before sending, with the limit, and stays in the box."""
    _, codes, lowland = await a_decision_with(srv, AGREEABLE_TUTORIAL_TERMS)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.focused, MessageBox), what="the box")
        box = app.screen.query_one("#say", Input)
        box.value = "x" * (TEXT_CHARS + 1)
        await pilot.press("enter")
        await pilot.pause()
        assert box.value == "x" * (TEXT_CHARS + 1) and isinstance(app.focused, MessageBox)
        assert any(f"{TEXT_CHARS:,} characters" in n.message for n in app._notifications)
        assert not app.state.channel_notes(PUBLIC)
    await lowland.close()


async def test_signing_across_a_red_line_asks_with_its_cost(srv: ParleyServer, tmp_path: Path) -> None:
    """s on a red-line package asks, naming the red line; n keeps the signature off; y signs."""
    room, codes, lowland = await a_decision_with(srv, RED_LINE_TERMS)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        await pilot.press("s")  # from the Agenda tab: it only opens the Proposals tab
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "proposals"
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        question = str(app.screen.query_one("#question").render())
        assert "Never freeze the dam without a compensation fund" in question and "Sign anyway?" in question
        await pilot.press("enter")  # the focused answer is No
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table again")
        assert "upland" not in room.game.state.proposals["P1"].signatures
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await pilot.press("y")
        await wait_until(pilot, lambda: "upland" in room.game.state.proposals["P1"].signatures, what="the signature")
    await lowland.close()


async def test_a_question_is_withdrawn_when_the_phase_ends_under_it(srv: ParleyServer, tmp_path: Path) -> None:
    """The decision phase ends while "Sign P1?" is open: the question closes with a notice, and a
    late y signs nothing (its figures were the last round's, and signing is no longer open)."""
    room, codes, lowland = await a_decision_with(srv, RED_LINE_TERMS)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_table(pilot, app)
        await pilot.press("3", "s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await room.submit("facilitator", c.AdvancePhase())  # the decision phase ends
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the question withdrawn")
        await wait_until(pilot, lambda: any("nothing was done" in n.message for n in app._notifications),
                         what="the notice")
        await pilot.press("y")
        await pilot.pause()
        assert "upland" not in room.game.state.proposals["P1"].signatures
        assert not isinstance(app.screen, ConfirmScreen)
    await lowland.close()


async def test_the_arrows_go_from_issue_to_issue_in_the_composer(srv: ParleyServer, tmp_path: Path) -> None:
    """In the composer Down moves to the next issue's picker (Textual's Select reopened its menu)
    and Up back; Enter opens the options."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app, proposals=False)
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.focused, Select), what="a picker")
        first = app.focused
        await pilot.press("down")
        await pilot.pause()
        assert isinstance(app.focused, Select) and app.focused is not first and not app.focused.expanded
        await pilot.press("up")
        await pilot.pause()
        assert app.focused is first and not first.expanded
        await pilot.press("enter")
        await wait_until(pilot, lambda: first.expanded, what="the options open")
    await lowland.close()


async def test_amend_then_enter_opens_the_first_picker(srv: ParleyServer, tmp_path: Path) -> None:
    """a on a proposal loads it into the composer with the focus on a picker, so Enter works at once."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    await lowland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app)
        await pilot.press("3")
        # `a` acts only on a proposal the player can see selected: wait for the row to be drawn.
        await wait_until(pilot, lambda: app.screen.query_one("#tabs").active == "proposals"
                         and app.screen.query_one("#proposal-list").selected() is not None,
                         what="P1 selected on the proposals tab")
        await pilot.press("a")
        await wait_until(pilot, lambda: app.screen.query_one("#tabs").active == "compose"
                         and isinstance(app.focused, Select),
                         what="a focused picker")
        assert app.screen.query_one("#composer").amends == "P1"
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.focused).__name__ == "SelectOverlay", what="the options")
    await lowland.close()


async def test_the_composer_and_the_detail_show_the_worth_as_scored(srv: ParleyServer, tmp_path: Path) -> None:
    """Istanbul: a binding guarantee without the West counts as a declaration; the composer asks
    the server and shows that figure and why; the proposal detail shows the same figure and every issue."""
    room, codes = await open_room(srv, "istanbul-2022")
    await to_phase(room, "negotiation")
    binding = {"alignment": "permanent_neutrality", "guarantees": "binding_collective",
               "foreign_troops": "total_ban", "armed_forces": "generous_cap", "crimea": "set_aside",
               "regions": "leaders_summit", "ceasefire": "full_monitored", "eu_accession": "open",
               "sanctions": "maintained"}
    expected = room.game.package_worth("ukraine", binding)
    app = player_app(srv, tmp_path, codes["ukraine"])
    async with app.run_test(size=(120, 36)) as pilot:
        await on_table(pilot, app, proposals=False)
        await pilot.press("2")
        await wait_until(pilot, lambda: app.screen.query_one("#tabs").active == "compose", what="the composer")
        for issue, option in binding.items():
            app.screen.query_one(f"#pick-{issue}", Select).value = option
        await wait_until(pilot, lambda: f"{number(expected.result)} for you" in text(app, "#worth"), what="the worth")
        assert "not at the table" in text(app, "#worth") and "counts as" in text(app, "#worth-reasons")
        await pilot.press("t")
        await wait_until(pilot, lambda: app.state.view.proposals, what="the tabled proposal")
        await wait_until(pilot, lambda: "Why" in text(app, "#proposal-detail"), what="the detail's reasons")
        detail = text(app, "#proposal-detail")
        assert f"{number(expected.result)} for you" in detail and "Sanctions on Russia" in detail
        assert detail.count(": ") >= len(binding)


async def test_an_announcement_raises_a_notice(srv: ParleyServer, tmp_path: Path) -> None:
    """The facilitator's announcement and an injected card each raise a notification."""
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await on_table(pilot, app, proposals=False)
        await room.submit("facilitator", c.Announce(text="Five minutes left."))
        await room.submit("facilitator", c.InjectEvent(card="power_cuts"))
        await wait_until(pilot, lambda: {n.title for n in app._notifications}
                         >= {"Announcement", "What changed for you: see tab 4"}, what="the notices")
        # the tab holding the change is marked (at 80 columns its count says it alone: "(2)")
        assert re.search(r"4 Pressure \(\d+\)", str(app.screen.query_one("#tabs").get_tab("pressure").label))


def text(app: ParleyApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_the_notices_opening_a_game_leave_the_red_lines_readable(srv: ParleyServer, tmp_path: Path) -> None:
    """Ceasefire, Europe (four red lines) at 80x24: as the game starts, its notices (two at most)
    cover no red line on the Brief tab."""
    room, codes = await open_room(srv, "ceasefire-2025")
    app = player_app(srv, tmp_path, codes["europe"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.state.phase == "lobby", what="the lobby")
        await facilitate(room, c.StartGame())
        await on_table(pilot, app, proposals=False)
        await pilot.press("6")
        await wait_until(pilot, lambda: app.screen.query(Toast), what="the opening notices")
        await pilot.pause(0.2)
        assert len(app.screen.query(Toast)) <= 2
        brief = app.screen.query_one("#brief-text", Static)
        lines = [strip.text for strip in brief.render_lines(Region(0, 0, brief.size.width, brief.size.height))]
        first = next(i for i, line in enumerate(lines) if "Your red lines" in line)
        last = next(i for i in range(first, len(lines)) if not lines[i].strip()) - 1
        assert last - first >= 4, "the four red lines are there"
        red_lines = Region(brief.region.x, brief.region.y + first, brief.region.width, last - first + 1)
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(red_lines), f"a notice covers the red lines: {toast.region}"


async def test_a_tab_key_and_a_cursor_key_typed_in_one_burst_both_act_on_the_new_tab(
        srv: ParleyServer, tmp_path: Path) -> None:
    """`3` then Down, reaching the app together (as a terminal sends fast typing): the Down moves the
    Proposals table's cursor, not the Agenda's that had the focus before."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    for terms in (AGREEABLE_TUTORIAL_TERMS, RED_LINE_TERMS):
        await lowland.command({"type": "table_proposal", "terms": terms})
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and app.state.view
                         and len(app.state.view.proposals) == 2, what="the table with two proposals")
        await pilot.press("1")
        await wait_until(pilot, lambda: app.focused is app.screen.query_one("#agenda-table"), what="the agenda")
        agenda_row = app.screen.query_one("#agenda-table", DataTable).cursor_row
        for key in ("3", "down"):  # both handed over before either is handled
            key_event = events.Key(key, key if len(key) == 1 else None)
            key_event.set_sender(app)
            app._driver.send_message(key_event)  # type: ignore[union-attr]
        table = app.screen.query_one("#proposal-table", DataTable)
        await wait_until(pilot, lambda: app.focused is table, what="the proposals table focused")
        await pilot.pause(0.2)
        assert table.cursor_row == 1, "the Down moved the proposals' cursor"
        assert app.screen.query_one("#agenda-table", DataTable).cursor_row == agenda_row
