"""Scenario files: the pydantic model, the YAML loader and the bundled catalogue."""

from server.scenario.loader import ScenarioError, bundled_scenarios, load_scenario, resolve_scenario
from server.scenario.model import Delegation, DelegationKind, Issue, Option, Scenario

__all__ = [
    "Delegation",
    "DelegationKind",
    "Issue",
    "Option",
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "load_scenario",
    "resolve_scenario",
]
