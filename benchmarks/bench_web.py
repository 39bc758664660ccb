"""What a browser seat costs the host, against the terminal client, in one run.

    python benchmarks/bench_web.py [--seats 40] [--samples 5]

Starts a real Parley server and `parley web` (both in this process, on free ports), opens a
class of tutorial rooms with a human in every seat, and opens `--seats` sessions the way a
browser tab does: textual-serve's websocket protocol (client.web.probe.WebTerminal), no browser.
Each session joins with its code and reaches the table. Then, for the baseline, the terminal
client (`parley play`, the same Textual app) runs in a pseudo-terminal for one seat.

Measured for both, the same way: memory (the proportional set size of the seat's processes,
so shared library pages are counted once between them, and their resident size), processes
per seat, and key-to-screen latency: a tab key ("2" Compose, then "1" Agenda) sent, timed until
the words of that tab are on the seat's screen as rebuilt from the bytes it received (pyte).
The web latency is taken with every other session open and idle. Needs the `[test]` extra
(pyte).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import statistics
import sys
import tempfile
import time
from pathlib import Path

from client.connection import Connection
from client.web.probe import TerminalScreen, WebTerminal
from client.web.server import WebServer
from server.engine import commands as c
from server.net.server import ParleyServer

SIZE = (120, 36)
TARGETS = (("2", "Pick an option per issue"), ("1", "Issue / option"))  # key, words its tab shows


def process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(child) for child in children]
    return found


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """(PSS, RSS) in KiB, summed over `pids`."""
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


async def open_class(url: str, seats: int, key: str) -> tuple[list[str], list[str]]:
    """Rooms and join codes for `seats` human seats (tutorial rooms of three)."""
    connection = Connection(url)
    try:
        opened = await connection.open_class("tutorial", rooms=-(-seats // 3), time_scale=10, key=key)
    finally:
        await connection.close()
    codes = [s.code for r in opened.rooms for s in r.seats][:seats]
    return [r.room for r in opened.rooms], codes


async def start_rooms(server: ParleyServer, rooms: list[str]) -> None:
    for room_id in rooms:
        room = server.runtime.room(room_id)
        assert room is not None
        await room.submit("facilitator", c.StartGame())


class PtySeat:
    """`parley play` in a pseudo-terminal: the terminal client as a student runs it."""

    def __init__(self, server_url: str, code: str, home: Path) -> None:
        self.code, self.terminal = code, TerminalScreen(*SIZE)
        self.changed = asyncio.Event()
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        env = dict(os.environ, HOME=str(home), TERM="xterm-256color", COLUMNS=str(SIZE[0]),
                   LINES=str(SIZE[1]), XDG_CONFIG_HOME=str(home))
        import subprocess

        self.process = subprocess.Popen([sys.executable, "-m", "server.cli", "play", "--server", server_url,
                                         "--code", code], stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        asyncio.get_running_loop().add_reader(self.master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return
        self.terminal.feed(data)
        self.changed.set()

    async def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    async def wait_for(self, words: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.terminal.text:
            assert time.monotonic() < deadline, f"never saw {words!r}:\n{self.terminal.text}"
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), 0.5)
            except TimeoutError:
                pass

    def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self.master)
        self.process.terminate()
        self.process.wait(10)
        os.close(self.master)


async def latency(seat: WebTerminal | PtySeat, samples: int) -> list[float]:
    """Milliseconds from a tab key to its words on the screen, `samples` times per key."""
    times = []
    for _ in range(samples):
        for key, words in TARGETS:
            started = time.perf_counter()
            await seat.send(key)
            await seat.wait_for(words)
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.05)
    return times


async def main(seats: int, samples: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = ParleyServer(Path(tmp) / "bench.db")
        await server.start()
        web = WebServer(server.url, port=0, max_sessions=seats + 5)
        await web.start()
        try:
            rooms, codes = await open_class(server.url, seats + 1, server.instructor_key)
            await start_rooms(server, rooms)
            t0 = time.perf_counter()
            tabs = await open_tabs(web, codes[:seats])
            opened = time.perf_counter() - t0
            pids = [process_tree(s.pid) for s in web.sessions if s.pid is not None]
            pss, rss = memory_kb([p for tree in pids for p in tree])
            web_times: list[float] = []
            for tab in tabs[:: max(1, len(tabs) // 8)]:  # eight seats spread over the class
                web_times += await latency(tab, samples)
            for tab in tabs:
                await tab.close()

            home = Path(tmp) / "terminal-home"
            home.mkdir()
            seat = PtySeat(server.url, codes[seats], home)
            await seat.wait_for("Your rejoin code")
            await seat.send("\r")
            await seat.wait_for("Issue / option")
            await asyncio.sleep(1)
            term_tree = process_tree(seat.process.pid)
            term_pss, term_rss = memory_kb(term_tree)
            term_times = await latency(seat, samples * 8)
            seat.close()
        finally:
            await web.stop()
            await server.stop()
    report(seats, opened, pids, pss, rss, web_times, term_tree, term_pss, term_rss, term_times)


async def open_tabs(web: WebServer, codes: list[str]) -> list[WebTerminal]:
    """Every seat's tab, opened a few at a time (as a class arrives), joined and at the table."""
    tabs: list[WebTerminal] = []

    async def one(code: str) -> WebTerminal:
        tab = WebTerminal(web.url, *SIZE)
        await tab.open()
        await tab.wait_for("Join code", timeout=120)
        await tab.send(code)
        await tab.wait_for(code, timeout=60)
        await tab.send("\r")
        await tab.wait_for("Your rejoin code", timeout=120)
        await tab.send("\r")  # written down
        await tab.wait_for("Your rejoin code", timeout=60, gone=True)
        await tab.wait_for("Issue / option", timeout=60)
        return tab

    for i in range(0, len(codes), 4):
        tabs += await asyncio.gather(*(one(code) for code in codes[i:i + 4]))
    return tabs


def report(seats: int, opened: float, pids: list[list[int]], pss: int, rss: int, web_times: list[float],
           term_tree: list[int], term_pss: int, term_rss: int, term_times: list[float]) -> None:
    def ms(times: list[float]) -> str:
        ordered = sorted(times)
        return (f"median {statistics.median(ordered):.0f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1]:.0f} ms,"
                f" max {ordered[-1]:.0f} ms ({len(ordered)} keys)")

    per_seat_pss, per_seat_rss = pss / seats / 1024, rss / seats / 1024
    print(f"browser seats: {seats} open, joined and at the table in {opened:.1f} s")
    print(f"  memory per seat: {per_seat_pss:.0f} MiB PSS ({per_seat_rss:.0f} MiB RSS); "
          f"all {seats}: {pss / 1024:.0f} MiB PSS ({rss / 1024 / 1024:.2f} GiB RSS)")
    print(f"  processes per seat: {sum(map(len, pids)) / seats:.1f}")
    print(f"  key to screen: {ms(web_times)}")
    print("terminal client (parley play in a pseudo-terminal, one seat)")
    print(f"  memory: {term_pss / 1024:.0f} MiB PSS ({term_rss / 1024:.0f} MiB RSS); processes: {len(term_tree)}")
    print(f"  key to screen: {ms(term_times)}")
    print(f"ratio web/terminal: memory {per_seat_pss / (term_pss / 1024):.2f}x (PSS), "
          f"key to screen {statistics.median(web_times) / statistics.median(term_times):.2f}x (median)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seats", type=int, default=40)
    parser.add_argument("--samples", type=int, default=5, help="key presses per key per sampled seat")
    args = parser.parse_args()
    asyncio.run(main(args.seats, args.samples))
