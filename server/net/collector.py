"""The garbage collector's setting for a long-running server process (nothing else imported,
so that the benchmark's bare websockets server can use the very same setting)."""

from __future__ import annotations

import gc


def quiet_collector() -> None:
    """Keep the garbage collector's full passes off the event loop's critical path.

    Why: a server holds thousands of long-lived objects (connections, rooms, their logs); the
    collector's passes over them stalled every room at once for hundreds of milliseconds (the
    1,600-room bench's p99, and 40% of the server's CPU per delivery). Called by `parley serve`
    once the server has started (not by ParleyServer itself: tests start many servers in one
    process). What exists at start (the catalogue, restored games) is frozen out
    of the passes, and the young generation is collected less often: the server makes few
    reference cycles, so memory grows little for it.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
