"""The garbage collector's full passes kept off the key press.

Python's full (generation 2) collection walks every object the process holds. A player's client
in a long game holds about 180,000: Textual's modules, styles and widgets, the game's view and
its notes, the rendered lines. A full pass over them costs 130-210 ms on a class machine, and
one fell into about one key press in eight: the slowest keys of `benchmarks/bench_client.py`,
for the bare Textual app as for Parley, were the ones a full pass landed in.

So once a seat's table is up, what is alive then is collected once and frozen out of the
collector's sight (`gc.freeze`): later passes walk only what was made since. The frozen objects
are those of a screen that lives as long as the game; a reference cycle among them that dies
later waits for `thaw` (the app's exit) instead of being collected.

What is made since is not small: the first showing of each tab renders and keeps its lines, and
the table's rows and the log grow, some 45,000-65,000 objects by the bench's second pass over the
tabs. A full pass over those still cost 35-65 ms, and Python made one every ten young passes, in
five to eight of the bench's hundred keys (its p95). So Python's own full passes wait ten times
longer (`FULL_PASS_AFTER`), and the client makes them at a pause instead: once nobody has typed
or clicked for `PAUSE`, `collect_in_pause` collects if anything reached the old generation since
the last full pass. Typing without a pause is still collected, after `FULL_PASS_AFTER` young
passes (about ten seconds of keys), so memory stays bounded.

Young passes (Python's generations 0 and 1, 0.3-5 ms each) came inside the keys too: a tab
key makes a few thousand objects that live on (the lines it renders are kept), so Python made
three or four young passes during each, 2-5 ms of its 40-60. So at the table Python's own wait
for `YOUNG_AFTER` new objects instead of 700, and the table screen calls `collect_young` once
each frame is painted: the young pass Python would have made during the next key, if as many
objects are new as Python waits for, made while nothing is waiting to be shown.

`parley play` and `parley demo` ask for all this (`ParleyApp(quiet_collector=True)`); tests,
which run many apps in one process, do not.
"""

from __future__ import annotations

import gc

PAUSE = 1.0  # seconds without a key or a click: a full pass then is no key's wait
FULL_PASS_AFTER = 100  # generation-1 passes before Python makes a full pass itself (its default: 10)
YOUNG_AFTER = 20_000  # new objects before Python makes a young pass itself (its default: 700)
_thresholds: tuple[int, int, int] | None = None  # Python's own, while ours are set


def freeze_survivors() -> None:
    """Collect once, then move every surviving object out of the collector's later passes; from
    now on full passes wait for a pause (see `collect_in_pause`)."""
    global _thresholds
    gc.collect()
    gc.freeze()
    if _thresholds is None:
        _thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_AFTER, _thresholds[1], FULL_PASS_AFTER)


def collect_in_pause() -> bool:
    """A full pass, if anything may have reached the old generation since the last one (a young
    pass promotes its survivors; with none since, there is nothing new to walk). Whether it ran."""
    if gc.get_count()[2] == 0:
        return False
    gc.collect()
    return True


def collect_young() -> bool:
    """After a frame: a young pass if Python's own threshold has been passed, of the generation
    Python would have chosen (the middle one every tenth pass); nothing unless the table is up
    (`freeze_survivors`). Whether it ran."""
    if _thresholds is None:
        return False
    young, middle, _ = gc.get_count()
    if young < _thresholds[0]:
        return False
    gc.collect(1 if middle >= _thresholds[1] else 0)
    return True


def thaw() -> None:
    """Give the frozen objects back to the collector and Python its own thresholds (the app is leaving)."""
    global _thresholds
    gc.unfreeze()
    if _thresholds is not None:
        gc.set_threshold(*_thresholds)
        _thresholds = None
