"""`parley`: the one console script, and the one place that wires the server and the client.

This package is the only code that imports both `server` and `client` (the import contracts in
pyproject.toml hold everyone else to it). Each module here is one group of subcommands and
exposes ``register(subparsers)``, which adds its subcommands and sets ``func`` on each;
``func(args)`` returns the exit status. A user's mistake (a bad file, a wrong code, an
unreachable server) is reported as one plain line on stderr with status 1 — never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from server.cli import bots, export, games, play, protocol, replay, report, scenarios, serve, web
from server.cli.common import UserError, write_output

__all__ = ["UserError", "build_parser", "main", "write_output"]

# In the order `parley --help` lists them.
COMMAND_MODULES = (scenarios, serve, games, protocol, bots, replay, export, report, play, web)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Parley: a negotiation training game.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        status: int = args.func(args)
    except UserError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `parley protocol schema | head`: the reader has all it wanted
        _quiet_stdout()
        return 0
    return status


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not raise BrokenPipeError again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)

