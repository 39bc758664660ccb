"""What every test module may use: the helper modules' folder on the path, a real server."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# Tests import their helpers (engine_helpers, ...) as plain modules from this folder.
sys.path.insert(0, str(Path(__file__).parent))

from server.net.server import ParleyServer  # noqa: E402


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ParleyServer]:
    """A real Parley server on a free port of 127.0.0.1, with its SQLite file in tmp_path."""
    srv = ParleyServer(tmp_path / "parley.db")
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def srv(server: ParleyServer) -> ParleyServer:
    """The same server, by the shorter name the client tests use."""
    return server
