"""Writing frames to a connection: one socket write for all the frames written at once.

websockets' `broadcast` (what the server used) checks and converts its arguments per call
and writes each frame with its own `transport.write`, so a catch-up of several pages took
several socket writes. Here the frames are framed by the connection's protocol object
(`send_text`, as `broadcast` does) and what it queued is written with one `transport.write`.
A frame for a connection that is not open is dropped, and a failure to write is logged and
skipped, as `broadcast` does: a closing connection must not fail the room writing to it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from websockets.asyncio.connection import Connection
from websockets.protocol import State

log = logging.getLogger(__name__)


def write(ws: Connection, frames: Iterable[bytes]) -> None:
    """Write `frames` (UTF-8 JSON, each sent as a text frame) to `ws` in one socket write."""
    protocol = ws.protocol
    if protocol.state is not State.OPEN or ws.send_in_progress is not None:
        return  # closing, or in the middle of a fragmented message (never ours): dropped
    try:
        for frame in frames:
            protocol.send_text(frame)
        data = protocol.data_to_send()
        if all(data):
            ws.transport.write(data[0] if len(data) == 1 else b"".join(data))
        else:  # an end of stream (b"") among them: websockets half-closes, so it writes them itself
            protocol.writes[:0] = data
            ws.send_data()
    except Exception as exc:  # as broadcast: a connection that cannot take it is skipped
        log.warning("skipped a write: %s", exc)
