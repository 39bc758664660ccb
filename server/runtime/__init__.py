"""Layer 4: rooms, seats and tokens, timers, the event log, recovery, bots (see runtime.py)."""

from server.runtime.errors import Refusal
from server.runtime.room import Room
from server.runtime.runtime import Runtime

__all__ = ["Refusal", "Room", "Runtime"]
