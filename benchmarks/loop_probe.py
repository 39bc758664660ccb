"""Where an asyncio process's time and tail latency go: run inside a benchmark's server process.

    probe = LoopProbe(loop)   # a heartbeat on `loop`, a profiling timer, gc callbacks
    probe.begin()             # ... the load under study ...
    report = probe.end()      # a JSON-able dict (see `end`); print_report(title, report)

* **Loop lag.** A heartbeat callback is scheduled every BEAT seconds; how late each one runs is
  how long any callback ready at that moment waited (a command's frame, a commit's wake-up).
  Its p50/p99/max are the loop's own share of a command's latency.
* **Samples** (`sample=True`): every WATCH seconds of the process's CPU time (a profiling
  timer, `ITIMER_PROF`), a signal handler on the loop's thread takes the stack it interrupted:
  a sampling profile of the event loop's thread. (A watcher *thread* reading
  `sys._current_frames` sees the loop only where it lets go of the GIL — in its socket
  writes — and blames them for everything.) A tick that finds the loop idle in its poll is
  another thread's CPU (the store's writer).
* **Stalls.** A sample taken while the heartbeat is more than STALL seconds overdue counts
  towards a stall, so each stall is attributed (CPU-time-weighted) to the code running
  through it.
* **The collector.** `gc.callbacks` time every collection, per generation.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import time
from collections import Counter
from types import FrameType
from typing import Any

BEAT = 0.002
WATCH = 0.005
STALL = 0.020
IDLE = frozenset({"select", "poll", "_run_once"})  # the loop waiting for I/O: not its work


class LoopProbe:
    def __init__(self, loop: asyncio.AbstractEventLoop, sample: bool = True) -> None:
        self.loop = loop
        self._last = time.perf_counter()
        self._due = self._last + BEAT
        self._on = False
        self.begin()
        self._on = False
        loop.call_soon(self._beat)
        gc.callbacks.append(self._gc_callback)
        if sample:
            signal.signal(signal.SIGPROF, self._look)
            signal.setitimer(signal.ITIMER_PROF, WATCH, WATCH)

    # ------------------------------------------------------------ on the loop's thread

    def _beat(self) -> None:
        now = time.perf_counter()
        if self._on:
            self._lags.append(now - self._due)
        self._last = now
        self._due = now + BEAT
        self.loop.call_later(BEAT, self._beat)

    def _gc_callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_began, self._gc_cpu = time.perf_counter(), time.thread_time()
        elif self._on:
            self._gc[info["generation"]].append(time.perf_counter() - self._gc_began)
            self._gc_cpu_total += time.thread_time() - self._gc_cpu

    def timed(self, name: str, seconds: float) -> None:
        """Record one duration of `name` (a command handled, a commit awaited...)."""
        if self._on:
            self._timed.setdefault(name, []).append(seconds)

    def _look(self, signum: int, frame: FrameType | None) -> None:
        """A profiling tick (the process used WATCH s of CPU): where the loop's thread is."""
        if not self._on:
            return
        stack = _stack(frame)
        if not stack or stack[-1].rsplit(":", 1)[-1] in IDLE:
            self._idle += 1
            return
        self._looks += 1
        if time.perf_counter() - self._last > STALL:
            self._stalls[" > ".join(_ours(stack)[-7:])] += 1
            self._stall_looks += 1
        self._selves[stack[-1]] += 1
        for name in set(stack):
            self._inclusive[name] += 1

    # ------------------------------------------------------------ measuring

    def begin(self) -> None:
        self._lags: list[float] = []
        self._stalls: Counter[str] = Counter()
        self._inclusive: Counter[str] = Counter()
        self._selves: Counter[str] = Counter()
        self._gc: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._gc_began = self._gc_cpu = self._gc_cpu_total = 0.0
        self._timed: dict[str, list[float]] = {}
        self._stall_looks = self._looks = self._idle = 0
        self._began = time.perf_counter()
        self._on = True

    def end(self) -> dict[str, Any]:
        """Loop lag (ms: p50, p99, max); the loop thread's CPU (ms, from the samples) in all
        and while the loop was late, with the stacks; the functions with their inclusive and
        self shares of the loop thread's samples; the collector's pauses per generation
        (count, total and max ms)."""
        self._on = False
        elapsed = time.perf_counter() - self._began
        lags = sorted(self._lags) or [0.0]
        looks = max(self._looks, 1)
        tick = WATCH * 1000
        return {
            "seconds": elapsed,
            "loop_lag_ms": {"p50": 1000 * lags[len(lags) // 2], "p99": 1000 * lags[int(len(lags) * 0.99)],
                            "max": 1000 * lags[-1]},
            "loop_cpu_ms": self._looks * tick, "other_threads_cpu_ms": self._idle * tick,
            "stall_cpu_ms": self._stall_looks * tick,
            "stalls": [(n * tick, s) for s, n in self._stalls.most_common(12)],
            "inclusive": [(n / looks, s) for s, n in self._inclusive.most_common(90) if n < 0.98 * looks][:45],
            "self": [(n / looks, s) for s, n in self._selves.most_common(25)],
            "gc": {str(g): {"count": len(p), "total_ms": 1000 * sum(p), "max_ms": 1000 * max(p, default=0.0)}
                   for g, p in self._gc.items()},
            "gc_cpu_ms": 1000 * self._gc_cpu_total,
            "timed": {name: _spread(values) for name, values in self._timed.items()},
        }


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"count": len(ordered), "p50_ms": 1000 * ordered[len(ordered) // 2],
            "p99_ms": 1000 * ordered[int(len(ordered) * 0.99)], "max_ms": 1000 * ordered[-1]}


def _stack(frame: FrameType | None) -> list[str]:
    """The stack as module:function names, outermost first."""
    names = []
    while frame is not None:
        names.append(f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}")
        frame = frame.f_back
    names.reverse()
    return names


def _ours(stack: list[str]) -> list[str]:
    """The stack from its first frame of Parley's (or the bench's) own code on."""
    for n, name in enumerate(stack):
        if name.startswith(("server.", "__main__:handler")):
            return stack[n:]
    return stack


def print_report(title: str, report: dict[str, Any], out: Any = sys.stdout) -> None:
    lag = report["loop_lag_ms"]
    print(f"\n{title}: the server's event loop (loop lag = how late a callback due now runs)", file=out)
    print(f"  loop lag p50 {lag['p50']:.1f} ms, p99 {lag['p99']:.1f} ms, max {lag['max']:.0f} ms; "
          f"loop thread's CPU {report['loop_cpu_ms'] / 1000:.1f} s in {report['seconds']:.0f} s, "
          f"{report['stall_cpu_ms']:.0f} ms of it while the loop was over {STALL * 1000:.0f} ms late; "
          f"other threads {report['other_threads_cpu_ms'] / 1000:.1f} s", file=out)
    for g, figures in report["gc"].items():
        if figures["count"]:
            print(f"  gc generation {g}: {figures['count']} passes, {figures['total_ms']:.0f} ms in all, "
                  f"longest {figures['max_ms']:.1f} ms", file=out)
    if any(f["count"] for f in report["gc"].values()):
        print(f"  (the collector's own CPU time: {report['gc_cpu_ms']:.0f} ms; the rest, the thread "
              "was waiting for a core)", file=out)
    for name, spread in report["timed"].items():
        print(f"  {name}: {spread['count']} times, p50 {spread['p50_ms']:.1f} ms, p99 {spread['p99_ms']:.1f} ms, "
              f"max {spread['max_ms']:.0f} ms", file=out)
    if report["stalls"]:
        print("  running while the loop was late (CPU ms, innermost last):", file=out)
        for ms, stack in report["stalls"]:
            print(f"    {ms:6.0f}  {stack}", file=out)
    for key, what in (("inclusive", "inside each function (inclusive)"), ("self", "in each function itself")):
        if report[key]:
            print(f"  share of the loop thread's samples {what}:", file=out)
            for share, name in report[key]:
                print(f"    {100 * share:5.1f}%  {name}", file=out)
