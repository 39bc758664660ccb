"""How long a replay of a 10,000-event game takes to open, and what a cursor move costs.

    python benchmarks/bench_replay.py [--events 10000] [--scenario istanbul-2022] [--viewer]

Records a game through the engine with scripted seats (tests/test_replay_games.py: every
round each seat tables packages, talks in public and in private, supports and withdraws, the
facilitator pauses, injects and announces) padded with chatter to about --events events,
then times, best of 3: opening the `Replay` (fold with snapshots, timeline), a step forward,
a jump back to a random point, and a jump to the next round. With --viewer, also the
Textual viewer's first screen (App.run_test, headless).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from server.replay import Cursor, Replay  # noqa: E402
from test_replay_games import record_game  # noqa: E402


def best(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_moves(replay: Replay) -> dict[str, float]:
    rng = random.Random(1)
    n = len(replay)
    replay.view_at(n // 2)
    step = best(50, lambda: replay.view_at(replay._cursor[0] + 1 if replay._cursor else 1))  # type: ignore[index]
    jump = best(50, lambda: replay.view_at(rng.randrange(n)))
    worst = max(_timed(lambda: replay.view_at(rng.randrange(n))) for _ in range(200))
    cursor = Cursor(replay)
    round_jump = best(5, lambda: (cursor.start(), cursor.next_round(), replay.view_at(cursor.index)))
    return {"step": step, "random jump (best)": jump, "random jump (worst of 200)": worst,
            "next round": round_jump}


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


async def viewer_open(replay: Replay) -> float:
    from client.replay.app import ReplayApp

    start = time.perf_counter()
    app = ReplayApp(replay)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--scenario", default="istanbul-2022")
    parser.add_argument("--viewer", action="store_true", help="also time the Textual viewer's first screen")
    args = parser.parse_args()
    chatter = max(0, args.events - 280)  # the scripted rounds add ~280 events of their own
    start = time.perf_counter()
    log = record_game(args.scenario, chatter=chatter)
    print(f"recorded {len(log):,} events of {args.scenario} in {time.perf_counter() - start:.2f} s")
    opened = best(3, lambda: Replay(log))
    print(f"open a replay (fold + snapshots + timeline), best of 3: {opened * 1000:.0f} ms")
    replay = Replay(log)
    print(f"  {len(replay.snapshots)} snapshots, one every {replay.snapshots.every} events")
    as_seat = best(3, lambda: Replay(log).as_seat("ukraine"))
    print(f"open as a delegation: {as_seat * 1000:.0f} ms")
    for name, seconds in bench_moves(replay).items():
        print(f"cursor move, {name}: {seconds * 1000:.2f} ms (state + facilitator view)")
    if args.viewer:
        print(f"viewer first screen (headless, with app start-up): {asyncio.run(viewer_open(replay)):.2f} s")


if __name__ == "__main__":
    main()
