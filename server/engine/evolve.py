"""The fold: how each event changes the state. `rebuild(events)` is a whole game.

No rule is checked here — rules are `decide`'s job, and an event in the log has already
happened. Each handler is a few lines, typed on its event's class and registered on `fold`
(`functools.singledispatch`), so mypy checks every field it reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch

from server.engine import events as ev
from server.engine.phases import Phase
from server.engine.state import Interim, Negotiation, Note, NoteKind, PressureRecord, Proposal, Team
from server.scenario.model import Scenario


def initial_state(created: ev.GameCreated) -> Negotiation:
    scenario = Scenario.model_validate(created.scenario)
    return Negotiation(
        scenario=scenario,
        seed=created.seed,
        time_scale=created.time_scale,
        seated=set(created.seated),
        reservation={d.id: d.hidden.reservation for d in scenario.delegations},
        war_cost={d.id: 0.0 for d in scenario.delegations},
        meters={m.id: m.start for m in scenario.meters},
        controllers=dict.fromkeys(created.seated, "human"),
        schedule=created.schedule,
        seq=1,
    )


def rebuild(events: Iterable[ev.EventBase]) -> Negotiation:
    iterator = iter(events)
    first = next(iterator)
    if not isinstance(first, ev.GameCreated):
        raise ValueError("a game's log must begin with game_created")
    state = initial_state(first)
    for event in iterator:
        apply(state, event)
    return state


def apply(state: Negotiation, event: ev.EventBase) -> Negotiation:
    fold(event, state)
    state.seq += 1
    return state


@singledispatch
def fold(event: ev.EventBase, state: Negotiation) -> None:
    raise TypeError(f"no fold for {type(event).__name__}")  # every event class has one below


def _note(state: Negotiation, event: ev.EventBase, kind: NoteKind, sender: str | None,
          to: tuple[str, ...] | None, text: str) -> None:
    state.notes.append(Note(state.seq + 1, event.at, kind, sender, to, text, state.round, event.member))


def note_event(note: Note, visibility: ev.Visibility) -> ev.EventBase | None:
    """The statement, message or announcement that `note` was folded from (its `visibility`
    as logged), or None for a note made otherwise. The inverse of the three folds below, so a
    room's log need not keep such an event beside its note (server/runtime/eventlog.py, which
    keeps the note only when this gives back an equal event). Built without validation: every
    field is the logged event's own."""
    member = note.member
    if note.kind == "statement" and note.sender is not None and note.to is None:
        return ev.StatementMade.model_construct(at=note.at, visibility=visibility, member=member,
                                                delegation=note.sender, text=note.text)
    if note.kind == "message" and note.sender is not None and note.to is not None and len(note.to) == 2:
        return ev.MessageSent.model_construct(at=note.at, visibility=visibility, member=member,
                                              sender=note.sender, to=note.to[1], text=note.text)
    if note.kind == "announcement" and note.to is None:
        return ev.Announced.model_construct(at=note.at, visibility=visibility, member=member, text=note.text)
    return None


@fold.register
def _phase_started(e: ev.PhaseStarted, s: Negotiation) -> None:
    s.phase, s.round, s.deadline, s.paused_remaining = e.phase, e.round, e.deadline, None
    s.ready.clear()
    if e.phase is Phase.RESOLUTION:
        s.rounds_lost += 1  # a resolution phase is a round of war that no agreement stopped
    elif e.phase is Phase.DECISION:
        # Each decision phase is a fresh vote: a package declined last round (when the war
        # cost less) may be signed now.
        for proposal in s.proposals.values():
            proposal.signatures.clear()
            proposal.declines.clear()


@fold.register
def _pressure_drawn(e: ev.PressureDrawn, s: Negotiation) -> None:
    told = None if e.visibility.scope == "public" else e.visibility.seats
    s.pressure.append(PressureRecord(e.round, e.card, e.title, e.kind, e.text, told, e.injected,
                                     dict(e.meters), dict(e.war_cost)))
    s.cards_played.add(e.card)
    _move_meters(s, e.meters)
    for delegation, cost in e.war_cost.items():
        s.war_cost[delegation] += cost


def _move_meters(s: Negotiation, deltas: dict[str, float]) -> None:
    limits = {m.id: m for m in s.scenario.meters}
    for meter, delta in deltas.items():
        s.meters[meter] = min(limits[meter].max, max(limits[meter].min, s.meters[meter] + delta))


@fold.register
def _intelligence(e: ev.IntelligenceReceived, s: Negotiation) -> None:
    _note(s, e, "intelligence", None, (e.delegation,), e.text)


@fold.register
def _reservation_shifted(e: ev.ReservationShifted, s: Negotiation) -> None:
    s.reservation[e.delegation] = e.value


@fold.register
def _war_cost(e: ev.WarCostIncurred, s: Negotiation) -> None:
    for delegation, cost in e.costs.items():
        s.war_cost[delegation] += cost


@fold.register
def _tabled(e: ev.ProposalTabled, s: Negotiation) -> None:
    s.proposals[e.proposal] = Proposal(e.proposal, e.author, dict(e.terms), e.round,
                                       e.required, e.amends, supporters={e.author}, member=e.member)


@fold.register
def _withdrawn(e: ev.ProposalWithdrawn, s: Negotiation) -> None:
    s.proposals[e.proposal].withdrawn = True


@fold.register
def _supported(e: ev.ProposalSupported, s: Negotiation) -> None:
    s.proposals[e.proposal].supporters.add(e.delegation)


@fold.register
def _statement(e: ev.StatementMade, s: Negotiation) -> None:
    _note(s, e, "statement", e.delegation, None, e.text)


@fold.register
def _message(e: ev.MessageSent, s: Negotiation) -> None:
    _note(s, e, "message", e.sender, (e.sender, e.to), e.text)


@fold.register
def _ready(e: ev.ReadyMarked, s: Negotiation) -> None:
    s.ready.add(e.delegation)


@fold.register
def _signed(e: ev.ProposalSigned, s: Negotiation) -> None:
    s.proposals[e.proposal].signatures.add(e.delegation)


@fold.register
def _declined(e: ev.ProposalDeclined, s: Negotiation) -> None:
    s.proposals[e.proposal].declines.add(e.delegation)


@fold.register
def _agreement(e: ev.AgreementSigned, s: Negotiation) -> None:
    s.agreement = e.proposal


@fold.register
def _interim_agreed(e: ev.InterimAgreed, s: Negotiation) -> None:
    s.proposals[e.proposal].settled = True
    s.interims.append(Interim(e.proposal, dict(e.terms), e.signatories, e.round, e.until))
    _move_meters(s, e.meters)


@fold.register
def _interim_collapsed(e: ev.InterimCollapsed, s: Negotiation) -> None:
    interim = next(i for i in s.interims if i.proposal == e.proposal)
    interim.status, interim.ended_round, interim.reason = "collapsed", e.round, e.reason


@fold.register
def _walked_out(e: ev.WalkedOut, s: Negotiation) -> None:
    s.walked_out.add(e.delegation)


@fold.register
def _paused(e: ev.TimerPaused, s: Negotiation) -> None:
    s.paused_remaining, s.deadline = e.remaining if e.remaining is not None else 0.0, None


@fold.register
def _resumed(e: ev.TimerResumed, s: Negotiation) -> None:
    s.paused_remaining, s.deadline = None, e.deadline


@fold.register
def _extended(e: ev.TimerExtended, s: Negotiation) -> None:
    if s.paused:
        s.paused_remaining = e.remaining
    else:
        s.deadline = e.deadline


@fold.register
def _announced(e: ev.Announced, s: Negotiation) -> None:
    _note(s, e, "announcement", "facilitator", None, e.text)


@fold.register
def _seated(e: ev.DelegationSeated, s: Negotiation) -> None:
    s.seated.add(e.delegation)
    s.controllers.setdefault(e.delegation, "human")


@fold.register
def _unseated(e: ev.DelegationUnseated, s: Negotiation) -> None:
    s.seated.discard(e.delegation)
    s.ready.discard(e.delegation)
    for proposal in s.proposals.values():  # a signature from someone not at the table is none
        proposal.signatures.discard(e.delegation)
        proposal.declines.discard(e.delegation)


@fold.register
def _signers_changed(e: ev.SignersChanged, s: Negotiation) -> None:
    s.proposals[e.proposal].required = e.required


@fold.register
def _controller(e: ev.ControllerChanged, s: Negotiation) -> None:
    s.controllers[e.delegation] = e.controller


@fold.register
def _ended(e: ev.GameEnded, s: Negotiation) -> None:
    s.phase, s.deadline, s.paused_remaining, s.ending = Phase.ENDED, None, None, e
    if e.terms is not None:  # a political settlement: the interim agreements are part of it now
        for interim in s.holding_interims():
            interim.status, interim.ended_round = "superseded", s.round


@fold.register
def _scored(e: ev.ResultScored, s: Negotiation) -> None:
    s.results[e.result.delegation] = e.result


@fold.register
def _debrief(e: ev.DebriefOpened, s: Negotiation) -> None:
    s.debrief_open = True
    s.results.update({r.delegation: r for r in e.results})
    s.reflection_questions, s.delegation_questions = e.questions, dict(e.delegation_questions)


@fold.register
def _reflection(e: ev.ReflectionSubmitted, s: Negotiation) -> None:
    s.reflections[e.delegation] = e.answers
    s.reflection_authors[e.delegation] = e.author
    if e.delegation in s.teams:
        s.member_reflections.setdefault(e.delegation, {})[e.author] = e.answers


@fold.register
def _reflections_closed(e: ev.ReflectionsClosed, s: Negotiation) -> None:
    s.reflections_closed = True


@fold.register
def _member_joined(e: ev.MemberJoined, s: Negotiation) -> None:
    s.teams.setdefault(e.delegation, Team()).members[e.number] = e.name


@fold.register
def _head_changed(e: ev.HeadChanged, s: Negotiation) -> None:
    team = s.teams.setdefault(e.delegation, Team())
    team.members.setdefault(e.number, e.name)
    team.head = e.number


@fold.register
def _team_message(e: ev.TeamMessageSent, s: Negotiation) -> None:
    _note(s, e, "team", e.delegation, (e.delegation,), e.text)



@fold.register
def _created(e: ev.GameCreated, s: Negotiation) -> None:
    raise ValueError("game_created may only begin a log")
