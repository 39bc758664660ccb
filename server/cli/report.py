"""`parley report CLASS [--db PATH] [--format md|html|csv] [--out FILE]`: a class, room by room.

The database is probed read-only first and read through the replay's loader
(`server.replay.sources`), so pointing `--db` at a file that is not Parley's changes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from server.cli.common import (
    UserError,
    default_db,  # the database `parley serve` uses
    write_output,
)
from server.engine.events import EventBase

FORMATS = ("md", "html", "csv")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = subparsers.add_parser("report", help="a class report: every room side by side, and history")
    report.add_argument("class_id", metavar="CLASS", help="the class id (printed by `parley host`)")
    report.add_argument("--db", type=Path, default=None,
                        help="Parley database (default: the one `parley serve` uses)")
    report.add_argument("--format", choices=FORMATS, default="md", help="md (default), html or csv")
    report.add_argument("--out", type=Path, default=None, help="write here (default: stdout)")
    report.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from server.analysis.report import class_report, report_csv, report_html, report_markdown

    rooms = load_class(args.db or default_db(), args.class_id)
    try:
        report = class_report(rooms, class_id=args.class_id)
    except ValueError as exc:
        raise UserError(f"cannot report on class {args.class_id}: {exc}") from None
    render = {"md": report_markdown, "html": report_html, "csv": report_csv}[args.format]
    write_output(render(report), args.out, f"{args.format}, {len(report['rooms'])} rooms")
    return 0


def load_class(db: Path, class_id: str) -> list[tuple[str, list[EventBase]]]:
    """(room id, events) of every room of `class_id`, rooms in number order; UserError if none."""
    from server.replay.sources import SourceError, from_database

    try:
        loaded = from_database(db, class_id)
    except SourceError as exc:
        raise UserError(str(exc)) from None
    if len(loaded) == 1 and loaded[0].game_id == class_id:
        raise UserError(f"{class_id} is a room of class {loaded[0].class_id}: "
                        f"`parley report {loaded[0].class_id}` reports the whole class")
    return [(g.game_id, g.events) for g in loaded]  # in room order (C-2 before C-10)


