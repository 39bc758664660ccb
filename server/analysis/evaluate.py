"""Scoring a batch of packages exactly as `server.engine.scoring.package_value` does.

Exactness, not closeness: the debrief compares these numbers with the ones the game showed.
So every float operation is the one scoring.py performs, in the same order:

* points are summed issue by issue in the scenario's order, starting from the first issue;
* durability depends only on *which* factors fire, so it is computed in plain Python once
  per distinct set of fired factors (``base + sum(effects)``, clamped, ``round(..., 3)``);
* result = points * (1 - w + w * durability) - penalty * red lines crossed - commitments,
  rounded to cents the way Python's `round` does (numpy's differs near ties, fixed one by one).
  This is the package's *worth* (scoring.valuation); the war cost a delegation paid is
  subtracted from it in the game's results, the same for every package, so it moves no
  package in or out of the zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from server.analysis.space import Clause, FactorTest, OutcomeSpace
from server.engine.scoring import MAX_DURABILITY, MIN_DURABILITY


@dataclass(frozen=True, eq=False)
class Batch:
    """Packages to score: per issue, option indices that broadcast together to `shape`.

    Rows of a grid give 1-d columns; a block of the space gives scalars for the issues it
    fixes and one broadcast axis for each issue it spans (no index arrays to gather).
    """

    columns: tuple[np.ndarray, ...]
    shape: tuple[int, ...]

    @classmethod
    def of_rows(cls, grid: np.ndarray) -> Batch:
        return cls(tuple(grid[:, i] for i in range(grid.shape[1])), (len(grid),))

    @classmethod
    def block(cls, fixed: tuple[int, ...], sizes: tuple[int, ...]) -> Batch:
        """Packages whose first issues take the `fixed` options, the rest anything."""
        free = sizes[len(fixed):]
        spans = [np.arange(n).reshape([n if j == i else 1 for j in range(len(free))]) for i, n in enumerate(free)]
        return cls(tuple(np.asarray(o) for o in fixed) + tuple(spans), free)


@dataclass(frozen=True, eq=False)
class Scores:
    """Per package (rows) and seated delegation (columns): its result, and must it sign."""

    results: np.ndarray
    required: np.ndarray

    def in_zone(self, reservations: np.ndarray) -> np.ndarray:
        """Packages every required signatory prefers strictly to no deal."""
        return np.asarray(np.all((self.results > reservations) | ~self.required, axis=1))


def score(space: OutcomeSpace, batch: Batch | np.ndarray) -> Scores:
    """Score a batch (or (n, issues) option indices) for every seated delegation."""
    if isinstance(batch, np.ndarray):
        batch = Batch.of_rows(batch)
    k = len(space.seated)
    value = _points(space, batch) * multipliers(space, batch)[..., None]
    value -= space.scenario.outcome.red_line_penalty * red_line_counts(space, batch)
    value -= _summed(space.commitments, space, batch)
    return Scores(round_cents(value).reshape(-1, k), _required(space, batch).reshape(-1, k))


def _points(space: OutcomeSpace, batch: Batch) -> np.ndarray:
    return _summed(space.points, space, batch)


def _summed(tables: tuple[np.ndarray, ...], space: OutcomeSpace, batch: Batch) -> np.ndarray:
    """Per package and delegation, a per-option table summed issue by issue, in issue order."""
    total = tables[0][batch.columns[0]]
    for issue in range(1, len(batch.columns)):
        total = total + tables[issue][batch.columns[issue]]
    return np.broadcast_to(total, (*batch.shape, len(space.seated)))


def clause_holds(clause: Clause, batch: Batch) -> np.ndarray:
    return np.asarray(clause.mask[batch.columns[clause.issue]])


def any_of(clauses: Sequence[Clause], batch: Batch) -> np.ndarray:
    held = np.zeros(batch.shape, dtype=bool)
    for clause in clauses:
        held |= clause_holds(clause, batch)
    return held


def all_of(clauses: Sequence[Clause], batch: Batch) -> np.ndarray:
    held = np.ones(batch.shape, dtype=bool)
    for clause in clauses:
        held &= clause_holds(clause, batch)
    return held


def unbacked(space: OutcomeSpace, batch: Batch) -> np.ndarray:
    return any_of([Clause(i, flags) for i, flags in enumerate(space.unbacked)], batch)


def factor_holds(factor: FactorTest, batch: Batch, is_unbacked: np.ndarray) -> np.ndarray:
    if not factor.signed:
        return np.zeros(batch.shape, dtype=bool)
    held = all_of(factor.all, batch)
    if factor.unbacked is not None:
        held &= is_unbacked == factor.unbacked
    if factor.any:
        held &= any_of(factor.any, batch)
    return np.asarray(held & ~any_of(factor.none, batch))


def multipliers(space: OutcomeSpace, batch: Batch) -> np.ndarray:
    """Per package, 1 - w + w * durability: computed once per distinct set of fired factors."""
    is_unbacked = unbacked(space, batch)
    fired = [factor_holds(f, batch, is_unbacked).reshape(-1) for f in space.factors]
    codes, kinds = _codes(fired, int(np.prod(batch.shape)))
    table = [durability_multiplier(space, [(k >> f) & 1 for f in range(len(fired))]) for k in kinds]
    return np.asarray(np.asarray(table, dtype=np.float64)[codes].reshape(batch.shape))


def _codes(fired: list[np.ndarray], n: int) -> tuple[np.ndarray, list[int]]:
    """Number each package's set of fired factors densely: (codes, the bit set of each code)."""
    if len(fired) > 62:  # beyond an int64 bit set: number the rows of the boolean table instead
        kinds, codes = np.unique(np.stack(fired, axis=1), axis=0, return_inverse=True)
        return codes.reshape(-1), [sum(int(b) << f for f, b in enumerate(k)) for k in kinds]
    bits = np.zeros(n, dtype=np.int64)
    for f, held in enumerate(fired):
        bits |= held.astype(np.int64) << f
    if len(fired) <= 20:  # a direct table is cheaper than sorting
        present = np.flatnonzero(np.bincount(bits, minlength=1))
        dense = np.zeros(1 << len(fired), dtype=np.intp)
        dense[present] = np.arange(len(present))
        return dense[bits], present.tolist()
    kinds, codes = np.unique(bits, return_inverse=True)
    return codes.reshape(-1), kinds.tolist()


def durability_multiplier(space: OutcomeSpace, fired: Sequence[int]) -> float:
    """The same float expressions as scoring.durability and scoring.result."""
    outcome = space.scenario.outcome
    raw = outcome.base_durability + sum(f.effect for f, on in zip(space.factors, fired) if on)
    durability = round(min(MAX_DURABILITY, max(MIN_DURABILITY, raw)), 3)
    weight = outcome.durability_weight
    return 1 - weight + weight * durability


def red_line_counts(space: OutcomeSpace, batch: Batch) -> np.ndarray:
    counts = np.zeros((*batch.shape, len(space.seated)), dtype=np.int64)
    for red_line in space.red_lines:
        counts[..., red_line.column] += all_of(red_line.clauses, batch)
    return counts


def _required(space: OutcomeSpace, batch: Batch) -> np.ndarray:
    required = np.broadcast_to(space.signing_parties, (*batch.shape, len(space.seated))).copy()
    for issue, names in enumerate(space.names):
        required |= names[batch.columns[issue]]
    return required


def round_cents(values: np.ndarray) -> np.ndarray:
    """Python's round(v, 2) for every element, vectorised.

    numpy's rint(v * 100) / 100 agrees with Python except when v * 100 lies within a rounding
    error of a half; those are decided on v's exact binary value, as Python does.
    """
    scaled = values * 100.0
    cents = np.rint(scaled)
    floor = np.floor(scaled)
    near = np.abs(scaled - floor - 0.5) < 1e-6
    if near.any():
        cents[near] = _round_half_exactly(values[near], floor[near])
    return cents / 100.0


def _round_half_exactly(values: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Round v * 100 (just around k + 1/2, k = floor) on its exact value; exact ties to even."""
    if np.abs(values).max() >= 2.0**40:  # the integer arithmetic below would overflow
        return np.array([round(v, 2) * 100.0 for v in values.tolist()])
    mantissa, exponent = np.frexp(values)
    m = (mantissa * 2.0**53).astype(np.int64)  # v = m / 2**shift exactly
    shift = (53 - exponent).astype(np.int64)
    k = floor.astype(np.int64)
    # v * 100 against k + 1/2, both times 2**(shift + 1): 200 m against (2k + 1) << shift.
    twice_scaled, twice_half = 200 * m, (2 * k + 1) << shift
    up = (twice_scaled > twice_half) | ((twice_scaled == twice_half) & (k % 2 == 1))
    return np.asarray(k + up, dtype=np.float64)
