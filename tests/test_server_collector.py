"""The serving process keeps the garbage collector's passes off the event loop's critical path."""

from __future__ import annotations

import gc

from server.net.collector import quiet_collector


def test_quiet_collector_freezes_what_exists_and_collects_the_young_less_often() -> None:
    """After quiet_collector, what existed is frozen and generation 0 waits for 50,000 objects."""
    before = gc.get_threshold()
    try:
        quiet_collector()
        assert gc.get_threshold()[0] == 50_000
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
