"""Benchmark: Parley's server against a bare websockets broadcast server, and the event log.

    python benchmarks/bench_server.py [--rooms 400] [--seats 5] [--seconds 10] [--runs 3] [--probe]

Part 1, the event log: acknowledged appends per second into SQLite with synchronous=FULL, one
event per transaction (one appender) and with group commit (one appender per room, each
awaiting its own commit, all sharing the writer's transactions).

Part 2, the same load on two servers, each in a child process of its own (so its memory and
CPU time are its own), driven by this process over real sockets on 127.0.0.1: ROOMS rooms of
SEATS connections to each.
* bare: websockets only; a room's frame is broadcast as is (no validation, no storage).
* parley: `ParleyServer`; istanbul-2022 with all five delegations seated; the command is a
  public statement (validated, stored with group commit, one filtered Update per seat).
Two loads: a classroom pace (each room sends a command every 1/RATE s) and saturation (each
room sends its next command as soon as all its seats have the last one). Both servers are up
and connected throughout, and each load runs RUNS times alternating bare, Parley, bare...: the
figures compared are the medians, so a swing in the machine's other load falls on both alike.
The loads start once both servers are idle after their joins (`settled`).
Latency: from a command sent to every seat of the room having received its result (the moment
the generator's websockets has parsed the last seat's frame off its socket). Bytes per
update: the mean size of the frames that bring a seat a command's result, and (Parley) of the
updates a facilitator watching one class of 100 rooms receives meanwhile.

What the load generator managed is printed beside each run (commands/s asked and done, its
CPU share and its own event loop's lateness): on 2 cores it shares the machine with the server
under test, and a generator that falls behind inflates every latency it measures. So that it
adds no tail of its own, the generator's connections are frozen out of its garbage collector,
which is off while a load is measured (its full passes over 16,000 connections took up to 1.2 s
and fell on whichever server was measured); both servers run the same collector setting
(`quiet_collector`, as `parley serve` does), so they differ by their work alone.
`--probe` times both servers' event loops the same way (benchmarks/loop_probe.py): loop lag,
the stacks running through stalls, sampled stacks, the garbage collector's pauses; and it
follows each measured command stage by stage across the processes (`stage_report`: sent,
parsed by the server, handled, stored, committed, written, received by the generator).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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

from server.store import DURABILITY, SYNCHRONOUS, Durability  # noqa: E402

SCENARIO = "istanbul-2022"


# ================================================================ part 1: the event log


async def bench_store(db: Path, appenders: int, seconds: float, durability: Durability) -> tuple[float, float]:
    """Acknowledged single-event appends per second with `appenders` concurrent writers; mean batch."""
    from server.engine.events import StatementMade
    from server.store import EventRow, GameStatus, open_store

    store = open_store(db, durability)
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


def serve_bare(port: int, probe: bool) -> None:
    from websockets.asyncio.server import broadcast, serve

    rooms: dict[str, set[Any]] = {}

    async def handler(ws: Any) -> None:
        room = json.loads(await ws.recv())["room"]
        members = rooms.setdefault(room, set())
        members.add(ws)
        try:
            async for frame in ws:
                if probe:
                    _stamp(_nonce(frame), "handler")
                broadcast(members, frame)
                if probe:
                    _stamp(_nonce(frame), "written")
        finally:
            members.discard(ws)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**16):
            # The same collector setting as Parley's server (`parley serve` calls it too), so
            # that the two differ by their work, not by their collector: with the default
            # thresholds bare's own passes over its 8,000 connections took up to ~200 ms.
            from server.net.collector import quiet_collector  # nothing of Parley's else

            quiet_collector()
            await _obey_parent(probe)

    asyncio.run(main())


BENCH_KEY = "bench" * 8  # the instructor key the benchmark's server is given

# --probe: when each measured command passed each stage in the server, by its nonce. The
# generator's nonce carries its send time (perf_counter: CLOCK_MONOTONIC, one clock for every
# process of the machine), so the server's stamps and the generator's line up; the generator
# joins them into a command's timeline (`stage_report`).
STAMPS: dict[str, dict[str, float]] = {}


def _nonce(text: str | bytes) -> str | None:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    start = text.find("<")
    end = text.find(">", start)
    return text[start:end + 1] if start >= 0 and end > start else None


def _stamp(nonce: str | None, stage: str) -> None:
    if nonce is not None:
        STAMPS.setdefault(nonce, {})[stage] = time.perf_counter()


def _stamp_arrivals() -> None:
    """With --probe: stamp each data frame as websockets parses it off the socket (before it
    is queued for the connection's reader): the same in both servers."""
    from websockets.asyncio.connection import Connection
    from websockets.frames import Opcode

    process = Connection.process_event

    def stamped(self: Any, event: Any) -> None:
        if getattr(event, "opcode", None) is Opcode.TEXT:
            _stamp(_nonce(bytes(event.data)), "parsed")
        process(self, event)

    Connection.process_event = stamped  # type: ignore[method-assign]


def serve_parley(port: int, db: str, probe: bool, thresholds: str | None = None,
                 durability: Durability = "process") -> None:
    from server.net.access import Quotas
    from server.net.collector import quiet_collector
    from server.net.server import ParleyServer

    async def main() -> None:
        # The load comes from one address and opens classes of 100 rooms: lift those limits.
        srv = ParleyServer(db, port=port, instructor_key=BENCH_KEY, connections_per_address=None,
                           quotas=Quotas(classes=1000, rooms_per_class=100),
                           durability=durability)
        await srv.start()
        quiet_collector()  # as `parley serve` does
        if thresholds:  # --gc: another setting, to compare
            gc.set_threshold(*(int(t) for t in thresholds.split(",")))
        await _obey_parent(probe, srv)
        await srv.stop()

    asyncio.run(main())


async def _obey_parent(probe: bool, parley: Any = None) -> None:
    """A server child's side of the talk with this script: READY once listening; then, with
    `probe`, `begin`/`end` lines around each measured load (`end` answers REPORT and the
    loop probe's JSON, see loop_probe.py); end of input: stop."""
    loop = asyncio.get_running_loop()
    watch = None
    if probe:
        from loop_probe import LoopProbe

        _stamp_arrivals()
        watch = LoopProbe(loop)
        if parley is not None:
            _time_parley(watch, parley)
    print("READY", flush=True)
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        if watch is not None and line.strip() == "begin":
            STAMPS.clear()
            watch.begin()
        elif watch is not None and line.strip() == "end":
            print("REPORT " + json.dumps({**watch.end(), "stamps": STAMPS}), flush=True)


def _time_parley(watch: Any, srv: Any) -> None:
    """With --probe: time each frame a Parley connection handles (from its parse to its last
    write: the server's own share of a command's latency, its queueing before the read aside)
    and each commit awaited (from the store's append to its future settled on the loop)."""
    from server.net.session import Session

    handle, store = Session._one, srv.runtime.store

    async def timed_one(self: Any, frame: Any) -> bool:
        began = time.perf_counter()
        nonce = _nonce(frame)
        _stamp(nonce, "handler")
        try:
            return await handle(self, frame)
        finally:
            _stamp(nonce, "written")
            watch.timed("a frame handled (parse to reply)", time.perf_counter() - began)

    append = store.append

    def timed_append(game: str, rows: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        nonce = _nonce(getattr(rows[0].event, "text", "")) if rows else None
        _stamp(nonce, "stored")
        future = append(game, rows, *args, **kwargs)

        def settled(_: Any) -> None:
            _stamp(nonce, "committed")
            watch.timed("a commit awaited", time.perf_counter() - began)

        # In the callback that settles the write, as the room's delivering is (Commit.on_settled).
        getattr(future, "on_settled", future.add_done_callback)(settled)
        return future

    Session._one = timed_one  # type: ignore[method-assign]
    store.append = timed_append
    checkpoints = store._checkpoints
    checkpoints._conn = checkpointing = _TimedConnection(checkpoints._conn, watch)
    writer = store.writer
    writer._conn = _TimedConnection(writer._conn, watch, checkpointing)


SLOW_COMMIT = 0.020  # a COMMIT slower than this is counted, with whether a checkpoint overlapped it


class _TimedConnection:
    """The store writer's connection, timing (on the writer's thread) each transaction's
    statements (BEGIN to COMMIT: the thread takes the GIL back after every one) and its
    COMMIT (the fsync, without the GIL); or the checkpointer's, timing its checkpoints (their
    own writes and fsyncs share the disk with the commits': `checkpoints` tells a slow COMMIT
    whether one overlapped it)."""

    def __init__(self, conn: Any, watch: Any, checkpoints: _TimedConnection | None = None) -> None:
        self._conn, self._watch, self._began, self._checkpoints = conn, watch, 0.0, checkpoints
        self.spans: list[tuple[float, float]] = []  # the checkpointer's: (start, end) of the last ones
        self.running_since: float | None = None

    def overlapped(self, start: float, end: float) -> bool:
        running = self.running_since
        return (running is not None and running < end) or any(a < end and b > start for a, b in self.spans[-4:])

    def execute(self, sql: str, *args: Any) -> Any:
        began = time.perf_counter()
        if sql == "BEGIN IMMEDIATE":
            self._began = began
        if sql.startswith("PRAGMA wal_checkpoint"):
            self.running_since = began
        try:
            return self._conn.execute(sql, *args)
        finally:
            now = time.perf_counter()
            if sql.startswith("PRAGMA wal_checkpoint"):
                self.running_since = None
                self.spans = [*self.spans[-7:], (began, now)]
                self._watch.timed("checkpointer: a checkpoint (its writes and fsyncs)", now - began)
            if sql == "COMMIT":
                self._watch.timed("writer: a batch's statements (BEGIN to COMMIT)", began - self._began)
                self._watch.timed("writer: its COMMIT (the fsync)", now - began)
                if now - began > SLOW_COMMIT and self._checkpoints is not None:
                    during = self._checkpoints.overlapped(began, now)
                    self._watch.timed("writer: a COMMIT over 20 ms, " + (
                        "a checkpoint running" if during else "no checkpoint running"), now - began)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used: what a delivery costs the server, which
    the machine's other load does not change as much as it changes latencies."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def settled(pid: int, timeout: float = 120.0) -> float:
    """Wait until the server `pid` is idle (under 5% of a core over half a second), at most
    `timeout` s; the seconds waited. A server still busy with its 8,000 joins when the first load
    starts made every first run an outlier (Parley's p99 536-2,344 ms against 47-112 in the others)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        before = cpu_seconds(pid)
        await asyncio.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            break
    return time.perf_counter() - start


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
    last_read: float = 0.0  # when the last seat read the pending command's result
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
    timelines: dict[str, dict[str, float]] = field(default_factory=dict)  # --probe: nonce -> stage -> time


def _stamp_receipts() -> None:
    """Stamp each frame the generator's connections receive as websockets parses it off the
    socket (`bench_arrived`), before it waits for the connection's reader task: a command's
    latency ends when its last seat's frame is in (one loop pass of the generator's sooner
    than its reader sees it), as the server's own stamps begin when its frame is parsed."""
    from websockets.asyncio.connection import Connection

    process = Connection.process_event

    def stamped(self: Any, event: Any) -> None:
        self.bench_arrived = time.perf_counter()
        process(self, event)

    Connection.process_event = stamped  # type: ignore[method-assign]


async def reader(load: Load, room: Room, ws: Any) -> None:
    try:
        async for text in ws:
            if room.pending is not None and room.pending in text:
                if load.counting:
                    load.deliveries += 1
                    load.delivered_bytes += len(text.encode())
                room.left -= 1
                if room.left == 0:
                    room.last_read = ws.bench_arrived
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
            load.latencies.append(room.last_read - began)
            load.timelines[room.pending] = {"sent": began, "received": room.last_read,
                                            "resumed": time.perf_counter()}
        if interval:  # (never past `until`: the load's rate is counted over its window)
            now = time.perf_counter()
            await asyncio.sleep(max(0.0, min(interval - (now - began), until - now)))


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


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_load(load: Load, seconds: float, interval: float | None, server: Server,
                   generator: Any) -> dict[str, Any]:
    """One measured load on one server: its figures, and what the load generator (this
    process) managed meanwhile, so an overloaded generator shows."""
    load.deliveries, load.latencies, load.timeouts, load.timelines = 0, [], 0, {}
    load.delivered_bytes = load.facilitator_updates = load.facilitator_bytes = 0
    # The generator's collector stays off while it measures: it holds 16,000 connections, and
    # its full passes over them took up to a second (measured with --probe), a stall added to
    # whichever server's commands were in flight. Its garbage is collected between runs.
    gc.collect()
    gc.disable()
    try:
        return await _measured(load, seconds, interval, server, generator)
    finally:
        gc.enable()


async def _measured(load: Load, seconds: float, interval: float | None, server: Server,
                    generator: Any) -> dict[str, Any]:
    warmup = min(2.0, seconds / 4)
    until = time.perf_counter() + warmup + seconds
    loops = [asyncio.ensure_future(room_loop(load, r, until, interval)) for r in load.rooms]
    await asyncio.sleep(warmup)
    server.begin()
    generator.begin()
    load.counting = True
    began, cpu, own = time.perf_counter(), cpu_seconds(server.pid), own_cpu_seconds()
    await asyncio.gather(*loops)
    load.counting = False
    elapsed, cpu, own = time.perf_counter() - began, cpu_seconds(server.pid) - cpu, own_cpu_seconds() - own
    watched = generator.end()
    probe = server.end()
    stages = stage_report(load.timelines, probe.pop("stamps", {}) if probe else {})
    lat = sorted(load.latencies) or [float("nan")]
    return {"deliveries_per_s": load.deliveries / elapsed, "commands_per_s": len(load.latencies) / elapsed,
            "commands_asked_per_s": len(load.rooms) / interval if interval else float("nan"),
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "timeouts": load.timeouts, "server_cpu_us_per_delivery": 1e6 * cpu / max(load.deliveries, 1),
            "server_cpu_share": cpu / elapsed, "generator_cpu_share": own / elapsed,
            "generator_lag_p99_ms": watched["loop_lag_ms"]["p99"],
            "bytes_per_seat_update": load.delivered_bytes / max(load.deliveries, 1),
            "bytes_per_facilitator_update": load.facilitator_bytes / max(load.facilitator_updates, 1),
            "generator_gc": watched["gc"],
            "probe": probe, "stages": stages}


# A command's way, as stamped (--probe): by the generator (sent; received: the last seat's
# frame about it is in, see `_stamp_receipts`; resumed: the room's task runs again), and by
# the server (parsed: websockets has the frame off the socket; handler: the connection's
# reader has it; stored: handed to the store; committed: the commit's future settled on the
# loop; written: the last frame about it written, the ack after the updates).
STAGES = ("sent", "parsed", "handler", "stored", "committed", "written", "received", "resumed")


def stage_report(timelines: dict[str, dict[str, float]], stamps: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Each stage's share of the measured commands' latency: p50 and p99 of each step, and
    what the slowest 1% of commands spent in each step (their means)."""
    joined = [{**stamps.get(nonce, {}), **mine} for nonce, mine in timelines.items()]
    joined = [t for t in joined if "parsed" in t and "written" in t]
    if not joined:
        return {}
    joined.sort(key=lambda t: t["resumed"] - t["sent"])
    tail = joined[int(len(joined) * 0.99):]
    steps: dict[str, Any] = {}
    names = [s for s in STAGES if s in joined[0]]
    for a, b in zip(names, names[1:]):
        gaps = sorted(1000 * (t[b] - t[a]) for t in joined)
        steps[f"{a} -> {b}"] = {"p50_ms": gaps[len(gaps) // 2], "p99_ms": gaps[int(len(gaps) * 0.99)],
                                "tail_mean_ms": sum(1000 * (t[b] - t[a]) for t in tail) / len(tail)}
    return {"commands": len(joined), "steps": steps}


class Server:
    """A server under test in a child process of its own (bare and Parley the same way)."""

    def __init__(self, kind: str, workdir: Path, probe: bool, thresholds: str | None = None,
                 durability: Durability = "process") -> None:
        self.kind, self.probe = kind, probe
        self.port = _free_port()
        cmd = [sys.executable, __file__, "--serve", kind, "--port", str(self.port),
               "--db", str(workdir / f"{kind}.db"), *(["--probe"] if probe else []),
               *(["--gc", thresholds] if thresholds and kind == "parley" else []),
               "--durability", durability]
        self.child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.child.stdout is not None and self.child.stdout.readline().strip() == "READY"
        self.pid = self.child.pid
        self.url = f"ws://127.0.0.1:{self.port}"

    def begin(self) -> None:
        if self.probe:
            self._tell("begin")

    def end(self) -> dict[str, Any] | None:
        if not self.probe:
            return None
        self._tell("end")
        assert self.child.stdout is not None
        line = self.child.stdout.readline()
        assert line.startswith("REPORT "), line
        return json.loads(line[len("REPORT "):])  # type: ignore[no-any-return]

    def _tell(self, line: str) -> None:
        assert self.child.stdin is not None
        self.child.stdin.write(line + "\n")
        self.child.stdin.flush()

    def stop(self) -> None:
        if self.child.stdin:
            self.child.stdin.close()
        try:
            self.child.wait(30)
        except subprocess.TimeoutExpired:
            self.child.kill()


async def bench_servers(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    """Both servers at once, each in its own process, both loaded with all their connections;
    the measured loads alternate between them (bare, Parley, bare, Parley...) `runs` times, so
    a change in the machine's other load falls on both alike."""
    from loop_probe import LoopProbe

    _stamp_receipts()
    generator = LoopProbe(asyncio.get_running_loop(), sample=False)
    servers = [Server(kind, workdir, args.probe, args.gc, args.durability) for kind in ("bare", "parley")]
    results: list[dict[str, Any]] = []
    readers: list[asyncio.Future[Any]] = []
    loads: list[Load] = []
    closing: list[Any] = []
    try:
        for server in servers:
            idle = rss_mb(server.pid)
            connect = connect_bare if server.kind == "bare" else connect_parley
            rooms = await connect(server.url, args.rooms, args.seats)
            load = Load(rooms, server.kind)
            readers += [asyncio.ensure_future(reader(load, r, ws)) for r in rooms for ws in r.seats]
            closing += [ws for r in rooms for ws in r.seats]
            if server.kind == "parley":
                facilitator = await watch_class(server.url, FACILITATOR_TOKENS[0])
                readers.append(asyncio.ensure_future(facilitator_reader(load, facilitator)))
                closing.append(facilitator)
            loads.append(load)
            results.append({"kind": server.kind, "connections": sum(len(r.seats) for r in rooms),
                            "rss_idle_mb": idle, "rss_connected_mb": rss_mb(server.pid),
                            "classroom_runs": [], "saturated_runs": []})
        gc.collect()
        gc.freeze()  # the generator's connections: out of its collector's passes from now on
        for server, result in zip(servers, results):  # the loads start once both are idle
            result["settle_s"] = await settled(server.pid)
        for name, interval in (("classroom", 1 / args.rate), ("saturated", None)):
            for _ in range(args.runs):
                for server, load, result in zip(servers, loads, results):
                    result[f"{name}_runs"].append(await run_load(load, args.seconds, interval, server, generator))
        for server, result in zip(servers, results):
            result["rss_after_load_mb"] = rss_mb(server.pid)
            for name in ("classroom", "saturated"):
                result[name] = median_run(result[f"{name}_runs"])
        await asyncio.gather(*(ws.close() for ws in closing))
        await asyncio.gather(*readers, return_exceptions=True)
        return results
    finally:
        for server in servers:
            server.stop()


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (timeouts: their sum)."""
    merged: dict[str, Any] = {}
    for key in runs[0]:
        if not isinstance(runs[0][key], int | float):  # the probe's and the stages' reports
            continue
        values = sorted(r[key] for r in runs)
        merged[key] = sum(values) if key == "timeouts" else values[len(values) // 2]
    return merged


def print_stages(results: list[dict[str, Any]]) -> None:
    """Where a command's latency goes, stage by stage (--probe), every run, both servers; and
    the generator's own collector passes during each run."""
    print("\nA command's way (--probe; ms; p50 / p99 of each step, and the slowest 1% of commands' mean "
          "in it): sent (generator) -> parsed (server's websockets has the frame) -> handler (the "
          "connection's reader has it) -> stored -> committed (Parley) -> written (its last frame) -> "
          "received (the last seat's frame, in the generator) -> resumed (the room's task in the generator)")
    for load in ("classroom", "saturated"):
        for r in results:
            for n, run in enumerate(r[f"{load}_runs"], 1):
                stages, gc_ = run.get("stages") or {}, run.get("generator_gc") or {}
                passes = ", ".join(f"gen{g} {f['count']}x max {f['max_ms']:.0f} ms" for g, f in gc_.items()
                                   if f["count"])
                print(f"  {load} {r['kind']} run {n} ({stages.get('commands', 0)} commands; "
                      f"generator gc: {passes or 'none'}):")
                for step, f in (stages.get("steps") or {}).items():
                    print(f"    {step:<22} {f['p50_ms']:8.1f} / {f['p99_ms']:8.1f}   "
                          f"slowest 1%: {f['tail_mean_ms']:8.1f}")


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
    synchronous = SYNCHRONOUS[args.durability]
    print(f"\nEvent log (SQLite WAL, durability {args.durability}: synchronous={synchronous}, {os.cpu_count()} cores):")
    print(f"  one event per transaction, 1 writer : {store['serial']:>9,.0f} acknowledged events/s")
    print(f"  group commit, {args.rooms} concurrent rooms : {store['group']:>9,.0f} acknowledged events/s "
          f"(mean {store['batch']:.0f} events per transaction)")
    print(f"\nServers: each in a child process; {args.runs} runs of {args.seconds:g} s per load, alternating "
          "bare and Parley; the load generator is this process (gen cpu: its share of one core; gen lag: "
          "its own event loop's p99 lateness, which adds to every latency measured).")
    for load in ("classroom", "saturated"):
        title = (f"a command every {1 / args.rate:g} s per room ({args.rooms * args.rate:,.0f} commands/s asked)"
                 if load == "classroom" else
                 "saturation: each room's next command as soon as the last one is delivered")
        print(f"\n{args.rooms} rooms x {args.seats} seats, {title}:")
        print(f"  {'server':<8} {'run':>6} {'deliveries/s':>13} {'commands/s':>11} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'timeouts':>9} {'srv cpu':>8} {'gen cpu':>8} {'gen lag':>8}")
        for r in results:
            runs = r[f"{load}_runs"]
            for n, m in [*enumerate(runs, 1), ("median", r[load])]:
                if n == "median" and len(runs) == 1:
                    continue
                print(f"  {r['kind']:<8} {n:>6} {m['deliveries_per_s']:>13,.0f} {m['commands_per_s']:>11,.0f} "
                      f"{m['p50_ms']:>8.1f} {m['p99_ms']:>8.1f} {m['timeouts']:>9} "
                      f"{100 * m['server_cpu_share']:>7.0f}% {100 * m['generator_cpu_share']:>7.0f}% "
                      f"{m['generator_lag_p99_ms']:>6.1f}ms")
    print("\nBytes per update, classroom pace (mean frame bringing a command's result):")
    for r in results:
        m = r["classroom"]
        extra = (f", facilitator of {min(100, args.rooms)} rooms {m['bytes_per_facilitator_update']:,.0f} B"
                 if r["kind"] == "parley" else "")
        print(f"  {r['kind']:<8} seat {m['bytes_per_seat_update']:,.0f} B{extra}")
    print("\nServer CPU per delivery (user + system time of the server process / deliveries; median):")
    for r in results:
        print(f"  {r['kind']:<8} classroom {r['classroom']['server_cpu_us_per_delivery']:,.0f} us, "
              f"saturated {r['saturated']['server_cpu_us_per_delivery']:,.0f} us")
    bare, parley = results

    def saturated(figure: str) -> float:
        return float(parley["saturated"][figure] / bare["saturated"][figure])

    print("\nRatios, Parley to bare, of the medians (targets: p99 <= 2, memory <= 2, saturated deliveries >= 0.5):")
    print(f"  classroom p99 {parley['classroom']['p99_ms'] / bare['classroom']['p99_ms']:.2f}, "
          f"memory after the loads {parley['rss_after_load_mb'] / bare['rss_after_load_mb']:.2f} "
          f"(with the connections {parley['rss_connected_mb'] / bare['rss_connected_mb']:.2f}), "
          f"saturated deliveries {saturated('deliveries_per_s'):.2f}, "
          f"server CPU per saturated delivery {saturated('server_cpu_us_per_delivery'):.2f}")
    print("\nServer memory (RSS of the server process):")
    for r in results:
        print(f"  {r['kind']:<8} idle {r['rss_idle_mb']:.0f} MB, with {r['connections']} connections "
              f"{r['rss_connected_mb']:.0f} MB, after the loads {r['rss_after_load_mb']:.0f} MB; "
              f"idle again {r['settle_s']:.1f} s after the joins (the loads waited for it)")
    if args.probe:
        from loop_probe import print_report

        for r in results:
            for load in ("classroom", "saturated"):
                print_report(f"{r['kind']}, {load} (last run)", r[f"{load}_runs"][-1]["probe"])
        print_stages(results)
    print(f"\nMachine load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(1, 5, 15 min; {os.cpu_count()} cores)")


async def main(args: argparse.Namespace) -> None:
    _raise_file_limit()
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    try:
        serial, _ = await bench_store(workdir / "serial.db", 1, 3, args.durability)
        group, batch = await bench_store(workdir / "group.db", args.rooms, 3, args.durability)
        store = {"serial": serial, "group": group, "batch": batch}
        results = await bench_servers(args, workdir)
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
    parser.add_argument("--runs", type=int, default=3,
                        help="measured runs of each load per server (the medians are compared)")
    parser.add_argument("--probe", action="store_true",
                        help="time both servers' event loops: loop lag, stalls and what ran through them, "
                             "sampled stacks, garbage-collector pauses (benchmarks/loop_probe.py)")
    parser.add_argument("--gc", metavar="T0[,T1,T2]", default=None,
                        help="the Parley server's collector thresholds instead of quiet_collector's (to compare)")
    parser.add_argument("--durability", choices=DURABILITY, default="process",
                        help="the Parley server's (as `parley serve --durability`; default process)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--serve", choices=("bare", "parley"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.serve == "bare":
        _raise_file_limit()
        serve_bare(cli.port, cli.probe)
    elif cli.serve == "parley":
        _raise_file_limit()
        serve_parley(cli.port, cli.db, cli.probe, cli.gc, cli.durability)
    else:
        asyncio.run(main(cli))
