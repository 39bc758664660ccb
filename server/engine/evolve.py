"""The fold: how each event changes the state. `rebuild(events)` is a whole game.

No rule is checked here — rules are `decide`'s job, and an event in the log has already
happened. Each handler is a few lines, found by the event's `type`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from server.engine import events as ev
from server.engine.phases import Phase
from server.engine.state import Negotiation, Note, PressureRecord, Proposal
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
        controllers={d: "human" for d in created.seated},
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
    _HANDLERS[event.type](state, event)
    state.seq += 1
    return state


def _note(state: Negotiation, event: ev.EventBase, kind: str, sender: str | None,
          to: tuple[str, ...] | None, text: str) -> None:
    state.notes.append(Note(state.seq + 1, event.at, kind, sender, to, text, state.round))


def _phase_started(s: Negotiation, e: ev.PhaseStarted) -> None:
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


def _pressure_drawn(s: Negotiation, e: ev.PressureDrawn) -> None:
    told = None if e.visibility.scope == "public" else e.visibility.seats
    s.pressure.append(PressureRecord(e.round, e.card, e.title, e.kind, e.text, told, e.injected,
                                     dict(e.meters), dict(e.war_cost)))
    s.cards_played.add(e.card)
    limits = {m.id: m for m in s.scenario.meters}
    for meter, delta in e.meters.items():
        s.meters[meter] = min(limits[meter].max, max(limits[meter].min, s.meters[meter] + delta))
    for delegation, cost in e.war_cost.items():
        s.war_cost[delegation] += cost


def _intelligence(s: Negotiation, e: ev.IntelligenceReceived) -> None:
    _note(s, e, "intelligence", None, (e.delegation,), e.text)


def _reservation_shifted(s: Negotiation, e: ev.ReservationShifted) -> None:
    s.reservation[e.delegation] = e.value


def _war_cost(s: Negotiation, e: ev.WarCostIncurred) -> None:
    for delegation, cost in e.costs.items():
        s.war_cost[delegation] += cost


def _tabled(s: Negotiation, e: ev.ProposalTabled) -> None:
    s.proposals[e.proposal] = Proposal(e.proposal, e.author, dict(e.terms), e.round,
                                       e.required, e.amends, supporters={e.author})


def _withdrawn(s: Negotiation, e: ev.ProposalWithdrawn) -> None:
    s.proposals[e.proposal].withdrawn = True


def _supported(s: Negotiation, e: ev.ProposalSupported) -> None:
    s.proposals[e.proposal].supporters.add(e.delegation)


def _statement(s: Negotiation, e: ev.StatementMade) -> None:
    _note(s, e, "statement", e.delegation, None, e.text)


def _message(s: Negotiation, e: ev.MessageSent) -> None:
    _note(s, e, "message", e.sender, (e.sender, e.to), e.text)


def _ready(s: Negotiation, e: ev.ReadyMarked) -> None:
    s.ready.add(e.delegation)


def _signed(s: Negotiation, e: ev.ProposalSigned) -> None:
    s.proposals[e.proposal].signatures.add(e.delegation)


def _declined(s: Negotiation, e: ev.ProposalDeclined) -> None:
    s.proposals[e.proposal].declines.add(e.delegation)


def _agreement(s: Negotiation, e: ev.AgreementSigned) -> None:
    s.agreement = e.proposal


def _walked_out(s: Negotiation, e: ev.WalkedOut) -> None:
    s.walked_out.add(e.delegation)


def _paused(s: Negotiation, e: ev.TimerPaused) -> None:
    s.paused_remaining, s.deadline = e.remaining if e.remaining is not None else 0.0, None


def _resumed(s: Negotiation, e: ev.TimerResumed) -> None:
    s.paused_remaining, s.deadline = None, e.deadline


def _extended(s: Negotiation, e: ev.TimerExtended) -> None:
    if s.paused:
        s.paused_remaining = e.remaining
    else:
        s.deadline = e.deadline


def _announced(s: Negotiation, e: ev.Announced) -> None:
    _note(s, e, "announcement", "facilitator", None, e.text)


def _seated(s: Negotiation, e: ev.DelegationSeated) -> None:
    s.seated.add(e.delegation)
    s.controllers.setdefault(e.delegation, "human")


def _unseated(s: Negotiation, e: ev.DelegationUnseated) -> None:
    s.seated.discard(e.delegation)
    s.ready.discard(e.delegation)
    for proposal in s.proposals.values():  # a signature from someone not at the table is none
        proposal.signatures.discard(e.delegation)
        proposal.declines.discard(e.delegation)


def _signers_changed(s: Negotiation, e: ev.SignersChanged) -> None:
    s.proposals[e.proposal].required = e.required


def _controller(s: Negotiation, e: ev.ControllerChanged) -> None:
    s.controllers[e.delegation] = e.controller


def _ended(s: Negotiation, e: ev.GameEnded) -> None:
    s.phase, s.deadline, s.paused_remaining, s.ending = Phase.ENDED, None, None, e


def _scored(s: Negotiation, e: ev.ResultScored) -> None:
    s.results[e.result.delegation] = e.result


def _debrief(s: Negotiation, e: ev.DebriefOpened) -> None:
    s.debrief_open = True
    s.results.update({r.delegation: r for r in e.results})
    s.reflection_questions, s.delegation_questions = e.questions, dict(e.delegation_questions)


def _reflection(s: Negotiation, e: ev.ReflectionSubmitted) -> None:
    s.reflections[e.delegation] = e.answers
    s.reflection_authors[e.delegation] = e.author


def _reflections_closed(s: Negotiation, e: ev.ReflectionsClosed) -> None:
    s.reflections_closed = True


def _never(s: Negotiation, e: ev.EventBase) -> None:
    raise ValueError("game_created may only begin a log")


_HANDLERS: dict[str, Callable[[Negotiation, Any], None]] = {
    "game_created": _never,
    "phase_started": _phase_started,
    "pressure_drawn": _pressure_drawn,
    "intelligence_received": _intelligence,
    "reservation_shifted": _reservation_shifted,
    "war_cost_incurred": _war_cost,
    "proposal_tabled": _tabled,
    "proposal_withdrawn": _withdrawn,
    "proposal_supported": _supported,
    "statement_made": _statement,
    "message_sent": _message,
    "ready_marked": _ready,
    "proposal_signed": _signed,
    "proposal_declined": _declined,
    "agreement_signed": _agreement,
    "walked_out": _walked_out,
    "timer_paused": _paused,
    "timer_resumed": _resumed,
    "timer_extended": _extended,
    "announced": _announced,
    "delegation_seated": _seated,
    "delegation_unseated": _unseated,
    "signers_changed": _signers_changed,
    "controller_changed": _controller,
    "game_ended": _ended,
    "result_scored": _scored,
    "debrief_opened": _debrief,
    "reflection_submitted": _reflection,
    "reflections_closed": _reflections_closed,
}
