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
from typing import Any

from server.cli.common import UserError
from server.protocol.keyfile import data_dir, ensure_key, find_key, key_path
from server.protocol.wire import MAX_FRAME_BYTES, PROTOCOL_VERSION
from server.store.upcast import FormatError


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
    serve.set_defaults(func=run_serve)

    host = subparsers.add_parser("host", help="open a class of rooms on a server; prints the join codes")
    host.add_argument("scenario", metavar="SCENARIO|FILE",
                      help="a scenario file (sent to the server and kept with the class), or the id of a "
                           "scenario the server offers (see `parley scenarios list`)")
    host.add_argument("--server", default="ws://127.0.0.1:8765", help="server URL (default ws://127.0.0.1:8765)")
    host.add_argument("--key", default=None,
                      help="the server's instructor key (default $PARLEY_KEY, else the local key file)")
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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    directory = data_dir(args.data_dir)
    try:
        key, created = ensure_key(directory)
    except OSError as exc:
        raise UserError(f"cannot keep the instructor key in {directory}: {exc.strerror or exc}") from None
    db = args.db or directory / "parley.db"
    try:
        asyncio.run(_serve(args.host, args.port, db, key, created, directory, args.scenarios))
    except OSError as exc:
        raise UserError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    except FormatError as exc:
        raise UserError(f"cannot serve from {db}: {exc}") from None
    return 0


async def _serve(host: str, port: int, db: Path, key: str, created: bool, directory: Path,
                 scenarios: Path | None = None) -> None:
    from server.net.server import ParleyServer  # websockets and sqlite only when serving
    from server.runtime.catalogue import Catalogue

    catalogue = Catalogue()
    if scenarios is not None:
        for problem in catalogue.load_folder(scenarios):
            print(f"parley serve: {problem}", flush=True)
        print(f"Scenarios offered: {', '.join(catalogue.ids())}", flush=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    srv = ParleyServer(db, host=host, port=port, catalogue=catalogue, instructor_key=key)
    await srv.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"Parley server on {srv.url} (database {db}); Ctrl-C or SIGTERM stops it.", flush=True)
    print(f"Instructor key{' (new)' if created else ''}: {key}   (kept in {key_path(directory)}; "
          "`parley host` and `parley facilitate` on this machine read it from there)", flush=True)
    await stop.wait()
    await srv.stop()
    print("Parley server stopped.", flush=True)


# ---------------------------------------------------------------- host


def parse_bots(text: str) -> list[str] | str:
    text = text.strip()
    if text == "all":
        return "all"
    return [b.strip() for b in text.split(",") if b.strip()]


def schedule_request(text: str | None) -> dict[str, Any] | None:
    """`--schedule` as the wire's Schedule (JSON), times read in this machine's zone."""
    if text is None:
        return None
    from datetime import datetime

    from server.engine.schedule import ScheduleError, parse_schedule

    try:
        schedule = parse_schedule(text, datetime.now().astimezone().tzinfo or UTC)
    except ScheduleError as exc:
        raise UserError(f"--schedule: {exc}.") from None
    return schedule.model_dump(mode="json", exclude_none=True)


def run_host(args: argparse.Namespace) -> int:
    request = {"type": "open_class", "id": "host", "key": find_key(args.key), "rooms": args.rooms,
               "bots": parse_bots(args.bots), "time_scale": args.time_scale, "seed": args.seed,
               "start": args.start, "team_size": args.team_size,
               "teams": parse_teams(args.teams)} | scenario_request(args.scenario)
    schedule = schedule_request(args.schedule)
    if schedule is not None:
        request["schedule"] = schedule
    opened = _ask(args.server, request)
    if args.slips is not None:
        write_slips(args, opened)
    rooms = [{"room": r["room"], "seats": [{"delegation": s["delegation"], "code": s["code"],
                                            "members": [{"number": m["number"], "code": m["code"]}
                                                        for m in s.get("members") or []]}
                                           for s in r["seats"]]}
             for r in opened["rooms"]]
    if args.json:
        print(json.dumps({"class": opened["class"], "facilitator_token": opened["facilitator_token"],
                          "rooms": rooms}))
        return 0
    print(f"Class {opened['class']} ({opened['scenario']}) on {args.server}")
    print(f"Facilitator token (keep it private): {opened['facilitator_token']}")
    print(f"Run the class with: parley facilitate --server {args.server} --token {opened['facilitator_token']}")
    for room in opened["rooms"]:
        print(f"\nRoom {room['room']}")
        for seat in room["seats"]:
            played_by = " (bot)" if seat.get("controller", "human") != "human" else ""
            members = seat.get("members") or []
            for member in members:  # a team: a code per member; the first to join leads
                print(f"  {member['code']:<10} {seat['delegation']} — member {member['number']} of {len(members)}")
            if not members:
                print(f"  {seat['code']:<10} {seat['delegation']}{played_by}")
    return 0


def parse_teams(text: str) -> dict[str, int]:
    """`--teams ukraine=3,russia=2` as {delegation: members}; UserError naming a bad item."""
    teams: dict[str, int] = {}
    for item in (i.strip() for i in text.split(",") if i.strip()):
        name, _, size = item.partition("=")
        if not name.strip() or not size.strip().isdigit():
            raise UserError(f"--teams: {item!r} is not DELEGATION=N (e.g. ukraine=3)")
        teams[name.strip()] = int(size)
    return teams


def scenario_request(name: str) -> dict[str, str]:
    """The open_class fields naming the scenario: a file's text (checked here first), or an id."""
    from server.protocol.scenario_file import ScenarioFileError, read_scenario_file
    from server.scenario.loader import ScenarioError, parse_scenario

    try:
        text, file_name = read_scenario_file(name)
        if text is None:
            return {"scenario": name}
        parse_scenario(text, name)  # the server checks it again; this names the place sooner
    except ScenarioFileError as exc:
        raise UserError(str(exc)) from None
    except ScenarioError as exc:
        raise UserError(f"{name} is not a valid scenario:\n{exc}") from None
    return {"scenario_text": text, "scenario_file": file_name}


def write_slips(args: argparse.Namespace, opened: dict[str, Any]) -> None:
    """The printable code slips of the class just opened, from its state as the facilitator sees it."""
    from client.slips import default_web_url, slips_from_rooms, slips_html
    from server.cli.common import write_output

    state = _ask(args.server, {"type": "resume", "id": "slips", "token": opened["facilitator_token"]})
    rooms = [(r["room"], r["seats"], r.get("view")) for r in state["rooms"]]
    views = [r.get("view") or {} for r in state["rooms"]]
    title = views[0].get("scenario", {}).get("title", opened["scenario"]) if views else opened["scenario"]
    web_url = args.web_url or default_web_url(args.server)
    slips = slips_from_rooms(rooms)
    if "127.0.0.1" in web_url or "localhost" in web_url:
        print(f"parley host: the slips send students to {web_url}, which only this machine "
              "reaches; give --web-url with the address students can open.", file=sys.stderr)
    write_output(slips_html(title, slips, web_url, args.server), args.slips,
                 f"{len(slips)} slips; students open {web_url}")


def _ask(url: str, request: dict[str, Any]) -> dict[str, Any]:
    """Send one request after the hello; its reply (an Error reply becomes a UserError)."""
    from websockets.exceptions import InvalidURI, WebSocketException
    from websockets.sync.client import connect

    try:
        with connect(url, open_timeout=10, close_timeout=2, max_size=MAX_FRAME_BYTES * 16) as ws:
            ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "client": "parley host"}))
            ws.send(json.dumps(request))
            while True:
                reply: dict[str, Any] = json.loads(ws.recv(timeout=30))
                if reply["type"] == "error":
                    raise UserError(f"the server refused: {reply['message']} ({reply['code']})")
                if reply.get("reply_to") == request["id"]:
                    return reply
    except InvalidURI:
        raise UserError(f"{url!r} is not a websocket URL (ws://HOST:PORT)") from None
    except (OSError, TimeoutError, WebSocketException) as exc:
        raise UserError(f"cannot reach the Parley server at {url}: {exc}") from None
