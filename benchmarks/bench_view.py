"""What the typed seat view costs: the server building one, a client taking an update.

    python benchmarks/bench_view.py [--proposals 30] [--runs 300]

Server side: `view_for` + `dump_view` of one seat's view (what a room builds per seat on every
update that is not a statement), against encoding that same dump to JSON once (`to_json`, the
frame's own cost), in the same run. Client side: taking an update frame (parse + merge into the
SeatView held), merged the way the client does it (`wire.merge_view`: `model_copy` with the
typed parts) against the other way (validating the merged dump again), for a statement's update
(`seq` only) and for one that changes the proposals. The game is the tutorial in its
negotiation with --proposals tabled.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pydantic_core import to_json  # noqa: E402

from engine_helpers import Table  # noqa: E402
from server.engine import commands as c  # noqa: E402
from server.engine.phases import Phase  # noqa: E402
from server.engine.views import dump_view  # noqa: E402
from server.protocol import wire  # noqa: E402


def per_call(fn: Callable[[], Any], runs: int) -> float:
    """Seconds per call, best of 3 batches of `runs`."""
    for _ in range(min(runs, 20)):
        fn()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        best = min(best, (time.perf_counter() - start) / runs)
    return best


def table_with(proposals: int) -> Table:
    table = Table("tutorial", seed=1)
    table.advance_to(Phase.NEGOTIATION)
    for n in range(proposals):
        terms = {i.id: i.options[(n + k) % len(i.options)].id for k, i in enumerate(table.game.scenario.issues)}
        table.act(("upland", "lowland")[n % 2], c.TableProposal(terms=terms))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=30)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    table = table_with(args.proposals)
    state = table.game.state
    print(f"tutorial, negotiation, {len(state.proposals)} proposals; best of 3 x {args.runs} calls")

    dumped = dump_view(table.game.view_for("upland", include_notes=False))
    build = per_call(lambda: dump_view(table.game.view_for("upland", include_notes=False)), args.runs)
    encode = per_call(lambda: to_json(dumped), args.runs)
    print(f"server: build a seat's view (view_for + dump_view) {build * 1e6:8.1f} µs; "
          f"encode it once {encode * 1e6:6.1f} µs; ratio {build / encode:.1f}x")

    held = table.game.view_for("upland", include_notes=False)
    before = dump_view(held)
    table.act("lowland", c.MakeStatement(text="One more thing."))
    table.act("lowland", c.SupportProposal(proposal="P1"))
    after = dump_view(table.game.view_for("upland", include_notes=False))
    updates = {"a statement's update (seq only)": {"seq": after["seq"]},
               "an update changing the proposals": {k: v for k, v in after.items() if before.get(k) != v}}
    for label, changed in updates.items():
        frame = json.dumps({"type": "update", "room": "R1", "seq": after["seq"], "events": [],
                            "view": changed, "fresh": False})

        def typed(frame: str = frame) -> wire.SeatView:
            return wire.merge_view(wire.parse_server(frame).view, held)

        def revalidated(frame: str = frame) -> wire.SeatView:
            delta = wire.parse_server(frame).view.model_dump(mode="json", exclude_unset=True)
            return wire.SeatView.model_validate({**held.model_dump(mode="json"), **delta})

        assert typed() == revalidated()
        fast, slow = per_call(typed, args.runs), per_call(revalidated, args.runs)
        print(f"client: {label:34} ({len(frame):6,} B): merged typed {fast * 1e3:6.3f} ms; "
              f"merged dump validated again {slow * 1e3:6.3f} ms; ratio {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
