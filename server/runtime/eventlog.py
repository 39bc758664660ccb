"""A room's committed events in memory, most of them as the game's notes: what a long game costs.

Most of a game's events are statements, messages and announcements (`NOTES_ONLY`): each one
as a pydantic object costs about 600 bytes (its field dict, its set of fields, its float),
the same event's JSON about 190. A room needs them rarely once delivered — a catch-up, the
log for review, the debrief — and the game's fold keeps every one of them anyway, as a `Note`
(its time, sender, addressees, text). So `EventLog` keeps such an event as the game's own note
(a reference: no byte more) and rebuilds the event from it when it is read
(`evolve.note_event`, about a microsecond); it does so only when that gives back an event
equal to the one committed, and otherwise keeps the JSON the store wrote (a log given no
notes, an event no note stands for). Every other event (a game's first, which holds the
shared scenario; proposals, phases, cards...) stays an object. Who may know of each event
(`visibilities`) is kept beside it, interned, so numbering a seat's stream (streams.py) never
parses anything.

It is a `Sequence[EventBase]`: `log[n - 1]` is seq n, slices and iteration give events, and
every reader of a room's log reads it as before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar, overload

from server.engine import EVENT_ADAPTER
from server.engine.events import EventBase, Visibility
from server.engine.evolve import note_event
from server.engine.state import Note
from server.engine.views import NOTES_ONLY

E = TypeVar("E", bound=EventBase)

_VISIBILITIES: dict[Visibility, Visibility] = {}  # one object per distinct visibility


def _interned(visibility: Visibility) -> Visibility:
    if len(_VISIBILITIES) > 4096:
        _VISIBILITIES.clear()
    return _VISIBILITIES.setdefault(visibility, visibility)


class EventLog(Sequence[EventBase]):
    __slots__ = ("_items", "_visibilities")

    def __init__(self, events: Iterable[EventBase] = (), notes: Sequence[Note] = ()) -> None:
        self._items: list[EventBase | Note | bytes] = []
        self._visibilities: list[Visibility] = []
        self.extend(events, notes=notes)

    def extend(self, events: Iterable[EventBase], payloads: Sequence[str | None] | None = None,
               notes: Sequence[Note] = ()) -> None:
        """Append committed events. `payloads`, if given, are their JSON as stored (each
        `model_dump_json()`, or None), so nothing is encoded twice; `notes` are the game's
        notes once these events are folded (its `state.notes`, in seq order), so the events
        they stand for are kept as those notes."""
        for n, event in enumerate(events):
            visibility = _interned(event.visibility)
            if event.type in NOTES_ONLY:
                note = _note_at(notes, len(self._items) + 1)
                if note is not None and note_event(note, visibility) == event:
                    self._items.append(note)
                else:
                    payload = payloads[n] if payloads is not None else None
                    self._items.append((payload or event.model_dump_json()).encode())
            else:
                self._items.append(event)
            self._visibilities.append(visibility)

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
            return [_event(item, v) for item, v in zip(self._items[index], self._visibilities[index], strict=True)]
        return _event(self._items[index], self._visibilities[index])

    def __setitem__(self, index: int, event: EventBase) -> None:
        """Replace an event by an equal one (the scenario cache shares a game's first)."""
        self._items[index] = event

    def __iter__(self) -> Iterator[EventBase]:
        for item, visibility in zip(self._items, self._visibilities, strict=True):
            yield _event(item, visibility)


def _note_at(notes: Sequence[Note], seq: int) -> Note | None:
    """The note made by the event numbered `seq`, if there is one (`notes` are in seq order)."""
    if not notes or notes[-1].seq < seq:
        return None
    if notes[-1].seq == seq:  # the usual case: the event just committed made the last note
        return notes[-1]
    index = bisect_left(notes, seq, key=lambda note: note.seq)
    return notes[index] if index < len(notes) and notes[index].seq == seq else None


def _event(item: EventBase | Note | bytes, visibility: Visibility) -> EventBase:
    if isinstance(item, bytes):
        return EVENT_ADAPTER.validate_json(item)
    if isinstance(item, Note):
        event = note_event(item, visibility)
        assert event is not None  # kept as a note only when it gives its event back
        return event
    return item
