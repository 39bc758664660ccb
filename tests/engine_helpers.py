"""Playing several seats through the pure engine, with a clock that only moves when told."""

from __future__ import annotations

from collections.abc import Sequence

from server.engine import FACILITATOR, Game
from server.engine import commands as c
from server.engine.events import EventBase
from server.engine.phases import Phase
from server.scenario import bundled_scenarios
from server.scenario.model import Scenario


class Table:
    """A game and its whole event log; `act` plays a command as one seat (or the facilitator)."""

    def __init__(self, scenario: Scenario | str = "tutorial", seed: int = 1,
                 seated: Sequence[str] | None = None, time_scale: float = 1.0) -> None:
        if isinstance(scenario, str):
            scenario = bundled_scenarios()[scenario]
        self.clock = 1_000.0
        self.game, self.log = Game.create(scenario, seed=seed, at=self.clock,
                                          time_scale=time_scale, seated=seated)

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.game.state

    def act(self, actor: str, command: c.CommandBase, seconds: float = 1.0) -> list[EventBase]:
        self.clock += seconds
        events = self.game.handle(command, actor, self.clock)
        self.log.extend(events)
        return events

    def facilitate(self, command: c.CommandBase) -> list[EventBase]:
        return self.act(FACILITATOR, command)

    def start(self) -> None:
        self.facilitate(c.StartGame())

    def advance_to(self, phase: Phase) -> None:
        """Advance phase by phase (as the facilitator) until `phase` begins."""
        while self.state.phase is not phase:
            if self.state.phase is Phase.LOBBY:
                self.start()
            else:
                self.facilitate(c.AdvancePhase())

