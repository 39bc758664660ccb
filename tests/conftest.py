"""What every test module may use: the helper modules' folder on the path, a real server."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# Tests import their helpers (engine_helpers, ...) as plain modules from this folder.
sys.path.insert(0, str(Path(__file__).parent))

from server.net.server import ParleyServer  # noqa: E402
from server_helpers import remember_key  # noqa: E402


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every `parley` it runs) keeps its data and key in tmp_path, never the user's."""
    directory = tmp_path / "parley-data"
    monkeypatch.setenv("PARLEY_DATA_DIR", str(directory))
    monkeypatch.delenv("PARLEY_KEY", raising=False)
    return directory


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ParleyServer]:
    """A real Parley server on a free port of 127.0.0.1, with its SQLite file in tmp_path."""
    srv = ParleyServer(tmp_path / "parley.db")
    await srv.start()
    remember_key(srv)
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def srv(server: ParleyServer) -> ParleyServer:
    """The same server, by the shorter name the client tests use."""
    return server
