"""`parley play`, `parley facilitate` and `parley demo`: the Textual client's commands."""

from __future__ import annotations

import argparse
from typing import Any

from server.cli.common import UserError, add_cafile, checked_cafile


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    play = subparsers.add_parser("play", help="join a game as a delegation (Textual client)")
    play.add_argument("--server", help="the server's address, e.g. ws://10.0.0.5:8765 (default: the last one used)")
    play.add_argument("--code", help="your join code (asked on the join screen if not given)")
    play.add_argument("--name", default="", help="your name, shown to the facilitator")
    add_cafile(play)
    play.set_defaults(func=run_play)

    facilitate = subparsers.add_parser("facilitate", help="open and run a class (Textual console)")
    facilitate.add_argument("--server", help="the server's address (default: the last one used)")
    facilitate.add_argument("--token", help="a class's facilitator token, to come back to it")
    facilitate.add_argument("--key", help="the server's instructor key, to open a class "
                                          "(default $PARLEY_KEY, else the local key file)")
    add_cafile(facilitate)
    facilitate.set_defaults(func=run_facilitate)

    demo = subparsers.add_parser("demo", help="play alone against bots, with a server built in")
    demo.add_argument("scenario", nargs="?", default="tutorial", help="a bundled scenario (default: tutorial)")
    demo.add_argument("--as", dest="delegation", help="the delegation you play (asked if not given)")
    demo.add_argument("--time-scale", type=float, default=1.0,
                      help="multiply every phase's length (0.5: twice as fast; default 1)")
    demo.set_defaults(func=run_demo)


def run_play(args: argparse.Namespace) -> int:
    from client.app import ParleyApp

    ParleyApp(server=args.server, code=args.code, name=args.name, rejoin_prompt=True,
              cafile=checked_cafile(args.cafile), quiet_collector=True).run()
    return 0


def run_facilitate(args: argparse.Namespace) -> int:
    from client.app import ParleyApp
    from server.protocol.keyfile import find_key

    ParleyApp(server=args.server, role="facilitator", token=args.token, key=find_key(args.key),
              cafile=checked_cafile(args.cafile)).run()
    return 0


def make_demo(scenario: str, delegation: str | None, time_scale: float = 1.0) -> Any:
    """The demo host for `scenario`; UserError naming the choices when a name is wrong."""
    from server.cli.demo import Demo
    from server.scenario import bundled_scenarios

    if not 0 < time_scale <= 10:
        raise UserError(f"--time-scale must be above 0 and at most 10, not {time_scale:g}.")
    try:
        demo = Demo(scenario, delegation, time_scale)
    except KeyError:
        raise UserError(f"There is no scenario {scenario!r}; choose one of: "
                        f"{', '.join(sorted(bundled_scenarios()))}.") from None
    ids = [d for d, _, _ in demo.delegations]
    if delegation is not None and delegation not in ids:
        demo.close()
        raise UserError(f"{scenario} has no delegation {delegation!r} at the table; "
                        f"choose one of: {', '.join(ids)}.")
    return demo


def run_demo(args: argparse.Namespace) -> int:
    from client.app import ParleyApp

    demo = make_demo(args.scenario, args.delegation, args.time_scale)
    try:
        demo.launch()
        ParleyApp(demo=demo, quiet_collector=True).run()
    finally:
        demo.close()
    return 0
