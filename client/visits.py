"""Where each seat's last visit ended, so a student back the next day is told what they missed.

The client remembers, per server, room and delegation, the `seq` of the last update it
showed (in the same settings file as `client.config`). When it joins or resumes a seat it
has played before and the room has moved on, it asks the server for the "since you were
here" summary of what came after (`wire.FetchSince`). Writes are throttled: a seat's
updates come several a second in a busy room, and a lost second of memory costs nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

from client import config

WRITE_EVERY = 5.0  # seconds between writes of the settings file


def _key(server: str, room: str, delegation: str) -> str:
    return f"{server}|{room}|{delegation}"


def last_seen(server: str, room: str, delegation: str, path: Path | None = None) -> int | None:
    """The seq the seat's last visit ended at, or None if this machine never played it."""
    seen = config.load(path).get("visits", {})
    value = seen.get(_key(server, room, delegation)) if isinstance(seen, dict) else None
    return value if isinstance(value, int) and value >= 0 else None


class VisitMemory:
    """Remembers one seat's progress as updates come in (throttled) and when the app closes."""

    def __init__(self, server: str, room: str, delegation: str, path: Path | None = None) -> None:
        self.key = _key(server, room, delegation)
        self.path = path
        self.seq = 0
        self._written_at = 0.0
        self._written_seq = -1

    def saw(self, seq: int, now: float | None = None) -> None:
        self.seq = max(self.seq, seq)
        now = time.monotonic() if now is None else now
        if now - self._written_at >= WRITE_EVERY:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.seq == self._written_seq:
            return
        seen = config.load(self.path).get("visits", {})
        seen = dict(seen) if isinstance(seen, dict) else {}
        seen[self.key] = self.seq
        if len(seen) > 200:  # a lab machine plays many seats over a term: keep the latest
            seen = dict(list(seen.items())[-200:])
        config.remember(self.path, visits=seen)
        self._written_at = time.monotonic() if now is None else now
        self._written_seq = self.seq
