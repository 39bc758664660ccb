"""Fetching a game's log from a running server, for `parley replay --server URL --token TOKEN`.

A short conversation through the protocol client (`server.protocol.client`): hello, resume
with the token (a seat's or the facilitator's), then `fetch_log`, collecting its `game_log`
parts. The server decides who may have the log (the facilitator always; a seat once the
debrief is open); this module only reports its refusal as one line. `fetch_log` is
synchronous (it runs its own event loop: the replay form calls it in a thread).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.engine import parse_event
from server.protocol import wire as w
from server.protocol.client import ClientError, LinkChanged, ProtocolClient, Refused
from server.replay.sources import Loaded, SourceError

TIMEOUT = 30.0
NO_CATCH_UP = 2**31  # a resume's last_seq past any game's end: the log is fetched whole anyway


@dataclass(frozen=True)
class Fetched:
    loaded: Loaded
    own_seat: str | None  # the token's delegation; None for the facilitator


def fetch_log(url: str, token: str, room: str | None = None, cafile: str | Path | None = None) -> Fetched:
    """The whole log of the token's room (or `room` of the facilitator's class)."""
    try:
        return asyncio.run(asyncio.wait_for(_fetch(url, token, room, cafile), TIMEOUT))
    except Refused as exc:
        raise SourceError(f"the server refused: {exc.error.message}") from None
    except ClientError as exc:
        raise SourceError(f"cannot fetch the log from {url}: {exc}") from None
    except TimeoutError:
        raise SourceError(f"cannot fetch the log from {url}: no answer in {TIMEOUT:g} s") from None


async def _fetch(url: str, token: str, room: str | None, cafile: str | Path | None) -> Fetched:
    async with ProtocolClient(url, name="parley-replay", cafile=cafile, open_timeout=TIMEOUT) as client:
        resumed = await client.resume(token, NO_CATCH_UP)
        first = await client.ask(w.FetchLog(id=client.next_id(), room=room), w.GameLog)
        parts: dict[int, list[dict[str, Any]]] = {first.part: first.events}
        messages = client.messages()
        while len(parts) < first.parts:  # the other parts follow the first, with the same reply_to
            message = await anext(messages, None)
            if message is None or isinstance(message, LinkChanged):
                raise ClientError("the connection dropped before the whole log came")
            if isinstance(message, w.GameLog) and message.reply_to == first.reply_to:
                parts[message.part] = message.events
    facilitator = isinstance(resumed, w.ClassState)
    events = [parse_event(e) for n in sorted(parts) for e in parts[n]]
    return Fetched(Loaded(events, first.room, trusted=facilitator), None if facilitator else first.seat)
