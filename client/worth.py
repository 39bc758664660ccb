"""What a package is worth to you, as it will be scored — shown here, never computed here.

The server computes it with the engine's `package_worth` (server/engine/worth.py), the same
sum the outcome is scored with: clauses naming delegations who are not at the table count as
their weightless fallback, durability weighs the points, each red line crossed costs its
penalty. Every proposal in a seat's view carries its figure (`p.worth`); the composer and
the proposal detail ask for the whole answer with its reasons (`Ask("worth", terms=...)`,
answered by a `Worth` message). Figures and answers share their field names, so the helpers
below read either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.markup import escape
from rich.text import Text

from client import format as fmt
from server.figures import number, signed_number
from server.protocol import wire

Figure = wire.WorthFigure | wire.PackageWorth  # a proposal's figure, or a `worth` answer


def figure_of(proposal: wire.ProposalView) -> wire.WorthFigure | None:
    return proposal.worth


def absent_of(figure: Figure) -> list[str]:
    """The clauses naming someone not at the table, as "issue: who" lines."""
    if isinstance(figure, wire.WorthFigure):
        return list(figure.absent)
    return [f"{a.issue_title}: {', '.join(a.missing)}" for a in figure.absent_clauses]


def crosses(figure: Figure | None) -> bool:
    return bool(figure and figure.red_lines_crossed)


def below_no_deal(figure: Figure | None) -> bool:
    return bool(figure and figure.margin is not None and figure.margin < 0)


def _scored(figure: Figure) -> tuple[float, float]:
    """A complete package's result and margin (both known once it can be signed)."""
    return figure.result or 0.0, figure.margin or 0.0


def cell(figure: Figure | None) -> Text:
    """The figure for a table cell: "29.40 (−6.60)", styled; "partial" for a package that cannot be signed."""
    if figure is None:
        return Text("")
    if not figure.complete:
        return Text(f"partial ({number(figure.points_on_paper)} pts)", style="dim")
    result, margin = _scored(figure)
    text = f"{number(result)} ({signed_number(margin)})"
    text += " ⚠" if absent_of(figure) else ""
    if crosses(figure):
        return Text(text + " RED LINE", style="bold red")
    return Text(text, style="green" if margin >= 0 else "yellow")


def summary(figure: Figure) -> str:
    """One markup line: what it scores if signed now against no deal, and red lines with their cost."""
    if not figure.complete:
        return (f"[dim]partial: it cannot be signed as it stands. On paper {number(figure.points_on_paper)} "
                f"points on your table (durability not included).[/]")
    style = "red" if crosses(figure) or below_no_deal(figure) else "green"
    result, margin = _scored(figure)
    text = (f"[{style}][b]{number(result)}[/b] for you if signed now · no deal {number(fmt.no_deal(figure))} "
            f"({signed_number(margin)})[/]")
    if figure.points != figure.points_on_paper:
        text += f" · {number(figure.points_on_paper)} points on paper count as {number(figure.points)}"
    return text


def red_line_lines(figure: Figure) -> list[str]:
    crossed = figure.red_lines_crossed
    each = figure.red_line_penalty / len(crossed) if crossed and figure.red_line_penalty else 0
    cost = f": {signed_number(-each)}" if each else ""
    return [f"[b red]This crosses your red line '{escape(label)}'{cost}.[/]" for label in crossed]


def absent_lines(figure: Figure) -> list[str]:
    return [f"[yellow]⚠ {escape(line)} not at the table: the clause is weightless as it stands[/]"
            for line in absent_of(figure)]


def reasons_lines(answer: wire.PackageWorth) -> list[str]:
    """The reasons of a `PackageWorth` answer, one per line, in the scenario's words."""
    return [f"  · {escape(reason)}" for reason in answer.reasons]


def agrees(answer: wire.PackageWorth, figure: wire.WorthFigure) -> bool:
    """Whether `answer` was worked out at the moment `figure` was (same result, no deal and war)."""
    return (answer.result, answer.margin, answer.reservation, answer.war_cost) == (
        figure.result, figure.margin, figure.reservation, figure.war_cost)


def answer_for(fetch: Any, terms: Mapping[str, str]) -> wire.PackageWorth | None:
    """The latest worth answer if it is about exactly `terms` (else None: still on its way)."""
    if fetch is None or fetch.result is None:
        return None
    return fetch.result if dict(fetch.result.terms) == dict(terms) else None
