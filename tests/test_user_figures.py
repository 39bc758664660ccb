"""Every figure of points a person reads is written by one rule: two decimals, the true minus.

Found by playing as a student (huser, huser5): the composer said "60 for you if signed now ·
no deal 31 (+29)" above its own reason "75 points count as 60.00 · +29.00 against no deal";
the proposals table had "-60 (−91) RED LINE" (a hyphen, then a minus) beside istanbul's
"39.25 (+11.25)"; "Your reservation value moved -4 to 31". `server/figures.py` is the one
rule; these tests read the real app's screens against a real server.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import DataTable, Static

from client.screens.table import TableScreen
from client_helpers import facilitate, negotiating_with, player_app, wait_until
from server.engine import commands as c
from server.figures import number, signed_meter, signed_number
from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS

RED_LINE_TERMS = {"dam_height": "frozen", "water_flow": "guaranteed", "compensation": "direct"}
HYPHEN_MINUS_FIGURE = re.compile(r"(?<![\w/:.-])-\d")  # "-60", not "R1/3", "2:12" or "tit-for-tat"
FIGURE = r"[+−]?\d+\.\d\d"


def test_one_rule_two_decimals_and_the_true_minus() -> None:
    """45 is '45.00', −177.955 is '−177.96' (or '−177.95', as float rounding goes), −0.001 is '0.00', margins keep their sign."""
    assert number(45) == "45.00"
    assert number(39.25) == "39.25"
    assert number(-215.96) == "−215.96"
    assert number(-0.001) == "0.00"
    assert signed_number(7) == "+7.00"
    assert signed_number(-215.96) == "−215.96"
    assert signed_number(0) == "+0.00"


def _texts(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    parts = [str(w.render()) for w in screen.query(Static)]
    for table in screen.query(DataTable):
        parts += [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]
    return "\n".join(parts)


async def test_the_table_writes_every_figure_with_two_decimals_and_the_true_minus(
        srv: ParleyServer, tmp_path: Path) -> None:
    """Upland's table (a red-line package and an agreeable one tabled, a card moving its reservation): cells, detail, reasons, header, brief and what changed all read '60.00 (+29.00)', '−60.00', never '-60' or '45' beside '39.25'."""
    room, codes, lowland = await negotiating_with(srv, "lowland")
    for terms in (RED_LINE_TERMS, AGREEABLE_TUTORIAL_TERMS):
        tabled = await lowland.command({"type": "table_proposal", "terms": terms})
        assert tabled["type"] == "ack", tabled
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen)
                         and len(app.state.view.proposals) == 2, what="the table")
        await facilitate(room, c.InjectEvent(card="power_cuts"))
        await wait_until(pilot, lambda: any("Power cuts" in line for line in app.state.changes), what="the card")
        await pilot.press("3", "down")  # the agreeable package: its detail gives the reasons
        await wait_until(pilot, lambda: "against what no deal is worth" in _texts(app), what="the reasons")
        table = app.screen.query_one("#proposal-table", DataTable)
        cells = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert all(re.fullmatch(rf"{FIGURE} \({FIGURE}\)( ⚠)?( RED LINE)?", cell) for cell in cells), cells
        assert any(cell.startswith("−") for cell in cells), cells  # the red-line package scores below zero
        header = str(app.screen.query_one("StatusBar", Static).render())
        assert re.search(rf"no deal {FIGURE} · war cost {FIGURE}", header), header
        assert any(f"moved {signed_number(-4)} to " in line for line in app.state.changes), app.state.changes
        await pilot.press("6")
        await wait_until(pilot, lambda: "Your points table" in _texts(app), what="the brief")
        shown = _texts(app) + "\n".join(app.state.changes)
        assert "Full height 50.00" in shown
        assert not HYPHEN_MINUS_FIGURE.search(shown), HYPHEN_MINUS_FIGURE.findall(shown)
        # every figure written with a decimal point has two decimals ("count as 60.00", not "60.0")
        assert not re.search(r"\d\.\d(?!\d)|\d\.\d\d\d", shown)
    await lowland.close()


async def header_with_a_message_unread(srv: ParleyServer, tmp_path: Path, writer: str, reader: str, text: str,
                                       scenario: str = "tutorial") -> str:
    """`reader`'s header at 80x24, its first 80 columns, once `writer`'s message to it shows there as '1 unread'."""
    room, codes, writing = await negotiating_with(srv, writer, scenario)
    app = player_app(srv, tmp_path, codes[reader])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        said = await writing.command({"type": "send_message", "to": reader, "text": text})
        assert said["type"] == "ack", said
        header = app.screen.query_one("StatusBar", Static)
        await wait_until(pilot, lambda: "1 unread" in str(header.render())[:80], what="the unread count on the line")
        shown = str(header.render())[:80]
    await writing.close()
    return shown


async def test_at_80_columns_the_header_keeps_what_is_unread_beside_the_two_decimal_figures(
        srv: ParleyServer, tmp_path: Path) -> None:
    """80x24, a message unread: the header still shows 'no deal 35.00', the war cost and '1 unread' (the words around the figures shorten first)."""
    shown = await header_with_a_message_unread(srv, tmp_path, "lowland", "upland", "Shall we talk water?")
    assert re.search(rf"no deal {FIGURE} · war {FIGURE} · 1 unread", shown), shown


async def test_at_80_columns_a_long_delegation_name_gives_way_to_what_is_unread(
        srv: ParleyServer, tmp_path: Path) -> None:
    """istanbul-2022 as the Russian Federation at 80x24 with a message unread: '1 unread' is on the line (the name, on the Brief tab, gives way)."""
    shown = await header_with_a_message_unread(srv, tmp_path, "ukraine", "russia", "Can we talk ceasefire?", "istanbul-2022")
    assert re.search(rf"no deal {FIGURE} · war {FIGURE} · 1 unread", shown), shown


def test_a_meters_change_has_the_same_minus_as_the_figures() -> None:
    """A card's meter change reads '−8 Front line …' beside '−2.00 reservation', not '-8' (one minus sign on a line)."""
    assert signed_meter(-8) == "−8" and signed_meter(5) == "+5"


def test_a_figure_in_a_markdown_export_is_written_as_is_and_a_list_marker_still_escaped() -> None:
    """'8.00', '+7.00', '−60.00' start no Markdown block, so the export writes them plainly (not '8\\.00', '\\+7.00'); '8. item', '- item', '---', '> q' are still escaped and read back as typed."""
    from markdown_it import MarkdownIt

    from server.replay.safe_text import markdown_text
    for figure in ("8.00", "+7.00", "−60.00", "-5 x"):
        assert markdown_text(figure) == figure
    rendered = MarkdownIt("commonmark")
    for text in ("8. item", "- item", "---", "> q", "+ x", "1) a", "8.00", "+7.00"):
        assert rendered.render(markdown_text(text)) == f"<p>{text.replace('>', '&gt;')}</p>\n", text
