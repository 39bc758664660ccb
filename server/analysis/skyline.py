"""Pareto skylines of point sets in numpy: which rows no other row dominates.

Row q *dominates* row p when q >= p + slack in every column and q > p + margin in at least
one. With slack = margin = 0 this is plain Pareto dominance (duplicates do not dominate each
other); the margins make a *safe* dominance for pruning partial packages (see prune.py).

The algorithm is sort-filter-skyline: a dominating row has a strictly greater sum, so after
sorting by sum (then by each column, so that equal sums still put a dominator first) a row can
only be dominated by rows before it. Rows are taken in blocks; each block is checked against
the skyline found so far, best rows first, so most dominated rows fall out after a few
comparisons, and only true skyline rows pay for the whole skyline. Before that, plain
dominance first drops whole cells of a coarse grid (`_in_undominated_cells`), which removes
nearly every dominated row of a large set in a few vectorised passes. Two columns get an
O(n log n) sweep instead.
"""

from __future__ import annotations

import numpy as np

BLOCK = 512
CHUNK = 4096


def pareto_mask(values: np.ndarray, slack: float = 0.0, margin: float = 0.0) -> np.ndarray:
    """Boolean mask of the rows of `values` (n, d) that no row dominates."""
    n, d = values.shape
    if n <= 1 or d == 0:
        return np.ones(n, dtype=bool)
    if d == 1:
        return values[:, 0] >= values[:, 0].max() - margin
    if d == 2 and slack == 0.0 and margin == 0.0:
        return _sweep_2d(values)
    rows = np.arange(n)
    if slack == 0.0 and margin == 0.0:
        rows = _cell_filter(values)
    order = rows[_dominators_first(values[rows])]
    keep = np.zeros(n, dtype=bool)
    keep[order[_sfs(values[order], slack, margin)]] = True
    return keep


def cell_candidates(values: np.ndarray) -> np.ndarray:
    """Indices of a superset of the skyline rows, found cheaply (the whole skyline for d <= 2).

    The skyline of a union is inside the union of the parts' skylines, so a large set can be
    reduced part by part and finished with one `pareto_mask`.
    """
    if values.shape[1] <= 2 or len(values) <= BLOCK:
        return np.flatnonzero(pareto_mask(values))
    return _cell_filter(values, cells=1 << 14, passes=1)


def grouped_pareto_mask(values: np.ndarray, groups: np.ndarray, slack: float, margin: float) -> np.ndarray:
    """Like pareto_mask, but a row is only compared with rows of its own group."""
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    keep = np.ones(len(values), dtype=bool)
    for members in np.split(order, bounds):
        if len(members) > 1:
            keep[members] = pareto_mask(values[members], slack, margin)
    return keep


def _cell_filter(values: np.ndarray, cells: int = 1 << 20, passes: int = 3) -> np.ndarray:
    """Indices of the rows that survive a grid test: a cascade of cheap, exact eliminations."""
    rows = np.arange(len(values))
    for _ in range(passes):
        kept = rows[_in_undominated_cells(values[rows], cells)]
        shrunk = len(kept) < 0.8 * len(rows)
        rows = kept
        if not shrunk or len(rows) < BLOCK:
            break
    return rows


def _in_undominated_cells(values: np.ndarray, cells: int) -> np.ndarray:
    """Rows whose grid cell no occupied cell dominates.

    Each column is cut into q equal cells. If some row sits in a cell whose index is higher in
    *every* column, that row is strictly greater everywhere (the cell index is a monotone
    function of the value), so every row of the lower cell is dominated. Which cells are
    dominated is a suffix-OR over the grid of occupied cells: O(q ** d), not O(n ** 2).
    """
    n, d = values.shape
    q = max(2, min(64, int(cells ** (1 / d) + 1e-9)))
    low = values.min(axis=0)
    span = np.maximum(values.max(axis=0) - low, 1e-300)
    index = np.minimum(((values - low) / span * q).astype(np.intp), q - 1)
    cell = np.ravel_multi_index(tuple(index.T), (q,) * d)
    occupied = np.zeros((q,) * d, dtype=bool)
    occupied.reshape(-1)[cell] = True
    at_or_above = occupied
    for axis in range(d):  # at_or_above[c] = some occupied cell >= c in every column
        at_or_above = np.flip(np.logical_or.accumulate(np.flip(at_or_above, axis), axis=axis), axis)
    dominated = np.zeros_like(occupied)
    dominated[(slice(0, -1),) * d] = at_or_above[(slice(1, None),) * d]
    return ~dominated.reshape(-1)[cell]


def _dominators_first(values: np.ndarray) -> np.ndarray:
    keys = [-values[:, j] for j in reversed(range(values.shape[1]))]
    return np.lexsort([*keys, -values.sum(axis=1)])


def _sfs(rows: np.ndarray, slack: float, margin: float) -> np.ndarray:
    """Indices of the skyline of `rows`, which are sorted so that dominators come first."""
    skyline = np.empty((0, rows.shape[1]))
    found: list[np.ndarray] = []
    for start in range(0, len(rows), BLOCK):
        alive = _undominated_by(rows[start : start + BLOCK], skyline, slack, margin)
        block = rows[start + alive]
        alive = alive[~_dominated(block, block, slack, margin)]
        found.append(start + alive)
        skyline = np.concatenate([skyline, rows[start + alive]])
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def _undominated_by(block: np.ndarray, skyline: np.ndarray, slack: float, margin: float) -> np.ndarray:
    """Indices of the rows of `block` that no row of `skyline` dominates."""
    alive = np.arange(len(block))
    for start in range(0, len(skyline), CHUNK):
        alive = alive[~_dominated(block[alive], skyline[start : start + CHUNK], slack, margin)]
        if not alive.size:
            break
    return alive


def _dominated(points: np.ndarray, by: np.ndarray, slack: float, margin: float) -> np.ndarray:
    """For each row of `points`: does some row of `by` dominate it?"""
    at_least = np.ones((len(points), len(by)), dtype=bool)
    better = np.zeros((len(points), len(by)), dtype=bool)
    for j in range(points.shape[1]):
        p, q = points[:, j, None], by[None, :, j]
        at_least &= q >= p + slack
        better |= q > p + margin
    return np.any(at_least & better, axis=1)


def _sweep_2d(values: np.ndarray) -> np.ndarray:
    """Exact two-column skyline: sort by x then y, both descending, keep rows above every y before."""
    unique, which = np.unique(values, axis=0, return_inverse=True)
    order = np.lexsort((-unique[:, 1], -unique[:, 0]))
    ys = unique[order, 1]
    best_before = np.concatenate([[-np.inf], np.maximum.accumulate(ys)[:-1]])
    # Distinct points sorted this way: every earlier one has x' >= x, so y' >= y dominates.
    on = np.zeros(len(unique), dtype=bool)
    on[order] = ys > best_before
    return on[which.reshape(-1)]
