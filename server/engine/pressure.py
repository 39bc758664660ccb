"""Pressure: drawing cards from the deck, what a card does, and the cost of another round.

The draw is seeded by the game's seed and the round number alone, so the same seed gives the
same cards whatever else happened in between, and a replay never needs the generator: the
cards drawn are in the log.
"""

from __future__ import annotations

import random

from server.engine import events as ev
from server.engine.state import Negotiation
from server.scenario.model import InterimTerms, PressureCard, Scenario


def eligible(state: Negotiation, card: PressureCard) -> bool:
    when = card.when
    if when.once and card.id in state.cards_played:
        return False
    if state.round < when.min_round or (when.max_round is not None and state.round > when.max_round):
        return False
    if any(state.meters.get(m, 0) < v for m, v in when.meters_at_least.items()):
        return False
    return not any(state.meters.get(m, 0) > v for m, v in when.meters_at_most.items())


def draw_cards(state: Negotiation) -> list[PressureCard]:
    """This round's cards: weighted draws without replacement among the eligible ones."""
    rng = random.Random(f"{state.seed}:{state.round}")
    pool = [c for c in state.scenario.pressure.cards if eligible(state, c)]
    drawn: list[PressureCard] = []
    for _ in range(min(state.scenario.pressure.draws_per_round, len(pool))):
        card = rng.choices(pool, weights=[c.weight for c in pool])[0]
        pool.remove(card)
        drawn.append(card)
    return drawn


def card_events(state: Negotiation, card: PressureCard, at: float, injected: bool) -> list[ev.EventBase]:
    told = ev.PUBLIC if card.told == "all" else ev.only(*card.told)
    events: list[ev.EventBase] = [ev.PressureDrawn(
        at=at, card=card.id, title=card.title, kind=card.kind, text=card.text, round=state.round,
        injected=injected, meters=dict(card.effects.meters), war_cost=dict(card.effects.war_cost),
        visibility=told,
    )]
    for delegation, text in card.private.items():
        events.append(ev.IntelligenceReceived(at=at, delegation=delegation, text=text, card=card.id,
                                              visibility=ev.only(delegation)))
    for delegation, delta in card.effects.reservation.items():
        cause = card.title if told.allows(delegation) else "the situation on the ground changed"
        events.append(_shift(state, delegation, delta, cause, at))
    return events


def _shift(state: Negotiation, delegation: str, delta: float, cause: str, at: float) -> ev.ReservationShifted:
    value = round(state.reservation[delegation] + delta, 2)
    return ev.ReservationShifted(at=at, delegation=delegation, delta=delta, value=value, cause=cause,
                                 visibility=ev.only(delegation))


def resolution_events(state: Negotiation, at: float) -> list[ev.EventBase]:
    """Another round of war: its cost to each seated delegation (told only to it), drift, and
    the end of every interim agreement whose time is up with no settlement behind it."""
    seated = sorted(state.seated)
    delegations = [state.scenario.delegation(d) for d in seated]
    spared = war_relief(state)
    events: list[ev.EventBase] = []
    for d in delegations:
        cost = round(d.hidden.war_cost_per_round * (1 - spared), 2) if d is not None else 0.0
        if d is not None and cost:
            events.append(ev.WarCostIncurred(at=at, costs={d.id: cost}, round=state.round,
                                             visibility=ev.only(d.id)))
        if d is not None and d.hidden.reservation_drift:
            events.append(_shift(state, d.id, d.hidden.reservation_drift, "another round of war", at))
    for interim in state.holding_interims():
        if interim.until <= state.round:
            events.append(ev.InterimCollapsed(at=at, proposal=interim.proposal, round=state.round,
                                              reason=collapse_reason(state.scenario, interim.terms)))
    return events


def war_relief(state: Negotiation) -> float:
    """The share of this round's war cost the interim agreements in force spare (at most all)."""
    relief = 0.0
    for interim in state.holding_interims():
        for term in interim_terms(state.scenario, interim.terms):
            relief += term.relief
    return min(1.0, relief)


def interim_terms(scenario: Scenario, terms: dict[str, str]) -> list[InterimTerms]:
    found = []
    for issue_id, option_id in terms.items():
        issue = scenario.issue(issue_id)
        option = issue.option(option_id) if issue else None
        if option is not None and option.interim is not None:
            found.append(option.interim)
    return found


def collapse_reason(scenario: Scenario, terms: dict[str, str]) -> str:
    return " ".join(dict.fromkeys(t.collapse for t in interim_terms(scenario, terms)))
