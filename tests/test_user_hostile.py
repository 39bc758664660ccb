"""Hostile raw websocket frames found by playing Parley as a hostile client would (huser).

Each test starts the real server on a free port and talks to it with raw websockets clients:
a bad frame gets a named error, the connection and the seat carry on, nothing is stored, and
the server logs no error or traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from server.net.server import ParleyServer
from server_helpers import Client, open_class


@pytest.fixture(autouse=True)
def _no_server_error_logged(caplog: pytest.LogCaptureFixture) -> Any:
    """No user mistake here may make the server log an error or a traceback."""
    yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


async def test_a_lone_surrogate_in_a_frames_id_is_a_bad_message_not_a_1011(server: ParleyServer) -> None:
    r"""`"id": "\udfff"` (JSON allows the escape, UTF-8 cannot carry it): bad_message, no reply_to, the seat plays on."""
    _, opened = await open_class(server, "tutorial")
    seat = await Client.connect(server.url, "upland")
    await seat.join(opened["rooms"][0]["seats"][0]["code"])
    await seat.send('{"type":"command","id":"\\udfff","command":{"type":"mark_ready"}}')
    error = await seat.wait_for(lambda f: f["type"] == "error")
    assert error["code"] == "bad_message" and error["reply_to"] is None
    pong = await seat.call("ping")
    assert pong["type"] == "pong"
    assert seat.ws.close_code is None
    await seat.close()
