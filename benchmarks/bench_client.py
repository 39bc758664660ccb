"""How quickly the table screen answers a key with 1,000 events in the game.

    python benchmarks/bench_client.py [--events 1000] [--size 120x36]

A tutorial game is played through the real engine until its log holds `--events` events
(statements, private messages, proposals and support), then the real Textual app (headless,
`App.run_test`) is handed that seat's `joined` message, as the server would send it. Measured:
each key press (tab switches, moving the proposal cursor) from the key event to the screen
being idle again (handled, laid out and rendered) — wall time, which includes the pilot's own
waiting for idleness, and the process's CPU time, which is the work the key caused — and one
incoming `update` (a new statement) from arrival to idle. Prints median, p95 and max in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from client.app import ParleyApp  # noqa: E402
from client.screens.table import TableScreen  # noqa: E402
from client_helpers import joined, update  # noqa: E402
from engine_helpers import Table  # noqa: E402
from server.engine import commands as c  # noqa: E402
from server.engine.phases import Phase  # noqa: E402

SEATS = ("upland", "lowland", "commission")
OPTIONS = {"dam_height": ["full", "reduced", "frozen"], "water_flow": ["none", "seasonal", "guaranteed"],
           "compensation": ["none", "fund", "direct"]}


def busy_game(events: int) -> Table:
    table = Table("tutorial", time_scale=100.0)  # long phases: the clock never ends one
    table.start()
    table.advance_to(Phase.NEGOTIATION)
    n = 0
    while len(table.log) < events:
        seat = SEATS[n % 3]
        if n % 10 == 0 and len(table.state.proposals) < 40:
            terms = {issue: opts[(n // 10 + i) % 3] for i, (issue, opts) in enumerate(OPTIONS.items())}
            table.act(seat, c.TableProposal(terms=terms))
        elif n % 3 == 0:
            table.act(seat, c.SendMessage(to=SEATS[(n + 1) % 3], text=f"Private note {n} about the fund."))
        else:
            table.act(seat, c.MakeStatement(text=f"Statement {n}: our position on the dam is firm."))
        n += 1
    return table


async def measure(events: int, size: tuple[int, int], rounds: int) -> dict[str, list[float]]:
    table = busy_game(events)
    app = ParleyApp(server="ws://127.0.0.1:9")
    app.animation_level = "none"  # the tab underline's slide would otherwise be timed as well
    timings: dict[str, list[float]] = {"key (wall)": [], "key (cpu)": [], "update (wall)": []}
    async with app.run_test(size=size) as pilot:
        app.apply(joined(table, "upland"))
        while not (isinstance(app.screen, TableScreen) and app.screen.query("#turn-hint")):
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        keys = ["1", "3", "down", "down", "5", "4", "2", "6", "3", "up"]
        for _ in range(rounds):
            for key in keys:
                start, cpu = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await pilot.pause()
                timings["key (wall)"].append((time.perf_counter() - start) * 1000)
                timings["key (cpu)"].append((time.process_time() - cpu) * 1000)
            events_ = table.act("lowland", c.MakeStatement(text="One more thing."))
            start = time.perf_counter()
            app.apply(update(table, "upland", events_))
            await pilot.pause()
            timings["update (wall)"].append((time.perf_counter() - start) * 1000)
    print(f"game: {len(table.log)} events, {len(table.state.proposals)} proposals, "
          f"{len(table.state.notes)} notes; screen {size[0]}x{size[1]}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--size", default="120x36")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    timings = asyncio.run(measure(args.events, (width, height), args.rounds))
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"{name:>13}: median {statistics.median(values):6.1f} ms, p95 {p95:6.1f} ms, "
              f"max {values[-1]:6.1f} ms over {len(values)}")


if __name__ == "__main__":
    main()
