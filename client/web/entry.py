"""What one browser tab of `parley web` runs: `python -m client.web.entry KIND --server URL`.

KIND is `play` (the player's client), `facilitate` (the console) or `replay` (the viewer).
textual-serve sets TEXTUAL_DRIVER so the app draws into the page instead of a terminal.
Nothing secret is passed here: the student types a code, the teacher a key or token.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="client.web.entry")
    parser.add_argument("kind", choices=("play", "facilitate", "replay"))
    parser.add_argument("--server", required=True, help="the game server's address (ws://...)")
    parser.add_argument("--web-url", default=None, help="the page students open (for the codes)")
    parser.add_argument("--cafile", default=None, help="the authority a wss:// server's certificate is checked against")
    args = parser.parse_args(argv)
    if args.kind == "replay":
        from client.replay.form import ReplayFormApp

        ReplayFormApp(args.server, cafile=args.cafile).run()
        return 0
    from client.app import ParleyApp

    role = "facilitator" if args.kind == "facilitate" else "player"
    ParleyApp(server=args.server, role=role, web_url=args.web_url, rejoin_prompt=True, cafile=args.cafile).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
