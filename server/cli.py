"""`parley`: the one console script. Each area of the code registers its own subcommands.

A module in `COMMAND_MODULES` exposes ``register(subparsers)``, which adds its subcommands and
sets ``func`` on each; ``func(args)`` returns the exit status. A user's mistake (a bad file, a
wrong code, an unreachable server) is reported as one plain line on stderr with status 1 —
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

COMMAND_MODULES = (
    "server.cli_scenarios",
    "server.cli_server",
    "server.bots.cli",
    "server.replay.cli",
    "server.cli_report",
    "client.cli",
)


class UserError(Exception):
    """A mistake the user can fix; its message is printed as is, with exit status 1."""


def write_output(text: str, out: Path | None, summary: str) -> None:
    """`text` to stdout, or to the file `out` with a one-line `summary` on stderr."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"Wrote {out} ({summary}).", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Parley: a negotiation training game.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and (name + ".").startswith(exc.name + "."):
                # That area is not built (yet): its commands are simply absent.
                continue
            raise
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
    return status


if __name__ == "__main__":
    # Run as `python -m server.cli`, this file is `__main__`, a second copy of the module:
    # call the real one so `UserError` raised elsewhere is the class caught here.
    from server.cli import main as installed_main

    sys.exit(installed_main())
