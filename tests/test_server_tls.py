"""TLS: a real server on a free port serving wss:// and https://healthz with a certificate made by trustme; real clients with --cafile play, clients without it are refused in one sentence."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from server.cli import main
from server.net.server import ParleyServer
from server.protocol import wire
from server.protocol.client import ClientError, ProtocolClient
from server.protocol.tls import CertificateError, server_context
from server.replay.remote import fetch_log
from server_helpers import free_port, remember_key


@dataclass(frozen=True)
class Certificates:
    ca: Path       # what clients trust (--cafile)
    cert: Path     # the server's certificate chain (--certfile)
    key: Path      # its private key (--keyfile)


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    """A throwaway authority and a certificate it signed for 127.0.0.1 and localhost."""
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    found = Certificates(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    authority.cert_pem.write_to_path(str(found.ca))
    for blob in issued.cert_chain_pems:
        blob.write_to_path(str(found.cert), append=True)
    issued.private_key_pem.write_to_path(str(found.key))
    return found


@pytest.fixture
async def tls_server(tmp_path: Path, certificates: Certificates) -> AsyncIterator[ParleyServer]:
    srv = ParleyServer(tmp_path / "tls.db", certfile=certificates.cert, keyfile=certificates.key)
    await srv.start()
    remember_key(srv)
    try:
        yield srv
    finally:
        await srv.stop()


def https_get(url: str, cafile: Path | None) -> int:
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else ssl.create_default_context()
    with urllib.request.urlopen(url, timeout=5, context=context) as response:
        return int(response.status)


async def test_a_client_with_the_ca_joins_over_wss_and_plays_a_move(tls_server: ParleyServer,
                                                                    certificates: Certificates) -> None:
    """Over wss://, the facilitator opens and starts a class and a seat joins and makes a statement another seat receives."""
    assert tls_server.url.startswith("wss://127.0.0.1:")
    facilitator = ProtocolClient(tls_server.url, name="tests", cafile=certificates.ca)
    opened = await facilitator.open_class(wire.OpenClass(id=facilitator.next_id(), key=tls_server.instructor_key,
                                                         scenario="tutorial", start=True))
    seats = {s.delegation: s.code for s in opened.rooms[0].seats}
    upland = ProtocolClient(tls_server.url, name="tests", cafile=certificates.ca)
    lowland = ProtocolClient(tls_server.url, name="tests", cafile=certificates.ca)
    await upland.join(seats["upland"], "Ann")
    await lowland.join(seats["lowland"], "Bo")
    said = await upland.request(wire.SendCommand(id=upland.next_id(), command={"type": "make_statement",
                                                                              "text": "Over TLS."}))
    assert isinstance(said, wire.Ack)

    async def heard() -> None:
        async for message in lowland.messages():
            if isinstance(message, wire.Update) and any(getattr(e, "text", None) == "Over TLS." for e in message.events):
                return
    await asyncio.wait_for(heard(), 5)
    for client in (upland, lowland, facilitator):
        await client.close()


async def test_healthz_answers_over_https(tls_server: ParleyServer, certificates: Certificates) -> None:
    """GET /healthz on the TLS port answers 200 over https to a client that trusts the authority."""
    url = f"https://127.0.0.1:{tls_server.port}/healthz"
    assert await asyncio.to_thread(https_get, url, certificates.ca) == 200
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        await asyncio.to_thread(https_get, url, None)


async def test_a_client_without_the_ca_is_refused_in_one_sentence(tls_server: ParleyServer) -> None:
    """Without --cafile the certificate is not trusted: one sentence saying so and naming --cafile, no retrying."""
    client = ProtocolClient(tls_server.url, name="tests")
    with pytest.raises(ClientError) as caught:
        await client.open()
    message = str(caught.value)
    assert "does not trust" in message and "--cafile" in message and "\n" not in message
    plain = ProtocolClient(tls_server.url.replace("wss://", "ws://"), name="tests")
    with pytest.raises(ClientError, match="wss://"):
        await plain.open()


async def test_the_bot_and_the_replay_fetch_speak_wss_with_cafile(tls_server: ParleyServer, certificates: Certificates,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`parley bot` without --cafile exits 1 with one line; the replay fetch with --cafile gets the facilitator's log."""
    facilitator = ProtocolClient(tls_server.url, name="tests", cafile=certificates.ca)
    opened = await facilitator.open_class(wire.OpenClass(id=facilitator.next_id(), key=tls_server.instructor_key,
                                                         scenario="tutorial"))
    code = opened.rooms[0].seats[0].code
    status = await asyncio.to_thread(main, ["bot", "--server", tls_server.url, "--code", code])
    err = capsys.readouterr().err
    assert status == 1 and "does not trust" in err and "Traceback" not in err and err.count("\n") == 1
    fetched = await asyncio.to_thread(fetch_log, tls_server.url, opened.facilitator_token, opened.rooms[0].room,
                                      certificates.ca)
    assert fetched.loaded.trusted and fetched.loaded.events
    await facilitator.close()


def test_parley_serve_and_host_over_tls(tmp_path: Path, certificates: Certificates,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """`parley serve --certfile --keyfile` prints wss:// addresses and answers https://healthz; `parley host --cafile` opens a class on it, without --cafile it is one line."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--db",
                             str(tmp_path / "s.db"), "--certfile", str(certificates.cert),
                             "--keyfile", str(certificates.key)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Instructor key"):
                break
        printed = "".join(lines)
        assert f"wss://127.0.0.1:{port}" in printed and f"Students join at wss://127.0.0.1:{port}" in printed
        assert https_get(f"https://127.0.0.1:{port}/healthz", certificates.ca) == 200
        url = f"wss://127.0.0.1:{port}"
        assert main(["host", "tutorial", "--server", url, "--cafile", str(certificates.ca), "--json"]) == 0
        hosted = json.loads(capsys.readouterr().out)
        assert hosted["join_url"] == url and len(hosted["rooms"]) == 1
        assert main(["host", "tutorial", "--server", url]) == 1
        err = capsys.readouterr().err
        assert "does not trust" in err and "--cafile" in err and "Traceback" not in err
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_missing_or_mismatched_certificate_is_one_line(tmp_path: Path, certificates: Certificates,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A certificate file that is missing, or a key that is not its key, is refused before serving, naming the file."""
    with pytest.raises(CertificateError, match="no file"):
        server_context(tmp_path / "nope.pem", certificates.key)
    other = trustme.CA().issue_cert("127.0.0.1")
    other.private_key_pem.write_to_path(str(tmp_path / "other-key.pem"))
    with pytest.raises(CertificateError, match="cert.pem"):
        server_context(certificates.cert, tmp_path / "other-key.pem")
    assert main(["serve", "--port", "0", "--certfile", str(tmp_path / "nope.pem")]) == 1
    assert "no file" in capsys.readouterr().err
    assert main(["play", "--cafile", str(tmp_path / "nope.pem")]) == 1
    assert "--cafile: there is no file" in capsys.readouterr().err


async def test_the_textual_client_plays_over_wss_with_its_cafile(tls_server: ParleyServer, certificates: Certificates,
                                                                 tmp_path: Path) -> None:
    """`parley play --server wss://... --cafile CA`: the real app joins from its join screen, reaches the table and marks itself ready (r)."""
    from textual.widgets import Input

    from client.app import ParleyApp
    from client.screens.table import TableScreen
    from client_helpers import open_room, to_phase, wait_until

    room, codes = await open_room(tls_server)
    await to_phase(room, "negotiation")
    app = ParleyApp(server=tls_server.url, name="Ann", config_file=tmp_path / "client.json", cafile=certificates.ca)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#code", Input).value = codes["upland"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen) and bool(app.screen.query("#turn-hint")),
                         what="the table over wss")
        assert app.connection is not None and app.connection.url.startswith("wss://")
        await pilot.press("r")
        await wait_until(pilot, lambda: "upland" in room.game.state.ready, what="ready, over wss")


def test_parley_web_gives_every_tab_the_cafile(certificates: Certificates) -> None:
    """`parley web --cafile CA`: each browser tab's process is started with the same --cafile, for a wss:// game server."""
    from client.web.server import APPS, WebServer

    web = WebServer("wss://127.0.0.1:8765", cafile=certificates.ca)
    for served in APPS:
        assert "--server wss://127.0.0.1:8765" in web.command(served)
        assert f"--cafile {certificates.ca}" in web.command(served)
    assert "--cafile" not in WebServer("ws://127.0.0.1:8765").command(APPS[0])


async def test_parley_web_serves_https_pages_whose_tabs_speak_wss(certificates: Certificates) -> None:
    """`parley web --certfile --keyfile`: /healthz and the page over https (trusting the CA), and the page's terminal socket is wss://."""
    from client.web.server import WebServer

    web = WebServer("wss://127.0.0.1:8765", port=0, cafile=certificates.ca, certfile=certificates.cert,
                    keyfile=certificates.key)
    await web.start()
    try:
        assert web.url == f"https://127.0.0.1:{web.port}/"
        assert await asyncio.to_thread(https_get, f"{web.url}healthz", certificates.ca) == 200

        def page() -> str:
            context = ssl.create_default_context(cafile=str(certificates.ca))
            with urllib.request.urlopen(web.url, timeout=5, context=context) as response:
                return str(response.read().decode("utf-8"))
        assert f'data-session-websocket-url="wss://127.0.0.1:{web.port}/ws/play"' in await asyncio.to_thread(page)
    finally:
        await web.stop()
