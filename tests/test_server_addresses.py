"""The right address: every address a server listens on is printed (each LAN address for 0.0.0.0), --public-url overrides what students are told, and the console's code screen and the slips show it."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from client.app import ParleyApp
from client_helpers import wait_until
from server.cli import main
from server.net.addresses import join_url, lan_addresses, listen_urls
from server.net.server import ParleyServer
from server.protocol.client import ProtocolClient
from server_helpers import free_port, remember_key

INTERFACES = {
    "lo": [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")],
    "eth0": [(socket.AF_INET, "10.1.2.3"), (socket.AF_INET6, "fd00::7"), (socket.AF_INET6, "fe80::1%eth0"),
             (socket.AF_PACKET, "02:fc:00:00:00:01")],
    "wlan0": [(socket.AF_INET, "192.168.4.20"), (socket.AF_INET, "169.254.9.9")],
}


def test_a_wildcard_server_names_each_lan_address_then_loopback() -> None:
    """0.0.0.0: every IPv4 LAN address (not loopback, not link-local), then 127.0.0.1; :: adds IPv6; a named host is itself."""
    lan = lan_addresses("0.0.0.0", INTERFACES)
    assert lan == [("10.1.2.3", "eth0"), ("192.168.4.20", "wlan0")]
    assert listen_urls("0.0.0.0", 8765, "ws", lan) == [
        ("ws://10.1.2.3:8765", "eth0"), ("ws://192.168.4.20:8765", "wlan0"), ("ws://127.0.0.1:8765", "this machine only")]
    assert ("fd00::7", "eth0") in lan_addresses("::", INTERFACES)
    assert listen_urls("10.1.2.3", 8765, "wss") == [("wss://10.1.2.3:8765", "")]
    assert listen_urls("::", 1, "ws", [("fd00::7", "eth0")])[0][0] == "ws://[fd00::7]:1"


def test_students_are_told_the_public_url_else_the_first_lan_address() -> None:
    """join_url: --public-url wins; else the LAN address of a wildcard server; else the bound address; loopback only when nothing else exists."""
    lan = lan_addresses("0.0.0.0", INTERFACES)
    assert join_url("0.0.0.0", 8765, "ws", None, lan) == "ws://10.1.2.3:8765"
    assert join_url("0.0.0.0", 8765, "wss", "wss://parley.school.example:8765/", lan) == "wss://parley.school.example:8765"
    assert join_url("127.0.0.1", 8765, "ws", None) == "ws://127.0.0.1:8765"
    assert join_url("0.0.0.0", 8765, "ws", None, []) == "ws://127.0.0.1:8765"


def test_parley_serve_on_0000_prints_every_address_and_welcomes_with_the_lan_one(tmp_path: Path) -> None:
    """`parley serve --host 0.0.0.0` prints each LAN address of this machine and 127.0.0.1; a client (on 127.0.0.1) is told the LAN one."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--host", "0.0.0.0", "--port", str(port),
                             "--db", str(tmp_path / "s.db")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Instructor key"):
                break
        printed = "".join(lines)
        expected = [f"ws://{address}:{port}" for address, _ in lan_addresses("0.0.0.0")] + [f"ws://127.0.0.1:{port}"]
        listed = re.findall(r"^  (ws://\S+)", printed, re.MULTILINE)
        assert listed == expected and f"ws://0.0.0.0:{port}" not in listed
        told = re.search(r"^Students join at (\S+)", printed, re.MULTILINE)
        assert told is not None and told.group(1) == expected[0]
        import asyncio

        async def welcome() -> str | None:
            async with ProtocolClient(f"ws://127.0.0.1:{port}", name="tests") as client:
                return client.join_url
        assert asyncio.run(welcome()) == expected[0]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_host_prints_and_returns_the_public_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With `serve --public-url`, `parley host` says students join there, and its slips name it in the terminal command."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--db",
                             str(tmp_path / "s.db"), "--public-url", "ws://parley.school.example:9000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Instructor key"):
                break
        slips = tmp_path / "slips.html"
        assert main(["host", "tutorial", "--server", f"ws://127.0.0.1:{port}", "--slips", str(slips)]) == 0
        out = capsys.readouterr().out
        assert "Students join at ws://parley.school.example:9000" in out
        page = slips.read_text(encoding="utf-8")
        assert "parley play --server ws://parley.school.example:9000 --code" in page
        assert "http://parley.school.example:8000/" in page  # the browser address follows the host students reach
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.parametrize("public_url", ["ws://parley.school.example:9000", "wss://parley.school.example:9000"])
async def test_the_console_code_screen_shows_the_address_the_server_gives(tmp_path: Path, public_url: str) -> None:
    """The facilitator connects by 127.0.0.1; the code screen tells students the server's --public-url, not that (and, for wss://, to pass --cafile if the school's own authority signed its certificate)."""
    srv = ParleyServer(tmp_path / "p.db", public_url=public_url)
    await srv.start()
    remember_key(srv)
    try:
        app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                        key=srv.instructor_key)
        async with app.run_test(size=(120, 36)) as pilot:
            from textual.widgets import Input

            app.screen.query_one("#scenario", Input).value = "tutorial"
            await pilot.click("#open")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen"
                             and bool(app.screen.query("#room-seats")), what="the console")
            await pilot.press("c")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "CodesScreen", what="the codes")
            await pilot.pause()
            shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
            assert f"parley play --server {public_url}" in shown
            assert srv.url not in shown
            assert app.join_url == public_url
            assert ("--cafile" in shown) == public_url.startswith("wss://")
    finally:
        await srv.stop()
