"""`ParleyServer`: the websocket adapter around one `Runtime` (and its SQLite store).

    srv = ParleyServer("parley.db", host="127.0.0.1", port=0)
    await srv.start()          # recovers unfinished games, then listens
    srv.url                    # "ws://127.0.0.1:PORT"; GET /healthz on the same port -> 200
    srv.listen_urls            # every address it answers on (each LAN address for 0.0.0.0)
    srv.join_url               # the one students are told (public_url, else the LAN one)
    srv.instructor_key         # what `open_class` must carry (a fresh one unless given)
    srv.runtime.open_class("tutorial", rooms=2)
    await srv.stop()           # closes connections (1001), stops timers and bots, closes the store

Frames larger than MAX_FRAME_BYTES are refused by websockets itself (close 1009);
permessage-deflate is off: a classroom is on a LAN, and 2,000 deflate contexts would cost
more memory than the bandwidth they save. One client address may hold at most
`connections_per_address` open connections; more are refused at the handshake (HTTP 429).

With `certfile` and `keyfile` (PEM) it serves TLS: wss:// for the game, https:// for
/healthz, on the same port. Every connection is told `join_url` in its welcome.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from server.net.access import Access, Quotas
from server.net.addresses import join_url, listen_urls
from server.net.session import Session
from server.protocol import wire
from server.protocol.keyfile import new_key
from server.protocol.tls import server_context
from server.runtime import Runtime
from server.runtime.catalogue import Catalogue
from server.store import Durability, open_store

log = logging.getLogger(__name__)


class ParleyServer:
    def __init__(self, db_path: str | Path, host: str = "127.0.0.1", port: int = 0,
                 catalogue: Catalogue | None = None, clock: Callable[[], float] = time.time, *,
                 instructor_key: str | None = None, quotas: Quotas | None = None,
                 hello_seconds: float = wire.HELLO_SECONDS,
                 connections_per_address: int | None = wire.CONNECTIONS_PER_ADDRESS,
                 certfile: str | Path | None = None, keyfile: str | Path | None = None,
                 public_url: str | None = None, durability: Durability = "process") -> None:
        self.db_path = Path(db_path)
        self.durability = durability  # what an acknowledged command survives (server/store/sqlite.py)
        self.catalogue = catalogue
        self.clock = clock  # the runtime's clock: tests inject one to play days in seconds
        self.host = host
        self._port = port
        self.instructor_key = instructor_key or new_key()
        self.access = Access(self.instructor_key, quotas or Quotas())
        self.hello_seconds = hello_seconds
        self.connections_per_address = connections_per_address
        self._per_address: Counter[str] = Counter()
        self.tls = server_context(certfile, keyfile)
        self.public_url = public_url
        self.runtime: Runtime | None = None
        self._server: Server | None = None
        self._join_url: str | None = None

    async def start(self) -> None:
        self.runtime = Runtime(open_store(self.db_path, self.durability), catalogue=self.catalogue, clock=self.clock)
        await self.runtime.start()
        self._server = await serve(self._handle, self.host, self._port, max_size=wire.MAX_FRAME_BYTES,
                                   process_request=self._process_request, compression=None, ssl=self.tls)
        self._port = self._server.sockets[0].getsockname()[1]
        self._join_url = self.join_url  # found once: the interfaces are read, not each welcome
        log.info("parley serving on %s (database %s)", self.url, self.db_path)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self.runtime is not None:
            await self.runtime.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def scheme(self) -> str:
        return "wss" if self.tls is not None else "ws"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self._port}"

    @property
    def listen_urls(self) -> list[tuple[str, str]]:
        """(url, interface) for every address the server answers on."""
        return listen_urls(self.host, self._port, self.scheme)

    @property
    def join_url(self) -> str:
        """The address students are told (`public_url`, else a LAN address, else the bound one)."""
        return join_url(self.host, self._port, self.scheme, self.public_url)

    async def __aenter__(self) -> ParleyServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path == "/healthz":
            return connection.respond(HTTPStatus.OK, "OK\n")
        limit = self.connections_per_address
        if limit is not None and self._per_address[_address(connection)] >= limit:
            return connection.respond(HTTPStatus.TOO_MANY_REQUESTS,
                                      f"At most {limit} connections from one address.\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        assert self.runtime is not None
        address = _address(ws)
        self._per_address[address] += 1
        try:
            await Session(ws, self.runtime, self.access, self.hello_seconds, self._join_url).run()
        finally:
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]


def _address(connection: ServerConnection) -> str:
    peer = connection.remote_address
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)
