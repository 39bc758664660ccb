"""Exports of a game full of hostile strings (terminal escapes, NUL, C1, HTML, Markdown, formulas)
print none of them raw: `parley export` md/html/csv/json and `parley report` from a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from engine_helpers import Table
from server.cli import main
from server.engine import Game
from server.engine import commands as c
from server.engine.phases import Phase
from server.replay.records import read_log_document
from server.replay.safe_text import csv_cell, json_safe, markdown_text, printable
from server.scenario import bundled_scenarios
from server.store import ClassInfo, EventRow, GameStatus, SeatRecord, open_store

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\\x00\x9b31m\x7f"
HOSTILE = {
    "briefing": f"First paragraph {ESCAPES}.\n\nSecond paragraph <script>alert(1)</script>.",
    "statement": f"**bold** <img src=x onerror=alert(1)> [click](javascript:alert(1)) {ESCAPES}",
    "message": f"=HYPERLINK(\"http://evil.example\") {ESCAPES}\n- not a list\n# not a heading",
    "announcement": f"&lt;b&gt; | pipes | `code` {ESCAPES}",
}
RAW = ("\x1b", "\x00", "\x9b", "\x07", "\x7f")


def hostile_game() -> list:
    """A tutorial game whose briefing, a brief, statements, a private message and an announcement
    are hostile, played to an agreement with the debrief open."""
    base = bundled_scenarios()["tutorial"]
    delegations = list(base.delegations)
    delegations[0] = delegations[0].model_copy(update={"brief": f"Upland's brief {ESCAPES} <b>x</b>",
                                                       "name": f"-Upland{ESCAPES}"})
    scenario = base.model_copy(update={"briefing": HOSTILE["briefing"], "delegations": tuple(delegations)})
    table = Table(scenario, seed=3)
    table.advance_to(Phase.NEGOTIATION)
    # Commands clean what people type (server.engine.text), so these are built unvalidated: the
    # texts a log written before that cleaning (or by a buggy writer) could hold.
    table.act("upland", c.MakeStatement.model_construct(text=HOSTILE["statement"]))
    table.act("lowland", c.SendMessage.model_construct(to="upland", text=HOSTILE["message"]))
    table.facilitate(c.Announce.model_construct(text=HOSTILE["announcement"]))
    table.act("upland", c.TableProposal(terms={"dam_height": "reduced", "water_flow": "seasonal",
                                               "compensation": "fund"}))
    table.advance_to(Phase.DECISION)
    table.act("upland", c.SignProposal(proposal="P1"))
    table.act("lowland", c.SignProposal(proposal="P1"))
    assert table.game.ended
    table.facilitate(c.OpenDebrief())
    return table.log


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    """A real SQLite store holding the hostile game as class H, room H-1."""
    path = tmp_path / "parley.db"
    log = hostile_game()
    state = Game.from_events(log).state
    store = open_store(path)
    await store.create_class(ClassInfo("H", "tutorial", time.time(), "0" * 64, {}, ()),
                             [("H-1", [EventRow(i + 1, e) for i, e in enumerate(log)],
                               GameStatus("ended", state.phase.value, state.round, True, len(log)))],
                             [SeatRecord("H-1", d, f"H-{d}") for d in state.seated])
    store.close()
    return path


def export(db: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([*argv, "--db", str(db)]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_no_control_character_is_printed(db: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley export --format md|html|csv|json` prints no ESC, NUL, BEL, DEL or C1 character."""
    out = export(db, capsys, "export", "H-1", "--format", fmt, "--all")
    assert not [ch for ch in RAW if ch in out], fmt
    if fmt != "json":
        assert "\u241b" in out  # ESC is shown, as a visible ␛


def test_the_json_export_keeps_every_hostile_string_exactly(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON export escapes instead of dropping: read back, the texts are exactly what was stored
    (the wire already cleaned what people typed; the export changes nothing more)."""
    events, _ = read_log_document(json.loads(export(db, capsys, "export", "H-1", "--format", "json", "--all")))
    texts = {getattr(e, "text", None) for e in events}
    stored = {getattr(e, "text", None) for e in hostile_game()} - {None}
    assert len(stored) >= 3 and stored <= texts


def test_html_has_no_markup_from_the_game(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No tag, link or entity from players' text reaches the HTML; the briefing keeps both paragraphs."""
    out = export(db, capsys, "export", "H-1", "--format", "html", "--all")
    for raw in ("<script", "<img", "<b>", "href", "<strong>", "<a ", "<code>"):
        assert raw not in out, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&amp;lt;b&amp;gt;" in out
    assert "<p>First paragraph" in out and "<p>Second paragraph" in out


def test_markdown_reads_back_as_the_text_typed(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rendered, the md export shows each hostile text as typed (stand-ins for control characters):
    no emphasis, list, heading, link or raw HTML comes from it."""
    out = export(db, capsys, "export", "H-1", "--format", "md", "--all")
    rendered = MarkdownIt("commonmark", {"html": True}).render(out)
    for raw in ("<script", "<img", "<strong>", "<a ", "<code>"):
        assert raw not in rendered, raw
    assert "**bold**" in rendered and "[click](javascript:alert(1))" in rendered
    assert "- not a list" in rendered and "# not a heading" in rendered


def test_csv_cells_are_not_formulas(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The class csv (export and report) has no cell a spreadsheet would run; numbers stay numbers."""
    for argv in (("export", "H", "--format", "csv"), ("report", "H", "--format", "csv")):
        rows = list(csv.reader(io.StringIO(export(db, capsys, *argv))))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells and not [x for x in cells if (x[:1] and x[:1] in "=+@") or (x[:1] == "-" and not _number(x))]


def test_the_class_report_prints_nothing_raw(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley report` md and html carry no control character and no markup from the game."""
    for fmt in ("md", "html"):
        out = export(db, capsys, "report", "H", "--format", fmt)
        assert not [ch for ch in RAW if ch in out] and "<script" not in out


def test_the_safe_text_helpers() -> None:
    """printable shows controls as stand-ins; markdown_text escapes markup; csv_cell quotes
    formulas only; json_safe escapes C1 and DEL and nothing else."""
    assert printable("a\x1bb\x00c\x9bd\x7f\ne\tf") == "a\u241bb\u2400c\ufffdd\u2421\ne\tf"
    assert markdown_text("*x* <y> 1. z") == "\\*x\\* \\<y\\> 1. z"
    assert markdown_text("1. first\n- second\n    code") == "1\\. first\n\\- second\ncode"
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("-4.5") == "-4.5" and csv_cell(3.0) == 3.0
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("plain") == "plain"
    assert json.loads(json_safe(json.dumps("a\x9bb\x7f", ensure_ascii=False))) == "a\x9bb\x7f"
    assert "\x9b" not in json_safe(json.dumps("a\x9b", ensure_ascii=False))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

