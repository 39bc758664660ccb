"""An agreement placed against its scenario's analysis: what was left on the table, and where.

* **better deal**: the nearest (Euclidean, over the table's results) frontier package that
  dominates the agreement: at least as good for every member of the table, better for one;
  taken from the zone of agreement when some dominating frontier package is in it;
* **distance to the frontier**: the distance to that better deal (0 on the frontier);
* **trades**: the issues that the better deal settles differently;
* **joint gain left on the table**: the greatest joint gain in the zone minus the agreement's
  (negative only for an agreement outside the zone, which someone signed at a loss).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from server.analysis.core import Analysis, Package


@dataclass(frozen=True)
class Trade:
    """An issue a better deal settles differently: the agreed option and the better one."""

    issue: str
    agreed: str
    better: str


@dataclass(frozen=True)
class Assessment:
    agreement: Package
    on_frontier: bool
    distance: float
    joint_gain_left: float | None
    better_deal: Package | None
    trades: tuple[Trade, ...]
    nash_trades: tuple[Trade, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement.to_dict(),
            "on_frontier": self.on_frontier,
            "distance": self.distance,
            "joint_gain_left": self.joint_gain_left,
            "better_deal": self.better_deal.to_dict() if self.better_deal else None,
            "trades": [vars(t) for t in self.trades],
            "nash_trades": [vars(t) for t in self.nash_trades],
        }


def assess(analysis: Analysis, terms: Mapping[str, str]) -> Assessment:
    """Place the complete package `terms` against `analysis` (see the module docstring)."""
    space = analysis.space
    agreement = analysis.package(int(space.number(space.row(terms)[None])[0]))
    better = _nearest_dominating(analysis, agreement)
    best = analysis.greatest_joint_gain
    return Assessment(
        agreement=agreement,
        # Every dominated package is dominated by some frontier package, so None means optimal.
        on_frontier=better is None,
        distance=_distance(analysis, agreement, better),
        joint_gain_left=None if best is None else round(best.joint_gain - agreement.joint_gain, 2),
        better_deal=better,
        trades=trades(agreement, better),
        nash_trades=trades(agreement, analysis.nash),
    )


def trades(agreement: Package, other: Package | None) -> tuple[Trade, ...]:
    """The issues `other` settles differently from `agreement`, in the scenario's order."""
    if other is None:
        return ()
    return tuple(
        Trade(issue, option, other.terms[issue])
        for issue, option in agreement.terms.items()
        if other.terms[issue] != option
    )


def _table_row(analysis: Analysis, package: Package) -> np.ndarray:
    return np.array([package.results[d] for d in analysis.table])


def _nearest_dominating(analysis: Analysis, agreement: Package) -> Package | None:
    frontier = analysis.frontier_values
    here = _table_row(analysis, agreement)
    dominating = np.all(frontier >= here, axis=1) & np.any(frontier > here, axis=1)
    if not dominating.any():
        return None
    in_zone = analysis.frontier_in_zone
    if (dominating & in_zone).any():
        dominating &= in_zone
    distances = np.where(dominating, np.linalg.norm(frontier - here, axis=1), np.inf)
    return analysis.package(int(analysis.frontier_numbers[int(np.argmin(distances))]))


def _distance(analysis: Analysis, agreement: Package, better: Package | None) -> float:
    if better is None:
        return 0.0
    return round(float(np.linalg.norm(_table_row(analysis, better) - _table_row(analysis, agreement))), 2)

