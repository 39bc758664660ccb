"""One line of plain words for each event, for the timeline and the transcripts.

`Names` turns the ids in an event into what people read (delegation names, issue titles,
option labels), from the public parts of the scenario only — a description never quotes a
hidden table, so describing an event a seat may see never tells it anything more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from server.engine import events as ev
from server.figures import number, signed_number


class Names:
    """Readable names of a scenario's delegations, issues and options."""

    def __init__(self, scenario: Mapping[str, Any]) -> None:
        self.title = str(scenario.get("title", ""))
        self.delegations = {d["id"]: d["name"] for d in scenario.get("delegations", [])}
        self.issues = {i["id"]: i["title"] for i in scenario.get("issues", [])}
        self.options = {(i["id"], o["id"]): o["label"]
                        for i in scenario.get("issues", []) for o in i["options"]}

    def of(self, delegation: str | None) -> str:
        if delegation is None:
            return "everyone"
        if delegation == "facilitator":
            return "Facilitator"
        return str(self.delegations.get(delegation, delegation))

    def option(self, issue: str, option: str) -> str:
        return str(self.options.get((issue, option), option))

    def terms(self, terms: Mapping[str, str]) -> str:
        """`Issue: option; Issue: option` in agenda order."""
        return "; ".join(f"{self.issues.get(i, i)}: {self.option(i, o)}" for i, o in terms.items())

    def several(self, delegations: tuple[str, ...] | list[str]) -> str:
        return ", ".join(self.of(d) for d in delegations) or "nobody"


_HEAD_BY = {"joined_first": "the first to join", "facilitator": "named by the facilitator",
            "hand_over": "handed over by the head"}

_LINES: dict[str, Callable[[Any, Names], str]] = {
    "game_created": lambda e, n: f"Game created: {n.title} (seated: {n.several(list(e.seated))})",
    "phase_started": lambda e, n: f"Round {e.round}: {e.phase.value} phase begins",
    "pressure_drawn": lambda e, n: (f"Pressure{' (injected)' if e.injected else ''}: "
                                    f"{e.title} — {e.text}"),
    "intelligence_received": lambda e, n: f"Intelligence for {n.of(e.delegation)}: {e.text}",
    "reservation_shifted": lambda e, n: (f"{n.of(e.delegation)}'s reservation value "
                                         f"{signed_number(e.delta)} → {number(e.value)} ({e.cause})"),
    "war_cost_incurred": lambda e, n: "War cost: " + ", ".join(
        f"{n.of(d)} {number(c)}" for d, c in e.costs.items()),
    "proposal_tabled": lambda e, n: (f"{n.of(e.author)} tables {e.proposal}"
                                     f"{f' (amends {e.amends})' if e.amends else ''}: "
                                     f"{n.terms(e.terms)}"),
    "proposal_withdrawn": lambda e, n: f"{n.of(e.delegation)} withdraws {e.proposal}",
    "proposal_supported": lambda e, n: f"{n.of(e.delegation)} supports {e.proposal}",
    "statement_made": lambda e, n: f"{n.of(e.delegation)} (public): {e.text}",
    "message_sent": lambda e, n: f"{n.of(e.sender)} → {n.of(e.to)} (private): {e.text}",
    "ready_marked": lambda e, n: f"{n.of(e.delegation)} is ready",
    "proposal_signed": lambda e, n: f"{n.of(e.delegation)} signs {e.proposal}",
    "proposal_declined": lambda e, n: f"{n.of(e.delegation)} declines {e.proposal}",
    "agreement_signed": lambda e, n: (f"AGREEMENT on {e.proposal}, signed by "
                                      f"{n.several(list(e.signatories))}: {n.terms(e.terms)}"),
    "interim_agreed": lambda e, n: (f"INTERIM AGREEMENT on {e.proposal}, signed by "
                                    f"{n.several(list(e.signatories))}: {n.terms(e.terms)} "
                                    f"(holds through round {e.until} unless a settlement follows)"),
    "interim_collapsed": lambda e, n: f"The interim agreement {e.proposal} collapses: {e.reason}",
    "walked_out": lambda e, n: f"{n.of(e.delegation)} walks out",
    "timer_paused": lambda e, n: "The facilitator pauses the timer",
    "timer_resumed": lambda e, n: "The facilitator resumes the timer",
    "timer_extended": lambda e, n: f"The facilitator extends the timer by {e.seconds:g} s",
    "announced": lambda e, n: f"Facilitator announces: {e.text}",
    "delegation_seated": lambda e, n: f"{n.of(e.delegation)} takes its seat",
    "delegation_unseated": lambda e, n: f"{n.of(e.delegation)} leaves the table",
    "signers_changed": lambda e, n: f"{e.proposal} now needs the signatures of {n.several(list(e.required))}",
    "controller_changed": lambda e, n: (f"{n.of(e.delegation)} is now played by "
                                        f"{'a bot' if e.controller == 'bot' else 'a person'}"
                                        f"{f' ({e.strategy})' if e.strategy else ''}"),
    "game_ended": lambda e, n: _ended(e, n),
    "result_scored": lambda e, n: (f"{n.of(e.result.delegation)}'s result: {number(e.result.result)} "
                                   f"against a reservation value of {number(e.result.reservation)}"),
    "debrief_opened": lambda e, n: "The facilitator opens the debrief: every result is public",
    "reflection_submitted": lambda e, n: (f"{e.author or n.of(e.delegation)} ({n.of(e.delegation)}) "
                                          f"hands in a reflection"),
    "reflections_closed": lambda e, n: "The facilitator closes the class: reflections are final",
    "member_joined": lambda e, n: f"{e.name} joins {n.of(e.delegation)}'s team (member {e.number})",
    "head_changed": lambda e, n: f"{e.name} now leads {n.of(e.delegation)} ({_HEAD_BY[e.by]})",
    "team_message_sent": lambda e, n: f"{n.of(e.delegation)} (team only): {e.text}",
}


def _ended(e: ev.GameEnded, n: Names) -> str:
    if e.terms is None:
        return f"Game over ({e.reason.replace('_', ' ')}): no agreement; {e.rounds_lost} round(s) lost"
    label = e.durability.label if e.durability else ""
    return f"Game over: agreement, durability {label}; {e.rounds_lost} round(s) lost"


def describe(event: ev.EventBase, names: Names) -> str:
    """The event in one line of plain words; a team member's act names the member too
    ("Upland (Ana) signs P1")."""
    line = _LINES[event.type](event, names)
    if event.member is not None:
        actor = getattr(event, "author", None) if event.type == "proposal_tabled" else \
            getattr(event, "sender", None) or getattr(event, "delegation", None)
        who = names.of(actor if isinstance(actor, str) else None)
        if line.startswith(who):
            return f"{who} ({event.member}){line[len(who):]}"
        return f"{line} — {event.member}"
    return line
