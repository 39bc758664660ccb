"""`parley serve` (run the game server) and `parley host` (open a class of rooms on one)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from server.cli.common import UserError, add_cafile, checked_cafile
from server.protocol.keyfile import data_dir, ensure_key, find_key, key_path
from server.store.upcast import FormatError

if TYPE_CHECKING:
    from server.engine.schedule import Schedule


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser("serve", help="run the game server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    serve.add_argument("--db", type=Path, default=None,
                       help="SQLite database (default parley.db in the data directory)")
    serve.add_argument("--scenarios", type=Path, default=None, metavar="DIR",
                       help="also offer every valid scenario file in DIR by its id "
                            "(broken ones are reported and left out)")
    serve.add_argument("--data-dir", type=Path, default=None,
                       help=f"where the database and the instructor key live (default $PARLEY_DATA_DIR "
                            f"or {data_dir()})")
    serve.add_argument("--certfile", type=Path, default=None, metavar="PEM",
                       help="serve TLS (wss://, and https:// for /healthz) with this certificate (chain)")
    serve.add_argument("--keyfile", type=Path, default=None, metavar="PEM",
                       help="the certificate's private key (if not in --certfile)")
    serve.add_argument("--public-url", default=None, metavar="URL",
                       help="the address students are told (ws://... or wss://...), when it is not the "
                            "one found here: a name the certificate carries, a proxy's")
    serve.add_argument("--durability", choices=("process", "power"), default="process",  # store.DURABILITY
                       help="what an acknowledged move survives: 'process' (default) any death of the "
                            "server process (SIGKILL, crash), a power cut losing at most the last second; "
                            "'power' a power cut too, every move waiting for the disk's fsync (slower)")
    serve.set_defaults(func=run_serve)

    host = subparsers.add_parser("host", help="open a class of rooms on a server; prints the join codes")
    host.add_argument("scenario", metavar="SCENARIO|FILE",
                      help="a scenario file (sent to the server and kept with the class), or the id of a "
                           "scenario the server offers (see `parley scenarios list`)")
    host.add_argument("--server", default="ws://127.0.0.1:8765", help="server URL (default ws://127.0.0.1:8765)")
    host.add_argument("--key", default=None,
                      help="the server's instructor key (default $PARLEY_KEY, else the local key file)")
    add_cafile(host)
    host.add_argument("--rooms", type=int, default=1, help="how many rooms (default 1)")
    host.add_argument("--bots", default="", metavar="SEATS|all",
                      help="comma-separated delegation ids whose seats bots take, or 'all'")
    host.add_argument("--time-scale", type=float, default=1.0,
                      help="multiply every phase length (0.01: a hundredfold shorter)")
    host.add_argument("--schedule", default=None, metavar="PHASE=LENGTH,...",
                      help="deadlines for a game over days: 'negotiation=2d,decision=12h', or one "
                           "round's at a date and time 'negotiation@2=2026-12-03T09:00' (your local "
                           "time unless it names an offset); other phases keep --time-scale")
    host.add_argument("--team-size", type=int, default=1, metavar="N",
                      help="members per human delegation, each with a join code of their own (default 1)")
    host.add_argument("--teams", default="", metavar="DELEGATION=N,...",
                      help="members of some delegations (e.g. ukraine=3,russia=3), instead of --team-size")
    host.add_argument("--seed", type=int, default=None, help="random seed of the first room")
    host.add_argument("--start", action="store_true", help="start every room at once")
    host.add_argument("--json", action="store_true", help="print the class as JSON")
    host.add_argument("--slips", type=Path, default=None, metavar="FILE.html",
                      help="write a printable page of code slips, one per human seat")
    host.add_argument("--web-url", default=None, metavar="URL",
                      help="the `parley web` address on the slips (default: the server's host, port 8000)")
    host.set_defaults(func=run_host)


# ---------------------------------------------------------------- serve


def run_serve(args: argparse.Namespace) -> int:
    from server.protocol.tls import CertificateError, server_context

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.public_url is not None and not args.public_url.startswith(("ws://", "wss://")):
        raise UserError(f"--public-url must start with ws:// or wss://, not {args.public_url!r}.")
    try:
        server_context(args.certfile, args.keyfile)  # checked before anything starts
    except CertificateError as exc:
        raise UserError(str(exc)) from None
    directory = data_dir(args.data_dir)
    try:
        key, created = ensure_key(directory)
    except OSError as exc:
        raise UserError(f"cannot keep the instructor key in {directory}: {exc.strerror or exc}") from None
    db = args.db or directory / "parley.db"
    try:
        asyncio.run(_serve(args, db, key, created, directory))
    except OSError as exc:
        raise UserError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    except FormatError as exc:
        raise UserError(f"cannot serve from {db}: {exc}") from None
    return 0


async def _serve(args: argparse.Namespace, db: Path, key: str, created: bool, directory: Path) -> None:
    from server.net.collector import quiet_collector
    from server.net.server import ParleyServer  # websockets and sqlite only when serving
    from server.runtime.catalogue import Catalogue

    catalogue = Catalogue()
    if args.scenarios is not None:
        for problem in catalogue.load_folder(args.scenarios):
            print(f"parley serve: {problem}", flush=True)
        print(f"Scenarios offered: {', '.join(catalogue.ids())}", flush=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    srv = ParleyServer(db, host=args.host, port=args.port, catalogue=catalogue, instructor_key=key,
                       certfile=args.certfile, keyfile=args.keyfile, public_url=args.public_url,
                       durability=args.durability)
    await srv.start()
    quiet_collector()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"Parley server on {srv.url} (database {db}); Ctrl-C or SIGTERM stops it.", flush=True)
    print(addresses_text(srv), flush=True)
    finds = "read it from there" if directory == data_dir() else (
        f"read it from there with PARLEY_DATA_DIR={directory} set; else give them --key")
    print(f"Instructor key{' (new)' if created else ''}: {key}   (kept in {key_path(directory)}; "
          f"`parley host` and `parley facilitate` on this machine {finds})", flush=True)
    await stop.wait()
    await srv.stop()
    print("Parley server stopped.", flush=True)


def addresses_text(srv: Any) -> str:
    """Every address the server answers on, and the one students are told."""
    lines = ["Listening on:"] + [f"  {url}" + (f"   ({what})" if what else "") for url, what in srv.listen_urls]
    lines.append(f"Students join at {srv.join_url}" + (
        "" if srv.public_url else "   (--public-url tells them another address)"))
    if srv.join_url.startswith(("ws://127.", "wss://127.", "ws://localhost", "wss://localhost")):
        lines.append("  (only this machine reaches it: --host 0.0.0.0 serves the students' machines)")
    return "\n".join(lines)


# ---------------------------------------------------------------- host


def parse_bots(text: str) -> list[str] | Literal["all"]:
    text = text.strip()
    if text == "all":
        return "all"
    return [b.strip() for b in text.split(",") if b.strip()]


def schedule_request(text: str | None) -> Schedule | None:
    """`--schedule` as the wire's Schedule, times read in this machine's zone."""
    if text is None:
        return None
    from datetime import datetime

    from server.engine.schedule import ScheduleError, parse_schedule

    try:
        return parse_schedule(text, datetime.now().astimezone().tzinfo or UTC)
    except ScheduleError as exc:
        raise UserError(f"--schedule: {exc}.") from None


def run_host(args: argparse.Namespace) -> int:
    from server.protocol import wire

    scenario, text, file_name = scenario_request(args.scenario)
    schedule = schedule_request(args.schedule)
    try:
        request = wire.OpenClass(id="host", key=find_key(args.key), rooms=args.rooms, bots=parse_bots(args.bots),
                                 time_scale=args.time_scale, seed=args.seed, start=args.start,
                                 schedule=schedule, scenario=scenario, scenario_text=text, scenario_file=file_name,
                                 team_size=args.team_size, teams=parse_teams(args.teams))
    except ValueError as exc:  # pydantic's ValidationError: a value out of the wire's bounds
        field, _, problem = _first_problem(exc).partition(": ")  # "rooms: Input should be ..."
        option = "--" + field.split(".")[0].replace("_", "-")
        raise UserError(f"{option} {field.partition('.')[2]}: {problem}".replace(" :", ":")) from None
    cafile = checked_cafile(args.cafile)
    opened, state, join_url = run_async(_open_class(args.server, cafile, request,
                                                    args.slips is not None or not args.json))
    if args.slips is not None:
        write_slips(args, opened, state, join_url)
    rooms = [{"room": r.room, "seats": [{"delegation": s.delegation, "code": s.code,
                                         "members": [{"number": m.number, "code": m.code} for m in s.members]}
                                        for s in r.seats]}
             for r in opened.rooms]
    if args.json:
        print(json.dumps({"class": opened.class_, "facilitator_token": opened.facilitator_token,
                          "join_url": join_url, "rooms": rooms}))
        return 0
    print(f"Class {opened.class_} ({opened.scenario}) on {args.server}")
    print(f"Students join at {join_url}")
    print(f"Facilitator token (keep it private): {opened.facilitator_token}")
    trust = f" --cafile {args.cafile}" if args.cafile else ""
    print(f"Run the class with: parley facilitate --server {args.server}{trust} --token {opened.facilitator_token}")
    views = {r.room: r.view for r in state.rooms if r.view is not None}
    for room in opened.rooms:
        print(f"\nRoom {room.room}")
        for seat in room.seats:
            for code, who in seat_lines(seat, views.get(room.room)):
                print(f"  {code:<10} {who}")
    return 0


def seat_lines(seat: Any, view: Any) -> list[tuple[str, str]]:
    """A seat's codes and who each is for, in the scenario's names: "Ukraine — member 1 of 2",
    "Turkey (host) (bot)", "United States — absent: seat it from the console (j)"."""
    from client.format import delegation_name

    name = delegation_name(view, seat.delegation)
    if view is not None and seat.delegation not in view.seated:
        name += " — absent: seat it from the console (j) before handing out this code"
    elif seat.controller != "human":
        name += " (bot)"
    if not seat.members:
        return [(seat.code, name)]
    return [(m.code, f"{name} — member {m.number} of {len(seat.members)}") for m in seat.members]


def parse_teams(text: str) -> dict[str, int]:
    """`--teams ukraine=3,russia=2` as {delegation: members}; UserError naming a bad item."""
    teams: dict[str, int] = {}
    for item in (i.strip() for i in text.split(",") if i.strip()):
        name, _, size = item.partition("=")
        if not name.strip() or not size.strip().isdigit():
            raise UserError(f"--teams: {item!r} is not DELEGATION=N (e.g. ukraine=3)")
        teams[name.strip()] = int(size)
    return teams


async def _open_class(url: str, cafile: Path | None, request: Any, state_too: bool) -> tuple[Any, Any, str]:
    """Open the class; with `state_too`, also its state as the facilitator sees it (every room's
    view, all the parts a big class's comes in).
    (class_opened, class_state or None, the address students join at)."""
    from server.protocol import wire
    from server.protocol.client import ClientError, ProtocolClient

    async with ProtocolClient(url, name="parley host", cafile=cafile) as client:
        opened = await client.open_class(request)
        if not state_too:
            return opened, None, client.join_url or url
        state = await client.resume(opened.facilitator_token)
        if not isinstance(state, wire.ClassState):
            raise ClientError(f"{url} answered a facilitator's resume with {state.type!r}.")
        rooms = {r.room: r for r in state.rooms}
        parts = client.messages()
        while len(rooms) < len(opened.rooms):  # a big class's state comes in parts: wait for every room
            part = await anext(parts, None)
            if part is None:
                raise ClientError(f"{url} closed the connection before sending the whole class.")
            if isinstance(part, wire.ClassState):
                rooms.update((r.room, r) for r in part.rooms)
        state = state.model_copy(update={"rooms": list(rooms.values())})
        return opened, state, client.join_url or url


def run_async(work: Any) -> Any:
    """Run one conversation with a server; its refusal or failure as a UserError."""
    from server.protocol.client import ClientError, Refused

    try:
        return asyncio.run(asyncio.wait_for(work, 60))
    except Refused as exc:
        raise UserError(f"the server refused: {exc.error.message} ({exc.error.code})") from None
    except ClientError as exc:
        raise UserError(str(exc)) from None
    except TimeoutError:
        raise UserError("the server did not answer within 60 s") from None


def _first_problem(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors is None:
        return str(exc)
    first = errors()[0]
    return f"{'.'.join(map(str, first['loc'])) or 'the request'}: {first['msg']}"


def scenario_request(name: str) -> tuple[str, str | None, str]:
    """The open_class fields naming the scenario, (id, text, file name): a file's text (checked
    here first, the id left empty), or an id (no text, no file)."""
    from server.protocol.scenario_file import ScenarioFileError, read_scenario_file
    from server.scenario.loader import ScenarioError, parse_scenario

    try:
        text, file_name = read_scenario_file(name)
        if text is None:
            return name, None, ""
        parse_scenario(text, name)  # the server checks it again; this names the place sooner
    except ScenarioFileError as exc:
        raise UserError(str(exc)) from None
    except ScenarioError as exc:
        raise UserError(f"{name} is not a valid scenario:\n{exc}") from None
    return "", text, file_name


def write_slips(args: argparse.Namespace, opened: Any, state: Any, join_url: str) -> None:
    """The printable code slips of the class just opened, from its state as the facilitator sees it."""
    from client.slips import default_web_url, slips_from_rooms, slips_html
    from server.cli.common import write_output

    rooms = [(r.room, r.seats, r.view) for r in state.rooms]
    first = state.rooms[0].view if state.rooms else None
    title = first.scenario.title if first and first.scenario else opened.scenario
    web_url = args.web_url or default_web_url(join_url)
    slips = slips_from_rooms(rooms)
    if "127.0.0.1" in web_url or "localhost" in web_url:
        print(f"parley host: the slips send students to {web_url}, which only this machine "
              "reaches; give --web-url with the address students can open.", file=sys.stderr)
    write_output(slips_html(title, slips, web_url, join_url), args.slips,
                 f"{len(slips)} slips; students open {web_url}")
