"""`parley web`: the Textual client, console and replay viewer, served to browsers."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from server.cli.common import UserError, add_cafile, checked_cafile


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    web = subparsers.add_parser(
        "web", help="serve the player's client (and the console, the replay viewer) to browsers")
    web.add_argument("--server", default="ws://127.0.0.1:8765",
                     help="the game server, as this machine reaches it (default ws://127.0.0.1:8765)")
    web.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1; 0.0.0.0 for students' machines)")
    web.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    web.add_argument("--public-url", default=None,
                     help="the address students open, if not this host and port (a proxy's, say)")
    add_cafile(web)
    web.add_argument("--certfile", type=Path, default=None, metavar="PEM",
                     help="serve the pages over https (and the tabs over wss) with this certificate")
    web.add_argument("--keyfile", type=Path, default=None, metavar="PEM", help="its private key")
    web.set_defaults(func=run_web)


def run_web(args: argparse.Namespace) -> int:
    from client.connection import ConnectError, normalise_url

    try:
        server = normalise_url(args.server)
    except ConnectError as exc:
        raise UserError(str(exc)) from None
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        raise UserError(f"--public-url must start with http:// or https://, not {args.public_url!r}")
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be between 0 and 65535, not {args.port}")
    from server.protocol.tls import CertificateError, server_context

    try:
        server_context(args.certfile, args.keyfile)  # checked before anything starts
    except CertificateError as exc:
        raise UserError(str(exc)) from None
    try:
        asyncio.run(_web(server, args, checked_cafile(args.cafile)))
    except OSError as exc:
        raise UserError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0


async def _web(server: str, args: argparse.Namespace, cafile: Path | None) -> None:
    from client.web.server import APPS, WebServer

    host = args.host
    web = WebServer(server, host=host, port=args.port, public_url=args.public_url, cafile=cafile,
                    certfile=args.certfile, keyfile=args.keyfile)
    await web.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    base = web.url.rstrip("/")
    print(f"Parley web on {web.url} for the game server {server}; Ctrl-C or SIGTERM stops it.")
    for served in APPS:
        print(f"  {served.title:<32} {base}{served.path}")
    if host in ("127.0.0.1", "localhost"):
        print("  (only this machine can open it: --host 0.0.0.0 serves the students' machines)")
    print(flush=True)
    await stop.wait()
    await web.stop()
    print("Parley web stopped.", flush=True)
