"""Wrapped lines of the proposal detail and the brief hang under their own text (client.widgets.text.Hanging)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from client.widgets.text import Hanging

DETAIL = ("[b]P1[/b] by Turkey (host) — signed 0/3\n"
          "  Ukraine's alignment: [b]Permanent neutrality, non-nuclear, written into the constitution[/b]\n"
          "  [red]•[/] [b]No limits on the armed forces[/b] [dim](Limits on Ukraine's armed forces: Strict ceiling)[/]\n"
          "Six rounds, about a week of spring each. Outside the palace the war goes on without pause.")


def rendered(width: int) -> list[str]:
    """The lines a Static showing DETAIL paints at `width` columns, as a terminal would show them."""
    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(Hanging(DETAIL))

    async def paint() -> list[str]:
        app = One()
        async with app.run_test(size=(width, 20)) as pilot:
            await pilot.pause()
            static = app.query_one(Static)
            return [strip.text.rstrip() for strip in static.render_lines(static.region.reset_offset)]
    import asyncio
    return [line for line in asyncio.run(paint()) if line]


def test_a_clause_wraps_under_its_own_text_and_a_paragraph_as_usual() -> None:
    """At 40 columns a clause's continuations start 4 cells in (its indent + 2), a paragraph's at 0."""
    lines = rendered(40)
    at = lines.index("  Ukraine's alignment: Permanent")
    assert lines[at + 1].startswith("    neutrality") and lines[at + 2].startswith("    ")
    bullet = next(i for i, line in enumerate(lines) if line.startswith("  • No limits"))
    assert lines[bullet + 1].startswith("    ") and not lines[bullet + 1].startswith("     ")
    paragraph = next(i for i, line in enumerate(lines) if line.startswith("Six rounds"))
    assert lines[paragraph + 1][0] != " "  # a paragraph is not hung


def test_the_text_reads_back_as_written() -> None:
    """str() of a Hanging is its plain text, unwrapped: what tests and copy-paste read."""
    assert str(Hanging(DETAIL)).splitlines()[1] == (
        "  Ukraine's alignment: Permanent neutrality, non-nuclear, written into the constitution")


def test_a_wide_screen_does_not_wrap_what_fits() -> None:
    """At 120 columns every line fits: nothing is cut or moved."""
    assert rendered(120)[1] == "  Ukraine's alignment: Permanent neutrality, non-nuclear, written into the constitution"
