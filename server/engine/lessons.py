"""The essay's lessons a finished game shows, named in words a class can discuss.

Pure functions of a scenario and what happened; the debrief (debrief.py) and the tournament
(server.bots.tournament) both call them, so a tournament counts exactly what a debrief says.

* `public_positions(scenario, terms, signatories)`: a party signed what it had ruled out in
  public — "public statements rarely define the true boundaries of what is possible. More
  often, they serve as opening bids."
* `missed_deal(scenario, zone, example)`: no agreement, though some package was better than no
  deal for every delegation whose signature it needed (the hidden tables preferred a deal).
* `cost_of_delay(scenario, rounds_lost, war_costs)`: the rounds and points the war cost while no
  agreement stopped it, only when some were lost.
* `interim_fates(scenario, interims, settled)`: what became of each interim agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from server.engine.state import Interim
from server.figures import signed_number
from server.scenario.model import Scenario

PUBLIC_POSITIONS = "Public positions are not the limits of the possible"
COST_OF_DELAY = "The cost of delay"
INTERIM = "Ceasefire and settlement together"

OPENING_BIDS = ("Public statements rarely define the true boundaries of what is possible. "
                "More often, they serve as opening bids.")
LOST_SPRING = ("If the moment for negotiations is missed, the cost of delay may be yet another "
               "lost spring, yet another year of war.")
NO_CEASEFIRE_ALONE = ("A ceasefire cannot be achieved without a political agreement—and a political "
                      "agreement cannot be signed without halting the fighting.")


class Lesson(BaseModel):
    """One lesson the game shows: which, about whom (None: the table), and the sentence."""

    model_config = ConfigDict(frozen=True)
    lesson: str
    delegation: str | None
    text: str


def public_positions(scenario: Scenario, terms: Mapping[str, str] | None,
                     signatories: Sequence[str]) -> list[Lesson]:
    """Each public demand a signatory signed against: the option it signed and what it had said."""
    if terms is None:
        return []
    found = []
    for d in scenario.delegations:
        if d.id not in signatories:
            continue
        for demand in d.public_demands:
            signed = [(issue_id, terms[issue_id]) for issue_id, options in demand.rules_out.items()
                      if terms.get(issue_id) in options]
            if signed:
                what = "; ".join(_option_label(scenario, i, o) for i, o in signed)
                found.append(Lesson(lesson=PUBLIC_POSITIONS, delegation=d.id,
                                    text=f"{d.name} demanded in public \u201c{demand.label}\u201d, "
                                         f"and signed \u201c{what}\u201d. {OPENING_BIDS}"))
    return found


def missed_deal(scenario: Scenario, zone: int, example: Mapping[str, str] | None) -> list[Lesson]:
    """No deal although `zone` packages beat no deal for everyone who had to sign them."""
    if zone <= 0:
        return []
    shown = "" if example is None else (" One of them: " + "; ".join(
        _option_label(scenario, i, o) for i, o in example.items()) + ".")
    return [Lesson(lesson=PUBLIC_POSITIONS, delegation=None,
                   text=f"No agreement was signed, yet {zone:,} package(s) were worth more than no deal "
                        f"to every delegation whose signature they needed: the hidden tables "
                        f"preferred a deal the public positions did not show.{shown} {OPENING_BIDS}")]


def cost_of_delay(scenario: Scenario, rounds_lost: int, war_costs: Mapping[str, float]) -> list[Lesson]:
    """The rounds of war no agreement stopped and what each delegation paid, if any."""
    paid = {d: c for d, c in war_costs.items() if c}
    if rounds_lost <= 0 and not paid:
        return []
    names = {d.id: d.name for d in scenario.delegations}
    costs = ", ".join(f"{names.get(d, d)} {signed_number(-c)}" for d, c in paid.items())
    return [Lesson(lesson=COST_OF_DELAY, delegation=None,
                   text=f"{rounds_lost} round(s) of war were lost before the game ended"
                        + (f"; the war cost {costs} points" if costs else "") + f". {LOST_SPRING}")]


def interim_fates(scenario: Scenario, interims: Sequence[Interim], settled: bool) -> list[Lesson]:
    """One line per interim agreement: what it settled and what became of it."""
    found = []
    for interim in interims:
        what = "; ".join(_option_label(scenario, i, o) for i, o in interim.terms.items())
        if interim.status == "collapsed":
            fate = f"collapsed in round {interim.ended_round}, with no settlement behind it: {interim.reason}"
        elif interim.status == "superseded":
            fate = f"was folded into the settlement in round {interim.ended_round}"
        else:
            fate = ("still held when the game ended without a settlement to hold it up"
                    if not settled else "held to the end")
        found.append(Lesson(lesson=INTERIM, delegation=None,
                            text=f"Interim agreement of round {interim.round} ({what}) {fate}. "
                                 + ("" if interim.status == "superseded" else NO_CEASEFIRE_ALONE)))
    return found


def _option_label(scenario: Scenario, issue_id: str, option_id: str) -> str:
    issue = scenario.issue(issue_id)
    option = issue.option(option_id) if issue else None
    return f"{issue.title}: {option.label}" if issue and option else f"{issue_id}: {option_id}"
