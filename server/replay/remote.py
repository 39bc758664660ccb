"""Fetching a game's log from a running server, for `parley replay --server URL --token TOKEN`.

A short, synchronous conversation over the wire protocol: hello, resume with the token (a
seat's or the facilitator's), then `fetch_log`, collecting `game_log` parts. The server decides
who may have the log (the facilitator always; a seat once the debrief is open); this module
only reports its refusal as one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from websockets.exceptions import InvalidURI, WebSocketException
from websockets.sync.client import connect

from server.engine import parse_event
from server.protocol import wire as w
from server.replay.sources import Loaded, SourceError

TIMEOUT = 30.0


@dataclass(frozen=True)
class Fetched:
    loaded: Loaded
    own_seat: str | None  # the token's delegation; None for the facilitator


def fetch_log(url: str, token: str, room: str | None = None) -> Fetched:
    """The whole log of the token's room (or `room` of the facilitator's class)."""
    try:
        with connect(url, max_size=None, open_timeout=TIMEOUT, close_timeout=2) as ws:
            ws.send(w.encode(w.Hello(protocol=w.PROTOCOL_VERSION, client="parley-replay")))
            ws.send(w.encode(w.Resume(id="resume", token=token, last_seq=2**31)))
            ws.send(w.encode(w.FetchLog(id="log", room=room)))
            return _collect(ws, token)
    except (OSError, InvalidURI, WebSocketException, TimeoutError) as exc:
        raise SourceError(f"cannot fetch the log from {url}: {exc}") from None


def _collect(ws, token: str) -> Fetched:  # type: ignore[no-untyped-def]
    parts: dict[int, list[dict]] = {}  # type: ignore[type-arg]
    facilitator = False
    while True:
        try:
            message = w.parse_server(ws.recv(timeout=TIMEOUT))
        except ValidationError:
            continue  # a message of a newer server: not ours to read
        if isinstance(message, w.Error) and message.reply_to in ("resume", "log", None):
            raise SourceError(f"the server refused: {message.message}")
        facilitator = facilitator or isinstance(message, w.ClassState)
        if isinstance(message, w.GameLog):
            parts[message.part] = message.events
            if len(parts) == message.parts:
                events = [parse_event(e) for n in sorted(parts) for e in parts[n]]
                loaded = Loaded(events, message.room, trusted=facilitator)
                return Fetched(loaded, None if facilitator else message.seat)
