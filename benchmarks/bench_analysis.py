"""How long the exact analysis of a million-package outcome space takes.

    python benchmarks/bench_analysis.py [--issues 10,10,10,10,10,10] [--delegations 5] [--opposed]

Builds a random scenario (`server.analysis.synthetic`): by default 6 issues of 10 options
(1,000,000 packages) and 5 seated signing delegations with random points tables, a few red
lines each and six durability factors. Times `analyse` (every package scored exactly, the zone
of agreement, the Pareto frontier over the 5 delegations, the Nash point and the greatest
joint gain), best of 3 with the cache cleared. `--opposed` gives the first two delegations
mirror-image tables (what one gains the other loses), which makes the frontier much larger.

For comparison it then times the brute force a reader would write first, on a smaller space:
`package_value` for every package and delegation, and a pairwise Pareto test.
"""

from __future__ import annotations

import argparse
import itertools
import time
from math import prod

from server.analysis import analyse, clear_cache
from server.analysis.synthetic import random_scenario
from server.engine.scoring import package_value
from server.scenario.model import Scenario

SIGNERS = ("party", "party", "guarantor", "guarantor", "guarantor")


def build(sizes: tuple[int, ...], delegations: int, opposed: bool, seed: int = 2025) -> Scenario:
    scenario = random_scenario(seed, sizes=sizes, delegations=delegations, red_lines=3, factors=6,
                               kinds=SIGNERS, absent=())
    return _mirrored(scenario) if opposed else scenario


def _mirrored(scenario: Scenario) -> Scenario:
    """The second delegation's table becomes 100 minus the first's, issue by issue."""
    data = scenario.model_dump(mode="json", by_alias=True)
    first, second = data["delegations"][0]["hidden"], data["delegations"][1]["hidden"]
    second["points"] = {i: {o: 100 - v for o, v in t.items()} for i, t in first["points"].items()}
    middle = 50 * len(first["points"])  # both can gain only near the middle: a narrow zone
    first["reservation"] = second["reservation"] = 0.6 * middle
    return Scenario.model_validate(data)


def time_analysis(scenario: Scenario, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        analysis = analyse(scenario)
        best = min(best, time.perf_counter() - start)
    print(f"  {analysis.size:,} packages x {len(analysis.space.seated)} delegations: "
          f"zone {analysis.zone_size:,}, frontier {analysis.frontier_size:,}, "
          f"Nash {'found' if analysis.nash else 'none'}")
    return best


def time_brute_force(scenario: Scenario) -> float:
    """package_value for every package and seat, then a pairwise Pareto test."""
    start = time.perf_counter()
    seated = [d for d in scenario.delegations if not d.absent]
    seats = [d.id for d in seated]
    rows = []
    for combo in itertools.product(*([o.id for o in i.options] for i in scenario.issues)):
        terms = dict(zip((i.id for i in scenario.issues), combo))
        rows.append(tuple(package_value(scenario, d, terms, seats) for d in seated))
    frontier = [p for p in rows if not any(all(a >= b for a, b in zip(q, p)) and q != p for q in rows)]
    assert frontier
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", default="10,10,10,10,10,10", help="options per issue")
    parser.add_argument("--delegations", type=int, default=5)
    parser.add_argument("--opposed", action="store_true", help="mirror-image tables for two delegations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default="4,4,4,4,4", help="options per issue for the brute force")
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.issues.split(","))
    print("exact analysis (frontier, Nash point, zone, joint gain), best of", args.repeat)
    seconds = time_analysis(build(sizes, args.delegations, args.opposed), args.repeat)
    print(f"  {seconds:.3f} s")
    small = tuple(int(n) for n in args.baseline.split(","))
    print("brute-force baseline (package_value per package, pairwise Pareto)")
    baseline = time_brute_force(build(small, args.delegations, args.opposed))
    print(f"  {prod(small):,} packages: {baseline:.3f} s "
          f"({baseline / prod(small) * 1e6:.0f} us a package; the analysis: {seconds / prod(sizes) * 1e6:.2f} us)")


if __name__ == "__main__":
    main()
