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
from server.engine.view_models import (
    CardView,
    EndingView,
    InterimView,
    MemberReflection,
    NoteView,
    PressureView,
    ProposalView,
    PublicDelegation,
    PublicScenario,
    ReflectionView,
    SeatView,
    TeamMemberView,
    TeamView,
    WorthFigure,
    YouView,
)
from server.engine.worth import PackageWorth, package_worth
from server.scenario.model import Delegation, Scenario

Seat = str | None  # a delegation id, FACILITATOR, or None for an observer

# Views are built with `model_construct`: from the engine's own typed state (mypy's pydantic
# plugin checks every argument's type), on every update for every seat, where validating it all
# again made building a view about 4x slower. Clients validate what they receive (wire.parse_server).

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


def public_scenario(scenario: Scenario, ended: bool, for_facilitator: bool = False) -> PublicScenario:
    """The scenario as every seat may read it; the historical outcome once the game is over;
    for the facilitator, what each card does and to whom (the console's inject list).

    Built once per scenario object and kind: it is most of a view, views are built on every
    update, and it is dumped once per object (`dump_view`) and encoded once per dump
    (server/net/frames.py)."""
    key = (id(scenario), ended, for_facilitator)
    cached = _SCENARIO_VIEWS.get(key)
    if cached is not None and cached[0] is scenario:
        return cached[1]
    view = PublicScenario.model_construct(
        id=scenario.id, title=scenario.title, briefing=scenario.briefing, rounds=scenario.rounds,
        phases=scenario.phases, issues=list(scenario.issues), meters=list(scenario.meters),
        delegations=[PublicDelegation.model_construct(
            id=d.id, name=d.name, code=d.code, kind=d.kind, brief=d.brief, public_demands=list(d.public_demands),
            absent=d.absent) for d in scenario.delegations],
        cards=facilitator_cards(scenario) if for_facilitator else
        [CardView.model_construct(id=c.id, title=c.title, kind=c.kind) for c in scenario.pressure.cards],
        history=scenario.history if ended else None)
    if len(_SCENARIO_VIEWS) > 256:  # scenarios are few; bound the cache all the same
        _SCENARIO_VIEWS.clear()
    _SCENARIO_VIEWS[key] = (scenario, view)
    return view


_SCENARIO_VIEWS: dict[tuple[int, bool, bool], tuple[Scenario, PublicScenario]] = {}


def facilitator_cards(scenario: Scenario) -> list[CardView]:
    """The pressure deck as the facilitator may read it: text, who is told, the effects."""
    return [CardView.model_construct(id=c.id, title=c.title, kind=c.kind, text=c.text,
                                     told=c.told if c.told == "all" else list(c.told), effects=c.effects)
            for c in scenario.pressure.cards]


def dump_view(view: SeatView) -> dict[str, Any]:
    """`view` as JSON-ready data, as the wire carries it (the frames compare and encode it key by
    key: server/net/frames.py). The parts that are the same objects from view to view (the
    public scenario, most of a view; the proposals, see `proposal_view`) are dumped once per
    object: the same dicts each time."""
    dumped = view.model_dump(mode="json", exclude=_DUMPED_ONCE)
    whole: dict[str, Any] = {}
    for key, value in dumped.items():
        whole[key] = value
        if key == "meters":  # SeatView's own order: the proposals follow the meters
            whole["proposals"] = [_dumped_once(p) for p in view.proposals]
        elif key == "reflections_closed" and view.scenario is not None:  # and the scenario these
            whole["scenario"] = _dumped_once(view.scenario)
    return whole


_DUMPED_ONCE = {"scenario", "proposals"}
_DUMPS: dict[int, tuple[PublicScenario | ProposalView, dict[str, Any]]] = {}


def _dumped_once(part: PublicScenario | ProposalView) -> dict[str, Any]:
    cached = _DUMPS.get(id(part))
    if cached is None or cached[0] is not part:
        if len(_DUMPS) > 20_000:
            _DUMPS.clear()
        cached = _DUMPS[id(part)] = (part, part.model_dump(mode="json"))
    return cached[1]


def hidden_view(state: Negotiation, delegation: Delegation) -> YouView:
    hidden = delegation.hidden
    received = [n.text for n in state.notes if n.kind == "intelligence" and n.to == (delegation.id,)]
    return YouView.model_construct(
        delegation=delegation.id, points=hidden.points, commitments=hidden.commitments,
        red_lines=list(hidden.red_lines), reservation=state.reservation[delegation.id],
        starting_reservation=hidden.reservation, war_cost=state.war_cost[delegation.id],
        signature_required=delegation.signs, intelligence=[*hidden.intelligence, *received])


def proposal_view(p: Proposal, worth: WorthFigure | None = None,
                  worths: dict[str, WorthFigure] | None = None) -> ProposalView:
    """A proposal as a seat sees it, with its `worth` to that seat. The same proposal in the same
    state with the same figure is one object (most proposals stay as they are for many updates,
    and every seat's view is built on every update)."""
    key = (p.id, p.author, tuple(p.terms.items()), p.round, p.amends, p.required, frozenset(p.supporters),
           frozenset(p.signatures), frozenset(p.declines), p.withdrawn, p.settled, p.member, id(worth))
    found = _PROPOSALS.get(key) if worths is None else None
    if found is not None and found[0] is worth:
        return found[1]
    # a team member tabled it: `member` names them (one-person seats' proposals have no such key)
    view = ProposalView.model_construct(
        id=p.id, author=p.author, terms=dict(p.terms), round=p.round, amends=p.amends, required=list(p.required),
        supporters=sorted(p.supporters), signatures=sorted(p.signatures), declines=sorted(p.declines),
        withdrawn=p.withdrawn, settled=p.settled, worth=worth, worths=worths, member=p.member)
    if worths is None:
        if len(_PROPOSALS) > 20_000:
            _PROPOSALS.clear()
        _PROPOSALS[key] = (worth, view)
    return view


_PROPOSALS: dict[tuple[Any, ...], tuple[WorthFigure | None, ProposalView]] = {}


def worths_of(state: Negotiation, p: Proposal) -> dict[str, WorthFigure] | None:
    if p.withdrawn:
        return None
    return {d.id: seat_worth(state, d.id, p) for d in state.scenario.delegations if d.id in state.reservation}


# package_worth is pure in these inputs, and a view is built for every seat on every update:
# each package is valued once per table (who is in play), reservation value and war cost.
# Keyed by scenario object, checked by identity as `_PUBLIC_PARTS` is.
_WORTH: dict[int, tuple[Scenario, dict[tuple[Any, ...], WorthFigure]]] = {}


def worth_figure(w: PackageWorth) -> WorthFigure:
    """The part of a package's worth a seat's view carries beside each proposal (the reasons
    in full come with `package_worth` on request: they would make every update large)."""
    return WorthFigure.model_construct(
        result=w.result, margin=w.margin, reservation=w.reservation, points_on_paper=w.points_on_paper,
        points=w.points, complete=w.complete, durability_included=w.durability_included,
        red_lines_crossed=w.red_lines_crossed, red_line_penalty=w.red_line_penalty, signer_names=w.signer_names,
        commitment=w.commitment, war_cost=w.war_cost,
        absent=[f"{a.issue_title}: {', '.join(a.missing)}" for a in w.absent_clauses])


def seat_worth(state: Negotiation, delegation: str, p: Proposal) -> WorthFigure:
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


def interim_view(i: Interim) -> InterimView:
    return InterimView.model_construct(proposal=i.proposal, terms=i.terms, signatories=list(i.signatories),
                                       round=i.round, until=i.until, status=i.status, ended_round=i.ended_round,
                                       reason=i.reason)


def note_view(n: Note) -> NoteView:
    # a team member's note names them in `member` (one-person seats' notes have no such key)
    return NoteView.model_construct(seq=n.seq, at=n.at, kind=n.kind, sender=n.sender,
                                    to=list(n.to) if n.to is not None else None, text=n.text, round=n.round,
                                    member=n.member)


def team_view(state: Negotiation, delegation: str) -> TeamView | None:
    """A team delegation's members (number, name, head or not) and its head's name."""
    team = state.teams.get(delegation)
    if team is None:
        return None
    return TeamView.model_construct(
        members=[TeamMemberView.model_construct(number=n, name=name, head=n == team.head)
                 for n, name in sorted(team.members.items())],
        head=team.head, head_name=team.head_name())


def notes_for(state: Negotiation, seat: Seat) -> list[NoteView]:
    return [note_view(n) for n in state.notes if Visibility.to(n.to).allows(seat)]


def view_for(state: Negotiation, seat: Seat, include_notes: bool = True,
             include_scenario: bool = True, every_worth: bool = False, with_worth: bool = True) -> SeatView:
    """Everything `seat` may know now (`dump_view` makes it the JSON the wire carries).

    A seat's proposals carry their `worth` to it (`worth_figure`). `every_worth`, for the
    facilitator's replay, adds `worths`: every delegation's (the facilitator's view only: it
    would be too large to send on every update). `with_worth=False` leaves every `worth` None:
    for bots in the process, which value packages themselves (server.bots.seat) and never read
    it — computing it was a third of a tournament's time.

    Without `include_scenario`, the view leaves out the public scenario: it only changes when
    the game ends (the historical outcome appears), so a client keeps the one it was sent."""
    s = state
    delegation = s.scenario.delegation(seat) if seat and seat != FACILITATOR else None
    facilitator = seat == FACILITATOR
    reflections = None
    if facilitator:
        reflections = {d: ReflectionView.model_construct(
            author=s.reflection_authors.get(d, ""), answers=list(a), questions=list(s.questions_for(d)),
            members=[MemberReflection.model_construct(author=who, answers=list(by))  # a team's: each member's
                     for who, by in sorted(s.member_reflections[d].items())] if d in s.member_reflections else None)
            for d, a in sorted(s.reflections.items())}
    return SeatView.model_construct(
        seat=seat,
        seq=s.seq,
        phase=s.phase,
        round=s.round,
        deadline=s.deadline,
        paused_remaining=s.paused_remaining,
        seated=sorted(s.seated),
        walked_out=sorted(s.walked_out),
        controllers=dict(sorted(s.controllers.items())),
        ready=sorted(s.ready),
        meters=dict(s.meters),
        proposals=[proposal_view(p, seat_worth(s, seat, p) if with_worth and seat in s.reservation
                                 and not p.withdrawn else None,
                                 worths_of(s, p) if every_worth and facilitator else None)
                   for p in s.proposals.values()],
        agreement=s.agreement,
        interims=[interim_view(i) for i in s.interims],
        pressure=[PressureView.model_construct(round=r.round, card=r.card, title=r.title, kind=r.kind, text=r.text,
                                               injected=r.injected, meters=r.meters,
                                               war_cost=own_share(r.war_cost, seat))
                  for r in s.pressure if Visibility.to(r.told).allows(seat)],
        ending=EndingView.model_construct(**dict(s.ending)) if s.ending else None,
        debrief_open=s.debrief_open,
        results={d: r for d, r in sorted(s.results.items()) if s.debrief_open or Visibility.to((d,)).allows(seat)},
        you=hidden_view(s, delegation) if delegation is not None else None,
        hidden={d.id: hidden_view(s, d) for d in s.scenario.delegations} if facilitator else None,
        reflection_questions=list(s.questions_for(seat)) if seat and not facilitator else list(s.reflection_questions),
        reflections_closed=s.reflections_closed,
        scenario=public_scenario(s.scenario, s.ended, for_facilitator=facilitator) if include_scenario else None,
        # only a team's own members learn who is in it and who leads it
        team=team_view(s, delegation.id) if delegation is not None else None,
        reflections=reflections,
        teams={d: t for d in sorted(s.teams) if (t := team_view(s, d)) is not None} if facilitator and s.teams
        else None,
        notes=notes_for(s, seat) if include_notes else None,
    )
