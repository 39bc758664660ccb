"""A cursor over a replay's timeline: where the viewer stands, and every way of moving it.

Pure (no Textual): the viewer turns keys into these calls and shows `replay.view_at(
cursor.entry.index)`. The cursor walks the *shown* entries — those the seat could see, narrowed
by the filter (an event group and/or a delegation). Changing the filter keeps the cursor on the
same event when it is still shown, else on the last shown event before it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator

from server.replay.model import Replay
from server.replay.timeline import GROUPS, Entry


class Cursor:
    def __init__(self, replay: Replay, at_end: bool = False) -> None:
        self.replay = replay
        self.group: str | None = None
        self.delegation: str | None = None
        self.shown: list[Entry] = list(replay.visible)
        self.pos = len(self.shown) - 1 if at_end else 0
        self._texts: dict[int, str] = {}

    @property
    def entry(self) -> Entry | None:
        return self.shown[self.pos] if self.shown else None

    @property
    def index(self) -> int:
        """The log index of the event at the cursor (0 when nothing is shown)."""
        return self.entry.index if self.entry else 0

    def text(self, entry: Entry) -> str:
        if entry.index not in self._texts:
            self._texts[entry.index] = self.replay.describe(entry)
        return self._texts[entry.index]

    # ------------------------------------------------------------ filter

    def set_filter(self, group: str | None = None, delegation: str | None = None) -> None:
        if group is not None and group not in GROUPS:
            raise ValueError(f"no event group {group!r} (groups: {', '.join(GROUPS)})")
        here = self.index
        self.group, self.delegation = group, delegation
        self.shown = [e for e in self.replay.visible if self._matches(e)]
        keys = [e.index for e in self.shown]
        self.pos = max(0, bisect.bisect_right(keys, here) - 1)

    def _matches(self, e: Entry) -> bool:
        return ((self.group is None or e.group == self.group)
                and (self.delegation is None or self.delegation in e.actors))

    # ------------------------------------------------------------ moves (each returns whether it moved)

    def go(self, pos: int) -> bool:
        pos = max(0, min(pos, len(self.shown) - 1))
        moved = pos != self.pos
        self.pos = pos
        return moved

    def step(self, n: int = 1) -> bool:
        return self.go(self.pos + n)

    def start(self) -> bool:
        return self.go(0)

    def end(self) -> bool:
        return self.go(len(self.shown) - 1)

    def _find(self, test: Callable[[Entry], bool], forward: bool = True, wrap: bool = False) -> bool:
        order = self._positions(forward, wrap)
        for pos in order:
            if test(self.shown[pos]):
                return self.go(pos)
        return False

    def _positions(self, forward: bool, wrap: bool) -> Iterator[int]:
        n = len(self.shown)
        for k in range(1, n if wrap else (n - self.pos if forward else self.pos + 1)):
            yield (self.pos + k) % n if forward else (self.pos - k) % n

    def next_round(self, forward: bool = True) -> bool:
        """To the first shown event of the next (or previous) round."""
        here = self.entry.round if self.entry else 0
        if forward:
            return self._find(lambda e: e.round > here)
        if not self._find(lambda e: e.round < here, forward=False):
            return False
        target = self.entry.round if self.entry else 0
        while self.pos > 0 and self.shown[self.pos - 1].round == target:
            self.pos -= 1
        return True

    def next_proposal(self, forward: bool = True) -> bool:
        return self._find(lambda e: e.type == "proposal_tabled", forward)

    def next_of(self, delegation: str, forward: bool = True) -> bool:
        """To the next (or previous) event one delegation did or was named in."""
        return self._find(lambda e: delegation in e.actors, forward)

    def search(self, text: str, forward: bool = True) -> bool:
        """To the next event whose description holds `text` (any case), wrapping around."""
        needle = text.casefold().strip()
        return bool(needle) and self._find(lambda e: needle in self.text(e).casefold(), forward,
                                           wrap=True)
