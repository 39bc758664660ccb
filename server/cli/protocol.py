"""`parley protocol schema`: the JSON Schema of every wire message."""

from __future__ import annotations

import argparse
import json

from server.protocol.wire import protocol_schema


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    protocol = subparsers.add_parser("protocol", help="the wire protocol")
    protocol_actions = protocol.add_subparsers(dest="action", metavar="ACTION", required=True)
    protocol_actions.add_parser("schema", help="print the JSON Schema of every message").set_defaults(
        func=print_protocol_schema)


def print_protocol_schema(args: argparse.Namespace) -> int:
    print(json.dumps(protocol_schema(), indent=2))
    return 0
