"""`parley scenarios list|validate|schema`: the scenario catalogue and checks for authors."""

from __future__ import annotations

import argparse
import sys

from server.scenario.loader import ScenarioError, bundled_scenarios, load_scenario, scenario_schema


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("scenarios", help="list, validate and describe scenario files")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show the bundled scenarios").set_defaults(func=list_scenarios)
    validate = actions.add_parser("validate", help="check scenario files")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.set_defaults(func=validate_scenarios)
    actions.add_parser("schema", help="print the scenario JSON Schema").set_defaults(func=print_schema)


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
