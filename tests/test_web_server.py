"""`parley web`'s server: pages, one private process per tab, and the page protocol's bad input.

Real parts: a real Parley server on a free port, the real WebServer on another, and sessions
opened with textual-serve's page protocol (client.web.probe.WebTerminal), whose processes run
the real Textual client.
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from client.web.probe import WebTerminal
from client.web.server import WebServer
from server.net.server import ParleyServer


@pytest.fixture
async def web(server: ParleyServer) -> AsyncIterator[WebServer]:
    """`parley web` for the test server, on a free port."""
    served = WebServer(server.url, port=0)
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


async def open_class(server: ParleyServer, bots: list[str]) -> dict[str, str]:
    """A tutorial room; its seats' join codes by delegation."""
    from client.connection import Connection

    connection = Connection(server.url)
    try:
        opened = await connection.open_class("tutorial", rooms=1, bots=bots, key=server.instructor_key)
    finally:
        await connection.close()
    return {s.delegation: s.code for s in opened.rooms[0].seats}


def session_of(web: WebServer, pid: int | None = None) -> Any:
    (session,) = [s for s in web.sessions if pid is None or s.pid == pid]
    return session


async def test_each_page_is_served_with_its_own_socket_and_nothing_from_elsewhere(web: WebServer) -> None:
    """/, /facilitate and /replay are pages whose terminal socket is their own, with no outside asset."""
    async with aiohttp.ClientSession() as http:
        for path, kind in (("/", "play"), ("/facilitate", "facilitate"), ("/replay", "replay")):
            page = await (await http.get(web.url.rstrip("/") + path)).text()
            assert f"/ws/{kind}" in page
            assert "googleapis" not in page and "https://" not in page
        health = await (await http.get(web.url + "healthz")).json()
        assert health["status"] == "ok" and health["sessions"] == 0


async def test_a_tab_has_a_private_home_that_the_next_tab_never_sees(
        server: ParleyServer, web: WebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """What one student's process saves (name, server) is in a 0700 home of its own, gone when the tab closes."""
    monkeypatch.setenv("PARLEY_KEY", "the-teachers-key")
    codes = await open_class(server, ["lowland", "commission"])
    alice = WebTerminal(web.url)
    await alice.open()
    await alice.wait_for("Join code")
    await alice.send(codes["upland"])
    await alice.wait_for(codes["upland"])
    await alice.send("\t")
    await asyncio.sleep(0.3)
    await alice.send("Alice")
    await alice.wait_for("Alice")
    await alice.send("\r")
    await alice.wait_for("Your rejoin code")
    home = session_of(web).home
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    (saved,) = home.rglob("client.json")  # where the client remembers the name and server
    assert "Alice" in saved.read_text()
    environment = Path(f"/proc/{session_of(web).pid}/environ").read_bytes().split(b"\0")
    assert b"HOME=" + str(home).encode() in environment
    assert not any(v.startswith(b"PARLEY_KEY=") for v in environment)

    bob = WebTerminal(web.url)
    await bob.open()
    screen = await bob.wait_for("Join code")
    assert "Alice" not in screen
    bob_session = next(s for s in web.sessions if s.home != home)
    assert not list(bob_session.home.rglob("client.json"))

    await alice.close()
    for _ in range(100):
        if not home.exists():
            break
        await asyncio.sleep(0.05)
    assert not home.exists()
    await bob.close()


async def test_a_reloaded_page_comes_back_to_its_seat_with_the_rejoin_code(
        server: ParleyServer, web: WebServer) -> None:
    """The rejoin code shown after the first join brings a new tab back to the same seat."""
    import re

    codes = await open_class(server, ["lowland", "commission"])
    first = WebTerminal(web.url)
    await first.open()
    await first.wait_for("Join code")
    await first.send(codes["upland"])
    await first.wait_for(codes["upland"])
    await first.send("\r")
    shown = await first.wait_for("Your rejoin code")
    code = re.search(r"(?:[2-9A-HJ-NP-Z]{5}-){7}[2-9A-HJ-NP-Z]{5}", shown)
    assert code, shown
    await first.close()  # the tab is gone: its process ends

    again = WebTerminal(web.url)
    await again.open()
    await again.wait_for("Join code")
    await again.send(code.group(0).lower())  # as someone might type it
    await again.wait_for(code.group(0).lower())
    await again.send("\r")
    lobby = await again.wait_for("Waiting for the facilitator")
    assert "Upland" in lobby
    await again.close()


async def test_garbage_from_a_page_changes_nothing_and_the_tab_carries_on(web: WebServer) -> None:
    """Malformed envelopes, huge sizes and unknown kinds are ignored; the session still answers."""
    tab = WebTerminal(web.url, columns=90, lines=30)
    await tab.open()
    await tab.wait_for("Join code")
    for envelope in ("not json", "{}", "[]", "[1, 2]", '["resize", "big"]', '["stdin", 5]',
                     '["resize", {"width": 100000000, "height": -5}]', '["unknown", {}]'):
        await tab.send_raw(envelope)
    await tab.send_raw(["ping", "still there?"])
    await tab.send_raw(["resize", {"width": 90, "height": 30}])  # the size the reader has
    await tab.send("UP-ZZZZ")
    await tab.wait_for("UP-ZZZZ")
    assert not tab.closed
    await tab.close()


async def test_a_full_server_refuses_a_new_tab_politely(server: ParleyServer) -> None:
    """Past max_sessions a new tab's socket is closed with a reason; the open tab is untouched."""
    served = WebServer(server.url, port=0, max_sessions=1)
    await served.start()
    try:
        first = WebTerminal(served.url)
        await first.open()
        await first.wait_for("Join code")
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(served.url.replace("http", "ws", 1) + "ws/play")
            message = await ws.receive()
            assert message.type == aiohttp.WSMsgType.CLOSE and "full" in (message.extra or "")
        await first.send("UP-AAAA")
        await first.wait_for("UP-AAAA")
        await first.close()
    finally:
        await served.stop()


async def test_the_console_and_the_replay_viewer_have_their_own_pages(server: ParleyServer, web: WebServer) -> None:
    """/facilitate opens the console's form; /replay fetches a room's log with a typed token and shows it."""
    from client.connection import Connection

    console = WebTerminal(web.url)
    await console.open("facilitate")
    await console.wait_for("facilitate a class")
    await console.close()

    connection = Connection(server.url)
    try:
        opened = await connection.open_class("tutorial", rooms=1, bots="all", time_scale=1, key=server.instructor_key)
    finally:
        await connection.close()
    viewer = WebTerminal(web.url)
    await viewer.open("replay")
    await viewer.wait_for("replay a game")
    await viewer.send(opened.facilitator_token)
    await asyncio.sleep(0.3)
    screen = viewer.terminal.text
    assert opened.facilitator_token not in screen  # a password box: the token is not shown
    await viewer.send("\t")
    await asyncio.sleep(0.3)
    await viewer.send(opened.rooms[0].room)
    await viewer.wait_for(opened.rooms[0].room)
    await viewer.send("\r")
    await viewer.wait_for("Game created: Tutorial: the Riverbend dam", timeout=30)
    await viewer.close()


async def test_host_writes_a_slip_for_each_human_seat_only(server: ParleyServer, tmp_path: Path) -> None:
    """`parley host istanbul-2022 --rooms 2 --bots russia --slips FILE`: 4 slips (no bot, no absent seat)."""
    from web_helpers import run_parley

    out = tmp_path / "slips.html"
    printed = await asyncio.to_thread(run_parley, [
        "host", "istanbul-2022", "--server", server.url, "--rooms", "2", "--bots", "russia",
        "--slips", str(out), "--web-url", "http://10.1.2.3:8000/", "--key", server.instructor_key], tmp_path)
    page = out.read_text()
    assert page.count('class="slip"') == 4
    assert page.count(">Ukraine<") == 2 and page.count(">Turkey (host)<") == 2
    assert ">Russian Federation<" not in page and ">United States<" not in page
    assert "http://10.1.2.3:8000/" in page and "<svg" in page
    codes = re.findall(r"\b(?:UA|TR)-[2-9A-HJ-NP-Z]{6}\b", page)
    assert len(set(codes)) == 4 and all(code in printed for code in codes)
