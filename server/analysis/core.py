"""The analysis of a scenario's outcome space: zone of agreement, frontier, Nash point.

Theory of operation
-------------------
A package is one option per issue; a scenario with issues of sizes n1..nk has n1*...*nk of
them, numbered in mixed radix (space.py). One pass scores them all, block by block, exactly as
`server.engine.scoring.package_value` would (evaluate.py), for every seated delegation, and
folds each block into running answers (`_Scan`; blocks are scored on two threads):

* the **zone of possible agreement**: packages every required signatory (every signing party,
  plus each seated delegation a chosen option names) values strictly above its reservation;
* the **table**: the seated delegations that sign (parties and guarantors; a mediator is
  scored and, when a clause names it, must agree, but its preferences are not a stake in the
  bargain). Frontier, joint gain and Nash product are all taken over the table;
* the **greatest joint gain**: the zone package with the largest sum of the table's gains
  (result - reservation);
* the **Nash bargaining point**: among zone packages where every member of the table gains,
  the one with the largest product of gains (ties: larger joint gain, then lower number). A
  guarantor that no clause names cannot veto a package, but a product with a loss in it
  means nothing, so such packages are left out rather than counted;
* frontier **candidates**: each block keeps only rows that might be Pareto-optimal over the
  table's results (skyline.py: whole grid cells of dominated rows are dropped), and the
  exact skyline of the kept rows is the **Pareto frontier** over all packages.

Red lines and durability factors make results non-additive over issues; scoring every package
exactly, and only then comparing, keeps all of it exact. The pass is numpy end to end: about
half a second per million packages for five delegations, frontier included (see
benchmarks/bench_analysis.py).

Why not prune partial packages issue by issue (points add up, so a dominated part can never
be on the frontier)? It was built and measured: over five delegations most random partial
packages are Pareto-optimal among themselves, and red lines and factors split them into
classes that must be pruned apart, so it still left about a third of a million-package space
as candidates and cost more than it saved. Scoring everything is cheap; comparing is what
must be clever, and the grid test in skyline.py does that on exact results.

`analyse` caches its answers per (scenario id and content, reservation values, seated);
`analyse_async` runs it in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial, reduce
from typing import Any

import numpy as np

from server.analysis.evaluate import Batch, score
from server.analysis.skyline import cell_candidates, pareto_mask
from server.analysis.space import OutcomeSpace, compile_space
from server.scenario.model import Scenario

MAX_PACKAGES = 50_000_000
CACHE_SIZE = 32
WORKERS = 2


class SpaceTooLarge(ValueError):
    """The outcome space has more packages than one analysis enumerates (MAX_PACKAGES)."""


@dataclass(frozen=True)
class Package:
    """One complete package with what it is worth to every seated delegation.

    Gains (result - reservation) and the joint gain (their sum over the table) are rounded
    to cents, like results; comparisons inside the analysis use the unrounded differences.
    """

    number: int
    terms: dict[str, str]
    results: dict[str, float]
    gains: dict[str, float]
    joint_gain: float
    in_zone: bool

    def to_dict(self) -> dict[str, Any]:
        return {"terms": self.terms, "results": self.results, "gains": self.gains,
                "joint_gain": self.joint_gain, "in_zone": self.in_zone}


@dataclass(frozen=True, eq=False)
class Analysis:
    """The answers for one scenario, reservation values and set of seated delegations."""

    space: OutcomeSpace
    reservations: dict[str, float]
    zone_size: int
    frontier_numbers: np.ndarray
    frontier_values: np.ndarray
    frontier_in_zone: np.ndarray
    nash: Package | None
    greatest_joint_gain: Package | None
    best: dict[str, float]
    worst: dict[str, float]
    _packages: dict[int, Package] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return self.space.size

    @property
    def table(self) -> tuple[str, ...]:
        """The delegations whose results the frontier, joint gain and Nash product are over."""
        return tuple(d for d, on in zip(self.space.seated, table_axes(self.space)) if on)

    @property
    def frontier_size(self) -> int:
        return len(self.frontier_numbers)

    def frontier(self) -> list[Package]:
        """Every Pareto-optimal package, in package-number order."""
        return make_packages(self.space, self.reservations, self.frontier_numbers.tolist())

    def package(self, number: int) -> Package:
        if number not in self._packages:
            self._packages[number] = make_package(self.space, self.reservations, number)
        return self._packages[number]


# ---------------------------------------------------------------- entry points


def analyse(scenario: Scenario, reservations: Mapping[str, float] | None = None,
            seated: Collection[str] | None = None) -> Analysis:
    """Analyse `scenario` (default reservations: the starting ones; default seated: not absent)."""
    space = compile_space(scenario, seated)
    values = reservation_values(space, reservations)
    key = (scenario.id, _fingerprint(scenario), tuple(values.items()), space.seated)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    analysis = _analyse(space, values)
    with _lock:
        _cache[key] = analysis
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return analysis


async def analyse_async(scenario: Scenario, reservations: Mapping[str, float] | None = None,
                        seated: Collection[str] | None = None) -> Analysis:
    """`analyse` in a worker thread, so that a large space never blocks the event loop."""
    return await asyncio.to_thread(analyse, scenario, reservations, seated)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


_cache: OrderedDict[tuple[Any, ...], Analysis] = OrderedDict()
_lock = threading.Lock()


def _fingerprint(scenario: Scenario) -> str:
    # Two scenarios may share an id (an edited file, a test's hand-made one): key the content too.
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


def reservation_values(space: OutcomeSpace, given: Mapping[str, float] | None) -> dict[str, float]:
    """Each seated delegation's reservation: the given one, else the scenario's starting one."""
    given = given or {}
    start = {d.id: d.hidden.reservation for d in space.scenario.delegations}
    return {d: float(given.get(d, start[d])) for d in space.seated}


def table_axes(space: OutcomeSpace) -> np.ndarray:
    """Columns of the table: the seated signers (or every seated delegation if none signs)."""
    return space.signers if space.signers.any() else np.ones(len(space.seated), dtype=bool)


def check_size(space: OutcomeSpace) -> None:
    if space.size > MAX_PACKAGES:
        raise SpaceTooLarge(f"{space.size:,} packages: more than the {MAX_PACKAGES:,} an analysis enumerates")


# ---------------------------------------------------------------- the pass


def _analyse(space: OutcomeSpace, reservations: dict[str, float]) -> Analysis:
    check_size(space)
    reservation_row = np.array(list(reservations.values()), dtype=np.float64)
    summarise = partial(_summarise, space, reservation_row, table_axes(space))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # numpy releases the GIL
        scan = _fold(pool.map(summarise, space.blocks()), len(space.seated))
    frontier = scan.frontier()
    frontier_scores = score(space, space.grid(frontier))
    return Analysis(
        space=space,
        reservations=reservations,
        zone_size=scan.zone_size,
        frontier_numbers=frontier,
        frontier_values=frontier_scores.results[:, table_axes(space)],
        frontier_in_zone=frontier_scores.in_zone(reservation_row),
        nash=make_package(space, reservations, scan.nash[2]) if scan.nash else None,
        greatest_joint_gain=make_package(space, reservations, scan.joint[2]) if scan.joint else None,
        best=dict(zip(space.seated, scan.best.tolist())),
        worst=dict(zip(space.seated, scan.worst.tolist())),
    )


Best = tuple[float, float, int]  # (what is maximised, the tie-break, package number)


@dataclass
class _Scan:
    """Answers over a run of packages; `merge` combines runs taken in package-number order."""

    zone_size: int
    nash: Best | None
    joint: Best | None
    best: np.ndarray
    worst: np.ndarray
    kept_numbers: list[np.ndarray]
    kept_values: list[np.ndarray]

    def merge(self, later: _Scan) -> _Scan:
        return _Scan(
            zone_size=self.zone_size + later.zone_size,
            nash=_better(self.nash, later.nash),
            joint=_better(self.joint, later.joint),
            best=np.maximum(self.best, later.best),
            worst=np.minimum(self.worst, later.worst),
            kept_numbers=self.kept_numbers + later.kept_numbers,
            kept_values=self.kept_values + later.kept_values,
        )

    def frontier(self) -> np.ndarray:
        numbers = np.concatenate(self.kept_numbers)
        return np.sort(numbers[pareto_mask(np.concatenate(self.kept_values))])


def _better(earlier: Best | None, later: Best | None) -> Best | None:
    """The better of two; on a tie the earlier one, which has the lower package number."""
    if earlier is None or (later is not None and later[:2] > earlier[:2]):
        return later
    return earlier


def _fold(scans: Iterable[_Scan], columns: int) -> _Scan:
    empty = _Scan(0, None, None, np.full(columns, -np.inf), np.full(columns, np.inf), [], [])
    return reduce(_Scan.merge, scans, empty)


def _summarise(space: OutcomeSpace, reservations: np.ndarray, axes: np.ndarray,
               block: tuple[int, tuple[int, ...]]) -> _Scan:
    """Score one block of the space and keep only what the answers need."""
    start, fixed = block
    scores = score(space, Batch.block(fixed, space.sizes))
    zone = scores.in_zone(reservations)
    gains = scores.results[:, axes] - reservations[axes]
    joint = sequential_sum(gains)
    values = scores.results[:, axes]
    kept = cell_candidates(values)
    return _Scan(
        zone_size=int(zone.sum()),
        nash=_nash(start, zone & np.all(gains > 0, axis=1), gains, joint),
        joint=_best_of(start, zone, joint, joint),
        best=scores.results.max(axis=0),
        worst=scores.results.min(axis=0),
        kept_numbers=[start + kept],
        kept_values=[values[kept]],
    )


def _nash(start: int, domain: np.ndarray, gains: np.ndarray, joint: np.ndarray) -> Best | None:
    """The largest product of gains in `domain`; ties to the larger joint gain, then the first."""
    return _best_of(start, domain, sequential_product(gains), joint)


def _best_of(start: int, domain: np.ndarray, value: np.ndarray, tie_break: np.ndarray) -> Best | None:
    if not domain.any():
        return None
    value = np.where(domain, value, -np.inf)
    tied = np.flatnonzero(value == value.max())
    row = int(tied[np.argmax(tie_break[tied])])  # argmax takes the first: the lowest number
    return float(value[row]), float(tie_break[row]), start + row


def sequential_sum(columns: np.ndarray) -> np.ndarray:
    """Row sums added column by column, left to right (the order a Python loop adds them)."""
    total = np.zeros(len(columns))
    for j in range(columns.shape[1]):
        total = total + columns[:, j]
    return total


def sequential_product(columns: np.ndarray) -> np.ndarray:
    total = np.ones(len(columns))
    for j in range(columns.shape[1]):
        total = total * columns[:, j]
    return total


def make_packages(space: OutcomeSpace, reservations: Mapping[str, float], numbers: list[int]) -> list[Package]:
    """The packages numbered `numbers`, scored in one batch, with their gains over `reservations`."""
    grid = space.grid(np.array(numbers, dtype=np.intp))
    scores = score(space, grid)
    reservation_row = np.array([reservations[d] for d in space.seated])
    gains = scores.results - reservation_row
    joint = sequential_sum(gains[:, table_axes(space)])
    zone = scores.in_zone(reservation_row)
    return [
        Package(
            number=number,
            terms=space.terms(row),
            results=dict(zip(space.seated, results)),
            gains={d: round(g, 2) for d, g in zip(space.seated, package_gains)},
            joint_gain=round(package_joint, 2),
            in_zone=package_zone,
        )
        for number, row, results, package_gains, package_joint, package_zone in zip(
            numbers, grid, scores.results.tolist(), gains.tolist(), joint.tolist(), zone.tolist()
        )
    ]


def make_package(space: OutcomeSpace, reservations: Mapping[str, float], number: int) -> Package:
    return make_packages(space, reservations, [number])[0]
