"""Deciding: given the state and a command, which events happen.

`handle(state, command, actor, at)` first checks every rule (raising `RuleViolation` with
nothing changed), then *emits* events through an `Emitter`, which applies each one to the state
at once so that what follows sees it — a ready mark that completes the phase, say, goes on to
start the next phase and draw its pressure cards in the same call. The events returned are
exactly those the state absorbed, so folding them again (`evolve.rebuild`) gives the same state.

Each rule is a function typed on its command's class and registered on `decide`
(`functools.singledispatch`), so mypy checks every field a rule reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch
from typing import Literal

from server.engine import commands as cmd
from server.engine import events as ev
from server.engine.evolve import apply
from server.engine.outcome import ending_events
from server.engine.phases import TIMED_PHASES, Phase, Situation, Trigger, next_phase, when_done
from server.engine.pressure import card_events, draw_cards, resolution_events
from server.engine.rules import RuleViolation
from server.engine.scoring import required_signatories
from server.engine.state import Negotiation, Proposal


class Emitter:
    """Applies each emitted event to the state and keeps it for the caller.

    With a team member's name (`member`), the events that are the actor's own acts (its
    statement, its signature: `events.MEMBER_ACTS`) are stamped with it, so the log records
    which member did what."""

    def __init__(self, state: Negotiation, actor: str = "", member: str | None = None) -> None:
        self.state = state
        self.events: list[ev.EventBase] = []
        self._actor, self._member = actor, member

    def emit(self, *events: ev.EventBase) -> None:
        for event in events:
            if self._member is not None and event.type in ev.MEMBER_ACTS and _acted_by(event) == self._actor:
                event = event.model_copy(update={"member": self._member})
            apply(self.state, event)
            self.events.append(event)


def _acted_by(event: ev.EventBase) -> str | None:
    """The delegation whose own act `event` is (its author, sender or delegation)."""
    if isinstance(event, ev.ProposalTabled):
        return event.author
    if isinstance(event, ev.MessageSent):
        return event.sender
    found = getattr(event, "delegation", None)
    return found if isinstance(found, str) else None


@dataclass(frozen=True)
class Asked:
    """Who asked (a delegation id, ``facilitator`` or ``clock``) and when."""

    actor: str
    at: float


def handle(state: Negotiation, command: cmd.CommandBase, actor: str, at: float,
           member: int | None = None) -> list[ev.EventBase]:
    """Apply `command` by `actor` at time `at`; return the events. Raises RuleViolation, changing nothing.

    `member`: which member of a team delegation sent it (the runtime knows it from the
    member's token); signing, declining and walking out are then the head's alone."""
    kind: str = command.type  # type: ignore[attr-defined]
    _check_actor(state, kind, actor)
    if state.ended and kind not in ("open_debrief", "announce", "tick", "submit_reflection",
                                    "close_reflections", "join_team", "set_head", "send_team_message"):
        raise RuleViolation("game_over", "The game has ended; no more moves can be made.")
    team = state.teams.get(actor)
    name = None
    if team is not None and member is not None:
        name = team.members.get(member)
        _check_head(state, kind, actor, member)
    out = Emitter(state, actor, name)
    decide(command, out, Asked(actor, at))
    if kind in cmd.SEAT_COMMANDS or kind == "tick":
        _finish_phase_if_done(out, at)
    return out.events


@singledispatch
def decide(command: cmd.CommandBase, out: Emitter, asked: Asked) -> None:
    raise TypeError(f"no rule for {type(command).__name__}")  # every command class has one below


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
            raise RuleViolation("not_seated", f"{_name(state, actor)} did not play this game.")
    elif actor not in state.in_play():
        raise RuleViolation("not_seated", f"{_name(state, actor)} is not at the table.")


def _name(state: Negotiation, delegation: str) -> str:
    """A delegation as people read it (its name), or the id quoted if the scenario has none such."""
    found = state.scenario.delegation(delegation)
    return found.name if found else repr(delegation)


def _check_head(state: Negotiation, kind: str, actor: str, member: int) -> None:
    """Only the head of a team delegation signs, declines, walks out or hands over the lead."""
    what = cmd.HEAD_COMMANDS.get(kind)
    team = state.teams[actor]
    if what is None or team.head == member:
        return
    found = state.scenario.delegation(actor)
    delegation = found.name if found else actor
    if team.head is None:
        raise RuleViolation("not_head", f"{delegation} has no head of delegation yet; ask the facilitator "
                                        f"to name one before you {what}.")
    raise RuleViolation("not_head", f"Only your head of delegation, {team.head_name()}, may {what} for "
                                    f"{delegation}. You can still draft, table, amend, support and talk; "
                                    "tell your head on the team channel.")


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
    if proposal.settled:
        raise RuleViolation("proposal_settled", f"Proposal {proposal_id} is already in force as an interim agreement.")
    return proposal


def _check_terms(state: Negotiation, terms: dict[str, str]) -> None:
    for issue_id, option_id in terms.items():
        issue = state.scenario.issue(issue_id)
        if issue is None:
            raise RuleViolation("unknown_issue", f"There is no issue {issue_id!r} on the agenda.")
        if issue.option(option_id) is None:
            raise RuleViolation("unknown_option", f"Issue {issue_id!r} has no option {option_id!r}.")


# ---------------------------------------------------------------- seat commands


@decide.register
def _table(c: cmd.TableProposal, out: Emitter, asked: Asked) -> None:
    s = out.state
    _require_phase(s, Phase.NEGOTIATION)
    _require_running(s)
    _check_terms(s, c.terms)
    if c.amends is not None:
        _proposal(s, c.amends)
    ordered = {i.id: c.terms[i.id] for i in s.scenario.issues if i.id in c.terms}
    required = tuple(sorted(required_signatories(s.scenario, ordered, s.in_play())))
    out.emit(ev.ProposalTabled(at=asked.at, proposal=f"P{len(s.proposals) + 1}", author=asked.actor,
                               terms=ordered, amends=c.amends, round=s.round, required=required))


@decide.register
def _withdraw(c: cmd.WithdrawProposal, out: Emitter, asked: Asked) -> None:
    _require_phase(out.state, Phase.NEGOTIATION)
    proposal = _proposal(out.state, c.proposal)
    if proposal.author != asked.actor:
        raise RuleViolation("not_your_proposal", f"Only {proposal.author} may withdraw {proposal.id}.")
    out.emit(ev.ProposalWithdrawn(at=asked.at, proposal=proposal.id, delegation=asked.actor))


@decide.register
def _support(c: cmd.SupportProposal, out: Emitter, asked: Asked) -> None:
    _require_phase(out.state, Phase.NEGOTIATION)
    _require_running(out.state)
    proposal = _proposal(out.state, c.proposal)
    if asked.actor in proposal.supporters:
        raise RuleViolation("already_supported", f"You already support {proposal.id}.")
    out.emit(ev.ProposalSupported(at=asked.at, proposal=proposal.id, delegation=asked.actor))


@decide.register
def _statement(c: cmd.MakeStatement, out: Emitter, asked: Asked) -> None:
    out.emit(ev.StatementMade(at=asked.at, delegation=asked.actor, text=c.text))


@decide.register
def _message(c: cmd.SendMessage, out: Emitter, asked: Asked) -> None:
    if c.to == asked.actor or c.to not in out.state.seated:
        raise RuleViolation("unknown_delegation", f"{_name(out.state, c.to)} is not another delegation at the table.")
    out.emit(ev.MessageSent(at=asked.at, sender=asked.actor, to=c.to, text=c.text,
                            visibility=ev.only(asked.actor, c.to)))


@decide.register
def _ready(c: cmd.MarkReady, out: Emitter, asked: Asked) -> None:
    _require_phase(out.state, *TIMED_PHASES)
    if asked.actor in out.state.ready:
        raise RuleViolation("already_ready", "You are already marked ready.")
    out.emit(ev.ReadyMarked(at=asked.at, delegation=asked.actor))


def _vote_target(out: Emitter, actor: str, proposal_id: str) -> Proposal:
    s = out.state
    _require_phase(s, Phase.DECISION)
    _require_running(s)
    proposal = _proposal(s, proposal_id)
    if not proposal.is_signable(s.scenario):
        raise RuleViolation("incomplete_proposal", f"{proposal.id} leaves issues open; only complete "
                            "proposals, or interim ones on issues that may be agreed alone, are signed.")
    if actor not in proposal.required:
        raise RuleViolation("not_signatory", f"Your signature is not needed on {proposal.id}.")
    if actor in proposal.votes_cast():
        raise RuleViolation("already_voted", f"You have already voted on {proposal.id}.")
    return proposal


@decide.register
def _sign(c: cmd.SignProposal, out: Emitter, asked: Asked) -> None:
    proposal = _vote_target(out, asked.actor, c.proposal)
    out.emit(ev.ProposalSigned(at=asked.at, proposal=proposal.id, delegation=asked.actor))
    _agree_if_signed(out, asked.at)


@decide.register
def _decline(c: cmd.DeclineProposal, out: Emitter, asked: Asked) -> None:
    proposal = _vote_target(out, asked.actor, c.proposal)
    out.emit(ev.ProposalDeclined(at=asked.at, proposal=proposal.id, delegation=asked.actor))


@decide.register
def _walk_out(c: cmd.WalkOut, out: Emitter, asked: Asked) -> None:
    _require_phase(out.state, *TIMED_PHASES)
    out.emit(ev.WalkedOut(at=asked.at, delegation=asked.actor))
    delegation = out.state.scenario.delegation(asked.actor)
    if delegation is not None and delegation.kind == "party":
        _end(out, asked.at, Trigger.WALKOUT, "walkout")
    else:
        _table_changed(out, asked.at)


# ---------------------------------------------------------------- agreements


def _agree_if_signed(out: Emitter, at: float) -> None:
    """In a decision phase, every interim proposal all its signers have signed takes effect,
    and the first complete one is the agreement: checked after each signature and after each
    change of the table."""
    s = out.state
    if s.phase is not Phase.DECISION or s.paused:
        return
    for proposal in s.signable_proposals():
        if not proposal.required or not set(proposal.required) <= proposal.signatures:
            continue
        signatories = tuple(sorted(proposal.signatures & s.in_play()))
        if proposal.is_interim(s.scenario):
            out.emit(_interim_agreed(s, proposal, signatories, at))
            continue
        out.emit(ev.AgreementSigned(at=at, proposal=proposal.id, terms=proposal.terms,
                                    signatories=signatories))
        _end(out, at, Trigger.AGREEMENT, "agreement")
        return


def _interim_agreed(s: Negotiation, proposal: Proposal, signatories: tuple[str, ...],
                    at: float) -> ev.InterimAgreed:
    rounds = 1
    meters: dict[str, float] = {}
    for issue_id, option_id in proposal.terms.items():
        issue = s.scenario.issue(issue_id)
        option = issue.option(option_id) if issue else None
        if option is not None and option.interim is not None:
            rounds = max(rounds, option.interim.rounds)
            for meter, delta in option.interim.meters.items():
                meters[meter] = meters.get(meter, 0.0) + delta
    return ev.InterimAgreed(at=at, proposal=proposal.id, terms=proposal.terms, signatories=signatories,
                            round=s.round, until=s.round + rounds - 1, meters=meters)


def _table_changed(out: Emitter, at: float) -> None:
    """Signatures follow the table: recompute every open proposal's signers, then see
    whether one is now fully signed (a signer who left may have been the last one missing)."""
    s = out.state
    for proposal in s.open_proposals():
        required = tuple(sorted(required_signatories(s.scenario, proposal.terms, s.in_play())))
        if required != proposal.required:
            out.emit(ev.SignersChanged(at=at, proposal=proposal.id, required=required))
    _agree_if_signed(out, at)


# ---------------------------------------------------------------- facilitator commands


@decide.register
def _start(c: cmd.StartGame, out: Emitter, asked: Asked) -> None:
    _require_phase(out.state, Phase.LOBBY)
    _enter(out, next_phase(Phase.LOBBY, Trigger.START), asked.at)


@decide.register
def _pause(c: cmd.PauseTimer, out: Emitter, asked: Asked) -> None:
    s = out.state
    _require_phase(s, *TIMED_PHASES)
    if s.paused:
        raise RuleViolation("already_paused", "The timer is already paused.")
    remaining = None if s.deadline is None else max(0.0, s.deadline - asked.at)
    out.emit(ev.TimerPaused(at=asked.at, remaining=remaining))


@decide.register
def _resume(c: cmd.ResumeTimer, out: Emitter, asked: Asked) -> None:
    s = out.state
    if not s.paused:
        raise RuleViolation("not_paused", "The timer is not paused.")
    out.emit(ev.TimerResumed(at=asked.at, deadline=asked.at + (s.paused_remaining or 0.0)))


@decide.register
def _extend(c: cmd.ExtendTimer, out: Emitter, asked: Asked) -> None:
    s = out.state
    _require_phase(s, *TIMED_PHASES)
    deadline: float | None
    if s.paused:
        remaining, deadline = (s.paused_remaining or 0.0) + c.seconds, None
    else:
        remaining, deadline = None, max(s.deadline or asked.at, asked.at) + c.seconds
    out.emit(ev.TimerExtended(at=asked.at, seconds=c.seconds, deadline=deadline, remaining=remaining))


@decide.register
def _advance(c: cmd.AdvancePhase, out: Emitter, asked: Asked) -> None:
    _require_phase(out.state, *TIMED_PHASES)
    _finish_phase(out, asked.at)


@decide.register
def _inject(c: cmd.InjectEvent, out: Emitter, asked: Asked) -> None:
    s = out.state
    _require_phase(s, *TIMED_PHASES)
    card = next((k for k in s.scenario.pressure.cards if k.id == c.card), None)
    if card is None:
        raise RuleViolation("unknown_card", f"The pressure deck has no card {c.card!r}.")
    out.emit(*card_events(s, card, asked.at, injected=True))


@decide.register
def _announce(c: cmd.Announce, out: Emitter, asked: Asked) -> None:
    out.emit(ev.Announced(at=asked.at, text=c.text))


@decide.register
def _end_game(c: cmd.EndGame, out: Emitter, asked: Asked) -> None:
    _end(out, asked.at, Trigger.END, "facilitator")


@decide.register
def _seat(c: cmd.SeatDelegation, out: Emitter, asked: Asked) -> None:
    s = out.state
    if s.scenario.delegation(c.delegation) is None:
        raise RuleViolation("unknown_delegation", f"There is no delegation {c.delegation!r}.")
    if c.delegation in s.seated:
        raise RuleViolation("already_seated", f"{_name(s, c.delegation)} is already at the table.")
    out.emit(ev.DelegationSeated(at=asked.at, delegation=c.delegation))
    _table_changed(out, asked.at)


@decide.register
def _unseat(c: cmd.UnseatDelegation, out: Emitter, asked: Asked) -> None:
    s = out.state
    delegation = s.scenario.delegation(c.delegation)
    if delegation is None:
        raise RuleViolation("unknown_delegation", f"There is no delegation {c.delegation!r}.")
    if c.delegation not in s.seated:
        raise RuleViolation("not_seated", f"{delegation.name} is not at the table.")
    if delegation.kind == "party":
        raise RuleViolation("party_cannot_be_unseated",
                            f"{delegation.name} is a party; it leaves the table only by walking out.")
    out.emit(ev.DelegationUnseated(at=asked.at, delegation=c.delegation))
    _table_changed(out, asked.at)


@decide.register
def _set_controller(c: cmd.SetController, out: Emitter, asked: Asked) -> None:
    if c.delegation not in out.state.seated:
        raise RuleViolation("not_seated", f"{_name(out.state, c.delegation)} is not at the table.")
    # Who plays a seat is public (every view shows it); which strategy a bot plays is not.
    out.emit(ev.ControllerChanged(at=asked.at, delegation=c.delegation, controller=c.controller,
                                  strategy=c.strategy if c.controller == "bot" else None,
                                  visibility=ev.FACILITATOR_ONLY))


@decide.register
def _open_debrief(c: cmd.OpenDebrief, out: Emitter, asked: Asked) -> None:
    s = out.state
    if not s.ended:
        raise RuleViolation("game_not_over", "The debrief opens once the game has ended.")
    if s.debrief_open:
        raise RuleViolation("debrief_open", "The debrief is already open.")
    unknown = sorted(d for d in c.delegation_questions if s.scenario.delegation(d) is None)
    if unknown:
        raise RuleViolation("unknown_delegation", f"There is no delegation {unknown[0]!r} to ask a question of.")
    out.emit(ev.DebriefOpened(at=asked.at, results=[s.results[d] for d in sorted(s.results)],
                              questions=c.questions, delegation_questions=dict(c.delegation_questions)))


@decide.register
def _reflect(c: cmd.SubmitReflection, out: Emitter, asked: Asked) -> None:
    s = out.state
    if not s.debrief_open:
        raise RuleViolation("debrief_not_open", "Reflections open with the debrief; wait for the facilitator.")
    if s.reflections_closed:
        raise RuleViolation("reflections_closed", "The facilitator has closed the class: reflections can "
                                                  "no longer be changed.")
    questions = s.questions_for(asked.actor)
    if not questions:
        raise RuleViolation("no_questions", "The facilitator asked no reflection questions.")
    if len(c.answers) != len(questions):
        raise RuleViolation("wrong_answers", f"There are {len(questions)} questions; "
                                             f"{len(c.answers)} answers were sent.")
    if not any(a.strip() for a in c.answers):
        raise RuleViolation("empty_reflection", "Write at least one answer before handing in.")
    out.emit(ev.ReflectionSubmitted(at=asked.at, delegation=asked.actor, author=c.author,
                                    answers=tuple(a.strip() for a in c.answers)))


@decide.register
def _close_reflections(c: cmd.CloseReflections, out: Emitter, asked: Asked) -> None:
    s = out.state
    if not s.debrief_open:
        raise RuleViolation("debrief_not_open", "Reflections open with the debrief, which is not open yet.")
    if s.reflections_closed:
        raise RuleViolation("reflections_closed", "Reflections are already closed.")
    out.emit(ev.ReflectionsClosed(at=asked.at))


# ---------------------------------------------------------------- teams


@decide.register
def _team_message(c: cmd.SendTeamMessage, out: Emitter, asked: Asked) -> None:
    if asked.actor not in out.state.teams:
        raise RuleViolation("not_a_team", "Your delegation is played by one person: there is no team "
                                          "channel to write to.")
    out.emit(ev.TeamMessageSent(at=asked.at, delegation=asked.actor, text=c.text,
                                visibility=ev.only(asked.actor)))


def _head_event(out: Emitter, at: float, delegation: str, number: int,
                by: Literal["facilitator", "hand_over"]) -> None:
    team = out.state.teams.get(delegation)
    if team is None or number not in team.members:
        raise RuleViolation("unknown_member", f"{_name(out.state, delegation)} has no member {number} who has joined.")
    if team.head == number:
        raise RuleViolation("already_head", f"{team.members[number]} already leads {_name(out.state, delegation)}.")
    out.emit(ev.HeadChanged(at=at, delegation=delegation, number=number, name=team.members[number],
                            by=by, visibility=ev.only(delegation)))


@decide.register
def _hand_over(c: cmd.HandOverHead, out: Emitter, asked: Asked) -> None:
    if asked.actor not in out.state.teams:
        raise RuleViolation("not_a_team", "Your delegation is played by one person: there is no lead to hand over.")
    _head_event(out, asked.at, asked.actor, c.member, "hand_over")


@decide.register
def _set_head(c: cmd.SetHead, out: Emitter, asked: Asked) -> None:
    if out.state.scenario.delegation(c.delegation) is None:
        raise RuleViolation("unknown_delegation", f"There is no delegation {c.delegation!r}.")
    _head_event(out, asked.at, c.delegation, c.member, "facilitator")


@decide.register
def _join_team(c: cmd.JoinTeam, out: Emitter, asked: Asked) -> None:
    if out.state.scenario.delegation(c.delegation) is None:
        raise RuleViolation("unknown_delegation", f"There is no delegation {c.delegation!r}.")
    out.emit(ev.MemberJoined(at=asked.at, delegation=c.delegation, number=c.member, name=c.name,
                             visibility=ev.only(c.delegation)))
    if out.state.teams[c.delegation].head is None:
        out.emit(ev.HeadChanged(at=asked.at, delegation=c.delegation, number=c.member, name=c.name,
                                by="joined_first", visibility=ev.only(c.delegation)))


@decide.register
def _tick(c: cmd.Tick, out: Emitter, asked: Asked) -> None:
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


def _finish_phase_if_done(out: Emitter, at: float) -> None:
    if _phase_done(out.state, at):
        _finish_phase(out, at)


def _finish_phase(out: Emitter, at: float) -> None:
    s = out.state
    situation = Situation(nothing_to_sign=not s.signable_proposals(), last_round=s.round >= s.scenario.rounds)
    trigger, phase = when_done(s.phase, situation)
    if phase is Phase.ENDED:
        _end(out, at, trigger, "last_round")
    else:
        _enter(out, phase, at)


def _deadline(state: Negotiation, phase: Phase, round_: int, at: float) -> float:
    if state.schedule is not None:
        scheduled = state.schedule.deadline(phase, round_, at)
        if scheduled is not None:
            return scheduled
    length: float = getattr(state.scenario.phases, phase.value)
    return at + length * state.time_scale


def _enter(out: Emitter, phase: Phase, at: float) -> None:
    s = out.state
    round_ = s.round + 1 if phase is Phase.PRESSURE else s.round
    out.emit(ev.PhaseStarted(at=at, phase=phase, round=round_, deadline=_deadline(s, phase, round_, at)))
    if phase is Phase.PRESSURE:
        for card in draw_cards(s):
            out.emit(*card_events(s, card, at, injected=False))
    elif phase is Phase.RESOLUTION:
        out.emit(*resolution_events(s, at))


def _end(out: Emitter, at: float, trigger: Trigger, reason: str) -> None:
    next_phase(out.state.phase, trigger)  # asserts the table allows it
    out.emit(*ending_events(out.state, at, reason))
