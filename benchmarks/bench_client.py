"""How quickly the table screen answers a key and an update, against a bare Textual app.

    python benchmarks/bench_client.py [--events 1000] [--size 120x36] [--rounds 5] [--repeat 3] [--profile] [--per-key]

Two apps run in the same process, alternately (`--repeat` runs of each), on the same keys:

- **Parley**: a tutorial game is played through the real engine until its log holds
  `--events` events (statements, private messages, up to 40 proposals and support); the real
  client (`ParleyApp`, headless `App.run_test`) is handed that seat's `joined` message as the
  server would send it, and shows its table screen.
- **bare**: a Textual app of the same shape and nothing else: six tabs, a 40-row DataTable, a
  960-line RichLog and a Footer; the same keys switch its tabs and move its table cursor.

Measured per key press (tab switches, moving the proposal cursor): wall time from the key
reaching the app (as the terminal driver hands it over) to the last frame it caused being
painted — "key pressed → screen updated", read from the screen's own compositor refresh —
with the app's own refresh timer painting, as it does in a terminal (at most 60 frames a
second: messages handled within one frame share it); and the process's CPU time until the app
is idle again after a quiet 50 ms, the work the key caused. A first pass over the keys is not
timed (the first showing of a tab is the screen's opening cost, not a key's). The same for an
incoming update (a new statement: Parley's `update` frame, carrying only what changed in the
view as the server frames it, parsed and folded in and shown; for bare, one line appended to
its log). Printed: median, p95, max of each, both apps, and
Parley's figure as a ratio of bare's; then the targets (issue 10): key CPU median ≤ 1.5x bare's,
key wall p95 ≤ 50 ms, update wall ≤ 30 ms (median and p95 shown). `--profile` writes a cProfile
of Parley's keys and updates to bench_client.prof (read with `python -m pstats`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable, Footer, Header, RichLog, Static, TabbedContent, TabPane  # noqa: E402

from client.app import ParleyApp  # noqa: E402
from client.screens.table import TableScreen  # noqa: E402
from client.state import Requested  # noqa: E402
from client_helpers import joined, update  # noqa: E402
from engine_helpers import Table  # noqa: E402
from server.engine import commands as c  # noqa: E402
from server.engine.phases import Phase  # noqa: E402
from server.engine.views import dump_view  # noqa: E402
from server.protocol import wire  # noqa: E402

SEATS = ("upland", "lowland", "commission")
OPTIONS = {"dam_height": ["full", "reduced", "frozen"], "water_flow": ["none", "seasonal", "guaranteed"],
           "compensation": ["none", "fund", "direct"]}
KEYS = ["1", "3", "down", "down", "5", "4", "2", "6", "3", "up"]  # the same keys on both apps
TABS = ("agenda", "compose", "proposals", "pressure", "messages", "brief")
Timings = dict[str, list[float]]


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


class BareApp(App[None]):
    """The baseline: Parley's table screen's shape with none of its content or logic."""

    BINDINGS = [(str(i + 1), f"tab('{tab}')", tab.title()) for i, tab in enumerate(TABS)]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs", initial="agenda"):
            for i, tab in enumerate(TABS):
                with TabPane(f"{i + 1} {tab.title()}", id=tab):
                    if tab == "proposals":
                        yield DataTable(id="table", cursor_type="row")
                    elif tab == "messages":
                        yield RichLog(id="log", wrap=True, markup=True)
                    else:
                        yield Static("\n".join(f"{tab} line {n}" for n in range(20)))
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "by", "rd", "worth to you", "status", "you", "supporters")
        for n in range(40):
            table.add_row(f"P{n + 1}", "River Commission", "1", f"{40 + n % 9} (+{n % 9})",
                          f"signed 0/{2 + n % 2}", "to sign", "Lowland, Upland")
        log = self.query_one(RichLog)
        for n in range(960):
            log.write(f"[dim]R1[/] [b]Lowland[/]: Statement {n}: our position on the dam is firm.")

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus = {"proposals": "#table", "messages": "#log"}.get(tab)
        if focus:
            self.call_after_refresh(self.query_one(focus).focus)


def pending(screen: Any) -> bool:
    """Whether the screen still has layout, painting or callbacks to do (Textual's own flags)."""
    return bool(screen._layout_required or screen._scroll_required or screen._repaint_required
                or screen._dirty_widgets or screen._recompose_required or screen._callbacks)


def busy(app: Any) -> bool:
    """Whether any node of the app's screen has a message or callback waiting."""
    return any(node._message_queue.qsize() or node._next_callbacks
               for node in (app, *app.screen.walk_children(with_self=True)))


class Frames:
    """When the app last painted a frame: counted around each screen's compositor refresh, the
    call that renders what changed and hands it to the driver (a terminal's write)."""

    def __init__(self) -> None:
        self.last = 0.0
        self.count = 0  # frames painted, all told
        self._watched: set[int] = set()

    def watch(self, screen: Any) -> None:
        if id(screen) in self._watched:
            return
        self._watched.add(id(screen))
        paint = screen._compositor_refresh  # the bound method; shadowed on this screen only

        def painted() -> None:
            paint()
            self.last = time.perf_counter()
            self.count += 1
        screen._compositor_refresh = painted


async def settle(app: Any) -> None:
    """Until every message the act caused is handled and the frames it caused are painted.

    Nothing is forced: the screen's own refresh timer paints (at most 60 frames a second, as
    in a terminal), so messages handled within one frame share that frame, as they do for a
    person at the keyboard. The pilot's `press`/`pause` are not used: they sleep in 20 ms
    steps and post a callback to every widget, which would be timed too."""
    for _ in range(5000):
        await asyncio.sleep(0.001)
        if not busy(app) and not pending(app.screen) and not app.screen._update_timer._active.is_set():
            await asyncio.sleep(0)  # a task woken by the last message may post one more
            if not busy(app) and not pending(app.screen):
                return


async def timed(app: Any, frames: Frames, timings: Timings, kind: str,
                act: Callable[[], Awaitable[None]], profile: cProfile.Profile | None,
                label: str = "update") -> None:
    """Wall time from `act` (the key reaching the app) to the last frame it caused being
    painted ("key pressed → screen updated"); CPU time until the app is settled after a quiet
    50 ms (timers and deferred work the act set off count as its work)."""
    frames.watch(app.screen)
    if profile:
        profile.enable()
    start, cpu, painted = time.perf_counter(), time.process_time(), frames.count
    frames.last = start
    await act()
    await settle(app)
    wall = frames.last - start  # a frame painted later (the clock's tick) is not the act's
    frame_count = frames.count - painted
    await asyncio.sleep(0.05)
    await settle(app)
    cpu_ms = (time.process_time() - cpu) * 1000
    timings[f"{kind} (cpu)"].append(cpu_ms)
    timings[f"{kind} (wall)"].append(wall * 1000)
    for part, value in (("cpu", cpu_ms), ("wall", wall * 1000), ("frames", frame_count)):
        timings.setdefault(f"@{label} {part}", []).append(value)  # per key, for --per-key
    if profile:
        profile.disable()


def key_press(app: Any, key: str) -> Callable[[], Awaitable[None]]:
    async def press() -> None:  # what the terminal driver does with a key (App._press_keys)
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    return press


async def press_keys(app: Any, rounds: int, timings: Timings,
                     incoming: Callable[[], Callable[[], Awaitable[None]]],
                     profile: cProfile.Profile | None) -> None:
    """Press KEYS `rounds` times, timing each; after each pass, time one incoming update
    (`incoming()` prepares it untimed — the server's share — and returns its arrival).

    One pass goes first untimed: the first showing of each tab does one-off work (the bare
    log renders its 960 lines the first time it has a width; every tab lays out and renders
    its content once), which is the cost of opening the screen, not of a key."""
    frames = Frames()
    await press_pass(app, frames, empty_timings(), incoming, None)
    for _ in range(rounds):
        await press_pass(app, frames, timings, incoming, profile)


async def press_pass(app: Any, frames: Frames, timings: Timings,
                     incoming: Callable[[], Callable[[], Awaitable[None]]],
                     profile: cProfile.Profile | None) -> None:
    for key in KEYS:
        await timed(app, frames, timings, "key", key_press(app, key), profile, label=key)
    await timed(app, frames, timings, "update", incoming(), profile)


def empty_timings() -> Timings:
    return {"key (wall)": [], "key (cpu)": [], "update (wall)": [], "update (cpu)": []}


class BenchApp(ParleyApp):
    """The real client with its server's answers to a package's worth (the detail asks for it
    as the cursor moves) given at once by the engine function the server uses."""

    def __init__(self, table: Table) -> None:
        super().__init__(server="ws://127.0.0.1:9", config_file=Path("/nonexistent/parley-bench.json"),
                         quiet_collector=True)  # as `parley play` runs it
        self.table = table

    async def fetch(self, kind: str, room: str | None = None,
                    terms: dict[str, str] | None = None) -> str | None:
        request = f"w{len(self.state.fetches) + 1}"
        self.apply(Requested(kind, request, room))
        if kind == "worth":
            self.apply(wire.Worth(reply_to=request, room="R1",
                                  worth=self.table.game.package_worth("upland", terms or {})))
        return request


async def measure_parley(table: Table, size: tuple[int, int], rounds: int,
                         profile: cProfile.Profile | None) -> Timings:
    app = BenchApp(table)
    app.animation_level = "none"  # the tab underline's slide would otherwise be timed as well
    timings = empty_timings()
    async with app.run_test(size=size) as pilot:
        app.apply(joined(table, "upland"))
        while not (isinstance(app.screen, TableScreen) and app.screen.query("#turn-hint")):
            await pilot.pause(0.01)
        await pilot.pause(0.3)

        held = dump_view(table.game.view_for("upland", include_notes=False))

        def incoming() -> Callable[[], Awaitable[None]]:
            nonlocal held
            events = table.act("lowland", c.MakeStatement(text="One more thing."))
            # The server's work, not timed: the update frame as server/net/frames.py makes it,
            # carrying only the keys of the view's dump that changed since the view the client holds.
            whole = update(table, "upland", events)
            view = dump_view(table.game.view_for("upland", include_notes=False))
            changed = {k: v for k, v in view.items() if held.get(k) != v}
            held = view
            events = whole.model_dump(mode="json")["events"]  # typed events, as the server sends them
            frame = json.dumps({"type": "update", "room": whole.room, "seq": whole.seq, "events": events,
                                "view": changed, "fresh": False})

            async def arrives() -> None:  # the client's work: parse the frame, fold it, show it
                app.apply(wire.parse_server(frame))
            return arrives

        await press_keys(app, rounds, timings, incoming, profile)
    return timings


async def measure_bare(size: tuple[int, int], rounds: int) -> Timings:
    app = BareApp()
    app.animation_level = "none"
    timings = empty_timings()
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)

        def incoming() -> Callable[[], Awaitable[None]]:
            async def arrives() -> None:
                app.query_one(RichLog).write("[dim]R1[/] [b]Lowland[/]: One more thing.")
            return arrives

        await press_keys(app, rounds, timings, incoming, None)
    return timings


def fresh_collector() -> None:
    """Each app starts with the garbage collector as Python starts it: nothing frozen, nothing
    left over from the app before (Parley's client freezes what its table holds, see
    client/collector.py; the bare app keeps Python's defaults)."""
    gc.unfreeze()
    gc.collect()


def summary(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered), p95, ordered[-1]


def report(parley: Timings, bare: Timings) -> list[str]:
    lines = [f"{'':>14} {'Parley median/p95/max':>24}   {'bare median/p95/max':>22}   ratio (median)"]
    for name in empty_timings():
        p, b = summary(parley[name]), summary(bare[name])
        ratio = p[0] / b[0] if b[0] else float("inf")
        lines.append(f"{name:>14} {p[0]:7.1f} {p[1]:7.1f} {p[2]:7.1f} ms   "
                     f"{b[0]:6.1f} {b[1]:6.1f} {b[2]:6.1f} ms   {ratio:5.2f}x")
    key_cpu = summary(parley["key (cpu)"])[0] / max(summary(bare["key (cpu)"])[0], 1e-9)
    key_wall_p95 = summary(parley["key (wall)"])[1]
    update_median, update_p95, _ = summary(parley["update (wall)"])

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    lines += ["targets:",
              f"  key CPU median {key_cpu:.2f}x bare's (≤ 1.5x): {verdict(key_cpu <= 1.5)}",
              f"  key wall p95 {key_wall_p95:.1f} ms (≤ 50 ms): {verdict(key_wall_p95 <= 50)}",
              f"  update wall median {update_median:.1f} ms, p95 {update_p95:.1f} ms (≤ 30 ms): "
              f"{verdict(update_p95 <= 30)}"]
    return lines


def per_key(parley: Timings, bare: Timings) -> list[str]:
    """Each key's (and the update's) median CPU and wall and its frames painted, both apps."""
    lines = [f"{'per key':>14} {'Parley cpu / wall ms, frames':>30}   {'bare cpu / wall ms, frames':>28}"]
    for label in [*dict.fromkeys(KEYS), "update"]:
        cells = []
        for timings in (parley, bare):
            cpu, wall, frames = (statistics.median(timings[f"@{label} {part}"]) for part in ("cpu", "wall", "frames"))
            cells.append(f"{cpu:7.1f} / {wall:6.1f}, {frames:4.1f}")
        lines.append(f"{label:>14} {cells[0]:>30}   {cells[1]:>28}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--size", default="120x36")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the keys per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each app, alternating")
    parser.add_argument("--profile", action="store_true", help="write bench_client.prof (Parley only)")
    parser.add_argument("--per-key", action="store_true", help="also print each key's medians and frames")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    size = (width, height)
    table = busy_game(args.events)
    profile = cProfile.Profile() if args.profile else None
    bare, parley = empty_timings(), empty_timings()
    for _ in range(args.repeat):  # alternate, so that a shared machine's load falls on both alike
        fresh_collector()
        for name, values in asyncio.run(measure_bare(size, args.rounds)).items():
            bare.setdefault(name, []).extend(values)
        fresh_collector()
        for name, values in asyncio.run(measure_parley(table, size, args.rounds, profile)).items():
            parley.setdefault(name, []).extend(values)
    print(f"game: {len(table.log)} events, {len(table.state.proposals)} proposals, "
          f"{len(table.state.notes)} notes; screen {width}x{height}; each app {args.repeat} x "
          f"{args.rounds} x {len(KEYS)} keys and {args.repeat} x {args.rounds} updates")
    print("\n".join(report(parley, bare)))
    if args.per_key:
        print("\n".join(per_key(parley, bare)))
    if profile:
        profile.dump_stats("bench_client.prof")
        print("profile of Parley's keys and updates: bench_client.prof")


if __name__ == "__main__":
    main()
