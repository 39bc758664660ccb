"""`ParleyServer`: the websocket adapter around one `Runtime` (and its SQLite store).

    srv = ParleyServer("parley.db", host="127.0.0.1", port=0)
    await srv.start()          # recovers unfinished games, then listens
    srv.url                    # "ws://127.0.0.1:PORT"; GET /healthz on the same port -> 200
    srv.runtime.open_class("tutorial", rooms=2)
    await srv.stop()           # closes connections (1001), stops timers and bots, closes the store

Frames larger than MAX_FRAME_BYTES are refused by websockets itself (close 1009);
permessage-deflate is off: a classroom is on a LAN, and 2,000 deflate contexts would cost
more memory than the bandwidth they save.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from server.net.session import Session
from server.protocol.wire import MAX_FRAME_BYTES
from server.runtime import Runtime
from server.runtime.catalogue import Catalogue
from server.store import open_store

log = logging.getLogger(__name__)


class ParleyServer:
    def __init__(self, db_path: str | Path, host: str = "127.0.0.1", port: int = 0,
                 catalogue: Catalogue | None = None, clock: Callable[[], float] = time.time) -> None:
        self.db_path = Path(db_path)
        self.catalogue = catalogue
        self.clock = clock  # the runtime's clock: tests inject one to play days in seconds
        self.host = host
        self._port = port
        self.runtime: Runtime | None = None
        self._server: Server | None = None

    async def start(self) -> None:
        self.runtime = Runtime(open_store(self.db_path), catalogue=self.catalogue, clock=self.clock)
        await self.runtime.start()
        self._server = await serve(self._handle, self.host, self._port, max_size=MAX_FRAME_BYTES,
                                   process_request=self._process_request, compression=None)
        self._port = self._server.sockets[0].getsockname()[1]
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
    def url(self) -> str:
        return f"ws://{self.host}:{self._port}"

    async def __aenter__(self) -> ParleyServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @staticmethod
    def _process_request(connection: ServerConnection, request: Request) -> Response | None:
        if request.path == "/healthz":
            return connection.respond(HTTPStatus.OK, "OK\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        assert self.runtime is not None
        await Session(ws, self.runtime).run()
