"""Who held out, when a game ended without an agreement, and which lesson each refusal shows.

`hold_outs(events)` reads a finished game's full log. When no agreement was signed it names
every delegation that walked out (and in which round), and every delegation that declined a
complete package in the last decision it voted in, with what that package was worth to it as
the game ended (`server.engine.worth.package_worth`) and the lesson the refusal shows:

* a guarantor (or mediator) whose signature a clause needed, declining or walking out: "their
  signatures were essential to making any agreement viable" — the West unwilling to assume
  responsibility;
* a party declining a package worth more to it than no deal, and crossing none of its red
  lines: public positions are opening bids, not the limits of the possible;
* a party walking out: the cost of delay;
* a party declining a package below its reservation value, or across a red line, is named
  with that reason and no lesson: it did what its table told it to.

Pure: the same log always gives the same list.
"""

from __future__ import annotations

from collections.abc import Sequence

from server.engine import Game
from server.engine import events as ev
from server.engine.debrief_models import Declined, HoldOut
from server.engine.lessons import COST_OF_DELAY, LOST_SPRING, PUBLIC_POSITIONS
from server.engine.lessons import OPENING_BIDS as OPENING_BIDS_QUOTE
from server.engine.state import Negotiation
from server.engine.worth import package_worth

UNWILLING = "The West is unwilling to assume responsibility"
OPENING_BIDS = PUBLIC_POSITIONS  # the lesson's name, as server.engine.lessons names it

_SIGNATURES = "The essay: \u201ctheir signatures were essential to making any agreement viable.\u201d"
_BIDS = f"The essay: \u201c{OPENING_BIDS_QUOTE}\u201d"
_SPRING = f"The essay: \u201c{LOST_SPRING}\u201d"


def hold_outs(events: Sequence[ev.EventBase]) -> list[HoldOut]:
    """Walkouts and the last decision's refusals of a game that ended with no agreement."""
    ended = next((e for e in reversed(events) if isinstance(e, ev.GameEnded)), None)
    if ended is None or ended.terms is not None:
        return []
    state = Game.from_events(list(events)).state
    walked, declined, last = _refusals(events)
    found = [_walkout(state, delegation, round_) for delegation, round_ in walked]
    for delegation, packages in declined.items():
        found.append(_decline(state, delegation, packages, last))
    return found


Refusals = tuple[list[tuple[str, int]], dict[str, list[tuple[str, dict[str, str]]]], int]


def _refusals(events: Sequence[ev.EventBase]) -> Refusals:
    """(delegation, round) of each walkout; by delegation, the (proposal, terms) it declined in
    the last round in which anyone declined anything; and that round."""
    round_ = 0
    tabled: dict[str, dict[str, str]] = {}
    walked: list[tuple[str, int]] = []
    declines: list[tuple[int, str, str]] = []
    for event in events:
        if isinstance(event, ev.PhaseStarted):
            round_ = event.round
        elif isinstance(event, ev.ProposalTabled):
            tabled[event.proposal] = dict(event.terms)
        elif isinstance(event, ev.WalkedOut):
            walked.append((event.delegation, round_))
        elif isinstance(event, ev.ProposalDeclined) and event.proposal in tabled:
            declines.append((round_, event.delegation, event.proposal))
    last = max((r for r, _, _ in declines), default=0)
    by_delegation: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for r, delegation, proposal in declines:
        if r == last:
            by_delegation.setdefault(delegation, []).append((proposal, tabled[proposal]))
    return walked, by_delegation, last


def _name_kind(state: Negotiation, delegation_id: str) -> tuple[str, str]:
    delegation = state.scenario.delegation(delegation_id)
    return (delegation.name, delegation.kind.value) if delegation else (delegation_id, "party")


def _walkout(state: Negotiation, delegation_id: str, round_: int) -> HoldOut:
    name, kind = _name_kind(state, delegation_id)
    if kind != "party":
        return HoldOut(delegation=delegation_id, name=name, kind=kind, action="walked_out", round=round_,
                       lesson=UNWILLING, text=f"{name} walked out in round {round_}: every clause that "
                                              f"named it became weightless. {_SIGNATURES}")
    return HoldOut(delegation=delegation_id, name=name, kind=kind, action="walked_out", round=round_,
                   lesson=COST_OF_DELAY, text=f"{name} walked out in round {round_}, and the war went on. {_SPRING}")


def _decline(state: Negotiation, delegation_id: str, packages: list[tuple[str, dict[str, str]]],
             round_: int) -> HoldOut:
    name, kind = _name_kind(state, delegation_id)
    declined = []
    for proposal, terms in packages:
        worth = package_worth(state, delegation_id, terms)
        declined.append(Declined(proposal=proposal, terms=terms, margin=worth.margin,
                                 red_lines=list(worth.red_lines_crossed)))
    listed = ", ".join(f"{d.proposal} ({d.reason()})" for d in declined)
    said = f"{name} declined {listed} in round {round_}"
    if kind != "party":
        lesson, text = UNWILLING, f"{said}: texts whose clauses needed its signature. {_SIGNATURES}"
    elif any(d.margin is not None and d.margin > 0 and not d.red_lines for d in declined):
        lesson, text = OPENING_BIDS, f"{said}: one was worth more to it than no deal. {_BIDS}"
    else:
        lesson, text = None, f"{said}: none was worth more to it than no deal."
    return HoldOut(delegation=delegation_id, name=name, kind=kind, action="declined", round=round_,
                   declined=declined, lesson=lesson, text=text)


def format_hold_outs(items: Sequence[HoldOut]) -> list[str]:
    """Markdown lines of the debrief's 'Who held out' section (none when the list is empty)."""
    if not items:
        return []
    lines = ["## Who held out", ""]
    for item in items:
        lesson = f" *{item.lesson}.*" if item.lesson else ""
        lines.append(f"- {item.text}{lesson}")
    return lines + [""]
