"""Reading scenario files: YAML to a validated `Scenario`, with errors an author can act on.

Every failure becomes a `ScenarioError` whose lines read ``FILE: PATH: what is wrong`` — the
path inside the file in the author's notation (``delegations[2].red_lines[0]``). Bundled
scenarios are found through importlib.resources, so they work from an editable install and
from a wheel alike.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from server.scenario.model import Scenario


class ScenarioError(Exception):
    """A scenario file that cannot be used; `problems` are the lines to show its author."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


def format_loc(loc: tuple[str | int, ...]) -> str:
    """('delegations', 2, 'red_lines', 0) -> 'delegations[2].red_lines[0]'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _validation_problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["loc"]:
            problems.append(f"{format_loc(item['loc'])}: {message}")
        else:
            # The checks across fields (references.py) put the path in each line themselves.
            problems.extend(message.splitlines())
    return problems


def parse_scenario(text: str, source: str) -> Scenario:
    """Parse YAML (or JSON) text; raise ScenarioError naming `source` and the place inside it."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(YAML)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [f"{where}: not valid YAML: {problem}"]) from None
    if data is None:
        raise ScenarioError(source, ["(top level): the file is empty"])
    if not isinstance(data, dict):
        raise ScenarioError(source, ["(top level): a scenario must be a mapping of fields"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, _validation_problems(exc)) from None


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"(file): cannot read it: {exc}"]) from None
    return parse_scenario(text, str(path))


@functools.cache
def bundled_sources() -> dict[str, tuple[Scenario, str]]:
    """The scenarios shipped in the `scenarios` package, by id, in file-name order, each with
    the text of its file (a server stores that text with every class it opens)."""
    found: dict[str, tuple[Scenario, str]] = {}
    for entry in sorted(resources.files("scenarios").iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            text = entry.read_text(encoding="utf-8")
            scenario = parse_scenario(text, f"scenarios/{entry.name}")
            found[scenario.id] = (scenario, text)
    return found


def bundled_scenarios() -> dict[str, Scenario]:
    """The scenarios shipped in the `scenarios` package, by id, in file-name order."""
    return {scenario_id: scenario for scenario_id, (scenario, _) in bundled_sources().items()}


def resolve_scenario(name: str) -> Scenario:
    """A bundled scenario by id, or a scenario file by path."""
    bundled = bundled_scenarios()
    if name in bundled:
        return bundled[name]
    if Path(name).exists():
        return load_scenario(name)
    known = ", ".join(bundled) or "none"
    raise ScenarioError(name, [f"(name): no bundled scenario has this id and no file has this path (bundled: {known})"])


def scenario_schema() -> str:
    return json.dumps(Scenario.model_json_schema(by_alias=True), indent=2)
