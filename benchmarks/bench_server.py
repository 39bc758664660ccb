"""Benchmark: Parley's server against a bare websockets broadcast server, and the event log.

    python benchmarks/bench_server.py [--rooms 400] [--seats 5] [--seconds 10]

Part 1, the event log: acknowledged appends per second into SQLite with synchronous=FULL, one
event per transaction (one appender) and with group commit (one appender per room, each
awaiting its own commit, all sharing the writer's transactions).

Part 2, the same load on two servers, each in a child process of its own (so its memory is its
own), driven by this process over real sockets on 127.0.0.1: ROOMS rooms of SEATS connections.
* bare: websockets only; a room's frame is broadcast as is (no validation, no storage).
* parley: `ParleyServer`; istanbul-2022 with all five delegations seated; the command is a
  public statement (validated, stored with group commit, one filtered Update per seat).
Two loads: a classroom pace (each room sends a command every 1/RATE s) and saturation (each
room sends its next command as soon as all its seats have the last one). Latency: from a
command sent to every seat of the room having received its result. Bytes per update: the
mean size of the frames that bring a seat a command's result, and (Parley) of the updates a
facilitator watching one class of 100 rooms receives meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import websockets  # noqa: E402

SCENARIO = "istanbul-2022"


# ================================================================ part 1: the event log


async def bench_store(db: Path, appenders: int, seconds: float) -> tuple[float, float]:
    """Acknowledged single-event appends per second with `appenders` concurrent writers; mean batch."""
    from server.engine.events import StatementMade
    from server.store import EventRow, GameStatus, open_store

    store = open_store(db)
    stop = time.perf_counter() + seconds
    done = 0

    async def appender(game: str) -> None:
        nonlocal done
        seq = 0
        while time.perf_counter() < stop:
            seq += 1
            event = StatementMade(at=time.time(), delegation="ukraine", text=f"statement {seq}")
            await store.append(game, [EventRow(seq, event)], GameStatus("running", "negotiation", 1, False, seq))
            done += 1

    batches0, ops0 = store.writer.batches, store.writer.operations
    start = time.perf_counter()
    await asyncio.gather(*(appender(f"g{i}") for i in range(appenders)))
    elapsed = time.perf_counter() - start
    batches, ops = store.writer.batches - batches0, store.writer.operations - ops0
    store.close()
    return done / elapsed, ops / max(batches, 1)


# ================================================================ part 2: the servers


def serve_bare(port: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    rooms: dict[str, set[Any]] = {}

    async def handler(ws: Any) -> None:
        room = json.loads(await ws.recv())["room"]
        members = rooms.setdefault(room, set())
        members.add(ws)
        try:
            async for frame in ws:
                broadcast(members, frame)
        finally:
            members.discard(ws)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**16):
            print("READY", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

    asyncio.run(main())


BENCH_KEY = "bench" * 8  # the instructor key the benchmark's server is given


def serve_parley(port: int, db: str) -> None:
    from server.net.access import Quotas
    from server.net.server import ParleyServer, quiet_collector

    async def main() -> None:
        # The load comes from one address and opens classes of 100 rooms: lift those limits.
        srv = ParleyServer(db, port=port, instructor_key=BENCH_KEY, connections_per_address=None,
                           quotas=Quotas(classes=1000, rooms_per_class=100))
        await srv.start()
        quiet_collector()  # as `parley serve` does
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await srv.stop()

    asyncio.run(main())


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used: what a delivery costs the server, which
    the machine's other load does not change as much as it changes latencies."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Room:
    index: int
    seats: list[Any] = field(default_factory=list)
    room_id: str = ""
    pending: str | None = None
    left: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Load:
    rooms: list[Room]
    kind: str
    deliveries: int = 0
    counting: bool = False
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    delivered_bytes: int = 0
    facilitator_updates: int = 0
    facilitator_bytes: int = 0


async def reader(load: Load, room: Room, ws: Any) -> None:
    try:
        async for text in ws:
            if room.pending is not None and room.pending in text:
                if load.counting:
                    load.deliveries += 1
                    load.delivered_bytes += len(text.encode())
                room.left -= 1
                if room.left == 0:
                    room.done.set()
    except websockets.ConnectionClosed:
        pass


_ids = iter(range(1, 2**62))


def command_frame(kind: str, nonce: str) -> str:
    if kind == "bare":
        return json.dumps({"type": "statement", "text": nonce})
    # Ids must never repeat on a seat: a repeated id is answered from memory, not applied.
    return json.dumps({"type": "command", "id": f"c{next(_ids)}",
                       "command": {"type": "make_statement", "text": nonce}})


async def room_loop(load: Load, room: Room, until: float, interval: float | None) -> None:
    n = 0
    if interval:
        await asyncio.sleep(random.random() * interval)
    while time.perf_counter() < until:
        n += 1
        began = time.perf_counter()
        room.pending, room.left = f"<{room.index}:{n}:{began:.6f}>", len(room.seats)
        room.done.clear()
        await room.seats[n % len(room.seats)].send(command_frame(load.kind, room.pending))
        try:
            await asyncio.wait_for(room.done.wait(), 15)
        except TimeoutError:
            load.timeouts += 1
            continue
        if load.counting:
            load.latencies.append(time.perf_counter() - began)
        if interval:
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))


async def connect_bare(url: str, rooms: int, seats: int) -> list[Room]:
    built = [Room(i) for i in range(rooms)]

    async def one(room: Room) -> None:
        for _ in range(seats):
            ws = await websockets.connect(url, compression=None, max_size=2**20, open_timeout=60)
            await ws.send(json.dumps({"room": str(room.index)}))
            room.seats.append(ws)

    await _in_batches([one(r) for r in built], 50)
    return built


FACILITATOR_TOKENS: list[str] = []  # one per class connect_parley opened


async def connect_parley(url: str, rooms: int, seats: int) -> list[Room]:
    """Open classes of up to 100 rooms, seat the absent delegations, join every seat."""
    hello = json.dumps({"type": "hello", "protocol": 1})
    built: list[Room] = []
    codes: list[tuple[Room, str]] = []
    tokens: list[tuple[str, list[str]]] = []
    async with websockets.connect(url, compression=None, max_size=2**24) as fac:
        await fac.send(hello)
        await fac.recv()
        for start in range(0, rooms, 100):
            count = min(100, rooms - start)
            await fac.send(json.dumps({"type": "open_class", "id": f"o{start}", "key": BENCH_KEY, "scenario": SCENARIO,
                                       "rooms": count, "seed": start}))
            opened = await _reply(fac, f"o{start}")
            tokens.append((opened["facilitator_token"], [r["room"] for r in opened["rooms"]]))
            FACILITATOR_TOKENS.append(opened["facilitator_token"])
            for r in opened["rooms"]:
                room = Room(len(built), room_id=r["room"])
                built.append(room)
                codes += [(room, s["code"]) for s in r["seats"][:seats]]
            await asyncio.sleep(2.0)  # stay under the rate limit: refill the bucket
    # Seat the absent delegations, ~30 commands per facilitator connection (under the burst).
    absent = ["usa", "europe"][: max(0, seats - 3)]
    for tok, rids in tokens:
        for start in range(0, len(rids), 15):
            await _seat_absent(url, hello, [(tok, rid) for rid in rids[start:start + 15]], absent)

    async def join(room: Room, code: str) -> None:
        ws = await websockets.connect(url, compression=None, max_size=2**24, open_timeout=60)
        await ws.send(hello)
        await ws.send(json.dumps({"type": "join", "id": "j", "code": code}))
        await _reply(ws, "j")
        room.seats.append(ws)

    await _in_batches([join(room, code) for room, code in codes], 50)
    return built


async def _seat_absent(url: str, hello: str, jobs: list[tuple[str, str]], absent: list[str]) -> None:
    async with websockets.connect(url, compression=None, max_size=2**24) as ws:
        await ws.send(hello)
        await ws.send(json.dumps({"type": "resume", "id": "r", "token": jobs[0][0]}))
        await _reply(ws, "r")
        for n, (_, rid) in enumerate(jobs):
            for delegation in absent:
                cid = f"s{n}{delegation}"
                await ws.send(json.dumps({"type": "command", "id": cid, "room": rid,
                                          "command": {"type": "seat_delegation", "delegation": delegation}}))
                reply = await _reply(ws, cid)
                assert reply["type"] == "ack", reply


async def _reply(ws: Any, reply_to: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame.get("reply_to") == reply_to:
            if frame["type"] == "error":
                raise RuntimeError(frame)
            return frame  # type: ignore[no-any-return]


async def _in_batches(coros: list[Any], size: int) -> None:
    for start in range(0, len(coros), size):
        await asyncio.gather(*coros[start:start + size])


async def facilitator_reader(load: Load, ws: Any) -> None:
    """Count the updates (and their bytes) a facilitator of one class receives."""
    try:
        async for text in ws:
            if load.counting and text.startswith('{"type":"update"'):
                load.facilitator_updates += 1
                load.facilitator_bytes += len(text.encode())
    except websockets.ConnectionClosed:
        pass


async def watch_class(url: str, token: str) -> Any:
    """A facilitator connection resumed on a class (its rooms' updates keep coming to it)."""
    ws = await websockets.connect(url, compression=None, max_size=2**24, open_timeout=60)
    await ws.send(json.dumps({"type": "hello", "protocol": 1}))
    await ws.send(json.dumps({"type": "resume", "id": "w", "token": token}))
    await _reply(ws, "w")
    return ws


async def run_load(load: Load, seconds: float, interval: float | None, pid: int) -> dict[str, float]:
    load.deliveries, load.latencies, load.timeouts = 0, [], 0
    load.delivered_bytes = load.facilitator_updates = load.facilitator_bytes = 0
    warmup = min(2.0, seconds / 4)
    until = time.perf_counter() + warmup + seconds
    loops = [asyncio.ensure_future(room_loop(load, r, until, interval)) for r in load.rooms]
    await asyncio.sleep(warmup)
    load.counting = True
    began, cpu = time.perf_counter(), cpu_seconds(pid)
    await asyncio.gather(*loops)
    load.counting = False
    elapsed, cpu = time.perf_counter() - began, cpu_seconds(pid) - cpu
    lat = sorted(load.latencies) or [float("nan")]
    return {"deliveries_per_s": load.deliveries / elapsed, "commands_per_s": len(load.latencies) / elapsed,
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "timeouts": load.timeouts, "server_cpu_us_per_delivery": 1e6 * cpu / max(load.deliveries, 1),
            "bytes_per_seat_update": load.delivered_bytes / max(load.deliveries, 1),
            "bytes_per_facilitator_update": load.facilitator_bytes / max(load.facilitator_updates, 1)}


async def bench_server(kind: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    port = _free_port()
    cmd = [sys.executable, __file__, "--serve", kind, "--port", str(port), "--db", str(workdir / f"{kind}.db")]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "READY"
        idle = rss_mb(child.pid)
        url = f"ws://127.0.0.1:{port}"
        rooms = await (connect_bare if kind == "bare" else connect_parley)(url, args.rooms, args.seats)
        load = Load(rooms, kind)
        readers = [asyncio.ensure_future(reader(load, r, ws)) for r in rooms for ws in r.seats]
        facilitator = await watch_class(url, FACILITATOR_TOKENS[0]) if kind == "parley" else None
        if facilitator is not None:
            readers.append(asyncio.ensure_future(facilitator_reader(load, facilitator)))
        connected = rss_mb(child.pid)
        classroom = await run_load(load, args.seconds, 1 / args.rate, child.pid)
        saturated = await run_load(load, args.seconds, None, child.pid)
        peak = rss_mb(child.pid)
        await asyncio.gather(*(ws.close() for r in rooms for ws in r.seats))
        if facilitator is not None:
            await facilitator.close()
        await asyncio.gather(*readers, return_exceptions=True)
        return {"kind": kind, "connections": sum(len(r.seats) for r in rooms), "rss_idle_mb": idle,
                "rss_connected_mb": connected, "rss_after_load_mb": peak,
                "classroom": classroom, "saturated": saturated}
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def report(results: list[dict[str, Any]], store: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"\nEvent log (SQLite WAL, synchronous=FULL, {os.cpu_count()} cores):")
    print(f"  one event per transaction, 1 writer : {store['serial']:>9,.0f} acknowledged events/s")
    print(f"  group commit, {args.rooms} concurrent rooms : {store['group']:>9,.0f} acknowledged events/s "
          f"(mean {store['batch']:.0f} events per transaction)")
    for load in ("classroom", "saturated"):
        title = (f"a command every {1 / args.rate:g} s per room" if load == "classroom"
                 else "saturation: each room's next command as soon as the last one is delivered")
        print(f"\n{args.rooms} rooms x {args.seats} seats, {title}:")
        print(f"  {'server':<8} {'deliveries/s':>13} {'commands/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'timeouts':>9}")
        for r in results:
            m = r[load]
            print(f"  {r['kind']:<8} {m['deliveries_per_s']:>13,.0f} {m['commands_per_s']:>11,.0f} "
                  f"{m['p50_ms']:>8.1f} {m['p99_ms']:>8.1f} {m['timeouts']:>9}")
    print("\nBytes per update, classroom pace (mean frame bringing a command's result):")
    for r in results:
        m = r["classroom"]
        extra = (f", facilitator of {min(100, args.rooms)} rooms {m['bytes_per_facilitator_update']:,.0f} B"
                 if r["kind"] == "parley" else "")
        print(f"  {r['kind']:<8} seat {m['bytes_per_seat_update']:,.0f} B{extra}")
    print("\nServer CPU per delivery (user + system time of the server process / deliveries):")
    for r in results:
        print(f"  {r['kind']:<8} classroom {r['classroom']['server_cpu_us_per_delivery']:,.0f} us, "
              f"saturated {r['saturated']['server_cpu_us_per_delivery']:,.0f} us")
    bare, parley = results

    def saturated(figure: str) -> float:
        return float(parley["saturated"][figure] / bare["saturated"][figure])

    print("\nRatios, Parley to bare (targets: p99 <= 2, memory <= 2, saturated deliveries >= 0.5):")
    print(f"  classroom p99 {parley['classroom']['p99_ms'] / bare['classroom']['p99_ms']:.2f}, "
          f"memory after the loads {parley['rss_after_load_mb'] / bare['rss_after_load_mb']:.2f} "
          f"(with the connections {parley['rss_connected_mb'] / bare['rss_connected_mb']:.2f}), "
          f"saturated deliveries {saturated('deliveries_per_s'):.2f}, "
          f"server CPU per saturated delivery {saturated('server_cpu_us_per_delivery'):.2f}")
    print("\nServer memory (RSS of the server process):")
    for r in results:
        print(f"  {r['kind']:<8} idle {r['rss_idle_mb']:.0f} MB, with {r['connections']} connections "
              f"{r['rss_connected_mb']:.0f} MB, after the loads {r['rss_after_load_mb']:.0f} MB")


async def main(args: argparse.Namespace) -> None:
    _raise_file_limit()
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    try:
        serial, _ = await bench_store(workdir / "serial.db", 1, 3)
        group, batch = await bench_store(workdir / "group.db", args.rooms, 3)
        store = {"serial": serial, "group": group, "batch": batch}
        results = [await bench_server(kind, args, workdir) for kind in ("bare", "parley")]
        report(results, store, args)
        if args.json:
            print(json.dumps({"store": store, "servers": results}, indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=400)
    parser.add_argument("--seats", type=int, default=5, choices=range(1, 6))
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured load")
    parser.add_argument("--rate", type=float, default=0.5, help="classroom pace: commands per second per room")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--serve", choices=("bare", "parley"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.serve == "bare":
        _raise_file_limit()
        serve_bare(cli.port)
    elif cli.serve == "parley":
        _raise_file_limit()
        serve_parley(cli.port, cli.db)
    else:
        asyncio.run(main(cli))
