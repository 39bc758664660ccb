"""`parley replay` (the Textual viewer), and finding a recorded game for it and `parley export`.

    parley replay GAME [--db PATH | --file FILE | --server URL --token TOKEN] [--as D | --all]
    parley export GAME|CLASS [--db PATH | --file FILE] --format md|html|json|csv
                  [--as D | --all] [--out FILE]

Who sees what: from a local database (the facilitator's) or a JSON export (which is the whole
log already), the default and `--all` are the facilitator's view; `--as D` narrows it to what
delegation D could see. From a server (wire `fetch_log`, server/replay/remote.py), the server
hands the log to the facilitator always and to a seat once the debrief is open; a seat token
sees its own delegation, and everything (`--all`, or another `--as`) only once the game is
open for review (the debrief is open) — `seat_for(..., own=...)` is that rule.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from server.cli.common import UserError, add_cafile, checked_cafile, default_db
from server.engine import FACILITATOR
from server.replay.model import Replay, may_see_all
from server.replay.sources import Loaded, SourceError, from_database, from_file


def add_source(parser: argparse.ArgumentParser, server: bool) -> None:
    parser.add_argument("game", metavar="GAME", nargs="?",
                        help="the game's id (see `parley games list`); not needed with --file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", type=Path, default=None, help="Parley database (default: the one "
                        "`parley serve` uses)")
    source.add_argument("--file", type=Path, default=None, help="a JSON export (`--format json`)")
    if server:
        source.add_argument("--server", default=None, help="fetch the log from a server (ws://...)")
        parser.add_argument("--token", default=None, help="your seat or facilitator token (with --server)")
        add_cafile(parser)
    seat = parser.add_mutually_exclusive_group()
    seat.add_argument("--as", dest="as_", metavar="DELEGATION", default=None,
                      help="see only what this delegation could see")
    seat.add_argument("--all", action="store_true", help="see everything (the facilitator's view)")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    replay = subparsers.add_parser("replay", help="step through a recorded game in a Textual viewer")
    add_source(replay, server=True)
    replay.set_defaults(func=run_replay)


# ---------------------------------------------------------------- loading


def load(args: argparse.Namespace) -> list[Loaded]:
    """The log(s) the arguments name: one game, or every game of a class (from a database)."""
    try:
        if args.file is not None:
            loaded = from_file(args.file)
            if args.game and loaded.game_id and args.game != loaded.game_id:
                raise UserError(f"{args.file} holds game {loaded.game_id}, not {args.game}")
            return [loaded]
        if not args.game:
            raise UserError("name a GAME (see `parley games list`), or a JSON export with --file")
        return from_database(args.db or default_db(), args.game)
    except SourceError as exc:
        raise UserError(str(exc)) from None


def seat_for(loaded: Loaded, as_: str | None, want_all: bool, own: str | None = None) -> str:
    """The seat to replay as, by the policy in this module's docstring; UserError if refused."""
    everything = may_see_all(loaded.events, loaded.trusted)
    if want_all or as_ in (None, FACILITATOR) and own is None:
        if not everything:
            raise UserError("this game is not open for review yet: only the facilitator may see "
                            "everything until the debrief is open (use --as your delegation)")
        return FACILITATOR
    seat = as_ or own
    assert seat is not None
    if own is not None and seat != own and not everything:
        raise UserError(f"you hold {own}'s seat; other seats are hidden until the debrief is open")
    return seat


def open_replay(loaded: Loaded, seat: str) -> Replay:
    try:
        return Replay(loaded.events, seat, game_id=loaded.game_id)
    except ValueError as exc:
        raise UserError(str(exc)) from None


# ---------------------------------------------------------------- commands


def run_replay(args: argparse.Namespace) -> int:
    own: str | None = None
    if args.server is not None:
        if not args.token:
            raise UserError("--server needs --token: your seat's or the facilitator's token")
        from server.replay.remote import fetch_log

        try:
            fetched = fetch_log(args.server, args.token, args.game, checked_cafile(args.cafile))
        except SourceError as exc:
            raise UserError(str(exc)) from None
        games, own = [fetched.loaded], fetched.own_seat
    elif args.token or args.cafile:
        raise UserError(f"{'--token' if args.token else '--cafile'} goes with --server")
    else:
        games = load(args)
    if len(games) > 1:
        raise UserError(f"{args.game} is a class; replay one of its games: "
                        + ", ".join(g.game_id for g in games))
    loaded = games[0]
    seat = seat_for(loaded, args.as_, args.all, own)
    replay = open_replay(loaded, seat)
    from client.replay.app import ReplayApp  # Textual only when a viewer is wanted

    ReplayApp(replay, can_switch=may_see_all(loaded.events, loaded.trusted)).run()
    return 0
