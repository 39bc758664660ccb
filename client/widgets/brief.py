"""Your brief: your role, your red lines, your hidden points table, the public briefing.

Red lines come first, under the title, so that at 80x24 they are on screen without scrolling
and above the notices that open the game; the panel scrolls (arrows, PageUp/PageDown,
Home/End, the wheel) for the rest. The lobby shows the same text before the game starts
(`brief_text`).
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from client import format as fmt


def me_in(view: Any, delegation: str | None) -> dict[str, Any]:
    found: dict[str, Any] = next((d for d in view["scenario"]["delegations"] if d["id"] == delegation), {})
    return found


def red_line_lines(view: Any, you: Any) -> list[str]:
    lines = ["[b]Your red lines[/b] (never sign these)"]
    for red in you.get("red_lines") or []:
        terms = "; ".join(f"{fmt.issue_title(view, i)}: "
                          + " or ".join(fmt.option_label(view, i, o) for o in opts)
                          for i, opts in red["terms"].items())
        lines.append(f"  [red]•[/] [b]{escape(red.get('label') or red['id'])}[/b] [dim]({escape(terms)})[/]")
    if not you.get("red_lines"):
        lines.append("  none")
    return lines


def points_lines(view: Any, you: Any) -> list[str]:
    lines = ["[b]Your points table[/b] (private)"]
    for issue in fmt.issues(view):
        row = (you.get("points") or {}).get(issue["id"], {})
        options = " · ".join(f"{escape(o['label'])} [b]{row.get(o['id'], 0):g}[/b]" for o in issue["options"])
        lines.append(f"  [i]{escape(issue['title'])}[/i]: {options}")
    return lines


def brief_text(view: Any, delegation: str | None, briefing: bool = True, head: str | None = None) -> str:
    """The seat's whole brief as markup; `briefing` adds the public briefing at the end; `head`
    names the head of a team for a member who is not it (only the head signs)."""
    you = view.get("you") or {}
    me = me_in(view, delegation)
    signs = ("Your signature is required on every agreement." if you.get("signature_required")
             else "Your signature is not required unless a clause names you.")
    if head is not None:
        signs = signs.replace("Your signature", "Your delegation's signature") + (
            f" Your head of delegation, {escape(head or 'not named yet')}, signs or declines for it.")
    # The red lines come right under the title: at 80x24 they stay above the notices that
    # appear in the lower right as the game starts.
    lines = [f"[b]You are {escape(me.get('name', delegation or ''))}[/b] ({me.get('kind', '')})",
             *red_line_lines(view, you), "",
             escape(fmt.reflow(me.get("brief", ""))), "",
             f"[b]Reservation value[/b] (what no deal is worth to you now): [b]{you.get('reservation', 0):g}[/b]"
             f" — war cost so far {you.get('war_cost', 0):g}, which counts against any result, deal or no deal"
             f" (no deal would score {fmt.no_deal(you):g} now). {signs}", "",
             *points_lines(view, you)]
    if briefing:
        lines += ["", "[b]Public briefing[/b]", escape(fmt.reflow(view["scenario"]["briefing"]))]
    return "\n".join(lines)


class BriefPanel(VerticalScroll, can_focus=True):
    def compose(self) -> ComposeResult:
        yield Static("", id="brief-text")

    def show(self, state: Any) -> None:
        view = state.view
        if not view:
            return
        you = view.get("you") or {}
        head = None if state.is_head else state.head_name
        key = (you.get("reservation"), you.get("war_cost"), state.delegation, head)
        if getattr(self, "_shown", None) == key:
            return
        self._shown = key
        self.query_one("#brief-text", Static).update(brief_text(view, state.delegation, head=head))
