"""Pareto skylines of point sets in numpy: which rows no other row dominates.

Row q *dominates* row p when q >= p in every column and q > p in at least one; equal rows do
not dominate each other, so duplicates share one fate.

1. A coarse grid first (`_in_undominated_cells`): if some row sits in a cell that is higher in
   *every* column, each row of the lower cell is dominated. Which cells are dominated is a
   suffix-OR over the grid of occupied cells, so this drops nearly every dominated row of a
   large set in a few vectorised passes, without comparing rows.
2. The survivors are made distinct (`np.unique`) and each column is replaced by its rank,
   which keeps every comparison and makes them small integers.
3. Sort-filter-skyline: a dominating row has a strictly greater sum, so after sorting by sum a
   row can only be dominated by rows before it. Rows are taken in blocks; a block is checked
   against the skyline found so far, best rows first, so most dominated rows fall out after a
   few comparisons; only true skyline rows pay for the whole skyline.

Two columns get an exact O(n log n) sweep instead.
"""

from __future__ import annotations

import numpy as np

BLOCK = 1024
CHUNK = 4096


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows of `values` (n, d) that no row dominates."""
    n, d = values.shape
    if n <= 1 or d == 0:
        return np.ones(n, dtype=bool)
    if d == 1:
        return np.asarray(values[:, 0] == values[:, 0].max())
    if d == 2:
        return _sweep_2d(values)
    rows = _cell_filter(values)
    distinct, which = np.unique(values[rows], axis=0, return_inverse=True)
    keep = np.zeros(n, dtype=bool)
    keep[rows] = _distinct_skyline(_ranks(distinct))[which.reshape(-1)]
    return keep


def cell_candidates(values: np.ndarray) -> np.ndarray:
    """Indices of a superset of the skyline rows, found cheaply (the whole skyline for d <= 2).

    The skyline of a union is inside the union of the parts' skylines, so a large set can be
    reduced part by part and finished with one `pareto_mask`.
    """
    if values.shape[1] <= 2 or len(values) <= BLOCK:
        return np.flatnonzero(pareto_mask(values))
    return _cell_filter(values, cells=1 << 14, passes=1)


def _cell_filter(values: np.ndarray, cells: int = 1 << 20, passes: int = 3) -> np.ndarray:
    """Indices of the rows that survive the grid test, repeated while it keeps paying off."""
    rows = np.arange(len(values))
    for _ in range(passes):
        kept = rows[_in_undominated_cells(values[rows], cells)]
        shrunk = len(kept) < 0.8 * len(rows)
        rows = kept
        if not shrunk or len(rows) < BLOCK:
            break
    return rows


def _in_undominated_cells(values: np.ndarray, cells: int) -> np.ndarray:
    """Rows whose cell of a q**d grid no occupied cell dominates (higher in every column).

    The cell index is a monotone function of the value, so a higher index in a column means a
    strictly greater value there: the test is exact, never an approximation.
    """
    n, d = values.shape
    q = max(2, min(64, int(cells ** (1 / d) + 1e-9)))
    if q**d > 4 * cells:  # too many columns for a grid of two cells each: keep every row
        return np.ones(n, dtype=bool)
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
    return np.asarray(~dominated.reshape(-1)[cell])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each column replaced by its dense rank: the same comparisons, in a small integer type."""
    columns = [np.unique(values[:, j], return_inverse=True)[1].reshape(-1) for j in range(values.shape[1])]
    dtype = np.int16 if len(values) < 2**15 else np.int32
    return np.stack(columns, axis=1).astype(dtype)


def _distinct_skyline(rows: np.ndarray) -> np.ndarray:
    """Skyline mask of distinct rows, by sort-filter-skyline (see the module docstring)."""
    order = np.argsort(-rows.sum(axis=1, dtype=np.int64), kind="stable")
    ranked = rows[order]
    skyline = np.empty((0, rows.shape[1]), dtype=rows.dtype)
    found: list[np.ndarray] = []
    for start in range(0, len(ranked), BLOCK):
        block = ranked[start : start + BLOCK]
        alive = _undominated_by(block, skyline)
        alive = alive[~_dominated_within(block[alive])]
        found.append(start + alive)
        skyline = np.concatenate([skyline, block[alive]])
    keep = np.zeros(len(rows), dtype=bool)
    keep[order[np.concatenate(found)]] = True
    return keep


def _undominated_by(block: np.ndarray, skyline: np.ndarray) -> np.ndarray:
    """Indices of the rows of `block` that no row of `skyline` dominates."""
    alive = np.arange(len(block))
    for start in range(0, len(skyline), CHUNK):
        alive = alive[~np.any(_at_least(skyline[start : start + CHUNK], block[alive]), axis=1)]
        if not alive.size:
            break
    return alive


def _dominated_within(block: np.ndarray) -> np.ndarray:
    covered = _at_least(block, block)
    np.fill_diagonal(covered, False)  # distinct rows: at least as good everywhere = dominates
    return np.asarray(np.any(covered, axis=1))


def _at_least(by: np.ndarray, points: np.ndarray) -> np.ndarray:
    """[i, j]: row j of `by` is >= row i of `points` in every column."""
    covered = np.ones((len(points), len(by)), dtype=bool)
    for j in range(points.shape[1]):
        covered &= by[None, :, j] >= points[:, j, None]
    return covered


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
