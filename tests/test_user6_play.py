"""What huser6 found playing whole games in tmux as a student (session 6). Real server on a
free port, real clients, the real Textual app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from client.screens.table import TableScreen
from client_helpers import facilitate, launched_demo, negotiating_with, player_app, wait_until
from server.engine import FACILITATOR
from server.engine import commands as c
from server.figures import number, signed_number
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS


def text(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector).render())  # type: ignore[attr-defined]


async def test_the_proposal_detail_gives_the_reasons_of_the_figure_it_shows(srv: ParleyServer, tmp_path: Path) -> None:
    """A new round moves Lowland's no deal and war cost: the detail's "Why" follows the figure above
    it (it kept round 1's "+… against what no deal is worth to you now (30.00)" until the cursor moved)."""
    room, codes, upland = await negotiating_with(srv, "upland")
    tabled = await upland.command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    assert tabled["type"] == "ack", tabled
    app = player_app(srv, tmp_path, codes["lowland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.press("3")
        await wait_until(pilot, lambda: "Why" in text(app, "#proposal-detail"), what="the reasons")
        before = room.game.package_worth("lowland", AGREEABLE_TUTORIAL_TERMS)
        assert f"{signed_number(before.margin)} against" in text(app, "#proposal-detail")
        while room.game.state.round == 1 or room.game.state.phase.value != "negotiation":
            await facilitate(room, c.AdvancePhase())
        await facilitate(room, c.InjectEvent(card="drought"))
        now = room.game.package_worth("lowland", AGREEABLE_TUTORIAL_TERMS)
        assert now.margin != before.margin and now.war_cost
        await wait_until(pilot, lambda: f"{number(now.result)} for you" in text(app, "#proposal-detail"),
                         what="the new figure")
        await wait_until(pilot, lambda: f"{signed_number(now.margin)} against" in text(app, "#proposal-detail"),
                         what="the new figure's reasons")
        assert f"{signed_number(before.margin)} against" not in text(app, "#proposal-detail")
    await upland.close()


async def test_the_composer_follows_a_new_round(srv: ParleyServer, tmp_path: Path) -> None:
    """The composer's figure for the package picked follows a new round's war cost and no deal (its
    question, asked as the screen rendered the round, never left the screen: the figure stayed)."""
    room, codes, upland = await negotiating_with(srv, "upland")
    app = player_app(srv, tmp_path, codes["lowland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.press("2")
        await wait_until(pilot, lambda: app.screen.query("#pick-dam_height"), what="the pickers")
        for issue, option in AGREEABLE_TUTORIAL_TERMS.items():
            app.screen.query_one(f"#pick-{issue}", Select).value = option
        before = room.game.package_worth("lowland", AGREEABLE_TUTORIAL_TERMS)
        await wait_until(pilot, lambda: f"({signed_number(before.margin)})" in text(app, "#worth"), what="the worth")
        while room.game.state.round == 1 or room.game.state.phase.value != "negotiation":
            await facilitate(room, c.AdvancePhase())
        await facilitate(room, c.InjectEvent(card="drought"))
        now = room.game.package_worth("lowland", AGREEABLE_TUTORIAL_TERMS)
        await wait_until(pilot, lambda: f"{number(now.result)} for you" in text(app, "#worth")
                         and f"({signed_number(now.margin)})" in text(app, "#worth"), what="the new round's worth")
        assert f"{signed_number(now.margin)} against" in text(app, "#worth-reasons")
    await upland.close()


def test_a_tutorial_without_a_deal_reads_as_the_tutorial() -> None:
    """Tutorial ended without a deal: the outcome speaks of valleys, not of "a ceasefire", and gives
    no "points on your table 0.00" (no deal has no points); the debrief's Nash point has its gains on
    their own line (they read "(gains …; the table's joint gain 94.30 (River Commission mediating, not counted)):")."""
    from client.screens.outcome import outcome_text
    from client.widgets.debrief import debrief_markup
    from engine_helpers import Table
    from server.analysis.debrief import debrief_report
    from server.engine.phases import Phase

    table = Table()
    table.advance_to(Phase.ENDED)
    view = table.game.view_for("lowland")
    shown = outcome_text(view, "lowland")
    assert "No agreement" in shown and "ceasefire" not in shown and "valleys" in shown, shown
    assert "points on your table" not in shown, shown
    markup = debrief_markup(debrief_report(table.log), whole=True)
    assert "not counted))" not in markup and "The Nash point[/b]:" in markup, markup


def test_the_console_names_a_team_away_as_one_delegation() -> None:
    """A Ukraine team of two, both away, and Russia here: "2 students away: Ukraine (both members)"
    (it read "2 student(s) away: Ukraine 1/2, Ukraine 2/2", like two delegations); one: "1 student"."""
    from client.class_overview import room_row
    from client.console_state import RoomState
    from engine_helpers import Table
    from server.engine import FACILITATOR
    from server.protocol import wire

    view = Table("istanbul-2022").game.view_for(FACILITATOR).model_copy(update={
        "phase": "negotiation", "seated": ["ukraine", "russia", "turkey"], "controllers": {"turkey": "bot"},
        "proposals": []})
    team = [{"number": 1, "code": "UA-1"}, {"number": 2, "code": "UA-2"}]
    seats = tuple(wire.SeatInfo.model_validate(s) for s in (
        {"delegation": "ukraine", "code": "", "members": team},
        {"delegation": "russia", "code": "RU-1", "connected": True},
        {"delegation": "turkey", "code": "TR-1", "controller": "bot"}))
    assert room_row(RoomState("R1", seats=seats, view=view)).note == "2 students away: Ukraine (both members)"
    seats = (seats[0].model_copy(update={"members": [wire.MemberInfo(number=1, code="UA-1", connected=True),
                                                     wire.MemberInfo(number=2, code="UA-2")]}), *seats[1:])
    assert room_row(RoomState("R1", seats=seats, view=view)).note == "1 student away: Ukraine (member 2 of 2)"


def test_the_consoles_log_says_who_was_seated_and_who_is_ready() -> None:
    """Istanbul: seating the United States (j) puts "United States seated at the
    table" in the room's log (it said nothing), and readiness reads "Turkey (host) is ready"."""
    from client.console_state import event_line
    from engine_helpers import Table
    from server.engine.phases import Phase

    table = Table("istanbul-2022")
    table.advance_to(Phase.NEGOTIATION)
    view = table.game.view_for(FACILITATOR)
    seated = table.facilitate(c.SeatDelegation(delegation="usa"))
    lines = [event_line(e, view) for e in seated]
    assert "United States seated at the table" in lines, lines
    ready = table.act("turkey", c.MarkReady())
    assert "Turkey (host) is ready" in [event_line(e, view) for e in ready]
    bot = table.facilitate(c.SetController(delegation="usa", controller="bot", strategy="linear"))
    assert "United States is now played by a bot (linear)" in [event_line(e, view) for e in bot]
    human = table.facilitate(c.SetController(delegation="usa", controller="human"))
    assert "United States is now played by a student" in [event_line(e, view) for e in human]
    unseated = table.facilitate(c.UnseatDelegation(delegation="usa"))
    assert "United States taken from the table" in [event_line(e, view) for e in unseated]


def test_every_result_stays_in_its_column_with_a_long_name() -> None:
    """Istanbul with the European guarantors seated, debrief open: each result row's figures end in
    the same column as the header's ("European guarantors (UK and Germany)" pushed its own out)."""
    from client.screens.outcome import results_text
    from engine_helpers import Table
    from server.engine.phases import Phase

    table = Table("istanbul-2022")
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.SeatDelegation(delegation="europe"))
    table.facilitate(c.EndGame())
    table.facilitate(c.OpenDebrief())
    lines = results_text(table.game.view_for("russia")).splitlines()[1:]
    assert len(lines) == 5 and len({len(line) for line in lines}) == 1, lines


def test_a_table_cell_for_nothing_reads_as_a_dash() -> None:
    """A class report's empty cells print "-" (they printed "\\-" in the terminal), and a cell's
    Markdown still reads back as its text: the HTML has the same "-" and escapes what it must."""
    from server.replay.render import html, markdown
    from server.replay.transcript import Block

    blocks = [Block(kind="table", rows=[["", "R1"], ["durability", "-"], ["name", "*bold* <b>"]])]
    text = markdown(blocks)
    assert "| durability | - |" in text and "\\-" not in text, text
    page = html(blocks)
    assert "<td>-</td>" in page and "*bold* &lt;b&gt;" in page and "<b>" not in page.split("<style>")[0], page


async def test_the_consoles_questions_name_the_delegation(srv: ParleyServer, tmp_path: Path) -> None:
    """Console, tutorial: f on the River Commission's row asks "Give River Commission a fresh join
    code?" and T "How many play River Commission?" (they said "commission", the id)."""
    from textual.widgets import DataTable

    from test_client_class_console import console, open_in_console

    app = await console(srv, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_in_console(app, pilot, "tutorial", 1, "none")
        seats = app.screen.query_one("#room-seats", DataTable)
        seats.focus()
        while app.screen.selected_seat() != "commission":  # type: ignore[attr-defined]
            await pilot.press("down")
        await pilot.press("f")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="the question")
        assert "Give River Commission a fresh join code?" in str(app.screen.query_one("Static").render())
        await pilot.press("n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen", what="the console")
        await pilot.press("T")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChooseScreen", what="the team question")
        assert "How many play River Commission?" in str(app.screen.query_one("Static").render())


def test_counts_of_rooms_read_as_words() -> None:
    """The whole-class actions' summary says "sent to 1 room" and "(2 rooms skipped …)", not "room(s)"."""
    from client.class_overview import summary

    assert summary("start_game", ["R1"], 3) == "Start: sent to 1 room (2 rooms skipped: not in a state for it)."


async def test_the_demos_chooser_reflows_the_briefs_and_keeps_its_title_at_80x24() -> None:
    """`parley demo ceasefire-2025` at 80x24: no brief line is cut where the scenario file broke it
    ("a ceasefire that" / "is not a pause…"), and the title stays on screen above the choices."""
    from client.app import ParleyApp

    with launched_demo("ceasefire-2025") as demo:
        app = ParleyApp(demo=demo)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: app.screen.query("#choices"), what="the chooser")
            await pilot.pause(0.2)
            from textual.widgets import OptionList

            prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
            assert any("wants a ceasefire that is not a pause" in p for p in prompts), prompts
            title = app.screen.query_one(".title").region
            choices = app.screen.query_one(OptionList).region
            assert title.y >= 0 and title.height and choices.bottom <= 23, (title, choices)  # above the footer


async def test_the_proposals_table_keeps_your_vote_on_screen_at_80x24(srv: ParleyServer, tmp_path: Path) -> None:
    """ceasefire-2025 at 80x24, Russia's seat, a package tabled by the European coalition: the row
    shows "to sign" within 80 columns (the author's 46-character name pushed it off the screen)."""
    from textual.widgets import DataTable

    room, codes, europe = await negotiating_with(srv, "europe", "ceasefire-2025")
    terms = {i.id: i.options[0].id for i in room.game.state.scenario.issues}
    tabled = await europe.command({"type": "table_proposal", "terms": terms})
    assert tabled["type"] == "ack", tabled
    app = player_app(srv, tmp_path, codes["russia"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.press("3")
        table = app.screen.query_one("#proposal-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, what="the proposal")
        await pilot.pause(0.2)
        you = list(table.columns).index("you")
        left = sum(c.get_render_width(table) for c in list(table.columns.values())[:you + 1])
        assert left <= 78, left
        assert str(table.get_row_at(0)[1]).startswith("European coalit")
    await europe.close()


async def test_at_80_columns_the_war_cost_figure_stays_on_the_header_with_nothing_unread(
        srv: ParleyServer, tmp_path: Path) -> None:
    """istanbul-2022 as the Russian Federation at 80x24, nothing unread: the header's line ends with
    the war cost's figure in view (it read "… · no deal 36.00 · war cost" and stopped)."""
    import re

    from textual.widgets import Static

    room, codes, ukraine = await negotiating_with(srv, "ukraine", "istanbul-2022")
    app = player_app(srv, tmp_path, codes["russia"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        header = app.screen.query_one("StatusBar", Static)
        await wait_until(pilot, lambda: "no deal" in str(header.render()), what="the header")
        await pilot.pause(0.1)
        shown = str(header.render())[:header.content_region.width]
        assert re.search(r"no deal \d+\.\d\d · war( cost)? \d+\.\d\d", shown), shown
    await ukraine.close()


def test_two_options_never_read_the_same_on_the_agenda() -> None:
    """ceasefire-2025's two "European reassurance force …" options, cut to the agenda's width, stay
    different (both read "European reassurance …", one worth 4.00 and one 24.00 to Europe)."""
    from client.widgets.agenda import shorts
    from server.scenario import bundled_scenarios

    for scenario in bundled_scenarios().values():
        for issue in scenario.issues:
            for width in (22, 30):
                labels = shorts([o.label for o in issue.options], width)
                assert len(set(labels)) == len(labels) and all(len(x) <= width for x in labels), labels


async def test_end_and_home_go_to_the_last_and_first_proposal(srv: ParleyServer, tmp_path: Path) -> None:
    """Proposals tab at 80x24 with three proposals: End puts the cursor on the last one and the
    detail shows it, Home on the first; the table does not scroll sideways (End hid the ids)."""
    from textual.widgets import DataTable

    room, codes, upland = await negotiating_with(srv, "upland")
    for flow in ("none", "seasonal", "guaranteed"):
        tabled = await upland.command({"type": "table_proposal", "terms": {**AGREEABLE_TUTORIAL_TERMS,
                                                                           "water_flow": flow}})
        assert tabled["type"] == "ack", tabled
    app = player_app(srv, tmp_path, codes["lowland"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.press("3")
        table = app.screen.query_one("#proposal-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3 and app.focused is table, what="the proposals")
        await pilot.press("end")
        await wait_until(pilot, lambda: text(app, "#proposal-detail").startswith("P3"), what="the last proposal")
        assert table.cursor_row == 2 and table.scroll_x == 0
        await pilot.press("home")
        await wait_until(pilot, lambda: text(app, "#proposal-detail").startswith("P1"), what="the first proposal")
    await upland.close()
