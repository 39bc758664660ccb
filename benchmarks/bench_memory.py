"""Benchmark: where Parley's server memory goes, per room and per command processed.

    python benchmarks/bench_memory.py [--rooms 400] [--seats 5] [--commands 100] [--trace [DEPTH]]

The load of benchmarks/bench_server.py (istanbul-2022 rooms of SEATS joined connections, one
facilitator watching the first class; each command a public statement), on Parley's server
alone, in a child process of its own: ROOMS rooms are opened and joined, then every room sends
COMMANDS statements one after the other (each waits for all its seats to have the last). The
server's RSS is printed idle, with the connections, and after the commands, with the growth
per room and per command processed (what bench_server's "memory after the loads" is made of:
its medians run processes about 120,000 commands at 1,600 rooms).

`--trace` runs the server under tracemalloc (slower; RSS then includes tracemalloc's own
tables, so read the RSS figures from a run without it): it prints the Python allocations still
alive per room (the connections) and per command (the load), by source line, largest first.
What RSS adds beyond them is the allocator's: memory freed by Python but kept by the process
(pymalloc arenas with a live object left in them, the C allocator's heap).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_server as bs  # noqa: E402


def serve(port: int, db: str, trace: int) -> None:
    """The child: Parley's server as bench_server runs it; on each `snap NAME` line from the
    parent, a collected snapshot (RSS, and with `trace` the live allocations); on `report`,
    the growth between the snapshots by source line."""
    from server.net.access import Quotas
    from server.net.collector import quiet_collector
    from server.net.server import ParleyServer

    if trace:
        tracemalloc.start(trace)
    snaps: dict[str, tracemalloc.Snapshot] = {}

    async def main() -> None:
        srv = ParleyServer(db, port=port, instructor_key=bs.BENCH_KEY, connections_per_address=None,
                           quotas=Quotas(classes=1000, rooms_per_class=100))
        await srv.start()
        quiet_collector()
        loop = asyncio.get_running_loop()
        print("READY", flush=True)
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            words = line.split()
            if words[0] == "snap":
                await asyncio.sleep(0.5)  # the last writes settled
                gc.collect()
                if trace:
                    snaps[words[1]] = tracemalloc.take_snapshot()
                print("SNAP " + json.dumps({"traced": tracemalloc.get_traced_memory()[0] if trace else 0}),
                      flush=True)
            elif words[0] == "report":
                print("REPORT " + json.dumps(_growth(snaps, int(words[1]), int(words[2]), trace)), flush=True)
        await srv.stop()

    asyncio.run(main())


def _growth(snaps: dict[str, tracemalloc.Snapshot], rooms: int, commands: int, depth: int) -> dict[str, Any]:
    """Per room (connected − idle) and per command (loaded − connected): the largest lines
    (with `depth` > 1, the largest call paths, innermost first)."""
    if not snaps:
        return {}
    out: dict[str, Any] = {}
    for name, (before, after, per) in {"per room": ("idle", "connected", rooms),
                                       "per command": ("connected", "loaded", commands)}.items():
        stats = snaps[after].compare_to(snaps[before], "lineno" if depth == 1 else "traceback")
        out[name] = {"total": sum(s.size_diff for s in stats) / per,
                     "lines": [(s.size_diff / per, " < ".join(str(f) for f in reversed(s.traceback)))
                               for s in stats[:14]]}
    return out


class Child:
    def __init__(self, workdir: Path, trace: int) -> None:
        self.port = bs._free_port()  # noqa: SLF001
        cmd = [sys.executable, __file__, "--serve", "--port", str(self.port), "--db", str(workdir / "parley.db"),
               *(["--trace", str(trace)] if trace else [])]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "READY"
        self.url = f"ws://127.0.0.1:{self.port}"

    def ask(self, line: str, answer: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        assert reply.startswith(answer + " "), reply
        return json.loads(reply[len(answer) + 1:])  # type: ignore[no-any-return]

    def snap(self, name: str) -> float:
        self.ask(f"snap {name}", "SNAP")
        return bs.rss_mb(self.proc.pid)

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def measure(args: argparse.Namespace, workdir: Path) -> None:
    bs._stamp_receipts()  # noqa: SLF001  (its readers read each frame's arrival stamp)
    child = Child(workdir, args.trace)
    try:
        idle = child.snap("idle")
        rooms = await bs.connect_parley(child.url, args.rooms, args.seats)
        load = bs.Load(rooms, "parley")
        readers = [asyncio.ensure_future(bs.reader(load, r, ws)) for r in rooms for ws in r.seats]
        facilitator = await bs.watch_class(child.url, bs.FACILITATOR_TOKENS[0])
        readers.append(asyncio.ensure_future(bs.facilitator_reader(load, facilitator)))
        connected = child.snap("connected")
        began = time.perf_counter()
        await asyncio.gather(*(_commands(load, room, args.commands) for room in rooms))
        seconds = time.perf_counter() - began
        commands = args.commands * len(rooms)
        loaded = child.snap("loaded")
        growth = child.ask(f"report {len(rooms)} {commands}", "REPORT")
        for ws in [ws for r in rooms for ws in r.seats] + [facilitator]:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
    finally:
        child.stop()
    print(f"{len(rooms)} rooms x {args.seats} seats, {commands:,} statements in {seconds:.1f} s "
          f"(tracemalloc {'on' if args.trace else 'off'})")
    print(f"RSS: idle {idle:.1f} MB, with the connections {connected:.1f} MB, after the commands {loaded:.1f} MB")
    print(f"  per room (connected - idle): {(connected - idle) * 2**20 / len(rooms):,.0f} B")
    print(f"  per command (after - connected): {(loaded - connected) * 2**20 / commands:,.0f} B")
    for name, part in growth.items():
        print(f"\nPython allocations still alive {name} (tracemalloc): {part['total']:,.0f} B")
        for size, where in part["lines"]:
            print(f"  {size:10,.0f} B  {where}")


async def _commands(load: bs.Load, room: bs.Room, count: int) -> None:
    """`count` statements from the room's seats in turn, each after all seats had the last."""
    for n in range(count):
        room.pending, room.left = f"<{room.index}:{n}:{time.perf_counter():.6f}>", len(room.seats)
        room.done.clear()
        await room.seats[n % len(room.seats)].send(bs.command_frame("parley", room.pending))
        await asyncio.wait_for(room.done.wait(), 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=400)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--commands", type=int, default=100, help="statements per room")
    parser.add_argument("--trace", type=int, nargs="?", const=1, default=0, metavar="DEPTH",
                        help="the server under tracemalloc: allocations by line (DEPTH > 1: by call path)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.db, args.trace)
        return
    bs._raise_file_limit()  # noqa: SLF001
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-memory-"))
    try:
        asyncio.run(measure(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
