"""`parley export GAME|CLASS --format md|html|json|csv`: a game (or a class, as csv) for class.

Who sees what is `server.cli.replay`'s rule (`seat_for`), the same as for `parley replay`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from server.cli.common import UserError, write_output
from server.cli.replay import add_source, load, open_replay, seat_for
from server.engine import FACILITATOR
from server.replay import render
from server.replay.exports import FORMATS, export
from server.replay.records import result_rows, to_csv
from server.replay.reflections import booklet
from server.replay.sources import Loaded


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    exporter = subparsers.add_parser("export", help="export a game (or a class, as csv) for class")
    add_source(exporter, server=False)
    exporter.add_argument("--format", required=True, choices=FORMATS, help="md, html, json or csv")
    exporter.add_argument("--out", type=Path, default=None, help="write here (default: stdout)")
    exporter.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    games = load(args)
    if args.format == "json" and args.as_ and args.as_ != FACILITATOR:
        raise UserError("a JSON export is the whole event log, every seat's secrets included: "
                        "export it with --all (md, html and csv respect --as)")
    if len(games) > 1 or games[0].class_id == args.game:
        text = _export_class(games, args)
    else:
        text = export(open_replay(games[0], seat_for(games[0], args.as_, args.all)), args.format)
    write_output(text, args.out, f"{args.format}, {len(text):,} characters")
    return 0


def _export_class(games: list[Loaded], args: argparse.Namespace) -> str:
    """A class as csv (one row per delegation per room, with its student's reflection), or as
    md/html: the reflection booklet, one section per room."""
    if args.format in ("md", "html"):
        replays = [open_replay(g, seat_for(g, args.as_, args.all)) for g in games]
        if any(r.seat != FACILITATOR for r in replays):
            raise UserError("a class's reflection booklet is the facilitator's to read: export it with --all")
        blocks = booklet(replays, games[0].class_id)
        return render.markdown(blocks) if args.format == "md" else render.html(blocks)
    if args.format != "csv":
        listing = ", ".join(g.game_id for g in games)
        raise UserError(f"{args.game} is a class: it exports as csv, md or html; export its games "
                        f"one by one for {args.format} ({listing})")
    rows = []
    for loaded in games:
        rows += result_rows(open_replay(loaded, seat_for(loaded, args.as_, args.all)),
                            class_id=loaded.class_id)
    return to_csv(rows)
