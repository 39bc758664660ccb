"""'Review this game' from the client: a fetched log (wire `game_log` dicts) as a replay screen.

The player client imports only `server.protocol`; building a `Replay` needs `server.replay`,
so that step lives here, beside the viewer it opens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from client.replay.screen import ReplayScreen
from server.replay import FACILITATOR, Replay, may_see_all, parse_event


def open_review(events: Sequence[Mapping[str, Any]], seat: str | None, facilitator: bool) -> ReplayScreen:
    """The replay viewer on `events`, seen as `seat` (the facilitator's view when None or
    `facilitator`), from its first event; seats may be switched once the game is open for review."""
    parsed = [parse_event(dict(e)) for e in events]
    replay = Replay(parsed, seat=FACILITATOR if facilitator or seat is None else seat)
    return ReplayScreen(replay, can_switch=may_see_all(parsed, facilitator=facilitator))
