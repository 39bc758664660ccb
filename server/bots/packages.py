"""Reading the others from their proposals, and choosing packages that suit them too.

`Others` guesses what the other delegations want from the only thing a seat sees of them: the
proposals they table and support. Each one's recent proposals weigh more than its old ones;
an option's score is the weighted share of those proposals that chose it, summed over the
others (signing parties count double: their signature is what a package needs).

The two searches are greedy and deterministic (`concede_from`, `improve_toward`): points are
additive per issue, so moving one issue at a time with the best exchange rate between "what
it costs me" and "what it gives them" is cheap and finds sensible packages on every bundled
scenario, including istanbul-2022's 54,675 packages.
"""

from __future__ import annotations

from collections import defaultdict

from server.bots.seat import SeatTable
from server.engine.scoring import Terms
from server.engine.view_models import SeatView

RECENCY = 1.5  # each newer proposal of a delegation weighs this much more than the one before


class Others:
    """What the other delegations seem to want, inferred from their public proposals."""

    def __init__(self, view: SeatView, me: str) -> None:
        kinds = {d.id: d.kind for d in view.scenario.delegations} if view.scenario else {}
        backed: dict[str, list[dict[str, str]]] = defaultdict(list)
        for p in view.proposals:
            for d in p.supporters:
                if d != me:
                    backed[d].append(p.terms)
        self.score: dict[tuple[str, str], float] = defaultdict(float)
        self.latest: dict[str, dict[str, str]] = {}  # each party's most recent package
        for d, packages in backed.items():
            weight = 2.0 if kinds.get(d) == "party" else 1.0
            shares = [RECENCY ** k for k in range(len(packages))]
            total = sum(shares)
            for share, terms in zip(shares, packages, strict=True):
                for issue, option in terms.items():
                    self.score[(issue, option)] += weight * share / total
            if kinds.get(d) == "party":
                self.latest[d] = packages[-1]

    def option(self, issue: str, option: str) -> float:
        return self.score.get((issue, option), 0.0)

    def of(self, terms: Terms) -> float:
        return sum(self.option(i, o) for i, o in terms.items())


def concede_from(seat: SeatTable, start: Terms, aspiration: float, others: Others) -> dict[str, str]:
    """From `start`, give the others what they want issue by issue while worth stays >= aspiration."""
    terms = dict(start)
    while True:
        best: tuple[float, str, str] | None = None
        for issue in seat.issues:
            for option in seat.options[issue]:
                gain = others.option(issue, option) - others.option(issue, terms[issue])
                if gain <= 0:
                    continue
                trial = {**terms, issue: option}
                if seat.crosses(trial) or seat.worth(trial) < aspiration:
                    continue
                rate = gain / max(seat.worth(terms) - seat.worth(trial), 0.5)
                if best is None or rate > best[0]:
                    best = (rate, issue, option)
        if best is None:
            return terms
        terms[best[1]] = best[2]


def improve_toward(seat: SeatTable, start: Terms, aspiration: float,
                   others: Others) -> dict[str, str] | None:
    """Amend someone's package: take what I need at the least cost to them, or None if I cannot."""
    terms = {i: start.get(i, seat.options[i][0]) for i in seat.issues}
    for _ in range(4 * len(seat.issues)):
        if seat.acceptable(terms, aspiration):
            return terms
        best: tuple[float, str, str] | None = None
        for issue in seat.issues:
            for option in seat.options[issue]:
                trial = {**terms, issue: option}
                gain = seat.worth(trial) - seat.worth(terms)
                uncrosses = seat.crosses(terms) and not seat.crosses(trial)
                if gain <= 0 and not uncrosses:
                    continue
                cost = max(others.option(issue, terms[issue]) - others.option(issue, option), 0.05)
                rate = (gain + (1000.0 if uncrosses else 0.0)) / cost
                if best is None or rate > best[0]:
                    best = (rate, issue, option)
        if best is None:
            return None
        terms[best[1]] = best[2]
    return terms if seat.acceptable(terms, aspiration) else None


def compromise(seat: SeatTable, others: Others) -> dict[str, str]:
    """A mediator's text: what the parties' latest packages agree on, its own table elsewhere.

    With fewer than two parties heard, it is simply the mediator's own best package (the
    mediator's table is the scenario's idea of a fair middle)."""
    terms = seat.best_package()
    if len(others.latest) < 2:
        return terms
    for issue in seat.issues:
        chosen = {package.get(issue) for package in others.latest.values()}
        if len(chosen) == 1 and None not in chosen:
            terms[issue] = chosen.pop()  # type: ignore[assignment]
    return terms
