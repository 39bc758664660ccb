"""`Game`: the engine's front door — create a game, handle commands, rebuild from a log.

    game, created = Game.create(scenario, seed=7, at=now)
    events = game.handle(TableProposal(terms={...}), actor="ukraine", at=now)
    view = game.view_for("ukraine")

Everything here is synchronous and pure of I/O: the caller brings the time (`at`) and stores
the events; `Game.from_events(log)` gives back the same game.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import TypeAdapter

from server.engine import events as ev
from server.engine.commands import Command, CommandBase
from server.engine.decide import handle
from server.engine.evolve import initial_state, rebuild
from server.engine.schedule import Schedule
from server.engine.state import Negotiation
from server.engine.view_models import SeatView
from server.engine.views import Seat, view_for
from server.engine.worth import PackageWorth, package_worth
from server.scenario.model import Scenario

EVENT_ADAPTER: TypeAdapter[ev.EventBase] = TypeAdapter(ev.Event)
COMMAND_ADAPTER: TypeAdapter[CommandBase] = TypeAdapter(Command)


def parse_event(data: dict[str, Any]) -> ev.EventBase:
    return EVENT_ADAPTER.validate_python(data)


def dump_event(event: ev.EventBase) -> dict[str, Any]:
    return event.model_dump(mode="json")


class Game:
    def __init__(self, state: Negotiation) -> None:
        self.state = state

    @classmethod
    def create(cls, scenario: Scenario, *, seed: int, at: float, time_scale: float = 1.0,
               seated: Sequence[str] | None = None,
               schedule: Schedule | None = None) -> tuple[Game, list[ev.EventBase]]:
        """A new game in the lobby; `seated` defaults to every delegation not marked absent;
        `schedule` sets deadlines over days instead of the scenario's phase lengths."""
        if seated is None:
            seated = [d.id for d in scenario.delegations if not d.absent]
        created = ev.GameCreated(at=at, scenario=scenario.model_dump(mode="json", by_alias=True),
                                 seed=seed, time_scale=time_scale, seated=tuple(seated),
                                 schedule=schedule)
        return cls(initial_state(created)), [created]

    @classmethod
    def from_events(cls, events: Iterable[ev.EventBase]) -> Game:
        return cls(rebuild(events))

    def handle(self, command: CommandBase, actor: str, at: float,
               member: int | None = None) -> list[ev.EventBase]:
        """The events `command` by `actor` (member `member` of its team, if a team plays it)
        at `at` causes (already applied).

        Raises RuleViolation, changing nothing."""
        return handle(self.state, command, actor, at, member)

    def view_for(self, seat: Seat, include_notes: bool = True,
                 include_scenario: bool = True, with_worth: bool = True) -> SeatView:
        return view_for(self.state, seat, include_notes, include_scenario, with_worth=with_worth)

    def package_worth(self, delegation: str, terms: dict[str, str]) -> PackageWorth:
        """What `terms` is worth to `delegation` if signed now by those who can sign it."""
        return package_worth(self.state, delegation, terms)

    @property
    def scenario(self) -> Scenario:
        return self.state.scenario

    @property
    def ended(self) -> bool:
        return self.state.ended
