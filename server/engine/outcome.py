"""The end of a game: the public outcome and each delegation's private result."""

from __future__ import annotations

from server.engine import events as ev
from server.engine.scoring import durability, effective_terms, points, red_lines_crossed, result
from server.engine.state import Negotiation


def ending_events(state: Negotiation, at: float, reason: str) -> list[ev.EventBase]:
    proposal = state.proposals.get(state.agreement) if state.agreement else None
    terms = proposal.terms if proposal else None
    signed = tuple(sorted(proposal.signatures)) if proposal else ()
    durable = durability(state.scenario, terms, signed) if terms is not None else None
    ended = ev.GameEnded(at=at, reason=reason, terms=terms, signatories=signed,  # type: ignore[arg-type]
                         durability=durable, rounds_lost=state.rounds_lost,
                         delay_reason=state.scenario.outcome.delay_reason)
    scored = [
        ev.ResultScored(at=at, result=delegation_result(state, d, terms, signed,
                                                        durable.score if durable else 0.0),
                        visibility=ev.only(d))
        for d in sorted(state.seated)
    ]
    return [ended, *scored]


def delegation_result(state: Negotiation, delegation_id: str, terms: dict[str, str] | None,
                      signed: tuple[str, ...], durability_score: float) -> ev.DelegationResult:
    delegation = state.scenario.delegation(delegation_id)
    assert delegation is not None
    reservation = state.reservation[delegation_id]
    if terms is None:
        value, worth, crossed = reservation, 0.0, []
    else:
        worth = points(delegation, effective_terms(state.scenario, terms, signed))
        crossed = [r.id for r in red_lines_crossed(delegation, terms)]
        value = result(state.scenario, delegation, terms, durability_score, signed)
    return ev.DelegationResult(delegation=delegation_id, points=round(worth, 2),
                               red_lines_crossed=crossed, reservation=reservation,
                               result=round(value, 2), surplus=round(value - reservation, 2),
                               war_cost=state.war_cost[delegation_id])
