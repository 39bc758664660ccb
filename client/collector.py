"""The garbage collector's full passes kept off the key press.

Python's full (generation 2) collection walks every object the process holds. A player's client
in a long game holds about 180,000: Textual's modules, styles and widgets, the game's view and
its notes, the rendered lines. A full pass over them costs 130-210 ms on a class machine, and
one fell into about one key press in eight: the slowest keys of `benchmarks/bench_client.py`,
for the bare Textual app as for Parley, were the ones a full pass landed in.

So once a seat's table is up, what is alive then is collected once and frozen out of the
collector's sight (`gc.freeze`): later passes walk only what was made since, a few milliseconds.
The frozen objects are those of a screen that lives as long as the game; a reference cycle
among them that dies later waits for `thaw` (the app's exit) instead of being collected.
`parley play` and `parley demo` ask for it (`ParleyApp(quiet_collector=True)`); tests, which run
many apps in one process, do not.
"""

from __future__ import annotations

import gc


def freeze_survivors() -> None:
    """Collect once, then move every surviving object out of the collector's later passes."""
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """Give the frozen objects back to the collector (the app is leaving)."""
    gc.unfreeze()
