"""The end of a game: the public outcome and each delegation's private result."""

from __future__ import annotations

from server.engine import events as ev
from server.engine.scoring import durability, valuation
from server.engine.state import Negotiation


def ending_events(state: Negotiation, at: float, reason: str) -> list[ev.EventBase]:
    proposal = state.proposals.get(state.agreement) if state.agreement else None
    terms = proposal.terms if proposal else None
    # A signature counts only from a delegation still at the table.
    signed = tuple(sorted(proposal.signatures & state.in_play())) if proposal else ()
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
    """A delegation's score: the agreement's worth to it (or no deal's), less the war it paid."""
    delegation = state.scenario.delegation(delegation_id)
    assert delegation is not None
    reservation = state.reservation[delegation_id]
    war_cost = state.war_cost[delegation_id]
    if terms is None:
        table_points, worth, commitment, crossed = 0.0, reservation, 0.0, []
    else:
        valued = valuation(state.scenario, delegation, terms, durability_score, signed)
        table_points, worth, commitment = valued.points, valued.worth, valued.commitment
        crossed = [r.id for r in valued.red_lines]
    return ev.DelegationResult(delegation=delegation_id, points=round(table_points, 2),
                               red_lines_crossed=crossed, reservation=reservation,
                               result=scored_result(worth, war_cost),
                               surplus=round(worth - reservation, 2), war_cost=war_cost,
                               worth=worth, commitment=round(commitment, 2))


def scored_result(worth: float, war_cost: float) -> float:
    """A delegation's result: what it gets, less the war it paid for meanwhile."""
    return round(worth - war_cost, 2)
