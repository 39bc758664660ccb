"""What one seat knows, read from its own view: its table, its red lines, its reservation value.

A bot values packages as a careful human in the seat would, from nothing but `view["you"]` and
the public scenario: the points of each option on its own table; a clause that names a
delegation who is not at the table counts as its public ``weightless_as`` fallback (the rule
every briefing states); a package crossing one of its red lines is never acceptable. The
durability model is not shown to a seat, so a bot discounts paper points by `PRUDENCE` — it
expects an agreement to keep about four fifths of its worth — before it compares them with
its reservation value (what no deal is worth to it now, which pressure events move).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from server.engine.scoring import Terms
from server.engine.view_models import SeatView
from server.scenario.parts import Option

PRUDENCE = 0.8


@dataclass(frozen=True)
class SeatTable:
    """One delegation's own valuation of packages; `worth` is in reservation-value units."""

    me: str
    issues: tuple[str, ...]
    options: dict[str, tuple[str, ...]]
    value: dict[str, dict[str, float]]  # issue -> option -> points as it would work now
    red_lines: tuple[dict[str, frozenset[str]], ...]
    reservation: float
    commitment: dict[str, dict[str, float]] = field(default_factory=dict)  # what an obligation costs

    @classmethod
    def from_view(cls, view: SeatView) -> SeatTable:
        you = view.you
        if you is None:
            raise ValueError("only a delegation's own view holds its table")
        seated = set(view.seated) - set(view.walked_out)
        points = you.points
        scenario_issues = view.scenario.issues if view.scenario else []
        issues = tuple(i.id for i in scenario_issues)
        options = {i.id: tuple(o.id for o in i.options) for i in scenario_issues}
        value = {i.id: {o.id: _option_points(points, i.id, o, seated) for o in i.options} for i in scenario_issues}
        red_lines = tuple({issue: frozenset(opts) for issue, opts in r.terms.items()} for r in you.red_lines)
        costs = you.commitments
        commitment = {i.id: {o.id: _option_points(costs, i.id, o, seated) for o in i.options}
                      for i in scenario_issues if i.id in costs}
        return cls(you.delegation, issues, options, value, red_lines, float(you.reservation), commitment)

    def worth(self, terms: Terms) -> float:
        """What the package is expected to be worth if it were signed (red lines ignored): its
        points, discounted for durability, less the full cost of the obligations it takes on."""
        paper = sum(self.value[i].get(o, 0.0) for i, o in terms.items() if i in self.value)
        cost = sum(self.commitment[i].get(o, 0.0) for i, o in terms.items() if i in self.commitment)
        return PRUDENCE * paper - cost

    def crosses(self, terms: Terms) -> bool:
        return any(all(terms.get(i) in opts for i, opts in r.items()) for r in self.red_lines)

    def complete(self, terms: Terms) -> bool:
        return all(i in terms for i in self.issues)

    def acceptable(self, terms: Terms, aspiration: float) -> bool:
        """Complete, crossing none of the red lines, and worth at least `aspiration`."""
        return self.complete(terms) and not self.crosses(terms) and self.worth(terms) >= aspiration

    def best_package(self) -> dict[str, str]:
        """The package worth most to this seat among those crossing no red line."""
        terms = {i: max(self.options[i], key=partial(self._option_worth, i)) for i in self.issues}
        while self.crosses(terms):
            terms = self._cheapest_fix(terms)
        return terms

    def _option_worth(self, issue: str, option: str) -> float:
        return self.worth({issue: option})

    def best_worth(self) -> float:
        return self.worth(self.best_package())

    def _cheapest_fix(self, terms: dict[str, str]) -> dict[str, str]:
        """One change that uncrosses a red line at the least cost (every red line is escapable)."""
        crossed = [r for r in self.red_lines if all(terms.get(i) in opts for i, opts in r.items())]
        moves = [{**terms, i: o} for r in crossed for i in r for o in self.options[i]
                 if o not in r[i]]
        return max(moves, key=lambda t: (-_crossings(self, t), self.worth(t)))


def _crossings(seat: SeatTable, terms: Terms) -> int:
    return sum(all(terms.get(i) in opts for i, opts in r.items()) for r in seat.red_lines)


def _option_points(points: Mapping[str, Mapping[str, float]], issue: str,
                   option: Option, seated: set[str]) -> float:
    """An option's points as it would work: a clause needing an absent signer is its fallback."""
    chosen = option.id
    requires = option.requires
    if option.weightless_as and any(name not in seated for name in requires):
        chosen = option.weightless_as
    return float(points.get(issue, {}).get(chosen, 0.0))
