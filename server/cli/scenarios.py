"""`parley scenarios list|validate|schema|check|new|guide|score`: the scenario catalogue, tools for authors, guides."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from server.cli.common import UserError, print_table
from server.scenario.loader import (
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    parse_scenario,
    resolve_scenario,
    scenario_schema,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("scenarios", help="list, validate and describe scenario files")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show the bundled scenarios").set_defaults(func=list_scenarios)
    validate = actions.add_parser("validate", help="check scenario files")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.set_defaults(func=validate_scenarios)
    actions.add_parser("schema", help="print the scenario JSON Schema").set_defaults(func=print_schema)
    check = actions.add_parser("check", help="analyse a scenario (zone, frontier, Nash) and playtest it with bots")
    check.add_argument("scenario", metavar="SCENARIO", help="a bundled scenario's id or a file")
    check.add_argument("--games", type=int, default=40, help="all-bot games to play (default 40; 0 skips them)")
    check.add_argument("--seed", type=int, default=1, help="seed of the first game (default 1)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=check_scenario)
    _register_new(actions)
    guide = actions.add_parser("guide", help="print a bundled scenario's teacher's guide (Markdown)")
    guide.add_argument("scenario", metavar="ID", help="a bundled scenario's id")
    guide.set_defaults(func=print_guide)
    score = actions.add_parser("score", help="what a package is worth to every delegation if signed "
                               "in round N by these delegations (a what-if)")
    score.add_argument("scenario", metavar="SCENARIO", help="a bundled scenario's id or a file")
    score.add_argument("--terms", required=True, metavar="ISSUE=OPTION,...",
                       help="the complete package, or 'history' for the historical terms")
    score.add_argument("--round", type=int, default=None, metavar="N",
                       help="the round it is signed in (default 1, or the history's round)")
    score.add_argument("--seat", default=None, metavar="A,B", help="the delegations at the table "
                       "(default: every one not absent)")
    score.add_argument("--signed", default=None, metavar="A,B", help="who signs it (default: "
                       "everyone whose signature it needs); a signer is at the table")
    score.add_argument("--json", action="store_true", help="print the scores as JSON")
    score.set_defaults(func=score_package)


def _register_new(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from server.scenario.template import MAX_DELEGATIONS, MAX_ISSUES, SCHEMA_FILE

    new = actions.add_parser("new", help="write a commented scenario file to start from")
    new.add_argument("id", metavar="ID", help="the new scenario's id (lower-case letters, digits, - and _)")
    new.add_argument("--from", dest="source", metavar="SCENARIO", default=None,
                     help="copy a bundled scenario (by id) or a scenario file, commented")
    new.add_argument("--delegations", type=int, default=None,
                     help=f"seats of a blank scenario (2 to {MAX_DELEGATIONS}; default 3)")
    new.add_argument("--issues", type=int, default=None,
                     help=f"issues of a blank scenario (1 to {MAX_ISSUES}; default 3)")
    new.add_argument("--out", type=Path, default=None, help="where to write it (default ./ID.yaml)")
    new.add_argument("--schema", default=SCHEMA_FILE,
                     help=f"the JSON Schema the editor modeline points at (default {SCHEMA_FILE}, beside the file)")
    new.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    new.set_defaults(func=new_scenario)


def list_scenarios(args: argparse.Namespace) -> int:
    rows = []
    for scenario in bundled_scenarios().values():
        seats = ", ".join(d.id + (" (absent)" if d.absent else "") for d in scenario.delegations)
        rows.append((scenario.id, scenario.title, len(scenario.issues), scenario.rounds, seats))
    print_table(("SCENARIO", "TITLE", "ISSUES", "ROUNDS", "SEATS"), rows, right=("ISSUES", "ROUNDS"))
    return 0


def validate_scenarios(args: argparse.Namespace) -> int:
    status = 0
    for path in args.paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            status = 1
        else:
            print(f"{path}: ok ({scenario.id}: {len(scenario.delegations)} delegations, "
                  f"{len(scenario.issues)} issues, {len(scenario.pressure.cards)} pressure cards)")
    return status


def print_schema(args: argparse.Namespace) -> int:
    print(scenario_schema())
    return 0


def check_scenario(args: argparse.Namespace) -> int:
    # Imported here: numpy and the analysis are only needed by this subcommand.
    from server.analysis import scenario_check
    from server.cli.text_reports import check_text

    try:
        scenario = resolve_scenario(args.scenario)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    if args.games < 0:
        raise UserError(f"--games must be 0 or more, not {args.games}")
    report = scenario_check(scenario)
    played = None
    if args.games:
        from server.analysis.playtest import playtest

        played = playtest(scenario, args.games, args.seed, source=args.scenario)
        report["playtest"] = played.model_dump(mode="json")
        report["warnings"] = report["warnings"] + [str(w) for w in played.warnings]
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if args.json else check_text(report, played))
    return 0


def new_scenario(args: argparse.Namespace) -> int:
    from server.scenario.template import blank_scenario, copied_scenario, template_text

    scenario_id = _new_id(args.id)
    if args.source is not None and (args.delegations is not None or args.issues is not None):
        raise UserError("--delegations and --issues shape a blank scenario; with --from the copy keeps its own")
    if args.source is not None:
        try:
            data = copied_scenario(resolve_scenario(args.source), scenario_id)
        except ScenarioError as exc:
            raise UserError(str(exc)) from None
    else:
        try:
            data = blank_scenario(scenario_id, args.delegations or 3, args.issues or 3)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    out: Path = args.out or Path(f"{scenario_id}.yaml")
    if out.exists() and not args.force:
        raise UserError(f"{out} exists already (choose another --out, or --force to overwrite it)")
    text = template_text(data, args.schema)
    parse_scenario(text, str(out))  # what is written must validate as written
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"Wrote {out} ({scenario_id}: {len(data['delegations'])} delegations, {len(data['issues'])} issues).")
    schema = _write_schema(out, args.schema)
    if schema is not None:
        print(f"Wrote {schema}, the JSON Schema its first line names (editors complete and check the file with it).")
    print(f"Next: edit it, then `parley scenarios check {out}`; host it with `parley host {out}`.")
    return 0


def _write_schema(scenario_file: Path, schema: str) -> Path | None:
    """Write the schema the modeline names beside the scenario file, unless it is there already
    (or the modeline names a URL); the path written, if any."""
    if "://" in schema:
        return None
    path = scenario_file.parent / schema
    text = scenario_schema()
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return None
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the schema {path}: {exc.strerror or exc}") from None
    return path


def _new_id(text: str) -> str:
    """`text` if it is a valid id of a new scenario (the model's own pattern), else a UserError."""
    from pydantic import TypeAdapter, ValidationError

    from server.scenario.model import Identifier

    try:
        TypeAdapter(Identifier).validate_python(text)
    except ValidationError:
        raise UserError(f"{text!r} is not a scenario id: use 1 to 40 lower-case letters, digits, '-' and '_'") from None
    if text in bundled_scenarios():
        raise UserError(f"{text!r} is a bundled scenario's id: choose another")
    return text


def print_guide(args: argparse.Namespace) -> int:
    from server.scenario.guides import bundled_guide, guide_ids

    text = bundled_guide(args.scenario)
    if text is None:
        raise UserError(f"no teacher's guide for {args.scenario!r} (guides: {', '.join(guide_ids()) or 'none'})")
    sys.stdout.write(text)
    return 0


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def _terms(text: str) -> dict[str, str]:
    terms: dict[str, str] = {}
    for part in text.split(","):
        issue, sep, option = part.partition("=")
        if not sep or not issue.strip() or not option.strip():
            raise UserError(f"--terms: {part.strip()!r} is not ISSUE=OPTION")
        terms[issue.strip()] = option.strip()
    return terms


def score_package(args: argparse.Namespace) -> int:
    from server.engine.whatif import WhatIfError, compare, comparison_json, format_comparison

    try:
        scenario = resolve_scenario(args.scenario)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    history = args.terms.strip() == "history"
    terms = dict(scenario.history.terms) if history else _terms(args.terms)
    round_ = args.round if args.round is not None else scenario.history.round if history else 1
    signed = _names(args.signed)
    if signed is None and history and scenario.history.signed_by:
        signed = list(scenario.history.signed_by)
    try:
        comparison = compare(scenario, terms, round_, _names(args.seat), signed)
    except WhatIfError as exc:
        raise UserError(f"{scenario.id}: {exc}") from None
    print(json.dumps(comparison_json(comparison), indent=2) if args.json
          else format_comparison(comparison, scenario))
    return 0
