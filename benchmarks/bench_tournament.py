"""How long `parley tournament` takes: 100 all-bot games of each bundled scenario, in process.

    python benchmarks/bench_tournament.py [SCENARIO ...] [--games N]

The issue's target: 100 games of one scenario in under 30 s on the 2-core class machine.
"""

from __future__ import annotations

import argparse
import sys
import time

from server.bots.tournament import run_tournament
from server.cli.text_reports import tournament_text
from server.scenario import bundled_scenarios

TARGET_SECONDS = 30.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=sorted(bundled_scenarios()))
    parser.add_argument("--games", type=int, default=100)
    args = parser.parse_args(argv)
    slow = []
    for sid in args.scenarios:
        started = time.perf_counter()
        report = run_tournament(bundled_scenarios()[sid], games=args.games)
        seconds = time.perf_counter() - started
        print(tournament_text(report), end="")
        print(f"==> {sid}: {args.games} games in {seconds:.2f} s "
              f"({1000 * seconds / args.games:.1f} ms a game; target < {TARGET_SECONDS:.0f} s)\n")
        if seconds >= TARGET_SECONDS:
            slow.append(sid)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
