"""A pressure card in words, for the facilitator's inject list: what it does, and to whom."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client import format as fmt


def card_lines(card: Mapping[str, Any], view: Mapping[str, Any]) -> tuple[str, str]:
    """(headline, details): the title and kind; then who reads it and every effect, by label."""
    told = card.get("told", "all")
    readers = "everyone" if told == "all" else ", ".join(fmt.delegation_name(view, d) for d in told)
    effects = card.get("effects") or {}
    parts = [f"{_change(v)} reservation for {fmt.delegation_name(view, d)}"
             for d, v in (effects.get("reservation") or {}).items()]
    parts += [f"{_change(v)} war cost for {fmt.delegation_name(view, d)}"
              for d, v in (effects.get("war_cost") or {}).items()]
    meters = {m["id"]: m.get("label", m["id"]) for m in view.get("scenario", {}).get("meters", [])}
    parts += [f"{_change(v)} {meters.get(m, m)}" for m, v in (effects.get("meters") or {}).items()]
    does = "; ".join(parts) or "no change to any number"
    details = f"told to {readers}: {does}"
    if card.get("text"):
        details += f"\n  “{card['text']}”"
    return f"{card['title']} ({card['kind']})", details


def _change(value: float) -> str:
    return f"{value:+g}"
