"""What the protocol client costs: joining and a command's round trip over ws:// and wss://,
against bare websockets doing the same exchange, and how long a dropped socket takes to resume.

    python benchmarks/bench_protocol_client.py [--joins 40] [--commands 200]

Starts a real server on a free port of 127.0.0.1 (plain, then TLS with a throwaway trustme
certificate: trustme comes with the `[test]` extra), opens a class of `--joins` rooms and:

- join: connect, hello, join a seat with its code — `ProtocolClient` vs a bare
  `websockets.connect` sending the same frames (median and p95, ms);
- command: `request(SendCommand)` awaited until its ack — vs bare send-and-read-the-ack (ms);
- resume: the socket is cut (`transport.abort()`); the time until the client is resumed
  (`LinkChanged("connected")`), with websockets' reconnecting `connect` and the default backoff.
Each figure is printed with its ratio to the bare baseline run in the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import trustme
from websockets.asyncio.client import connect

from server.net.server import ParleyServer
from server.protocol import wire
from server.protocol.client import LinkChanged, ProtocolClient
from server.protocol.tls import client_context


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


async def bare_join(url: str, code: str, cafile: Path | None) -> tuple[float, float, list[float]]:
    started = time.perf_counter()
    async with connect(url, ssl=client_context(url, cafile), compression=None) as ws:
        await ws.send(wire.encode(wire.Hello(protocol=wire.PROTOCOL_VERSION)))
        await ws.recv()
        await ws.send(wire.encode(wire.Join(id="j", code=code)))
        while json.loads(await ws.recv()).get("reply_to") != "j":
            pass
        joined = time.perf_counter() - started
        trips = []
        for n in range(COMMANDS):
            began = time.perf_counter()
            await ws.send(json.dumps({"type": "command", "id": f"c{n}",
                                      "command": {"type": "make_statement", "text": f"line {n}"}}))
            while json.loads(await ws.recv()).get("reply_to") != f"c{n}":
                pass
            trips.append(time.perf_counter() - began)
    return joined, 0.0, trips


async def client_join(url: str, code: str, cafile: Path | None) -> tuple[float, float, list[float]]:
    started = time.perf_counter()
    client = ProtocolClient(url, name="bench", cafile=cafile)
    await client.join(code)
    joined = time.perf_counter() - started
    trips = []
    for n in range(COMMANDS):
        began = time.perf_counter()
        await client.request(wire.SendCommand(id=client.next_id(), command={"type": "make_statement",
                                                                            "text": f"line {n}"}))
        trips.append(time.perf_counter() - began)
    socket = client.socket
    assert socket is not None
    cut = time.perf_counter()
    socket.transport.abort()
    async for message in client.messages():
        if isinstance(message, LinkChanged) and message.status == "connected":
            break
    resumed = time.perf_counter() - cut
    await client.close()
    return joined, resumed, trips


async def measure(label: str, srv: ParleyServer, cafile: Path | None, rooms: int) -> None:
    opened = await srv.runtime.open_class("tutorial", rooms=rooms * 2)  # type: ignore[union-attr]
    codes = [r.seats[0].code for r in opened.rooms]
    bare = [await bare_join(srv.url, code, cafile) for code in codes[:rooms]]
    ours = [await client_join(srv.url, code, cafile) for code in codes[rooms:]]
    for name, index in (("join", 0),):
        b, o = [x[index] for x in bare], [x[index] for x in ours]
        print(f"{label} {name}: protocol client {ms(o)}; bare websockets {ms(b)}; "
              f"median ratio {statistics.median(o) / statistics.median(b):.2f}")
    b_trips = [t for x in bare for t in x[2]]
    o_trips = [t for x in ours for t in x[2]]
    print(f"{label} command → ack: protocol client {ms(o_trips)}; bare websockets {ms(b_trips)}; "
          f"median ratio {statistics.median(o_trips) / statistics.median(b_trips):.2f}")
    print(f"{label} resume after a cut socket: {ms([x[1] for x in ours])}")


COMMANDS = 5


async def main() -> None:
    global COMMANDS
    parser = argparse.ArgumentParser()
    parser.add_argument("--joins", type=int, default=40)
    parser.add_argument("--commands", type=int, default=5, help="commands per joined seat")
    args = parser.parse_args()
    COMMANDS = args.commands
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        async with ParleyServer(base / "plain.db", connections_per_address=None) as srv:
            await measure("ws:// ", srv, None, args.joins)
        authority = trustme.CA()
        issued = authority.issue_cert("127.0.0.1")
        authority.cert_pem.write_to_path(str(base / "ca.pem"))
        issued.cert_chain_pems[0].write_to_path(str(base / "cert.pem"))
        issued.private_key_pem.write_to_path(str(base / "key.pem"))
        async with ParleyServer(base / "tls.db", connections_per_address=None, certfile=base / "cert.pem",
                                keyfile=base / "key.pem") as srv:
            await measure("wss://", srv, base / "ca.pem", args.joins)


if __name__ == "__main__":
    asyncio.run(main())
