"""The pure game engine: no asyncio, no sockets, no clock, no database.

`Game` (game.py) is the front door; commands.py, events.py and phases.py define the language;
decide.py holds the rules, evolve.py the fold, views.py the only way state leaves.
"""

from server.engine.commands import CLOCK, FACILITATOR
from server.engine.game import COMMAND_ADAPTER, EVENT_ADAPTER, Game, dump_event, parse_event
from server.engine.phases import Phase
from server.engine.rules import RuleViolation

__all__ = ["CLOCK", "COMMAND_ADAPTER", "EVENT_ADAPTER", "FACILITATOR", "Game", "Phase",
           "RuleViolation", "dump_event", "parse_event"]
