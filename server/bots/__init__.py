"""Bots: delegations that negotiate on their own.

strategies.py holds the pure strategies (a seat's view in, commands out); seat.py and
packages.py value and choose packages from what a seat knows; tournament.py plays all-bot
games in process; runner.py runs a bot inside a server room; client.py plays a seat over
the network like a student; cli.py registers ``parley bot`` and ``parley tournament``.
"""

from server.bots.strategies import DEFAULT_STRATEGY, STRATEGIES, Strategy, make_strategy

__all__ = ["DEFAULT_STRATEGY", "STRATEGIES", "Strategy", "make_strategy"]
