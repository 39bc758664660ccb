"""One copy of each scenario, shared by every room that plays it.

A game carries its scenario twice: as a dict in its `GameCreated` event (so a log reads on its
own) and as the parsed `Scenario` in its state. That is about 240 KB of Python objects per
room — 100 MB for 400 rooms, and a long walk for every full garbage collection. Both are
read-only once made, so rooms whose scenario is *equal* share one copy of each. Nothing
changes in meaning: the engine sees an equal scenario, the log an equal event.
"""

from __future__ import annotations

from typing import Any

from server.engine import Game
from server.engine.events import EventBase, GameCreated
from server.scenario.model import Scenario


class ScenarioCache:
    def __init__(self) -> None:
        self._shared: dict[str, tuple[Scenario, dict[str, Any]]] = {}

    def intern(self, game: Game, log: list[EventBase]) -> None:
        """Point `game` and its log's first event at the shared copies, when equal."""
        first = log[0] if log else None
        if not isinstance(first, GameCreated):
            return
        scenario = game.state.scenario
        model, data = self._shared.setdefault(scenario.id, (scenario, first.scenario))
        if scenario is not model and scenario == model:
            game.state.scenario = model
        if first.scenario is not data and first.scenario == data:
            log[0] = first.model_copy(update={"scenario": data})
