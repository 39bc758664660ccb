"""Random scenario-like outcome spaces, for the analysis benchmark and its brute-force tests.

`random_scenario` builds a real, validated `Scenario` (so it goes through the same scoring
code as a bundled one) with random points tables and a little of everything that makes
scoring non-additive: red lines, durability factors with `all`/`any`/`none` clauses, an
`unbacked` factor, and clauses that need a delegation's signature, some of it not seated.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from server.scenario.model import Scenario


def random_scenario(
    seed: int,
    sizes: Sequence[int] = (3, 3, 3),
    delegations: int = 3,
    red_lines: int = 2,
    factors: int = 3,
    points: tuple[int, int] = (0, 100),
    step: float = 1.0,
    kinds: Sequence[str] = ("party", "party", "guarantor", "mediator", "guarantor"),
    absent: Sequence[int] = (4,),
) -> Scenario:
    """A random scenario: `delegations` seats over issues of `sizes` options.

    Points are multiples of `step` in the `points` range; a `step` like 0.1 gives sums that
    binary floating point cannot hold exactly. Delegation d has kind `kinds[d % len(kinds)]`
    and is absent if d is in `absent`.
    """
    rng = random.Random(seed)
    issues = [_issue(rng, i, n, delegations) for i, n in enumerate(sizes)]
    data: dict[str, Any] = {
        "id": f"random-{seed}",
        "title": "Random",
        "briefing": "A random outcome space.",
        "rounds": 3,
        "delegations": [
            _delegation(rng, d, issues, red_lines, points, step)
            | {"kind": kinds[d % len(kinds)], "absent": d in absent}
            for d in range(delegations)
        ],
        "issues": issues,
        "pressure": {"cards": [{"id": "c", "title": "C", "kind": "political", "text": "t", "weight": 1}]},
        "outcome": {"factors": [_factor(rng, f, issues) for f in range(factors)], "red_line_penalty": 60},
        "history": {"summary": "none"},
    }
    return Scenario.model_validate(data)


def _issue(rng: random.Random, i: int, n: int, delegations: int) -> dict[str, Any]:
    options: list[dict[str, Any]] = [{"id": f"o{k}", "label": f"O{k}"} for k in range(n)]
    if delegations > 2 and n > 1 and rng.random() < 0.5:
        # A clause that needs another signature, weightless without it (that seat may be empty).
        options[-1]["requires"] = [f"d{rng.randrange(2, delegations)}"]
        options[-1]["weightless_as"] = "o0"
    return {"id": f"i{i}", "title": f"I{i}", "options": options}


def _delegation(rng: random.Random, d: int, issues: list[dict[str, Any]], red_lines: int,
                points: tuple[int, int], step: float) -> dict[str, Any]:
    table = {
        issue["id"]: {o["id"]: round(rng.randint(*points) * step, 6) for o in issue["options"]}
        for issue in issues
    }
    lines = [{"id": f"r{r}", "label": "R", "terms": _terms(rng, issues)} for r in range(rng.randint(0, red_lines))]
    middle = sum((max(t.values()) + min(t.values())) / 2 for t in table.values())
    return {
        "id": f"d{d}",
        "name": f"D{d}",
        "code": "D" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[d],
        "brief": "b",
        "hidden": {"points": table, "red_lines": lines, "reservation": round(middle * rng.uniform(0.5, 1.0), 1),
                   "reservation_drift": -1.0},
    }


def _terms(rng: random.Random, issues: list[dict[str, Any]]) -> dict[str, list[str]]:
    chosen = rng.sample(issues, k=min(len(issues), rng.randint(1, 2)))
    return {i["id"]: rng.sample([o["id"] for o in i["options"]], k=rng.randint(1, 2)) for i in chosen}


def _clause(rng: random.Random, issues: list[dict[str, Any]]) -> dict[str, Any]:
    issue = rng.choice(issues)
    listed = rng.sample([o["id"] for o in issue["options"]], k=rng.randint(1, 2))
    return {"issue": issue["id"], rng.choice(["is", "not"]): listed}


def _factor(rng: random.Random, f: int, issues: list[dict[str, Any]]) -> dict[str, Any]:
    shape = f % 4
    when: dict[str, Any] = {"unbacked": True} if shape == 3 else {}
    groups = {0: ("all",), 1: ("any",), 2: ("all", "none"), 3: ()}[shape]
    for group in groups:
        when[group] = [_clause(rng, issues) for _ in range(rng.randint(1, 2))]
    effect = round(rng.choice([-1, 1]) * rng.uniform(0.05, 0.3), 2)
    return {"id": f"f{f}", "lesson": "L", "when": when, "effect": effect, "reason": "R"}
