"""A pressure card in words, for the facilitator's inject list: what it does, and to whom."""

from __future__ import annotations

from client import format as fmt
from server.figures import signed_meter, signed_number
from server.protocol import wire


def card_lines(card: wire.CardView, view: wire.SeatView) -> tuple[str, str]:
    """(headline, details): the title and kind; then who reads it and every effect, by label."""
    told = card.told or "all"
    readers = "everyone" if told == "all" else ", ".join(fmt.delegation_name(view, d) for d in told)
    effects = card.effects or wire.PressureEffect()
    parts = [f"{signed_number(v)} reservation for {fmt.delegation_name(view, d)}"
             for d, v in effects.reservation.items()]
    parts += [f"{signed_number(v)} war cost for {fmt.delegation_name(view, d)}" for d, v in effects.war_cost.items()]
    meters = {m.id: m.label for m in (view.scenario.meters if view.scenario else ())}
    parts += [f"{signed_meter(v)} {meters.get(m, m)}" for m, v in effects.meters.items()]
    does = "; ".join(parts) or "no change to any number"
    details = f"told to {readers}: {does}"
    if card.text:
        details += f"\n  “{card.text}”"
    return f"{card.title} ({card.kind})", details

