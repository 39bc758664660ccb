"""`parley bot` (one seat over the network) and `parley tournament` (all-bot games in process)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from server.bots.strategies import DEFAULT_STRATEGY, PARTY_STRATEGIES, STRATEGIES
from server.cli.common import UserError, add_cafile, checked_cafile
from server.scenario import ScenarioError, resolve_scenario

DEFAULT_SERVER = "ws://127.0.0.1:8765"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bot = subparsers.add_parser("bot", help="play one seat over the network with a bot")
    bot.add_argument("--server", default=DEFAULT_SERVER, help=f"server URL (default {DEFAULT_SERVER})")
    bot.add_argument("--code", required=True, help="the seat's join code, e.g. UA-7KQ4")
    bot.add_argument("--strategy", choices=sorted(STRATEGIES), default=None,
                     help=f"default: {DEFAULT_STRATEGY} (mediator for a mediator's seat)")
    bot.add_argument("--seed", type=int, default=0, help="the same seed gives the same play")
    bot.add_argument("--name", default="", help="the name the seat shows")
    bot.add_argument("--transcript", type=Path, default=None,
                     help="write every frame received to FILE as JSON lines")
    add_cafile(bot)
    bot.set_defaults(func=run_bot)

    tour = subparsers.add_parser("tournament", help="play all-bot games in process and compare strategies")
    tour.add_argument("scenario", help="a bundled scenario id or a scenario file")
    tour.add_argument("--games", type=int, default=100)
    tour.add_argument("--strategies", nargs="+", choices=sorted(STRATEGIES), default=list(PARTY_STRATEGIES),
                      metavar="NAME", help=f"strategies to pair (default: {' '.join(PARTY_STRATEGIES)})")
    tour.add_argument("--seed", type=int, default=1, help="seed of the first game (then +1 per game)")
    tour.add_argument("--seat-absent", action="store_true",
                      help="seat the delegations the scenario leaves absent (e.g. the West in istanbul-2022)")
    tour.add_argument("--json", action="store_true", help="print the report as JSON")
    tour.set_defaults(func=run_tournament_command)


def run_bot(args: argparse.Namespace) -> int:
    from server.bots.client import BotFailed, play

    try:
        return asyncio.run(play(args.server, args.code, args.strategy, args.seed, args.transcript, args.name,
                                checked_cafile(args.cafile)))
    except BotFailed as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"cannot write the transcript: {exc}") from None


def run_tournament_command(args: argparse.Namespace) -> int:
    from server.bots.tournament import run_tournament
    from server.cli.text_reports import tournament_text

    if args.games < 1:
        raise UserError(f"--games must be at least 1, not {args.games}")
    try:
        scenario = resolve_scenario(args.scenario)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    seated = [d.id for d in scenario.delegations] if args.seat_absent else None
    report = run_tournament(scenario, games=args.games, strategies=args.strategies, seed=args.seed, seated=seated)
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if args.json else tournament_text(report))
    return 0
