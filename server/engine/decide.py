"""Deciding: given the state and a command, which events happen.

`handle(state, command)` first checks every rule (raising `RuleViolation` with nothing
changed), then *emits* events through an `Outbox`, which applies each one to the state at
once so that what follows sees it — a ready mark that completes the phase, say, goes on to
start the next phase and draw its pressure cards in the same call. The events returned are
exactly those the state absorbed, so folding them again (`evolve.rebuild`) gives the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.engine import commands as cmd
from server.engine import events as ev
from server.engine.evolve import apply
from server.engine.outcome import ending_events
from server.engine.phases import TIMED_PHASES, Phase, Trigger, next_phase
from server.engine.pressure import card_events, draw_cards, resolution_events
from server.engine.rules import RuleViolation
from server.engine.scoring import required_signatories
from server.engine.state import Negotiation, Proposal


class Outbox:
    """Applies each emitted event to the state and keeps it for the caller."""

    def __init__(self, state: Negotiation) -> None:
        self.state = state
        self.events: list[ev.EventBase] = []

    def emit(self, *events: ev.EventBase) -> None:
        for event in events:
            apply(self.state, event)
            self.events.append(event)


class Call:
    """A command with who asked for it and when: what every decider works from."""

    __slots__ = ("command", "actor", "at")

    def __init__(self, command: cmd.CommandBase, actor: str, at: float) -> None:
        self.command, self.actor, self.at = command, actor, at

    def __getattr__(self, name: str) -> Any:
        return getattr(self.command, name)


def handle(state: Negotiation, command: cmd.CommandBase, actor: str, at: float) -> list[ev.EventBase]:
    """Apply `command` by `actor` at time `at`; return the events. Raises RuleViolation, changing nothing."""
    kind: str = command.type  # type: ignore[attr-defined]
    _check_actor(state, kind, actor)
    if state.ended and kind not in ("open_debrief", "announce", "tick", "submit_reflection",
                                    "close_reflections"):
        raise RuleViolation("game_over", "The game has ended; no more moves can be made.")
    out = Outbox(state)
    _DECIDERS[kind](out, Call(command, actor, at))
    if kind in cmd.SEAT_COMMANDS or kind == "tick":
        _finish_phase_if_done(out, at)
    return out.events


# ---------------------------------------------------------------- who may act


def _check_actor(state: Negotiation, kind: str, actor: str) -> None:
    if kind == "tick":
        if actor != cmd.CLOCK:
            raise RuleViolation("not_your_seat", "Only the server's clock may tick.")
    elif kind in cmd.FACILITATOR_COMMANDS:
        if actor != cmd.FACILITATOR:
            raise RuleViolation("not_facilitator", f"Only the facilitator may {kind.replace('_', ' ')}.")
    elif state.scenario.delegation(actor) is None:
        raise RuleViolation("not_your_seat", f"{actor!r} is not a delegation of this game.")
    elif kind == "submit_reflection":
        if actor not in state.seated | state.walked_out:
            raise RuleViolation("not_seated", f"{actor} did not play this game.")
    elif actor not in state.in_play():
        raise RuleViolation("not_seated", f"{actor} is not at the table.")


def _require_phase(state: Negotiation, *phases: Phase) -> None:
    if state.phase not in phases:
        allowed = " or ".join(p.value for p in phases)
        raise RuleViolation("wrong_phase", f"That is only allowed in the {allowed} phase, not in {state.phase.value}.")


def _require_running(state: Negotiation) -> None:
    if state.paused:
        raise RuleViolation("paused", "The facilitator has paused the game; wait for it to resume.")


def _proposal(state: Negotiation, proposal_id: str) -> Proposal:
    proposal = state.proposals.get(proposal_id)
    if proposal is None:
        raise RuleViolation("unknown_proposal", f"There is no proposal {proposal_id!r} on the table.")
    if proposal.withdrawn:
        raise RuleViolation("proposal_withdrawn", f"Proposal {proposal_id} has been withdrawn.")
    return proposal


def _check_terms(state: Negotiation, terms: dict[str, str]) -> None:
    for issue_id, option_id in terms.items():
        issue = state.scenario.issue(issue_id)
        if issue is None:
            raise RuleViolation("unknown_issue", f"There is no issue {issue_id!r} on the agenda.")
        if issue.option(option_id) is None:
            raise RuleViolation("unknown_option", f"Issue {issue_id!r} has no option {option_id!r}.")


# ---------------------------------------------------------------- seat commands


def _table(out: Outbox, c: Call) -> None:
    s = out.state
    _require_phase(s, Phase.NEGOTIATION)
    _require_running(s)
    _check_terms(s, c.terms)
    if c.amends is not None:
        _proposal(s, c.amends)
    ordered = {i.id: c.terms[i.id] for i in s.scenario.issues if i.id in c.terms}
    required = tuple(sorted(required_signatories(s.scenario, ordered, s.in_play())))
    out.emit(ev.ProposalTabled(at=c.at, proposal=f"P{len(s.proposals) + 1}", author=c.actor,
                               terms=ordered, amends=c.amends, round=s.round, required=required))


def _withdraw(out: Outbox, c: Call) -> None:
    _require_phase(out.state, Phase.NEGOTIATION)
    proposal = _proposal(out.state, c.proposal)
    if proposal.author != c.actor:
        raise RuleViolation("not_your_proposal", f"Only {proposal.author} may withdraw {proposal.id}.")
    out.emit(ev.ProposalWithdrawn(at=c.at, proposal=proposal.id, delegation=c.actor))


def _support(out: Outbox, c: Call) -> None:
    _require_phase(out.state, Phase.NEGOTIATION)
    _require_running(out.state)
    proposal = _proposal(out.state, c.proposal)
    if c.actor in proposal.supporters:
        raise RuleViolation("already_supported", f"{c.actor} already supports {proposal.id}.")
    out.emit(ev.ProposalSupported(at=c.at, proposal=proposal.id, delegation=c.actor))


def _statement(out: Outbox, c: Call) -> None:
    out.emit(ev.StatementMade(at=c.at, delegation=c.actor, text=c.text))


def _message(out: Outbox, c: Call) -> None:
    if c.to == c.actor or c.to not in out.state.seated:
        raise RuleViolation("unknown_delegation", f"{c.to!r} is not another delegation at the table.")
    out.emit(ev.MessageSent(at=c.at, sender=c.actor, to=c.to, text=c.text,
                            visibility=ev.only(c.actor, c.to)))


def _ready(out: Outbox, c: Call) -> None:
    _require_phase(out.state, *TIMED_PHASES)
    if c.actor in out.state.ready:
        raise RuleViolation("already_ready", f"{c.actor} is already marked ready.")
    out.emit(ev.ReadyMarked(at=c.at, delegation=c.actor))


def _vote_target(out: Outbox, actor: str, proposal_id: str) -> Proposal:
    s = out.state
    _require_phase(s, Phase.DECISION)
    _require_running(s)
    proposal = _proposal(s, proposal_id)
    if not proposal.is_complete(s.scenario):
        raise RuleViolation("incomplete_proposal", f"{proposal.id} leaves issues open; only complete proposals are signed.")
    if actor not in proposal.required:
        raise RuleViolation("not_signatory", f"{actor}'s signature is not needed on {proposal.id}.")
    if actor in proposal.votes_cast():
        raise RuleViolation("already_voted", f"{actor} has already voted on {proposal.id}.")
    return proposal


def _sign(out: Outbox, c: Call) -> None:
    proposal = _vote_target(out, c.actor, c.proposal)
    out.emit(ev.ProposalSigned(at=c.at, proposal=proposal.id, delegation=c.actor))
    _agree_if_signed(out, c.at)


def _agree_if_signed(out: Outbox, at: float) -> None:
    """In a decision phase, the first complete proposal every required signer has signed is
    the agreement: checked after each signature and after each change of the table."""
    s = out.state
    if s.phase is not Phase.DECISION or s.paused:
        return
    for proposal in s.signable_proposals():
        if proposal.required and set(proposal.required) <= proposal.signatures:
            out.emit(ev.AgreementSigned(at=at, proposal=proposal.id, terms=proposal.terms,
                                        signatories=tuple(sorted(proposal.signatures))))
            _end(out, at, Trigger.AGREEMENT, "agreement")
            return


def _table_changed(out: Outbox, at: float) -> None:
    """Signatures follow the table: recompute every open proposal's signers, then see
    whether one is now fully signed (a signer who left may have been the last one missing)."""
    s = out.state
    for proposal in s.open_proposals():
        required = tuple(sorted(required_signatories(s.scenario, proposal.terms, s.in_play())))
        if required != proposal.required:
            out.emit(ev.SignersChanged(at=at, proposal=proposal.id, required=required))
    _agree_if_signed(out, at)


def _decline(out: Outbox, c: Call) -> None:
    proposal = _vote_target(out, c.actor, c.proposal)
    out.emit(ev.ProposalDeclined(at=c.at, proposal=proposal.id, delegation=c.actor))


def _walk_out(out: Outbox, c: Call) -> None:
    _require_phase(out.state, *TIMED_PHASES)
    out.emit(ev.WalkedOut(at=c.at, delegation=c.actor))
    delegation = out.state.scenario.delegation(c.actor)
    if delegation is not None and delegation.kind == "party":
        _end(out, c.at, Trigger.WALKOUT, "walkout")
    else:
        _table_changed(out, c.at)


# ---------------------------------------------------------------- facilitator commands


def _start(out: Outbox, c: Call) -> None:
    _require_phase(out.state, Phase.LOBBY)
    _enter(out, next_phase(Phase.LOBBY, Trigger.START), c.at)


def _pause(out: Outbox, c: Call) -> None:
    s = out.state
    _require_phase(s, *TIMED_PHASES)
    if s.paused:
        raise RuleViolation("already_paused", "The timer is already paused.")
    remaining = None if s.deadline is None else max(0.0, s.deadline - c.at)
    out.emit(ev.TimerPaused(at=c.at, remaining=remaining))


def _resume(out: Outbox, c: Call) -> None:
    s = out.state
    if not s.paused:
        raise RuleViolation("not_paused", "The timer is not paused.")
    out.emit(ev.TimerResumed(at=c.at, deadline=c.at + (s.paused_remaining or 0.0)))


def _extend(out: Outbox, c: Call) -> None:
    s = out.state
    _require_phase(s, *TIMED_PHASES)
    if s.paused:
        remaining, deadline = (s.paused_remaining or 0.0) + c.seconds, None
    else:
        remaining, deadline = None, max(s.deadline or c.at, c.at) + c.seconds
    out.emit(ev.TimerExtended(at=c.at, seconds=c.seconds, deadline=deadline, remaining=remaining))


def _advance(out: Outbox, c: Call) -> None:
    _require_phase(out.state, *TIMED_PHASES)
    _finish_phase(out, c.at)


def _inject(out: Outbox, c: Call) -> None:
    s = out.state
    _require_phase(s, *TIMED_PHASES)
    card = next((k for k in s.scenario.pressure.cards if k.id == c.card), None)
    if card is None:
        raise RuleViolation("unknown_card", f"The pressure deck has no card {c.card!r}.")
    out.emit(*card_events(s, card, c.at, injected=True))


def _announce(out: Outbox, c: Call) -> None:
    out.emit(ev.Announced(at=c.at, text=c.text))


def _end_game(out: Outbox, c: Call) -> None:
    _end(out, c.at, Trigger.END, "facilitator")


def _seat(out: Outbox, c: Call) -> None:
    s = out.state
    if s.scenario.delegation(c.delegation) is None:
        raise RuleViolation("unknown_delegation", f"There is no delegation {c.delegation!r}.")
    if c.delegation in s.seated:
        raise RuleViolation("already_seated", f"{c.delegation} is already at the table.")
    out.emit(ev.DelegationSeated(at=c.at, delegation=c.delegation))
    _table_changed(out, c.at)


def _unseat(out: Outbox, c: Call) -> None:
    s = out.state
    delegation = s.scenario.delegation(c.delegation)
    if delegation is None:
        raise RuleViolation("unknown_delegation", f"There is no delegation {c.delegation!r}.")
    if c.delegation not in s.seated:
        raise RuleViolation("not_seated", f"{delegation.name} is not at the table.")
    if delegation.kind == "party":
        raise RuleViolation("party_cannot_be_unseated",
                            f"{delegation.name} is a party; it leaves the table only by walking out.")
    out.emit(ev.DelegationUnseated(at=c.at, delegation=c.delegation))
    _table_changed(out, c.at)


def _set_controller(out: Outbox, c: Call) -> None:
    if c.delegation not in out.state.seated:
        raise RuleViolation("not_seated", f"{c.delegation} is not at the table.")
    # Who plays a seat is public (every view shows it); which strategy a bot plays is not.
    out.emit(ev.ControllerChanged(at=c.at, delegation=c.delegation, controller=c.controller,
                                  strategy=c.strategy if c.controller == "bot" else None,
                                  visibility=ev.FACILITATOR_ONLY))


def _open_debrief(out: Outbox, c: Call) -> None:
    s = out.state
    if not s.ended:
        raise RuleViolation("game_not_over", "The debrief opens once the game has ended.")
    if s.debrief_open:
        raise RuleViolation("debrief_open", "The debrief is already open.")
    out.emit(ev.DebriefOpened(at=c.at, results=[s.results[d] for d in sorted(s.results)],
                              questions=c.questions, delegation_questions=dict(c.delegation_questions)))


def _reflect(out: Outbox, c: Call) -> None:
    s = out.state
    if not s.debrief_open:
        raise RuleViolation("debrief_not_open", "Reflections open with the debrief; wait for the facilitator.")
    if s.reflections_closed:
        raise RuleViolation("reflections_closed", "The facilitator has closed the class: reflections can "
                                                  "no longer be changed.")
    questions = s.questions_for(c.actor)
    if not questions:
        raise RuleViolation("no_questions", "The facilitator asked no reflection questions.")
    if len(c.answers) != len(questions):
        raise RuleViolation("wrong_answers", f"There are {len(questions)} questions; "
                                             f"{len(c.answers)} answers were sent.")
    if not any(a.strip() for a in c.answers):
        raise RuleViolation("empty_reflection", "Write at least one answer before handing in.")
    out.emit(ev.ReflectionSubmitted(at=c.at, delegation=c.actor, author=c.author,
                                    answers=tuple(a.strip() for a in c.answers)))


def _close_reflections(out: Outbox, c: Call) -> None:
    s = out.state
    if not s.debrief_open:
        raise RuleViolation("debrief_not_open", "Reflections open with the debrief, which is not open yet.")
    if s.reflections_closed:
        raise RuleViolation("reflections_closed", "Reflections are already closed.")
    out.emit(ev.ReflectionsClosed(at=c.at))


def _tick(out: Outbox, c: Call) -> None:
    """Nothing of its own: `handle` checks the deadline after every tick."""


# ---------------------------------------------------------------- phase changes


def _phase_done(state: Negotiation, at: float) -> bool:
    if state.phase not in TIMED_PHASES or state.paused:
        return False
    if state.deadline is not None and at >= state.deadline:
        return True
    if state.phase is Phase.DECISION and _every_vote_cast(state):
        return True
    return bool(state.in_play()) and state.in_play() <= state.ready


def _every_vote_cast(state: Negotiation) -> bool:
    in_play = state.in_play()
    return all(set(p.required) & in_play <= p.votes_cast() for p in state.signable_proposals())


def _finish_phase_if_done(out: Outbox, at: float) -> None:
    if _phase_done(out.state, at):
        _finish_phase(out, at)


def _finish_phase(out: Outbox, at: float) -> None:
    s = out.state
    trigger = Trigger.DONE
    if s.phase is Phase.NEGOTIATION and not s.signable_proposals():
        trigger = Trigger.NOTHING_TO_SIGN
    elif s.phase is Phase.RESOLUTION and s.round >= s.scenario.rounds:
        trigger = Trigger.LAST_DONE
    if trigger is Trigger.LAST_DONE:
        _end(out, at, trigger, "last_round")
    else:
        _enter(out, next_phase(s.phase, trigger), at)


def _deadline(state: Negotiation, phase: Phase, round_: int, at: float) -> float:
    if state.schedule is not None:
        scheduled = state.schedule.deadline(phase, round_, at)
        if scheduled is not None:
            return scheduled
    length: float = getattr(state.scenario.phases, phase.value)
    return at + length * state.time_scale


def _enter(out: Outbox, phase: Phase, at: float) -> None:
    s = out.state
    round_ = s.round + 1 if phase is Phase.PRESSURE else s.round
    out.emit(ev.PhaseStarted(at=at, phase=phase, round=round_, deadline=_deadline(s, phase, round_, at)))
    if phase is Phase.PRESSURE:
        for card in draw_cards(s):
            out.emit(*card_events(s, card, at, injected=False))
    elif phase is Phase.RESOLUTION:
        out.emit(*resolution_events(s, at))


def _end(out: Outbox, at: float, trigger: Trigger, reason: str) -> None:
    next_phase(out.state.phase, trigger)  # asserts the table allows it
    out.emit(*ending_events(out.state, at, reason))


_DECIDERS: dict[str, Callable[[Outbox, Any], None]] = {
    "table_proposal": _table,
    "withdraw_proposal": _withdraw,
    "support_proposal": _support,
    "make_statement": _statement,
    "send_message": _message,
    "mark_ready": _ready,
    "sign_proposal": _sign,
    "decline_proposal": _decline,
    "walk_out": _walk_out,
    "start_game": _start,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "advance": _advance,
    "inject_event": _inject,
    "announce": _announce,
    "end_game": _end_game,
    "seat_delegation": _seat,
    "unseat_delegation": _unseat,
    "set_controller": _set_controller,
    "open_debrief": _open_debrief,
    "submit_reflection": _reflect,
    "close_reflections": _close_reflections,
    "tick": _tick,
}
