"""The one way state leaves the engine: `view_for(state, seat)`.

A seat sees the public table and its own hidden constraints — never another delegation's
points, red lines, reservation value, intelligence, private messages or result (until the
facilitator opens the debrief, which makes the *results* public). An observer (seat None) sees
only the public table; the facilitator (`FACILITATOR`) sees everything.
"""

from __future__ import annotations

from typing import Any

from server.engine.commands import FACILITATOR
from server.engine.events import ControllerChanged, EventBase, PressureDrawn, Visibility
from server.engine.state import Interim, Negotiation, Note, Proposal
from server.engine.worth import PackageWorth, package_worth
from server.scenario.model import Delegation, Scenario

Seat = str | None  # a delegation id, FACILITATOR, or None for an observer

NOTES_ONLY = frozenset({"statement_made", "message_sent", "announced"})
"""Events that change a view in its `notes` and `seq` alone (tests/test_views_notes_only.py
checks it over whole games): the runtime need not build a view again for them."""


def own_share(values: dict[str, float], seat: Seat) -> dict[str, float]:
    """Of a per-delegation figure (a card's war-cost changes), what `seat` may know: its own."""
    if seat == FACILITATOR:
        return values
    return {seat: values[seat]} if seat is not None and seat in values else {}


def event_view(seat: Seat, event: EventBase, dumped: dict[str, Any]) -> dict[str, Any]:
    """An event `seat` may know of (`dumped` is `dump_event(event)`), as it may read it:
    a public card carries every delegation's war-cost change, and each seat learns only its own."""
    if isinstance(event, PressureDrawn) and event.war_cost and seat != FACILITATOR:
        return {**dumped, "war_cost": own_share(event.war_cost, seat)}
    return dumped


def log_view(seat: Seat, event: EventBase, dumped: dict[str, Any]) -> dict[str, Any]:
    """An event of the whole log opened for review, as a seat may read it: everything but the
    bots' strategies, which stay the facilitator's."""
    if isinstance(event, ControllerChanged) and event.strategy is not None and seat != FACILITATOR:
        return {**dumped, "strategy": None}
    return dumped


def public_scenario(scenario: Scenario, ended: bool, for_facilitator: bool = False) -> dict[str, Any]:
    """The scenario as every seat may read it; the historical outcome once the game is over;
    for the facilitator, what each card does and to whom (the console's inject list).

    Built once per scenario object and kind: it is most of a view, views are built on every
    update, and the network adapter encodes it once per object (server/net/frames.py)."""
    key = (id(scenario), ended, for_facilitator)
    cached = _SCENARIO_VIEWS.get(key)
    if cached is not None and cached[0] is scenario:
        return cached[1]
    view = _public_parts(scenario)
    if ended:
        view = {**view, "history": scenario.history.model_dump(mode="json")}
    if for_facilitator:
        view = {**view, "cards": facilitator_cards(scenario)}
    if len(_SCENARIO_VIEWS) > 256:
        _SCENARIO_VIEWS.clear()
    _SCENARIO_VIEWS[key] = (scenario, view)
    return view


_SCENARIO_VIEWS: dict[tuple[int, bool, bool], tuple[Scenario, dict[str, Any]]] = {}
_PUBLIC_PARTS: dict[int, tuple[Scenario, dict[str, Any]]] = {}


def _public_parts(scenario: Scenario) -> dict[str, Any]:
    cached = _PUBLIC_PARTS.get(id(scenario))
    if cached is not None and cached[0] is scenario:
        return cached[1]
    view = scenario.model_dump(mode="json", by_alias=True, include={
        "id", "title", "briefing", "rounds", "phases", "issues", "meters"})
    view["delegations"] = [
        d.model_dump(mode="json", include={"id", "name", "code", "kind", "brief", "absent",
                                           "public_demands"})
        for d in scenario.delegations
    ]
    view["cards"] = [{"id": c.id, "title": c.title, "kind": c.kind} for c in scenario.pressure.cards]
    if len(_PUBLIC_PARTS) > 256:  # scenarios are few; bound the cache all the same
        _PUBLIC_PARTS.clear()
    _PUBLIC_PARTS[id(scenario)] = (scenario, view)
    return view


def facilitator_cards(scenario: Scenario) -> list[dict[str, Any]]:
    """The pressure deck as the facilitator may read it: text, who is told, the effects."""
    return [{"id": c.id, "title": c.title, "kind": c.kind, "text": c.text,
             "told": c.told if c.told == "all" else list(c.told),
             "effects": c.effects.model_dump(mode="json")} for c in scenario.pressure.cards]


def hidden_view(state: Negotiation, delegation: Delegation) -> dict[str, Any]:
    hidden = delegation.hidden
    received = [n.text for n in state.notes if n.kind == "intelligence" and n.to == (delegation.id,)]
    return {
        "delegation": delegation.id,
        "points": hidden.points,
        "commitments": hidden.commitments,
        "red_lines": [r.model_dump(mode="json") for r in hidden.red_lines],
        "reservation": state.reservation[delegation.id],
        "starting_reservation": hidden.reservation,
        "war_cost": state.war_cost[delegation.id],
        "signature_required": delegation.signs,
        "intelligence": [*hidden.intelligence, *received],
    }


def proposal_view(p: Proposal, worth: dict[str, Any] | None = None,
                  worths: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    view = {"id": p.id, "author": p.author, "terms": p.terms, "round": p.round, "amends": p.amends,
            "required": list(p.required), "supporters": sorted(p.supporters),
            "signatures": sorted(p.signatures), "declines": sorted(p.declines),
            "withdrawn": p.withdrawn, "settled": p.settled, "worth": worth}
    if worths is not None:
        view["worths"] = worths
    if p.member is not None:  # a team member tabled it: named (one-person seats' as before)
        view["member"] = p.member
    return view


def worths_of(state: Negotiation, p: Proposal) -> dict[str, dict[str, Any]] | None:
    if p.withdrawn:
        return None
    return {d.id: seat_worth(state, d.id, p) for d in state.scenario.delegations if d.id in state.reservation}


# package_worth is pure in these inputs, and a view is built for every seat on every update:
# each package is valued once per table (who is in play), reservation value and war cost.
# Keyed by scenario object, checked by identity as `_PUBLIC_PARTS` is.
_WORTH: dict[int, tuple[Scenario, dict[tuple[Any, ...], dict[str, Any]]]] = {}


def worth_figure(w: PackageWorth) -> dict[str, Any]:
    """The part of a package's worth a seat's view carries beside each proposal (the reasons
    in full come with `package_worth` on request: they would make every update large)."""
    return {"result": w.result, "margin": w.margin, "reservation": w.reservation,
            "points_on_paper": w.points_on_paper, "points": w.points, "complete": w.complete,
            "durability_included": w.durability_included, "red_lines_crossed": w.red_lines_crossed,
            "red_line_penalty": w.red_line_penalty, "signer_names": w.signer_names,
            "commitment": w.commitment, "war_cost": w.war_cost,
            "absent": [f"{a.issue_title}: {', '.join(a.missing)}" for a in w.absent_clauses]}


def seat_worth(state: Negotiation, delegation: str, p: Proposal) -> dict[str, Any]:
    """`worth_figure` of a proposal for `delegation` now, computed once per distinct input."""
    cached = _WORTH.get(id(state.scenario))
    if cached is None or cached[0] is not state.scenario:
        if len(_WORTH) > 64:
            _WORTH.clear()
        cached = _WORTH[id(state.scenario)] = (state.scenario, {})
    figures = cached[1]
    key = (delegation, tuple(sorted(p.terms.items())), frozenset(state.in_play()),
           state.reservation[delegation], state.war_cost[delegation])
    found = figures.get(key)
    if found is None:
        if len(figures) > 20_000:
            figures.clear()
        found = figures[key] = worth_figure(package_worth(state, delegation, p.terms))
    return found


def interim_view(i: Interim) -> dict[str, Any]:
    return {"proposal": i.proposal, "terms": i.terms, "signatories": list(i.signatories),
            "round": i.round, "until": i.until, "status": i.status, "ended_round": i.ended_round,
            "reason": i.reason}


def note_view(n: Note) -> dict[str, Any]:
    view = {"seq": n.seq, "at": n.at, "kind": n.kind, "sender": n.sender,
            "to": list(n.to) if n.to is not None else None, "text": n.text, "round": n.round}
    if n.member is not None:  # a team member's: named (one-person seats' notes are as before)
        view["member"] = n.member
    return view


def team_view(state: Negotiation, delegation: str) -> dict[str, Any] | None:
    """A team delegation's members (number, name, head or not) and its head's name."""
    team = state.teams.get(delegation)
    if team is None:
        return None
    return {"members": [{"number": n, "name": name, "head": n == team.head}
                        for n, name in sorted(team.members.items())],
            "head": team.head, "head_name": team.head_name()}


def notes_for(state: Negotiation, seat: Seat) -> list[dict[str, Any]]:
    return [note_view(n) for n in state.notes if Visibility.to(n.to).allows(seat)]


def view_for(state: Negotiation, seat: Seat, include_notes: bool = True,
             include_scenario: bool = True, every_worth: bool = False, with_worth: bool = True) -> dict[str, Any]:
    """Everything `seat` may know now, as JSON-ready data.

    A seat's proposals carry their `worth` to it (`worth_figure`). `every_worth`, for the
    facilitator's replay, adds `worths`: every delegation's (the facilitator's view only: it
    would be too large to send on every update). `with_worth=False` leaves every `worth` None:
    for bots in the process, which value packages themselves (server.bots.seat) and never read
    it — computing it was a third of a tournament's time.

    Without `include_scenario`, the view leaves out the public scenario: it only changes when
    the game ends (the historical outcome appears), so a client keeps the one it was sent."""
    s = state
    view: dict[str, Any] = {
        "seat": seat,
        "seq": s.seq,
        "phase": s.phase.value,
        "round": s.round,
        "deadline": s.deadline,
        "paused_remaining": s.paused_remaining,
        "seated": sorted(s.seated),
        "walked_out": sorted(s.walked_out),
        "controllers": dict(sorted(s.controllers.items())),
        "ready": sorted(s.ready),
        "meters": dict(s.meters),
        "proposals": [proposal_view(p, seat_worth(s, seat, p) if with_worth and seat in s.reservation
                                    and not p.withdrawn else None,
                                    worths_of(s, p) if every_worth and seat == FACILITATOR else None)
                      for p in s.proposals.values()],
        "agreement": s.agreement,
        "interims": [interim_view(i) for i in s.interims],
        "pressure": [
            {"round": r.round, "card": r.card, "title": r.title, "kind": r.kind, "text": r.text,
             "injected": r.injected, "meters": r.meters, "war_cost": own_share(r.war_cost, seat)}
            for r in s.pressure if Visibility.to(r.told).allows(seat)
        ],
        "ending": s.ending.model_dump(mode="json", exclude={"visibility"}) if s.ending else None,
        "debrief_open": s.debrief_open,
        "results": {d: r.model_dump(mode="json") for d, r in sorted(s.results.items())
                    if s.debrief_open or Visibility.to((d,)).allows(seat)},
        "you": None,
        "hidden": None,
        "reflection_questions": list(s.questions_for(seat)) if seat and seat != FACILITATOR
        else list(s.reflection_questions),
        "reflections_closed": s.reflections_closed,
    }
    if include_scenario:
        view["scenario"] = public_scenario(s.scenario, s.ended, for_facilitator=seat == FACILITATOR)
    delegation = s.scenario.delegation(seat) if seat and seat != FACILITATOR else None
    if delegation is not None:
        view["you"] = hidden_view(s, delegation)
        team = team_view(s, delegation.id)
        if team is not None:  # only a team's own members learn who is in it and who leads it
            view["team"] = team
    if seat == FACILITATOR:
        view["hidden"] = {d.id: hidden_view(s, d) for d in s.scenario.delegations}
        view["reflections"] = {d: {"author": s.reflection_authors.get(d, ""), "answers": list(a),
                                   "questions": list(s.questions_for(d))}
                               for d, a in sorted(s.reflections.items())}
        for d, by_member in s.member_reflections.items():  # a team's: every member's own answers
            view["reflections"][d]["members"] = [{"author": who, "answers": list(a)}
                                                 for who, a in sorted(by_member.items())]
        if s.teams:
            view["teams"] = {d: team_view(s, d) for d in sorted(s.teams)}
    if include_notes:
        view["notes"] = notes_for(s, seat)
    return view
