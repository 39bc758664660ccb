"""Small helpers that turn a view's ids and numbers into words for the screens."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from server.protocol import wire

View = wire.SeatView


def delegation_name(view: View | None, delegation: str | None) -> str:
    if view is None or delegation is None:
        return delegation or ""
    if delegation == "facilitator":
        return "Facilitator"
    for d in view.scenario.delegations if view.scenario else ():
        if d.id == delegation:
            return d.name
    return delegation


def meter_label(view: View | None, meter: str) -> str:
    """A meter's label ("Tension in the valley"), not its id."""
    for m in view.scenario.meters if view and view.scenario else ():
        if m.id == meter:
            return m.label
    return meter


def issues(view: View | None) -> list[wire.Issue]:
    return list(view.scenario.issues) if view and view.scenario else []


def issue_title(view: View | None, issue_id: str) -> str:
    return next((i.title for i in issues(view) if i.id == issue_id), issue_id)


def option_label(view: View | None, issue_id: str, option_id: str | None) -> str:
    for issue in issues(view):
        if issue.id == issue_id:
            for option in issue.options:
                if option.id == option_id:
                    return option.label
    return option_id or "—"


LONG_PHASE = 3600.0  # from an hour left, a deadline is a date and time, not a countdown


def time_left(view: View | None, now: float | None = None) -> str:
    """The phase's time left as m:ss, 'paused m:ss', or '' when there is no timer; a phase of
    a game over days ends 'until Thu 3 Dec 14:00 (1d 4h left)', in this machine's local time."""
    if not view:
        return ""
    if view.paused_remaining is not None:
        return "paused " + span_or_clock(view.paused_remaining)
    deadline = view.deadline
    if deadline is None:
        return ""
    remaining = max(0.0, deadline - (time.time() if now is None else now))
    if remaining >= LONG_PHASE:
        return f"until {local_time(deadline)} ({span(remaining)} left)"
    return clock(remaining) + " left"


def local_time(epoch: float) -> str:
    """`Thu 3 Dec 14:00` in the local time zone of the machine the client runs on."""
    moment = datetime.fromtimestamp(epoch).astimezone()
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def span(seconds: float) -> str:
    """A long stretch of time in its two largest units: `2d 3h`, `5h 20m`, `12m`."""
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"


def span_or_clock(seconds: float) -> str:
    return span(seconds) if seconds >= LONG_PHASE else clock(seconds)


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def round_text(view: View | None) -> str:
    if not view:
        return ""
    return f"round {view.round}/{view.scenario.rounds if view.scenario else '?'}"


def complete(view: View | None, terms: Mapping[str, str]) -> bool:
    return bool(issues(view)) and all(i.id in terms for i in issues(view))


def proposal_status(view: View, proposal: wire.ProposalView) -> str:
    if view.agreement == proposal.id:
        return "AGREED"
    if proposal.withdrawn:
        return "withdrawn"
    if not complete(view, proposal.terms):
        return "partial"
    return f"signed {len(proposal.signatures)}/{len(proposal.required)}"


CONNECTION_MARKS = {
    "connected": "[green]● connected[/]",
    "connecting": "[yellow]◌ connecting[/]",
    "reconnecting": "[yellow]◌ reconnecting[/]",
    "lost": "[red]✕ connection lost[/]",
    "offline": "[dim]○ offline[/]",
}


def connection_mark(status: str, detail: str = "") -> str:
    mark = CONNECTION_MARKS.get(status, status)
    return f"{mark} [dim]{detail}[/]" if detail and status == "reconnecting" else mark


_LIST_ITEM = re.compile(r"^([-*•]|\d+[.)])\s")


def reflow(text: str | None) -> str:
    """Scenario text with the YAML file's line breaks undone: paragraphs (blank-line separated)
    and list items keep their own lines; the lines inside a paragraph are joined."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", (text or "").strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = line.strip()
            if lines and line and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            elif line:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


class NoDealFigures(Protocol):
    """Figures that say what no deal is worth (a worth figure, a result, a `worth` reply)."""

    @property
    def reservation(self) -> float: ...
    @property
    def war_cost(self) -> float: ...


def no_deal(figures: NoDealFigures | None) -> float:
    """What no deal would score a delegation now: its reservation value less the war it has paid.

    A result is an agreement's worth less the same war cost, so a result and this number compare
    directly, and their difference is the surplus (or margin) the game scores."""
    if figures is None:
        return 0.0
    return round(figures.reservation - figures.war_cost, 2)


def red_line_label(you: wire.YouView | None, red_line: str) -> str:
    """A red line's label (the scenario's words), from the seat's own hidden view."""
    for red in you.red_lines if you else ():
        if red.id == red_line:
            return red.label or red_line
    return red_line


def names(view: View | None, delegations: Iterable[str]) -> str:
    """Delegations' names, comma separated ('—' for none)."""
    return ", ".join(delegation_name(view, d) for d in delegations) or "—"


_INTENT_VERBS = {"sign": "sign", "decline": "decline", "walk_out": "walk out of the talks"}


def intent_text(view: View | None, intent: wire.TeamIntent) -> str:
    """What another member of one's team is about to do, in words ("Ana (head) is about
    to sign P1: Dam height: Reduced height; ...")."""
    who = f"{intent.name or 'A teammate'}{' (head)' if intent.head else ''}"
    verb = _INTENT_VERBS.get(str(intent.action), str(intent.action))
    if not intent.proposal:
        return f"{who} is about to {verb}."
    terms = "; ".join(f"{issue_title(view, i)}: {option_label(view, i, o)}" for i, o in intent.terms.items())
    return f"{who} is about to {verb} {intent.proposal}" + (f": {terms}" if terms else ".")


def author(view: View | None, proposal: wire.ProposalView) -> str:
    """Who tabled a proposal: the delegation, and the team member if a team's did ("Ukraine (Iryna)")."""
    name = delegation_name(view, proposal.author)
    return f"{name} ({proposal.member})" if proposal.member else name


def member_line(state: Any) -> str:
    """Who you are in your team and who leads it ("Ben · head Ana"); "" for a one-person seat."""
    if state.team is None:
        return ""
    return f"{state.name} (head)" if state.is_head else f"{state.name} · head {state.head_name or '—'}"
