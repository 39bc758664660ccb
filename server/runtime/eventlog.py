"""A room's committed events in memory, most of them as their JSON: what a long game costs.

Most of a game's events are statements, messages and announcements (`NOTES_ONLY`): each one
as a pydantic object costs about 600 bytes (its field dict, its set of fields, its float),
the same event's JSON about 180. A room needs them rarely once delivered — a catch-up, the
log for review, the debrief — and their text is in the game's fold (its notes) anyway. So
`EventLog` keeps those as the JSON the store wrote and turns them back into events when they
are read (`validate_json`, a few microseconds each); every other event (a game's first,
which holds the shared scenario; proposals, phases, cards...) stays an object. Who may know
of each event (`visibilities`) is kept beside it, interned, so numbering a seat's stream
(streams.py) never parses anything.

It is a `Sequence[EventBase]`: `log[n - 1]` is seq n, slices and iteration give events, and
every reader of a room's log reads it as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar, overload

from server.engine import EVENT_ADAPTER
from server.engine.events import EventBase, Visibility
from server.engine.views import NOTES_ONLY

E = TypeVar("E", bound=EventBase)

_VISIBILITIES: dict[Visibility, Visibility] = {}  # one object per distinct visibility


def _interned(visibility: Visibility) -> Visibility:
    if len(_VISIBILITIES) > 4096:
        _VISIBILITIES.clear()
    return _VISIBILITIES.setdefault(visibility, visibility)


class EventLog(Sequence[EventBase]):
    __slots__ = ("_items", "_visibilities")

    def __init__(self, events: Iterable[EventBase] = ()) -> None:
        self._items: list[EventBase | bytes] = []
        self._visibilities: list[Visibility] = []
        self.extend(events)

    def extend(self, events: Iterable[EventBase], payloads: Sequence[str | None] | None = None) -> None:
        """Append committed events; `payloads`, if given, are their JSON as stored (each
        `model_dump_json()`, or None), so nothing is encoded twice."""
        for n, event in enumerate(events):
            payload = payloads[n] if payloads is not None else None
            if event.type in NOTES_ONLY:
                self._items.append((payload or event.model_dump_json()).encode())
            else:
                self._items.append(event)
            self._visibilities.append(_interned(event.visibility))

    def visibilities(self) -> Sequence[Visibility]:
        """Who may know of each event, in log order (visibilities()[n - 1] is seq n's)."""
        return self._visibilities

    def last_of(self, kind: type[E], where: Callable[[E], bool] = lambda _: True) -> tuple[int, E] | None:
        """The last event of type `kind` (not one of NOTES_ONLY: those are never looked at)
        for which `where` holds, and its seq; None if there is none."""
        for index in range(len(self._items) - 1, -1, -1):
            item = self._items[index]
            if isinstance(item, kind) and where(item):
                return index + 1, item
        return None

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> EventBase: ...
    @overload
    def __getitem__(self, index: slice) -> list[EventBase]: ...

    def __getitem__(self, index: int | slice) -> EventBase | list[EventBase]:
        if isinstance(index, slice):
            return [_event(item) for item in self._items[index]]
        return _event(self._items[index])

    def __setitem__(self, index: int, event: EventBase) -> None:
        """Replace an event by an equal one (the scenario cache shares a game's first)."""
        self._items[index] = event

    def __iter__(self) -> Iterator[EventBase]:
        for item in self._items:
            yield _event(item)


def _event(item: EventBase | bytes) -> EventBase:
    return EVENT_ADAPTER.validate_json(item) if isinstance(item, bytes) else item
