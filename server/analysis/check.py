"""`parley scenarios check`: what a scenario's outcome space looks like, before a class plays it.

`scenario_check(scenario)` returns a JSON-able report; `server.cli.text_reports.check_text`
lays it out for a terminal. The zone of agreement is counted for each round as if reservation
values only drifted by each delegation's `reservation_drift` at every resolution phase (as the
engine does, rounded to cents), with no pressure cards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from server.analysis.core import Analysis, SpaceTooLarge, analyse, check_size, reservation_values
from server.analysis.evaluate import Batch, score
from server.analysis.space import OutcomeSpace, compile_space
from server.engine import whatif
from server.scenario.model import Scenario


def scenario_check(scenario: Scenario) -> dict[str, Any]:
    """The author's report on `scenario`, seated as it starts (every delegation not absent)."""
    space = compile_space(scenario)
    report: dict[str, Any] = {"scenario": scenario.id, "title": scenario.title, "packages": space.size,
                              "seated": list(space.seated),
                              # What a person reads, by id (the text report shows these, --json both).
                              "names": {d.id: d.name for d in scenario.delegations},
                              "issues": {i.id: {"title": i.title, "options": {o.id: o.label for o in i.options}}
                                         for i in scenario.issues}}
    try:
        check_size(space)
    except SpaceTooLarge as exc:
        return report | {"warnings": [f"issues: too large to analyse exactly: {exc}"]}
    analysis = analyse(scenario)
    rounds = round_reservations(space)
    report |= {
        "table": list(analysis.table),
        "zone": analysis.zone_size,
        "zone_by_round": [{"round": r + 1, "reservations": res, "zone": n}
                          for r, (res, n) in enumerate(zip(rounds, zone_sizes(space, rounds)))],
        "frontier": analysis.frontier_size,
        "nash": analysis.nash.to_dict() if analysis.nash else None,
        "greatest_joint_gain": analysis.greatest_joint_gain.to_dict() if analysis.greatest_joint_gain else None,
        "delegations": {d: {"reservation": analysis.reservations[d], "best": analysis.best[d],
                            "worst": analysis.worst[d]} for d in space.seated},
    }
    scored = whatif.history(scenario)
    report["history"] = None if scored is None else {
        "round": scored.round, "signed": scored.signed, "durability": scored.durability.model_dump(),
        "delegations": {d.delegation: {"worth": d.worth, "result": d.result, "surplus": d.surplus,
                                       "red_lines_crossed": d.red_lines_crossed}
                        for d in scored.delegations}}
    report["warnings"] = list(_warnings(space, analysis, report))
    return report


def round_reservations(space: OutcomeSpace) -> list[dict[str, float]]:
    """Reservation values in force in each round, drifting as the resolution phase moves them."""
    current = reservation_values(space, None)
    drift = {d.id: d.hidden.reservation_drift for d in space.scenario.delegations}
    rounds = []
    for _ in range(space.scenario.rounds):
        rounds.append(dict(current))
        current = {d: round(v + drift[d], 2) if drift[d] else v for d, v in current.items()}
    return rounds


def zone_sizes(space: OutcomeSpace, reservations: list[dict[str, float]]) -> list[int]:
    """The size of the zone of agreement under each set of reservation values, in one pass."""
    rows = np.array([[r[d] for d in space.seated] for r in reservations], dtype=np.float64)
    counts = np.zeros(len(rows), dtype=np.int64)
    for _, fixed in space.blocks():
        scores = score(space, Batch.block(fixed, space.sizes))
        counts += [int(scores.in_zone(row).sum()) for row in rows]
    return counts.tolist()


def _warnings(space: OutcomeSpace, analysis: Analysis, report: dict[str, Any]) -> Iterator[str]:
    by_round = report["zone_by_round"]
    if not any(r["zone"] for r in by_round):
        yield ("delegations: no zone of agreement in any round: no package is better than no deal "
               "for everyone who must sign")
    elif not by_round[0]["zone"]:
        first = next(r["round"] for r in by_round if r["zone"])
        yield f"delegations: no zone of agreement at the start: the first appears in round {first}"
    index = {d.id: k for k, d in enumerate(space.scenario.delegations)}
    for d in _stakeholders(space):
        lowest = min(r["reservations"][d] for r in by_round)
        if analysis.best[d] <= lowest:
            yield (f"delegations[{index[d]}].hidden.reservation: {d} can never gain: its best result "
                   f"{analysis.best[d]} is not above its reservation value {lowest}")
    if analysis.zone_size and analysis.nash is None:
        yield "delegations: no Nash point: in every package of the zone some member of the table loses"
    yield from _idle_issues(space.scenario)


def _stakeholders(space: OutcomeSpace) -> list[str]:
    """Seated delegations whose consent can matter: signers, and any a clause names."""
    named = np.any([n.any(axis=0) for n in space.names], axis=0)
    return [d for d, signs, n in zip(space.seated, space.signers, named) if signs or n]


def _idle_issues(scenario: Scenario) -> Iterator[str]:
    for k, issue in enumerate(scenario.issues):
        if all(len(set(d.hidden.points[issue.id].values())) == 1 for d in scenario.delegations):
            yield f"issues[{k}]: issue {issue.id!r}: no delegation cares, every option is worth the same to all"
