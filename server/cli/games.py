"""`parley games list`: the games stored in a database."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from server.cli.common import UserError, default_db, print_table


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    games = subparsers.add_parser("games", help="games stored in a database")
    actions = games.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list games with scenario, status, round and agreement")
    listing.add_argument("--db", type=Path, default=None, help=f"SQLite database (default {default_db()})")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_games_list)


def run_games_list(args: argparse.Namespace) -> int:
    db: Path = args.db or default_db()
    if not db.exists():
        raise UserError(f"no database at {db} (start `parley serve`, or name one with --db)")
    from server.store import open_store
    from server.store.upcast import FormatError

    try:
        store = open_store(db)
    except FormatError as exc:
        raise UserError(f"cannot read {db}: {exc}") from None
    try:
        games = store.list_games()
    finally:
        store.close()
    if args.json:
        print(json.dumps([dataclasses.asdict(g) for g in games], indent=2))
        return 0
    if not games:
        print(f"No games in {db}.")
        return 0
    print_table(("GAME", "SCENARIO", "STATUS", "PHASE", "ROUND", "AGREEMENT", "EVENTS"),
                [(g.id, g.scenario, g.status, g.phase, g.round, "signed" if g.agreement else "-", g.events)
                 for g in games], right=("ROUND", "EVENTS"))
    return 0
