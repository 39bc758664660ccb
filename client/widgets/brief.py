"""Your brief: your role, your red lines, your hidden points table, the public briefing.

Red lines come first, under the title, so that at 80x24 they are on screen without scrolling
and above the notices that open the game; the panel scrolls (arrows, PageUp/PageDown,
Home/End, the wheel) for the rest. The lobby shows the same text before the game starts
(`brief_text`).
"""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from client import format as fmt
from client.state import ClientState
from client.widgets.text import Hanging
from server.figures import number
from server.protocol import wire


def me_in(view: wire.SeatView, delegation: str | None) -> wire.PublicDelegation | None:
    return next((d for d in view.scenario.delegations if d.id == delegation), None) if view.scenario else None


def red_line_lines(view: wire.SeatView, you: wire.YouView | None) -> list[str]:
    lines = ["[b]Your red lines[/b] (never sign these)"]
    for red in you.red_lines if you else ():
        terms = "; ".join(f"{fmt.issue_title(view, i)}: "
                          + " or ".join(fmt.option_label(view, i, o) for o in opts)
                          for i, opts in red.terms.items())
        lines.append(f"  [red]•[/] [b]{escape(red.label or red.id)}[/b] [dim]({escape(terms)})[/]")
    if not (you and you.red_lines):
        lines.append("  none")
    return lines


def points_lines(view: wire.SeatView, you: wire.YouView | None) -> list[str]:
    lines = ["[b]Your points table[/b] (private)"]
    for issue in fmt.issues(view):
        row = you.points.get(issue.id, {}) if you else {}
        options = " · ".join(f"{escape(o.label)} [b]{number(row.get(o.id, 0))}[/b]" for o in issue.options)
        lines.append(f"  [i]{escape(issue.title)}[/i]: {options}")
    return lines


def brief_text(view: wire.SeatView, delegation: str | None, briefing: bool = True, head: str | None = None) -> str:
    """The seat's whole brief as markup; `briefing` adds the public briefing at the end; `head`
    names the head of a team for a member who is not it (only the head signs)."""
    you = view.you
    me = me_in(view, delegation)
    signs = ("Your signature is required on every agreement." if you and you.signature_required
             else "Your signature is not required unless a clause names you.")
    if head is not None:
        signs = signs.replace("Your signature", "Your delegation's signature") + (
            f" Your head of delegation, {escape(head or 'not named yet')}, signs or declines for it.")
    reservation, war_cost = (you.reservation, you.war_cost) if you else (0.0, 0.0)
    # The red lines come right under the title: at 80x24 they stay above the notices that
    # appear in the lower right as the game starts.
    lines = [f"[b]You are {escape(me.name if me else delegation or '')}[/b] ({me.kind if me else ''})",
             *red_line_lines(view, you), "",
             escape(fmt.reflow(me.brief if me else "")), "",
             f"[b]Reservation value[/b] (what no deal is worth to you now): [b]{number(reservation)}[/b]"
             f" — war cost so far {number(war_cost)}, which counts against any result, deal or no deal"
             f" (no deal would score {number(fmt.no_deal(you) if you else 0.0)} now). {signs}", "",
             *points_lines(view, you)]
    if briefing and view.scenario is not None:
        lines += ["", "[b]Public briefing[/b]", escape(fmt.reflow(view.scenario.briefing))]
    return "\n".join(lines)


class BriefPanel(VerticalScroll, can_focus=True):
    def compose(self) -> ComposeResult:
        yield Static("", id="brief-text")

    def show(self, state: ClientState) -> None:
        view = state.view
        if not view:
            return
        head = None if state.is_head else state.head_name
        key = (view.you.reservation if view.you else None, view.you.war_cost if view.you else None,
               state.delegation, head)
        if getattr(self, "_shown", None) == key:
            return
        self._shown = key
        self.query_one("#brief-text", Static).update(Hanging(brief_text(view, state.delegation, head=head)))
