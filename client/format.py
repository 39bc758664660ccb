"""Small helpers that turn a view's ids and numbers into words for the screens."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

View = Mapping[str, Any]


def delegation_name(view: View | None, delegation: str | None) -> str:
    if view is None or delegation is None:
        return delegation or ""
    if delegation == "facilitator":
        return "Facilitator"
    for d in view.get("scenario", {}).get("delegations", []):
        if d["id"] == delegation:
            return str(d["name"])
    return delegation


def issues(view: View | None) -> list[Mapping[str, Any]]:
    return list(view.get("scenario", {}).get("issues", [])) if view else []


def issue_title(view: View | None, issue_id: str) -> str:
    return next((str(i["title"]) for i in issues(view) if i["id"] == issue_id), issue_id)


def option_label(view: View | None, issue_id: str, option_id: str | None) -> str:
    for issue in issues(view):
        if issue["id"] == issue_id:
            for option in issue["options"]:
                if option["id"] == option_id:
                    return str(option["label"])
    return option_id or "—"


def time_left(view: View | None, now: float | None = None) -> str:
    """The phase's time left as m:ss, 'paused m:ss', or '' when there is no timer."""
    if not view:
        return ""
    if view.get("paused_remaining") is not None:
        return "paused " + clock(view["paused_remaining"])
    deadline = view.get("deadline")
    if deadline is None:
        return ""
    return clock(max(0.0, deadline - (time.time() if now is None else now))) + " left"


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def round_text(view: View | None) -> str:
    if not view:
        return ""
    return f"round {view.get('round', 0)}/{view.get('scenario', {}).get('rounds', '?')}"


def complete(view: View | None, terms: Mapping[str, str]) -> bool:
    return bool(issues(view)) and all(i["id"] in terms for i in issues(view))


def proposal_status(view: View, proposal: Mapping[str, Any]) -> str:
    if view.get("agreement") == proposal["id"]:
        return "AGREED"
    if proposal.get("withdrawn"):
        return "withdrawn"
    if not complete(view, proposal["terms"]):
        return "partial"
    return f"signed {len(proposal['signatures'])}/{len(proposal['required'])}"


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
