"""Debrief analysis of a scenario's outcome space (issue 7): zone, frontier, Nash point.

The API, for the debrief, the class report and `parley scenarios check`:

``analyse(scenario, reservations=None, seated=None) -> Analysis``
    Every package scored exactly as `server.engine.scoring.package_value` scores it.
    `reservations` maps delegation id -> reservation value (default: the scenario's starting
    values); `seated` is the delegations at the table (default: every one not absent).
    Cached per (scenario, reservation values, seated). `Analysis` has `size`, `zone_size`,
    `table` (the delegations frontier/joint gain/Nash are over: the seated signers),
    `frontier()` / `frontier_size`, `nash`, `greatest_joint_gain` (each a `Package` or None),
    and `best` / `worst` (each delegation's best and worst achievable result).
``await analyse_async(...)``
    The same, in a worker thread: call this from the event loop.
``assess(analysis, terms) -> Assessment``
    An agreement against the analysis: `on_frontier`, `distance` to the frontier,
    `joint_gain_left` on the table, the nearest dominating frontier package (`better_deal`)
    and the issues it settles differently (`trades`; `nash_trades` against the Nash point).
``scenario_check(scenario) -> dict``
    A JSON-able report for authors: outcome-space size, zone of agreement at the start and
    per round of drift, frontier size, Nash and greatest-joint-gain packages (issue ->
    option), each delegation's best and worst result, and warnings (no zone; a delegation
    that can never gain; an issue no one cares about).
    (`server.cli.text_reports.check_text` lays it out for a terminal.)

See `server.analysis.core` for the theory of operation.
"""

from server.analysis.assess import Assessment, Trade, assess
from server.analysis.check import scenario_check
from server.analysis.core import (
    Analysis,
    Package,
    SpaceTooLarge,
    analyse,
    analyse_async,
    clear_cache,
)

__all__ = [
    "Analysis",
    "Assessment",
    "Package",
    "SpaceTooLarge",
    "Trade",
    "analyse",
    "analyse_async",
    "assess",
    "clear_cache",
    "scenario_check",
]
