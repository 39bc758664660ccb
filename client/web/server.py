"""The web server of `parley web`: a page per application, one Textual process per browser tab.

Theory of operation
-------------------
textual-serve's browser side (`static/js/textual.js`, an xterm.js terminal) opens a websocket
and speaks a small protocol over it: `["stdin", text]`, `["resize", {width, height}]`,
`["ping", data]`, `["focus"]`, `["blur"]` from the page; the terminal's bytes back. For every
such websocket this server starts the application's process (`client.web.entry KIND`) through
textual-serve's `AppService` — here `PrivateSession`, with a home of its own — and pipes the
two together until either side closes; closing the tab ends the process.

Three applications, each at its own path: the player's client at `/`, the facilitator's
console at `/facilitate` and the replay viewer at `/replay`. Every process is told the game
server's address (`--server`), never a token: a student types a join code or a rejoin code
into the page, so no seat token is ever part of a URL, a command line or a log line.

Pages are built from our own template, so the browser loads nothing from anywhere but this
server (textual-serve's stock page fetches a web font from the internet).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve import server as textual_serve_server
from textual_serve.download_manager import DownloadManager

from client.web.session import PrivateSession
from server.protocol.tls import server_context

log = logging.getLogger("parley.web")

STATIC = Path(textual_serve_server.__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
MAX_SESSIONS = 120  # browser tabs at once: a class of 40 with room for reloads
MAX_TERMINAL = 500  # columns or rows a page may ask for


@dataclass(frozen=True)
class WebApp:
    """One served application: the page's path and title, and what its process runs."""

    kind: str  # an argument of client.web.entry
    path: str
    title: str


APPS = (WebApp("play", "/", "Parley"),
        WebApp("facilitate", "/facilitate", "Parley: facilitator's console"),
        WebApp("replay", "/replay", "Parley: replay viewer"))


class WebServer:
    """Serve APPS on host:port for the game server at `server_url` (port 0 picks a free one)."""

    def __init__(self, server_url: str, host: str = "127.0.0.1", port: int = 8000,
                 public_url: str | None = None, max_sessions: int = MAX_SESSIONS,
                 cafile: str | Path | None = None, certfile: str | Path | None = None,
                 keyfile: str | Path | None = None) -> None:
        self.server_url, self.host, self.port = server_url, host, port
        self.cafile = cafile  # passed on to every tab's process, for a wss:// game server
        self.tls = server_context(certfile, keyfile)  # https:// pages and wss:// tabs when given
        self.public_url = public_url.rstrip("/") if public_url else None
        self.max_sessions = max_sessions
        self.sessions: set[PrivateSession] = set()
        self.downloads = DownloadManager()
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------ lifecycle

    def make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
        routes = [web.get("/healthz", self.handle_health),
                  web.get("/download/{key}", self.handle_download),
                  web.static("/static", STATIC)]
        for served in APPS:
            routes += [web.get(served.path, self._index(served)),
                       web.get(f"/ws/{served.kind}", self._websocket(served))]
        app.add_routes(routes)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.make_app(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self.tls)
        await site.start()
        if self.port == 0:
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_shutdown(self, _: web.Application) -> None:
        await asyncio.gather(*(s.stop() for s in list(self.sessions)), return_exceptions=True)

    @property
    def url(self) -> str:
        """The address to give students: `--public-url`, or this host and port."""
        if self.public_url:
            return self.public_url + "/"
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{reachable_host(self.host)}:{self.port}/"

    def command(self, served: WebApp) -> str:
        """The shell command of one tab's process (textual-serve runs it through a shell)."""
        argv = [sys.executable, "-m", "client.web.entry", served.kind, "--server", self.server_url]
        if served.kind == "facilitate":
            argv += ["--web-url", self.url]
        if self.cafile is not None:
            argv += ["--cafile", str(self.cafile)]
        return " ".join(shlex.quote(a) for a in argv)

    # ------------------------------------------------------------ pages

    def _index(self, served: WebApp) -> Any:
        async def handle(request: web.Request) -> web.Response:
            base = self.public_url or f"{request.scheme}://{request.host}"
            ws_base = "wss" + base[5:] if base.startswith("https") else "ws" + base[4:]
            context = {"title": served.title, "static_url": f"{base}/static/",
                       "websocket_url": f"{ws_base}/ws/{served.kind}",
                       "font_size": _clamp(request.query.get("fontsize", "16"), 16, 8, 40)}
            response: web.Response = aiohttp_jinja2.render_template("app_index.html", request, context)
            response.headers["Cache-Control"] = "no-store"
            response.headers["Referrer-Policy"] = "no-referrer"
            return response
        return handle

    async def handle_health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "sessions": len(self.sessions),
                                  "server": self.server_url})

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file a tab's application delivers (the console's code slips, say)."""
        try:
            meta = await self.downloads.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text="no such download") from None
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (
            f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = f"{disposition}; filename={meta.file_name}"
        await response.prepare(request)
        async for chunk in self.downloads.download(request.match_info["key"]):
            await response.write(chunk)
        await response.write_eof()
        return response

    # ------------------------------------------------------------ a tab

    def _websocket(self, served: WebApp) -> Any:
        async def handle(request: web.Request) -> web.WebSocketResponse:
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
            await websocket.prepare(request)
            if len(self.sessions) >= self.max_sessions:
                await websocket.close(code=1013, message=b"this Parley web server is full")
                return websocket
            width = _clamp(request.query.get("width", "80"), 80, 10, MAX_TERMINAL)
            height = _clamp(request.query.get("height", "24"), 24, 5, MAX_TERMINAL)
            session = PrivateSession(self.command(served), write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=websocket.close,
                                     download_manager=self.downloads)
            self.sessions.add(session)
            try:
                await session.start(width, height)
                await self._pipe(websocket, session)
            except (asyncio.CancelledError, ConnectionError):
                pass
            except Exception:  # a bug: log it, end only this tab
                log.exception("web session of %s failed", served.kind)
            finally:
                self.sessions.discard(session)
                await session.stop()
                with contextlib.suppress(Exception):
                    await websocket.close()
            return websocket
        return handle

    async def _pipe(self, websocket: web.WebSocketResponse, session: PrivateSession) -> None:
        """Hand the page's keys, size, focus and pings to the process until the page goes."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = _envelope(message.data)
            if envelope is None:
                continue
            kind, data = envelope
            if kind == "stdin" and isinstance(data, str):
                await session.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await session.set_terminal_size(_clamp(data.get("width"), 80, 10, MAX_TERMINAL),
                                                _clamp(data.get("height"), 24, 5, MAX_TERMINAL))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await session.blur()
            elif kind == "focus":
                await session.focus()


def reachable_host(bound: str) -> str:
    """The address other machines use for a server bound to `bound` (its LAN address for
    0.0.0.0, found from this host's name without sending anything)."""
    if bound not in ("0.0.0.0", "", "::"):
        return bound
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return "127.0.0.1"
    found = [str(info[4][0]) for info in infos if not str(info[4][0]).startswith("127.")]
    return found[0] if found else "127.0.0.1"


def _envelope(text: str) -> tuple[str, Any] | None:
    """`[kind, data]` from the page, or None for anything else (ignored, never an error)."""
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        return None
    return value[0], value[1] if len(value) > 1 else None


def _clamp(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))
