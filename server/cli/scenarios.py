"""`parley scenarios list|validate|schema|check`: the scenario catalogue and checks for authors."""

from __future__ import annotations

import argparse
import json
import sys

from server.cli.common import UserError
from server.scenario.loader import (
    ScenarioError,
    bundled_scenarios,
    load_scenario,
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
    check = actions.add_parser("check", help="analyse a scenario's outcome space (zone, frontier, Nash)")
    check.add_argument("scenario", metavar="SCENARIO", help="a bundled scenario's id or a file")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=check_scenario)


def list_scenarios(args: argparse.Namespace) -> int:
    for scenario in bundled_scenarios().values():
        seats = ", ".join(d.id + (" (absent)" if d.absent else "") for d in scenario.delegations)
        print(f"{scenario.id:<16} {scenario.title}")
        print(f"{'':<16} {len(scenario.issues)} issues, {scenario.rounds} rounds; seats: {seats}")
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
    from server.analysis import format_check, scenario_check

    try:
        scenario = resolve_scenario(args.scenario)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    report = scenario_check(scenario)
    print(json.dumps(report, indent=2) if args.json else format_check(report))
    return 0
