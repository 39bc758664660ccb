"""Your brief: the public briefing, your role, and your hidden table (points, red lines)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Markdown

from client import format as fmt


class BriefPanel(Markdown):
    def show(self, state: Any) -> None:
        view = state.view
        if not view or getattr(self, "_shown_seq", None) == view.get("seq"):
            return
        self._shown_seq = view.get("seq")
        you = view.get("you") or {}
        me: dict[str, Any] = next((d for d in view["scenario"]["delegations"]
                                   if d["id"] == state.delegation), {})
        parts = [f"## You are {me.get('name', '')} ({me.get('kind', '')})", me.get("brief", ""),
                 f"**Reservation value** (what no deal is worth to you now): {you.get('reservation', 0):g}"
                 f" — war cost so far {you.get('war_cost', 0):g}.",
                 "Your signature is " + ("required on every agreement." if you.get("signature_required")
                                        else "not required unless a clause names you."),
                 "### Your points table (private)"]
        for issue in fmt.issues(view):
            row = you.get("points", {}).get(issue["id"], {})
            options = ", ".join(f"{o['label']} **{row.get(o['id'], 0):g}**" for o in issue["options"])
            parts.append(f"- *{issue['title']}*: {options}")
        parts.append("### Your red lines (never sign these)")
        for red in you.get("red_lines", []):
            terms = "; ".join(f"{fmt.issue_title(view, i)}: "
                              + " or ".join(fmt.option_label(view, i, o) for o in opts)
                              for i, opts in red["terms"].items())
            parts.append(f"- **{red['label']}** ({terms})")
        if not you.get("red_lines"):
            parts.append("- none")
        parts += ["### Public briefing", view["scenario"]["briefing"]]
        self.update("\n\n".join(parts))
