"""The debrief of one finished game: the deal made, against the deals that were possible.

`debrief_report(events)` is the debrief as typed data (`server.engine.debrief_models.Debrief`,
what the wire's `debrief_report` carries and every client reads); `debrief(events)` is the same
as the JSON-ready dict it validates, which the class report and the text below read.
`debrief(events)` folds a finished game's full event log (the facilitator's: every seat's
result and hidden table) and places its outcome against the exact analysis of its scenario
(`analyse` with the reservation values in force and the delegations seated at the end, as
the results were scored). Pure: no I/O, and the same log always gives the same dict.
`format_debrief(d)` renders it as Markdown-ish text.

The dict (JSON-ready; numbers are floats rounded to cents unless said otherwise)::

    scenario       {"id", "title"}
    issues         [{"id", "title", "options": {option id: label}}]   (for rendering)
    reason         "agreement" | "walkout" | "last_round" | "facilitator"
    terms          {issue: option} | None
    signatories    [delegation]
    durability     {"score", "label", "reasons": [{"factor", "lesson", "reason", "effect"}]} | None
    rounds_played  int;  rounds_lost: int;  delay_reason: str
    delegations    [{"delegation", "name", "kind", "points", "worth", "commitment", "war_cost",
                     "result", "reservation", "surplus", "red_lines_crossed": [{"id", "label"}]}]
                   (the result_scored events, in the scenario's order of delegations;
                    result = worth - war_cost, surplus = worth - reservation)
    history        {"summary", "terms", "signed_by", "round", "agreement_signed", "durability_note",
                    "scored": WhatIf | None, "package": Package | None, "placed": Placement | None}
                   (scored: the historical terms scored like any package, in the history's round
                    and with its signatures — every delegation's worth, result and the durability
                    with its reasons (server.engine.whatif); package/placed: against this
                    game's frontier; all None when the history leaves an issue open)
    interims       [{"proposal", "terms", "signatories", "round", "until", "status", "ended_round",
                     "reason"}]   (status: holding | collapsed | superseded)
    lessons        [{"lesson", "delegation" | None, "text"}]   (server.engine.lessons: public
                    positions signed against, a missed deal, the cost of delay, interim fates)
    analysis       None when the space is too large to enumerate (see analysis_note), else
                   {"packages", "zone", "frontier", "table": [delegation], "reservations",
                    "nash": Package | None, "greatest_joint_gain": Package | None,
                    "agreement": Placement | None,          (None without an agreement)
                    "no_deal": {"joint_gain_lost_vs_nash", "joint_gain_lost_vs_best",
                                "best_packages": [Package]} | None}   (None with an agreement)
    analysis_note  str ("" unless the analysis could not be made)
    concessions    {delegation: [{"round", "proposal", "worth", "reservation", "complete"}]}
    held_out       [{"delegation", "name", "kind", "action": "walked_out" | "declined", "round",
                     "declined": [{"proposal", "terms", "margin", "red_lines"}], "lesson", "text"}]
                   (server.analysis.holdouts: who walked out, who declined the last packages and
                    the lesson each shows; empty unless the game ended without an agreement)

    Package    {"terms", "results": {delegation: result}, "gains": {delegation: result - reservation},
                "joint_gain" (sum of the table's gains), "in_zone"}
    Placement  {"package": Package, "on_frontier", "distance", "joint_gain_left",
                "joint_gain_vs_nash", "better_deal": Package | None,
                "trades": [{"issue", "agreed", "better"}], "nash_trades": [...]}

`distance` is Euclidean over the table's results to the nearest frontier package that beats
the agreement for everyone at the table; `joint_gain_left` is the greatest joint gain in the
zone minus the agreement's; `joint_gain_vs_nash` is the Nash point's joint gain minus it.
A concession curve is the worth, in points on its author's own table, of each proposal a
delegation tabled (`server.replay.concessions`); `complete` says whether it settled every issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.analysis.assess import assess
from server.analysis.core import Analysis, Package, SpaceTooLarge, analyse
from server.analysis.holdouts import format_hold_outs, hold_outs
from server.engine import FACILITATOR, Game, lessons, whatif
from server.engine import events as ev
from server.engine.debrief_models import (
    Debrief,
    FrontierAnalysis,
    NoDeal,
    PackageSummary,
    Placement,
    Trade,
)
from server.engine.lessons import Lesson
from server.engine.state import Negotiation
from server.engine.view_models import InterimView
from server.figures import number, signed_number
from server.replay.concessions import concession_series
from server.scenario.model import Scenario

BEST_PACKAGES = 3  # how many of the zone's best packages a no-deal debrief lists


def debrief(events: Sequence[ev.EventBase]) -> dict[str, Any]:
    """The debrief of a finished game from its full event log (ValueError if it has not ended)."""
    state = Game.from_events(events).state
    ending = state.ending
    if ending is None:
        raise ValueError(f"the game has not ended (round {state.round}, {state.phase.value} phase)")
    scenario = state.scenario
    analysis, note = _analysis(state)
    return {
        "scenario": {"id": scenario.id, "title": scenario.title},
        "issues": [{"id": i.id, "title": i.title, "options": {o.id: o.label for o in i.options}}
                   for i in scenario.issues],
        "reason": ending.reason,
        "terms": ending.terms,
        "signatories": list(ending.signatories),
        "durability": ending.durability.model_dump() if ending.durability else None,
        "rounds_played": state.round,
        "rounds_lost": ending.rounds_lost,
        "delay_reason": ending.delay_reason,
        "delegations": _results(scenario, events),
        "history": _history(scenario, analysis),
        "analysis": None if analysis is None else _placed(analysis, ending.terms),
        "analysis_note": note,
        "interims": [vars(i) | {"signatories": list(i.signatories)} for i in state.interims],
        "lessons": [lesson.model_dump() for lesson in game_lessons(state, analysis)],
        "concessions": _concessions(scenario, events, state),
        "held_out": [h.model_dump() for h in hold_outs(events)],
    }


def debrief_report(events: Sequence[ev.EventBase]) -> Debrief:
    """The debrief of a finished game as typed data (ValueError if it has not ended)."""
    return Debrief.model_validate(debrief(events))


def game_lessons(state: Negotiation, analysis: Analysis | None) -> list[Lesson]:
    """The lessons this game shows (server.engine.lessons): public positions, a missed deal, delay, interims."""
    ending = state.ending
    assert ending is not None
    scenario = state.scenario
    found = lessons.public_positions(scenario, ending.terms, ending.signatories)
    if ending.terms is None and analysis is not None:
        best = best_in_zone(analysis, 1)
        found += lessons.missed_deal(scenario, analysis.zone_size, best[0].terms if best else None)
    found += lessons.cost_of_delay(scenario, ending.rounds_lost,
                                   {d: state.war_cost[d] for d in sorted(state.seated)})
    found += lessons.interim_fates(scenario, state.interims, ending.terms is not None)
    return found


def _analysis(state: Negotiation) -> tuple[Analysis | None, str]:
    """The analysis under the reservation values and seating the results were scored with
    (a guarantor or mediator that walked out is not at the table; a party that did ended it)."""
    seated = {d for d in state.seated if d not in state.walked_out or _is_party(state, d)}
    try:
        return analyse(state.scenario, reservations=state.reservation, seated=seated), ""
    except SpaceTooLarge as exc:
        return None, f"the outcome space is too large to analyse exactly: {exc}"


def _is_party(state: Negotiation, delegation_id: str) -> bool:
    delegation = state.scenario.delegation(delegation_id)
    return delegation is not None and delegation.kind == "party"


def _results(scenario: Scenario, events: Sequence[ev.EventBase]) -> list[dict[str, Any]]:
    """The result_scored events, in the scenario's order of delegations."""
    scored = {e.result.delegation: e.result for e in events if isinstance(e, ev.ResultScored)}
    return [_delegation(scenario, scored[d]) for d in scenario.delegation_ids() if d in scored]


def _delegation(scenario: Scenario, result: ev.DelegationResult) -> dict[str, Any]:
    delegation = scenario.delegation(result.delegation)
    assert delegation is not None  # the engine scores only the scenario's delegations
    labels = {r.id: r.label for r in delegation.hidden.red_lines}
    row = result.model_dump(exclude={"red_lines_crossed"})
    return {"delegation": result.delegation, "name": delegation.name, "kind": delegation.kind.value,
            **row, "red_lines_crossed": [{"id": r, "label": labels.get(r, r)}
                                         for r in result.red_lines_crossed]}


def _placed(analysis: Analysis, terms: dict[str, str] | None) -> dict[str, Any]:
    nash, best = analysis.nash, analysis.greatest_joint_gain
    return {
        "packages": analysis.size,
        "zone": analysis.zone_size,
        "frontier": analysis.frontier_size,
        "table": list(analysis.table),
        "reservations": dict(analysis.reservations),
        "nash": nash.to_dict() if nash else None,
        "greatest_joint_gain": best.to_dict() if best else None,
        "agreement": None if terms is None else placement(analysis, terms),
        "no_deal": _no_deal(analysis) if terms is None else None,
    }


def placement(analysis: Analysis, terms: dict[str, str]) -> dict[str, Any]:
    """A complete package placed against the frontier and the Nash point (a Placement)."""
    found = assess(analysis, terms)
    nash = analysis.nash
    return {
        "package": found.agreement.to_dict(),
        "on_frontier": found.on_frontier,
        "distance": found.distance,
        "joint_gain_left": found.joint_gain_left,
        "joint_gain_vs_nash": None if nash is None else round(nash.joint_gain - found.agreement.joint_gain, 2),
        "better_deal": found.better_deal.to_dict() if found.better_deal else None,
        "trades": [vars(t) for t in found.trades],
        "nash_trades": [vars(t) for t in found.nash_trades],
    }


def _no_deal(analysis: Analysis) -> dict[str, Any]:
    """What no deal cost: everyone kept its reservation value, a joint gain of zero."""
    nash, best = analysis.nash, analysis.greatest_joint_gain
    return {
        "joint_gain_lost_vs_nash": nash.joint_gain if nash else None,
        "joint_gain_lost_vs_best": best.joint_gain if best else None,
        "best_packages": [p.to_dict() for p in best_in_zone(analysis)],
    }


def best_in_zone(analysis: Analysis, count: int = BEST_PACKAGES) -> list[Package]:
    """The zone's frontier packages of greatest joint gain (ties: package order)."""
    frontier = [p for p in analysis.frontier() if p.in_zone]
    return sorted(frontier, key=lambda p: -p.joint_gain)[:count]


def _history(scenario: Scenario, analysis: Analysis | None) -> dict[str, Any]:
    """The historical terms scored like any package (whatif.history), placed against the frontier."""
    history = scenario.history
    scored = whatif.history(scenario)
    placed = placement(analysis, dict(history.terms)) if analysis is not None and scored else None
    return {**history.model_dump(mode="json"), "package": placed["package"] if placed else None,
            "placed": placed, "scored": scored.model_dump(mode="json") if scored else None}


def _concessions(scenario: Scenario, events: Sequence[ev.EventBase],
                 state: Negotiation) -> dict[str, list[dict[str, Any]]]:
    series = concession_series(scenario, events, FACILITATOR)
    return {
        d: [{"round": p.round, "proposal": p.proposal, "worth": p.points,
             "reservation": p.reservation, "complete": p.complete} for p in points]
        for d, points in series.items()
        if points or d in state.seated
    }


# ---------------------------------------------------------------- text


def format_debrief(d: Debrief) -> str:
    """The debrief as Markdown-ish text, for a terminal or a note to the class."""
    lines = [f"# Debrief: {d.scenario.title}", ""]
    lines += _format_outcome(d)
    lines += _format_results(d)
    lines += format_hold_outs(d.held_out)
    if d.analysis is None:
        lines += ["## What was possible", "", d.analysis_note, ""]
    else:
        lines += _format_analysis(d, d.analysis)
    lines += _format_lessons(d)
    lines += _format_history(d)
    lines += _format_concessions(d)
    return "\n".join(lines).rstrip() + "\n"


def terms_text(d: Debrief, terms: dict[str, str]) -> str:
    """issue title: option label, ... in the scenario's order."""
    return "; ".join(f"{i.title}: {i.options.get(terms[i.id], terms[i.id])}" for i in d.issues if i.id in terms)


def _format_outcome(d: Debrief) -> list[str]:
    ended = {"agreement": "an agreement", "walkout": "a walkout", "last_round": "the last round",
             "facilitator": "the facilitator"}[d.reason]
    lines = ["## Outcome", "", f"Ended by {ended} after {d.rounds_played} round(s)."]
    if d.terms is None:
        lines.append("No agreement was signed.")
    else:
        lines += [f"Terms: {terms_text(d, d.terms)}.", f"Signed by: {', '.join(d.signatories)}."]
    durability = d.durability
    if durability:
        lines.append(f"Durability {number(durability.score)} ({durability.label}).")
        lines += [f"- {r.lesson} ({signed_number(r.effect)}): {r.reason}" for r in durability.reasons]
    paid = [r for r in d.delegations if r.war_cost]
    if d.rounds_lost or paid:
        costs = ", ".join(f"{r.name} {signed_number(-r.war_cost)}" for r in paid)
        lines.append(f"Cost of delay: {d.rounds_lost} round(s) lost"
                     + (f"; points lost to the war: {costs}" if costs else "") + f". {d.delay_reason}")
    for interim in d.interims:
        lines.append(f"Interim agreement of round {interim.round}: {terms_text(d, interim.terms)} "
                     f"({_interim_fate(interim)}).")
    return lines + [""]


def _interim_fate(interim: InterimView) -> str:
    if interim.status == "collapsed":
        return f"collapsed in round {interim.ended_round}: {interim.reason}"
    if interim.status == "superseded":
        return f"folded into the settlement in round {interim.ended_round}"
    return f"holding through round {interim.until} when the game ended"


def _format_results(d: Debrief) -> list[str]:
    lines = ["## Results", "",
             "(result = worth of the agreement, or of no deal, less the war cost paid; "
             "surplus = worth - reservation)", "",
             "| delegation | points | worth | war cost | result | reservation | surplus | red lines |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in d.delegations:
        crossed = ", ".join(x.label for x in r.red_lines_crossed) or "-"
        worth = r.worth
        lines.append(f"| {r.name} | {number(r.points)} | {'-' if worth is None else f'{number(worth)}'} "
                     f"| {number(r.war_cost)} | {number(r.result)} | {number(r.reservation)} "
                     f"| {signed_number(r.surplus)} | {crossed} |")
    return lines + [""]


def _format_lessons(d: Debrief) -> list[str]:
    found = [x for x in d.lessons if x.lesson != "The cost of delay"
             and x.lesson != "Ceasefire and settlement together"]
    if not found:
        return []
    return ["## Lessons", "", *[f"- {x.lesson}: {x.text}" for x in found], ""]


def _format_analysis(d: Debrief, a: FrontierAnalysis) -> list[str]:
    lines = ["## What was possible", "",
             f"{a.packages:,} packages; {a.zone:,} in the zone of agreement; "
             f"{a.frontier:,} on the Pareto frontier over "
             f"{', '.join(d.name_of(t) for t in a.table)}."]
    if a.agreement is not None:
        lines += _format_placement(d, a, a.agreement)
    elif a.no_deal is not None:
        lines += _format_no_deal(d, a.no_deal)
    lines.append("Nash point: " + ("none" if a.nash is None else _package_text(d, a.nash)))
    best = a.greatest_joint_gain
    same = best is not None and a.nash is not None and best.terms == a.nash.terms
    lines.append("Greatest joint gain: " + ("none" if best is None else "the Nash point" if same
                                            else _package_text(d, best)))
    return lines + [""]


def _format_placement(d: Debrief, a: FrontierAnalysis, placed: Placement) -> list[str]:
    where = ("on the Pareto frontier" if placed.on_frontier
             else f"{number(placed.distance)} points from the Pareto frontier")
    lines = [f"The agreement is {where}; joint gain {number(placed.package.joint_gain)}."]
    if placed.joint_gain_left is not None:
        lines.append(f"Joint gain left on the table: {number(placed.joint_gain_left)}"
                     + _versus_nash(placed.joint_gain_vs_nash) + ".")
    if placed.better_deal is not None:
        gains = placed.better_deal.gains
        lines.append("A better deal for everyone at the table (gains: "
                     + ", ".join(f"{d.name_of(k)} {signed_number(gains[k])}" for k in a.table)
                     + ") would have traded:")
        lines += [f"- {trade_text(d, t)}" for t in placed.trades]
    if placed.nash_trades:
        lines.append("The Nash point settles differently:")
        lines += [f"- {trade_text(d, t)}" for t in placed.nash_trades]
    return lines


def _versus_nash(gap: float | None) -> str:
    return "" if gap is None else f" (versus the Nash point: {number(gap)})"


def trade_text(d: Debrief, trade: Trade) -> str:
    """Issue title: agreed option -> better option (labels)."""
    issue = d.issue(trade.issue)
    assert issue is not None  # trades are between the scenario's own options
    return f"{issue.title}: {issue.options[trade.agreed]} -> {issue.options[trade.better]}"


def _format_no_deal(d: Debrief, no_deal: NoDeal) -> list[str]:
    if no_deal.joint_gain_lost_vs_nash is None and no_deal.joint_gain_lost_vs_best is None:
        return ["There was no zone of agreement at the end: no package beat no deal for everyone."]
    lost, best = no_deal.joint_gain_lost_vs_nash, no_deal.joint_gain_lost_vs_best
    lines = [f"No deal: joint gain lost versus the Nash point: {'-' if lost is None else f'{number(lost)}'}; "
             f"versus the best package: {'-' if best is None else f'{number(best)}'}.",
             "The best packages in the zone:"]
    return lines + [f"- {_package_text(d, p)}" for p in no_deal.best_packages]


def _package_text(d: Debrief, package: PackageSummary) -> str:
    gains = ", ".join(f"{d.name_of(k)} {signed_number(g)}" for k, g in package.gains.items())
    return f"{terms_text(d, package.terms)} (gains: {gains}; {d.joint_gain_text(package)})"


def _format_history(d: Debrief) -> list[str]:
    h = d.history
    lines = ["## What really happened", "", h.summary.strip()]
    if h.terms:
        signed = "signed" if h.agreement_signed else "never signed"
        lines.append(f"Historical terms ({signed}): {terms_text(d, dict(h.terms))}.")
    scored = h.scored
    if scored is not None:
        names = {r.delegation: r.name for r in scored.delegations}
        durability = scored.durability
        lines.append(f"Scored like any package, signed in round {scored.round} by "
                     f"{', '.join(names.get(x, x) for x in scored.signed)}: durability "
                     f"{number(durability.score)} ({durability.label}).")
        lines += [f"- {r.lesson} ({signed_number(r.effect)}): {r.reason}" for r in durability.reasons]
        lines += ["", "| delegation | worth | result | reservation | surplus |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {r.name} | {number(r.worth)} | {number(r.result)} | {number(r.reservation)} "
                  f"| {signed_number(r.surplus)} |" for r in scored.delegations]
        lines.append("")
    if h.placed is not None:
        placed = h.placed
        where = "on the frontier" if placed.on_frontier else f"{number(placed.distance)} from the frontier"
        lines.append(f"Against this game's frontier: joint gain {number(placed.package.joint_gain)}, {where}.")
    if h.durability_note:
        lines.append(h.durability_note.strip())
    return lines + [""]


def _format_concessions(d: Debrief) -> list[str]:
    lines = ["## Concessions (worth of each proposal on its author's own table)", ""]
    for delegation, points in d.concessions.items():
        curve = ", ".join(f"r{p.round} {number(p.worth)}{'' if p.complete else '*'}" for p in points)
        lines.append(f"- {d.name_of(delegation)}: {curve or 'tabled nothing'}")
    if any(not p.complete for ps in d.concessions.values() for p in ps):
        lines.append("(* a partial proposal: it settles only some issues)")
    return lines
