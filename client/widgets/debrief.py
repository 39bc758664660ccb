"""The debrief, as a widget: the deal made against the deals that were possible.

`DebriefView` renders a `DebriefReport`'s `wire.Debrief` (server/analysis/debrief.py says
what each part means): the
agreement placed against the Pareto frontier and the Nash point (or what no deal lost), the
better deal and the trades it would have made, the Nash point's and the greatest joint gain's
terms, then every delegation's concession curve. The facilitator's copy adds the outcome
(terms, durability and its reasons) and every delegation's result, which the player's outcome
screen already shows from its view. Option labels come from the debrief's own `issues`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from client import format as fmt
from client.widgets.concessions import ConcessionCurves
from server.figures import number, signed_number
from server.protocol import wire

Debrief = wire.Debrief


def issue_label(d: Debrief, issue: str, option: str | None = None) -> str:
    found = d.issue(issue)
    if found is None:
        return escape(option or issue)
    return escape(found.title if option is None else found.options.get(option, option))


def name_of(d: Debrief, delegation: str) -> str:
    return d.name_of(delegation)


def terms_lines(d: Debrief, terms: Mapping[str, str], indent: str = "    ") -> list[str]:
    return [f"{indent}{issue_label(d, i.id)}: {issue_label(d, i.id, terms[i.id])}"
            for i in d.issues if i.id in terms]


def gains_text(d: Debrief, package: wire.PackageSummary) -> str:
    gains = ", ".join(f"{escape(name_of(d, k))} {signed_number(v)}" for k, v in package.gains.items())
    return f"gains over no deal: {gains}; {escape(d.joint_gain_text(package))}"


def trade_lines(d: Debrief, trades: list[wire.Trade]) -> list[str]:
    return [f"    {issue_label(d, t.issue)}: {issue_label(d, t.issue, t.agreed)} → "
            f"[b]{issue_label(d, t.issue, t.better)}[/b]" for t in trades]


# ---------------------------------------------------------------- sections


def outcome_lines(d: Debrief) -> list[str]:
    """Terms (or none), durability and its reasons, rounds lost: the facilitator's header."""
    lines = [f"[b reverse] Debrief [/] {escape(d.scenario.title)} · ended by "
             f"{d.reason.replace('_', ' ')} after {d.rounds_played} round(s)", ""]
    if d.terms:
        signed = ", ".join(escape(name_of(d, s)) for s in d.signatories)
        lines += [f"[b]The agreement[/b] (signed by {signed})", *terms_lines(d, d.terms, "  ")]
    else:
        lines.append("[b]No agreement.[/b]")
    durability = d.durability
    if durability:
        lines += ["", f"[b]Durability[/b] {number(durability.score)} — {escape(durability.label)}"]
        lines += [f"  {signed_number(r.effect)}  [i]{escape(r.lesson)}[/i]: {escape(r.reason)}"
                  for r in durability.reasons]
    lines += ["", f"[b]Rounds lost[/b] {d.rounds_lost}", ""]
    return lines


def results_lines(d: Debrief) -> list[str]:
    lines = ["[b]Every delegation's result[/b]",
             f"  {'delegation':<22}{'result':>8}{'no deal':>9}{'surplus':>9}  red lines"]
    for r in d.delegations:
        crossed = ", ".join(escape(x.label) for x in r.red_lines_crossed) or "—"
        lines.append(f"  {escape(r.name[:21]):<22}{number(r.result):>8}{number(fmt.no_deal(r)):>9}"
                     f"{signed_number(r.surplus):>9}  {crossed}")
    return lines + [""]


def analysis_lines(d: Debrief) -> list[str]:
    """Where the outcome stands among every possible package."""
    a = d.analysis
    lines = ["[b reverse] What was possible [/]"]
    if a is None:
        return lines + [f"  [dim]{escape(d.analysis_note or 'No analysis was made.')}[/]"]
    lines.append(f"  {a.packages:,} packages; {a.zone:,} better than no deal for every party; "
                 f"{a.frontier:,} on the Pareto frontier")
    lines += placement_lines(d, a.agreement) if a.agreement else no_deal_lines(d, a.no_deal)
    lines += package_lines(d, a)
    return lines


def placement_lines(d: Debrief, placed: wire.Placement) -> list[str]:
    where = ("[green]on the Pareto frontier[/]: no package was better for everyone at the table"
             if placed.on_frontier else f"[yellow]{number(placed.distance)} points from the Pareto frontier[/]")
    lines = ["", f"[b]The agreement[/b] is {where}.",
             f"  Its joint gain: {number(placed.package.joint_gain)}."]
    if placed.joint_gain_left is not None:
        lines.append(f"  Joint gain left on the table: [b]{number(placed.joint_gain_left)}[/b].")
    if placed.joint_gain_vs_nash is not None:
        gap = placed.joint_gain_vs_nash
        lines.append(f"  The Nash point's joint gain is {number(abs(gap))} {'more' if gap >= 0 else 'less'}.")
    better = placed.better_deal
    if better is not None:
        lines += ["", "[b]A better deal for everyone at the table[/b] would have traded:",
                  f"  {gains_text(d, better)}", *trade_lines(d, placed.trades)]
    if placed.nash_trades:
        lines += ["", "[b]The Nash point settles differently[/b]:", *trade_lines(d, placed.nash_trades)]
    return lines


def no_deal_lines(d: Debrief, no_deal: wire.NoDeal | None) -> list[str]:
    if not no_deal:
        return []
    lines = ["", "[b]No deal[/b]: every delegation kept its reservation value."]
    if no_deal.joint_gain_lost_vs_nash is None:
        return lines + ["  No package was better than no deal for every party: there was no zone of agreement."]
    best = no_deal.joint_gain_lost_vs_best
    lines.append(f"  Joint gain lost: [b]{number(no_deal.joint_gain_lost_vs_nash)}[/b] against the Nash point, "
                 f"{'-' if best is None else f'{number(best)}'} against the greatest joint gain.")
    return lines


def package_lines(d: Debrief, a: wire.FrontierAnalysis) -> list[str]:
    nash, best = a.nash, a.greatest_joint_gain
    lines = [""]
    if nash is None:
        return lines + ["[b]Nash point[/b]: none (no package is better than no deal for every party)."]
    # the gains on a line of their own: in brackets they nested the mediator's "(… not counted)"
    lines += ["[b]The Nash point[/b]:", f"  {gains_text(d, nash)}", *terms_lines(d, nash.terms)]
    if best is not None and best.terms != nash.terms:
        lines += ["", "[b]The greatest joint gain[/b]:", f"  {gains_text(d, best)}", *terms_lines(d, best.terms)]
    elif best is not None:
        lines.append("  It is also the package of greatest joint gain.")
    return lines


def history_lines(d: Debrief) -> list[str]:
    """The historical terms scored like any package: durability and why, each delegation's
    result against no deal, and the package's place against the frontier, beside the room's."""
    scored, placed = d.history.scored, d.history.placed
    if not scored and not placed:
        return []
    lines = ["", "[b]The historical terms, scored here[/b]"]
    if scored:
        signed = ", ".join(escape(x.name) for x in scored.delegations if x.signs) or "—"
        durability = scored.durability
        lines += [f"  as signed in round {scored.round} by {signed}: durability "
                  f"{number(durability.score)} — {escape(durability.label)}"]
        lines += [f"    {signed_number(r.effect)}  [i]{escape(r.lesson)}[/i]: {escape(r.reason)}"
                  for r in durability.reasons]
        lines.append(f"  {'delegation':<22}{'result':>8}{'no deal':>9}{'surplus':>9}")
        lines += [f"  {escape(x.name[:21]):<22}{number(x.result):>8}{number(x.no_deal):>9}{signed_number(x.surplus):>9}"
                  for x in scored.delegations]
    if placed:
        where = "on the frontier" if placed.on_frontier else f"{number(placed.distance)} from the frontier"
        lines.append(f"  joint gain {number(placed.package.joint_gain)}, {where}.")
    return lines


def held_out_lines(d: Debrief) -> list[str]:
    """Who walked out or declined the last packages, and the lesson each shows (no deal only)."""
    if not d.held_out:
        return []
    lines = ["", "[b]Who held out[/b]"]
    for item in d.held_out:
        lesson = f" [i]{escape(item.lesson)}.[/i]" if item.lesson else ""
        lines.append(f"  {escape(item.text)}{lesson}")
    return lines


def debrief_markup(d: Debrief, whole: bool = False) -> str:
    """The debrief as markup; `whole` adds the outcome and every result (the facilitator's)."""
    lines = (outcome_lines(d) + results_lines(d) + held_out_lines(d)) if whole else []
    return "\n".join(lines + analysis_lines(d) + history_lines(d))


class DebriefView(Vertical):
    """A debrief's text and its concession curves; `whole` for the facilitator's copy."""


    def __init__(self, debrief: Debrief, whole: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.debrief, self.whole = debrief, whole

    def compose(self) -> ComposeResult:
        d = self.debrief
        yield Static(debrief_markup(d, self.whole), id="debrief-analysis")
        names = {r.delegation: r.name for r in d.delegations}
        yield ConcessionCurves(d.concessions, names, d.rounds_played, id="concession-curves")
