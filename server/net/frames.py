"""Turning what a room tells a seat into frames: small updates, and frames that stay bounded.

Theory of operation
-------------------
A room hands each connection a `SeatUpdate` (server/runtime/room.py): the events its seat may
see and its whole view after them. Sending that whole view every time would make a 200-byte
statement cost kilobytes per seat, and the facilitator's the whole public scenario again. So
each connection keeps `HeldViews`: for each room, the view it holds (as it was sent, notes
aside). An update frame carries only the top-level keys whose value differs from the one held
(a statement's: `seq`), and the client merges them into its view (`wire.merge_view`).

Work and memory are shared: a seat's connections hold the very view object of the last
SeatUpdate they took, so comparing, encoding and the frame are done once per seat, and a room
keeps one view per seat alive, not one per connection. Comparing the values themselves (not
their JSON) costs a few microseconds and encodes only what changed. What a connection holds
is set by what it was sent in full (`joined`, `watching`, `class_state`); with nothing held,
the update carries every key.

Bounded frames: however long the game, a `joined`/`watching` frame carries the newest notes
that fit (`fit_notes`; the rest come by `fetch_notes`, in `note_pages`), and a catch-up of
many missed events comes in several updates (`update_frames`), each under
`wire.SEAT_FRAME_BYTES`, so no client's `max_size` is ever exceeded.

Frames are put together from encoded pieces (pydantic_core's JSON encoder) in the key order
of `wire.Update`, which is the model every client parses them with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic_core import to_json

from server.protocol import wire
from server.runtime.room import SeatUpdate

Encoded = dict[str, bytes]  # a view's top-level key -> the JSON of its value
View = dict[str, Any]

ENVELOPE_BYTES = 1024  # an update's or joined frame's own fields, beside its view and events/notes


def encode_view(view: Mapping[str, Any]) -> Encoded:
    """Each top-level key of `view` (but its notes) as JSON."""
    return {key: _encode(value, key) for key, value in view.items() if key != "notes"}


# The public scenario is most of a view's bytes and the same object for a room's every view
# (server/engine/views.py caches it): encoded once per object, not once per seat and update.
_SHARED: dict[int, tuple[object, bytes]] = {}


def _encode(value: Any, key: str) -> bytes:
    if key != "scenario":
        return to_json(value)
    found = _SHARED.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    if len(_SHARED) > 256:
        _SHARED.clear()
    encoded = to_json(value)
    _SHARED[id(value)] = (value, encoded)
    return encoded


class HeldViews:
    """What one connection holds of each room's view (see the module's docstring)."""

    __slots__ = ("_held",)

    def __init__(self) -> None:
        self._held: dict[str, View] = {}

    def hold(self, room: str, view: Mapping[str, Any] | None) -> None:
        """The connection was sent `view` in full for `room` (None: it holds nothing there)."""
        if view is None:
            self._held.pop(room, None)
        elif "notes" in view or not isinstance(view, dict):
            self._held[room] = {k: v for k, v in view.items() if k != "notes"}
        else:  # held as it is, shared with the room and the seat's other connections (views
            self._held[room] = view  # are never changed once built)

    def update_frames(self, update: SeatUpdate) -> list[bytes]:
        """The frames that bring this connection up to date with `update`, and it now holds
        its view. Usually one; a long catch-up comes in pages of at most PAGE_BYTES of events."""
        held = self._held.get(update.room)
        made = update.shared.setdefault("frames", {})
        key = id(held)
        found = made.get(key)
        if found is None or found[0] is not held:
            if held is not None and held is update.base:  # only `seq` is new (NOTES_ONLY events)
                changed = {"seq": to_json(update.view["seq"])}
            else:
                changed = _changed(update.view, held)
            found = made[key] = (held, _frames(update, changed))
        self._held[update.room] = update.view
        frames: list[bytes] = found[1]
        return frames


def _changed(view: View, held: View | None) -> Encoded:
    """The keys of `view` whose value is not the one held, encoded."""
    missing = object()
    return {k: _encode(v, k) for k, v in view.items()
            if k != "notes" and (held is None or ((old := held.get(k, missing)) is not v and old != v))}


def _frames(update: SeatUpdate, changed: Encoded) -> list[bytes]:
    """`update` as frames: its events in pages, the changed view in the last one."""
    pages = _event_pages(update)
    room = to_json(update.room)
    fresh = b"true" if update.fresh else b"false"
    frames = []
    first = update.seq - len(update.events) + 1
    done = 0
    for n, (count, page) in enumerate(pages):
        done += count
        last = n == len(pages) - 1
        view = b",".join(to_json(k) + b":" + v for k, v in changed.items()) if last else b""
        frames.append(b"".join((b'{"type":"update","room":', room, b',"seq":', str(first + done - 1).encode(),
                                b',"events":[', page, b'],"view":{', view, b'},"fresh":', fresh, b"}")))
    return frames


def _event_pages(update: SeatUpdate) -> list[tuple[int, bytes]]:
    """`update`'s events encoded, in pages of at most PAGE_BYTES: (how many, their JSON joined).
    Every seat that may see the same events of a batch (a public statement: all of them) gets
    the same pages, worked out once per batch."""
    encoded = update.batch  # a public event is the same dict for every seat: encoded once
    key = ("pages", *map(id, update.events))
    found_pages = encoded.get(key)
    if found_pages is not None and all(a is b for a, b in zip(found_pages[0], update.events)):
        return found_pages[1]  # type: ignore[no-any-return]
    events = []
    for event in update.events:
        found = encoded.get(id(event))
        if found is None or found[0] is not event:
            found = encoded[id(event)] = (event, to_json(event))
        events.append(found[1])
    pages = [(len(page), b",".join(page)) for page in _pages(events, wire.PAGE_BYTES)] or [(0, b"")]
    encoded[key] = (list(update.events), pages)
    return pages


def _pages(items: Sequence[bytes], budget: int) -> list[list[bytes]]:
    """Consecutive runs of `items` whose sizes add up to at most `budget` (an item bigger than
    that alone gets a run of its own)."""
    pages: list[list[bytes]] = []
    size = budget + 1
    for item in items:
        if size + len(item) + 1 > budget:
            pages.append([])
            size = 0
        pages[-1].append(item)
        size += len(item) + 1
    return pages


def fit_notes(view: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """`view` (with its `notes`) cut to the newest notes that fit beside it in one frame under
    SEAT_FRAME_BYTES; and how many older notes were left out (`earlier_notes`)."""
    notes = view.get("notes") or []
    room_left = wire.SEAT_FRAME_BYTES - ENVELOPE_BYTES - sum(len(k) + len(v) + 4 for k, v in encode_view(view).items())
    budget = min(wire.PAGE_BYTES, room_left)
    kept = 0
    size = 0
    for note in reversed(notes):
        size += len(to_json(note)) + 1
        if size > budget:
            break
        kept += 1
    if kept == len(notes):
        return view, 0
    return {**view, "notes": notes[len(notes) - kept:]}, len(notes) - kept


def note_pages(notes: Iterable[wire.NoteView]) -> list[list[wire.NoteView]]:
    """`notes` in runs of at most PAGE_BYTES each (for the `notes` replies to fetch_notes)."""
    notes = list(notes)
    sizes = [to_json(n.model_dump(mode="json")) for n in notes]
    pages: list[list[wire.NoteView]] = []
    at = 0
    for page in _pages(sizes, wire.PAGE_BYTES):
        pages.append(notes[at:at + len(page)])
        at += len(page)
    return pages


def class_parts(rooms: Sequence[wire.RoomInfo]) -> list[list[wire.RoomInfo]]:
    """A class's rooms in runs of at most CLASS_PART_BYTES each (the `class_state` parts)."""
    sizes = [to_json(info.model_dump(mode="json")) for info in rooms]
    parts: list[list[wire.RoomInfo]] = []
    at = 0
    for page in _pages(sizes, wire.CLASS_PART_BYTES):
        parts.append(list(rooms[at:at + len(page)]))
        at += len(page)
    return parts or [[]]
