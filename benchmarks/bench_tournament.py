"""How long `parley tournament` takes: 100 all-bot games of each bundled scenario, in process.

    python benchmarks/bench_tournament.py [SCENARIO ...] [--games N]

The issue's target: 100 games of one scenario in under 30 s on the 2-core class machine.
The baseline, run in the same process: the same games with every bot view carrying each
proposal's worth figures (as the tournament did before bots were given views without them),
so the ratio shows what leaving them out saves whatever the machine's load.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.bots.tournament import run_tournament
from server.cli.text_reports import tournament_text
from server.engine import Game
from server.scenario import bundled_scenarios

TARGET_SECONDS = 30.0


@contextmanager
def views_with_worth() -> Iterator[None]:
    """Every `Game.view_for` computes the worth figures, whatever its caller asks."""
    original = Game.view_for

    def view_for(self: Game, seat: str | None, include_notes: bool = True, include_scenario: bool = True,
                 with_worth: bool = True) -> dict[str, Any]:
        return original(self, seat, include_notes, include_scenario, with_worth=True)

    Game.view_for = view_for  # type: ignore[method-assign]
    try:
        yield
    finally:
        Game.view_for = original  # type: ignore[method-assign]


def timed(sid: str, games: int) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    report = run_tournament(bundled_scenarios()[sid], games=games)
    return report, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=sorted(bundled_scenarios()))
    parser.add_argument("--games", type=int, default=100)
    args = parser.parse_args(argv)
    slow = []
    for sid in args.scenarios:
        report, seconds = timed(sid, args.games)
        with views_with_worth():
            baseline, baseline_seconds = timed(sid, args.games)
        assert baseline["by_strategy"] == report["by_strategy"], "the worth figures changed a bot's play"
        print(tournament_text(report), end="")
        print(f"==> {sid}: {args.games} games in {seconds:.2f} s "
              f"({1000 * seconds / args.games:.1f} ms a game; target < {TARGET_SECONDS:.0f} s); "
              f"baseline (views with worth figures) {baseline_seconds:.2f} s, "
              f"ratio {seconds / baseline_seconds:.2f}x\n")
        if seconds >= TARGET_SECONDS:
            slow.append(sid)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
