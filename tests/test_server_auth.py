"""The instructor key and its quotas, against a real server: who may open a class, and how much."""

from __future__ import annotations

import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.cli import main
from server.net.access import Quotas
from server.net.server import ParleyServer
from server.protocol.keyfile import ensure_key, find_key
from server_helpers import Client, ServeProcess, open_class, seat_clients


async def test_open_class_needs_the_instructor_key(server: ParleyServer) -> None:
    """No key, or a wrong one: bad_key and no class; the right key opens it."""
    assert server.runtime is not None
    anyone = await Client.connect(server.url)
    assert (await anyone.call("open_class", scenario="tutorial"))["code"] == "bad_key"
    wrong = await anyone.call("open_class", scenario="tutorial", key="guess")
    assert wrong["code"] == "bad_key" and "instructor key" in wrong["message"]
    assert server.runtime.classes == {}
    opened = await anyone.call("open_class", scenario="tutorial", key=server.instructor_key)
    assert opened["type"] == "class_opened"


async def test_seats_and_observers_need_no_key(server: ParleyServer) -> None:
    """A student joins with a code and an observer watches with a room id, no key in sight."""
    _, opened = await open_class(server)
    seats = await seat_clients(server.url, opened["rooms"][0])
    assert set(seats) == {"upland", "lowland", "commission"}
    observer = await Client.connect(server.url)
    assert (await observer.call("watch", room=opened["rooms"][0]["room"]))["type"] == "watching"


async def test_facilitator_actions_need_the_class_token(server: ParleyServer) -> None:
    """Without the facilitator token (from the key holder), a connection cannot act on the class."""
    _, opened = await open_class(server, start=True)
    room = opened["rooms"][0]["room"]
    stranger = await Client.connect(server.url)
    assert (await stranger.command({"type": "end_game"}, room=room))["code"] == "not_joined"
    assert (await stranger.call("assign_bot", room=room, delegation="lowland"))["code"] == "not_facilitator"
    back = await Client.connect(server.url)
    assert (await back.call("resume", token=opened["facilitator_token"]))["type"] == "class_state"
    assert (await back.command({"type": "pause"}, room=room))["type"] == "ack"


@pytest.fixture
async def small(tmp_path: Path) -> AsyncIterator[ParleyServer]:
    """A server with small quotas."""
    srv = ParleyServer(tmp_path / "small.db", quotas=Quotas(classes=2, rooms_per_class=3,
                                                             bots_per_class=4, events_per_room=12))
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


async def test_quotas_on_rooms_bots_and_classes(small: ParleyServer) -> None:
    """Past each quota (rooms, bot seats, open classes) the refusal is `quota` naming it; within them it opens."""
    fac = await Client.connect(small.url)
    key = small.instructor_key
    rooms = await fac.call("open_class", scenario="tutorial", rooms=4, key=key)
    assert rooms["code"] == "quota" and "3 rooms" in rooms["message"]
    bots = await fac.call("open_class", scenario="tutorial", rooms=2, bots="all", key=key)
    assert bots["code"] == "quota" and "4 bot seats" in bots["message"]
    assert (await fac.call("open_class", scenario="tutorial", rooms=3, key=key))["type"] == "class_opened"
    other = await Client.connect(small.url)
    second = await other.call("open_class", scenario="tutorial", rooms=1, bots=["lowland"], key=key)
    assert second["type"] == "class_opened"
    third = await Client.connect(small.url)
    refused = await third.call("open_class", scenario="tutorial", key=key)
    assert refused["code"] == "quota" and "2 classes" in refused["message"]


async def test_quota_on_bots_assigned_later(small: ParleyServer) -> None:
    """assign_bot past the class's bot quota is refused, and stores nothing."""
    fac, opened = await open_class(small, rooms=2, bots=["lowland", "commission"])
    assert small.runtime is not None
    room = opened["rooms"][0]["room"]
    before = len(small.runtime.store.events(room))
    reply = await fac.call("assign_bot", room=room, delegation="upland")
    assert reply["code"] == "quota", reply
    assert len(small.runtime.store.events(room)) == before


async def test_quota_on_events_per_room(small: ParleyServer) -> None:
    """Once a room holds its quota of events, further commands are refused with `quota`."""
    fac, opened = await open_class(small, start=True)
    room = opened["rooms"][0]["room"]
    replies = [await fac.command({"type": "announce", "text": f"Notice {n}"}, room=room) for n in range(12)]
    assert replies[0]["type"] == "ack" and replies[-1]["code"] == "quota"
    assert small.runtime is not None and small.runtime.rooms[room].seq == 12


def test_key_file_is_created_once_with_owner_only_rights(tmp_path: Path) -> None:
    """ensure_key creates the key 0600 on first call and returns the same key afterwards."""
    key, created = ensure_key(tmp_path / "data")
    again, created_again = ensure_key(tmp_path / "data")
    assert created and not created_again and key == again and len(key) >= 32
    assert stat.S_IMODE((tmp_path / "data" / "instructor.key").stat().st_mode) == 0o600


def test_clients_take_the_key_from_flag_env_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--key beats PARLEY_KEY, which beats the local key file; none of them: None."""
    directory = tmp_path / "d"
    assert find_key(None, directory) is None
    key, _ = ensure_key(directory)
    assert find_key(None, directory) == key
    monkeypatch.setenv("PARLEY_KEY", "from-env")
    assert find_key(None, directory) == "from-env"
    assert find_key("from-flag", directory) == "from-flag"


def test_serve_prints_its_key_and_host_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`parley serve` creates and prints the key; `parley host` on the machine opens a class with it; a wrong --key is refused."""
    served = ServeProcess(tmp_path / "k.db").start()
    try:
        key = served.instructor_key
        assert stat.S_IMODE((served.data_dir / "instructor.key").stat().st_mode) == 0o600
        assert main(["host", "tutorial", "--server", served.url, "--json"]) == 0
        assert main(["host", "tutorial", "--server", served.url, "--key", "wrong"]) == 1
        assert "instructor key" in capsys.readouterr().err
    finally:
        served.terminate()
    out = served.proc.stdout.read()
    assert key in out and "Instructor key (new)" in out
