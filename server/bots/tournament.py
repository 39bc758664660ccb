"""All-bot games in process: the pure engine, a simulated clock, no network.

`play_game` seats a bot in every seated delegation and lets each act on its own view in turn
(in delegation order, so a game is a pure function of its scenario, assignment and seed);
when no bot has anything left to do the clock jumps to the phase deadline and ticks. Bots
mark ready, so phases usually end long before their deadline.

`run_tournament` plays `games` games, cycling through every assignment of the strategies to
the signing delegations (a seeded sample of them when there are more assignments than
games; a mediator always mediates), and sums up each strategy and each
delegation: agreement rate, mean surplus (result minus reservation value), mean durability of
the agreements reached, and rounds used.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from server.bots.strategies import PARTY_STRATEGIES, make_strategy
from server.engine import CLOCK, FACILITATOR, Game, RuleViolation, lessons
from server.engine import commands as c
from server.engine import events as ev
from server.scenario.model import Scenario

MAX_STEPS = 5_000  # bot turns in one game; far above any real game, it only catches a bug


@dataclass
class GameRecord:
    """One finished game: who played what, and how it ended."""

    seed: int
    assignment: dict[str, str]
    reason: str
    agreement: bool
    durability: float | None
    rounds: int
    results: dict[str, ev.DelegationResult]
    log: list[ev.EventBase] = field(repr=False)


def signing_seats(scenario: Scenario, seated: Sequence[str]) -> list[str]:
    """The seats strategies are assigned to: every seated delegation but the mediators."""
    return [d.id for d in scenario.delegations if d.id in seated and d.kind != "mediator"]


def default_seated(scenario: Scenario) -> list[str]:
    return [d.id for d in scenario.delegations if not d.absent]


def play_game(scenario: Scenario, assignment: dict[str, str], seed: int,
              seated: Sequence[str] | None = None) -> GameRecord:
    """Play one all-bot game to its end; `assignment` maps a delegation to a strategy name."""
    seated = list(seated if seated is not None else default_seated(scenario))
    clock = 0.0
    game, log = Game.create(scenario, seed=seed, at=clock, seated=seated)
    log += game.handle(c.StartGame(), FACILITATOR, clock)
    kinds = {d.id: d.kind.value for d in scenario.delegations}
    bots = {d: make_strategy(assignment.get(d), d, kinds[d], seed) for d in sorted(seated)}
    for _ in range(MAX_STEPS):
        if game.ended:
            break
        acted = False
        for delegation, bot in bots.items():
            for command in bot.act(game.view_for(delegation, with_worth=False)) if not game.ended else ():
                clock += 1.0
                try:
                    log += game.handle(command, delegation, clock)
                    acted = True
                except RuleViolation:
                    continue  # a move the state overtook (the phase ended meanwhile): skip it
        if not acted and not game.ended:
            clock = max(clock + 1.0, game.state.deadline or clock)
            log += game.handle(c.Tick(), CLOCK, clock)
    else:
        raise RuntimeError(f"game with seed {seed} did not end within {MAX_STEPS} bot turns")
    return _record(game, log, seed, {d: type(b).name for d, b in bots.items()})


def _record(game: Game, log: list[ev.EventBase], seed: int, assignment: dict[str, str]) -> GameRecord:
    ended = next(e for e in reversed(log) if isinstance(e, ev.GameEnded))
    results = {e.result.delegation: e.result for e in log if isinstance(e, ev.ResultScored)}
    return GameRecord(seed=seed, assignment=assignment, reason=ended.reason,
                      agreement=ended.terms is not None,
                      durability=ended.durability.score if ended.durability else None,
                      rounds=game.state.round, results=results, log=log)


def assignments(scenario: Scenario, strategies: Sequence[str], seated: Sequence[str]) -> list[dict[str, str]]:
    """Every way of giving the strategies to the signing seats, in a fixed order."""
    seats = signing_seats(scenario, seated)
    return [dict(zip(seats, combo, strict=True))
            for combo in itertools.product(strategies, repeat=len(seats))]


def run_tournament(scenario: Scenario, games: int = 100, strategies: Sequence[str] = PARTY_STRATEGIES,
                   seed: int = 1, seated: Sequence[str] | None = None) -> dict[str, Any]:
    """Play `games` games over the assignments; return the summary as JSON-ready data."""
    seated = list(seated if seated is not None else default_seated(scenario))
    started = time.perf_counter()
    records = play_games(scenario, games, strategies, seed, seated)
    return summarise(scenario, records, strategies, seed, seated, time.perf_counter() - started)


def play_games(scenario: Scenario, games: int, strategies: Sequence[str] = PARTY_STRATEGIES,
               seed: int = 1, seated: Sequence[str] | None = None) -> list[GameRecord]:
    """The tournament's games, each played to its end (seeds `seed`, `seed + 1`, ...)."""
    seated = list(seated if seated is not None else default_seated(scenario))
    plans = assignments(scenario, strategies, seated)
    if games < len(plans):  # too few games for every pairing: a fair sample, not the first few
        plans = random.Random(seed).sample(plans, games)
    return [play_game(scenario, plans[k % len(plans)], seed + k, seated) for k in range(games)]


def summarise(scenario: Scenario, records: Sequence[GameRecord], strategies: Sequence[str], seed: int,
              seated: Sequence[str], seconds: float) -> dict[str, Any]:
    """The tournament report of `records`, as JSON-ready data."""
    games = len(records)
    return {
        "scenario": scenario.id,
        "games": games,
        "seed": seed,
        "strategies": list(strategies),
        "seated": list(seated),
        "names": {d.id: d.name for d in scenario.delegations if d.id in seated},
        "seconds": round(seconds, 3),
        "overall": _summary([(r, None) for r in records]),
        "by_strategy": _grouped(records, lambda r, d: r.assignment[d]),
        "by_delegation": _grouped(records, lambda r, d: d),
        "by_delegation_and_strategy": {
            delegation: _grouped(records, lambda r, d: r.assignment[d], only=delegation)
            for delegation in signing_seats(scenario, seated)},
        "lessons": lesson_counts(scenario, records),
    }


def _grouped(records: Sequence[GameRecord], key: Any, only: str | None = None) -> dict[str, dict[str, Any]]:
    rows: dict[str, list[tuple[GameRecord, str]]] = defaultdict(list)
    for record in records:
        for delegation in record.assignment:
            if only is None or delegation == only:
                rows[key(record, delegation)].append((record, delegation))
    return {name: _summary(rows[name]) for name in sorted(rows)}


def _summary(rows: Sequence[tuple[GameRecord, str | None]]) -> dict[str, Any]:
    """Agreement rate, mean surplus and result (of the named seats) with the spread of results
    (min, quartiles, max), mean durability of agreements, rounds."""
    surplus = [r.results[d].surplus for r, d in rows if d is not None and d in r.results]
    results = sorted(r.results[d].result for r, d in rows if d is not None and d in r.results)
    durable = [r.durability for r, _ in rows if r.durability is not None]
    return {
        "seats": len(rows),
        "agreement_rate": round(sum(r.agreement for r, _ in rows) / len(rows), 3) if rows else 0.0,
        "mean_surplus": round(sum(surplus) / len(surplus), 2) if surplus else None,
        "mean_result": round(sum(results) / len(results), 2) if results else None,
        "results": _spread(results),
        "mean_durability": round(sum(durable) / len(durable), 3) if durable else None,
        "mean_rounds": round(sum(r.rounds for r, _ in rows) / len(rows), 2) if rows else 0.0,
    }


def _spread(values: Sequence[float]) -> list[float] | None:
    """[min, lower quartile, median, upper quartile, max] of sorted values."""
    if not values:
        return None
    if len(values) == 1:
        return [values[0]] * 5
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return [values[0], round(q1, 2), round(q2, 2), round(q3, 2), values[-1]]


def lesson_counts(scenario: Scenario, records: Sequence[GameRecord]) -> dict[str, Any]:
    """How often each lesson showed, over the games: each durability factor in the agreements
    (by factor, with its lesson), public positions signed against, interim agreements and what
    became of them, and games that lost rounds to the war."""
    factors: dict[str, int] = defaultdict(int)
    public = interims = collapsed = delayed = 0
    for record in records:
        ended = next(e for e in reversed(record.log) if isinstance(e, ev.GameEnded))
        if ended.durability is not None:
            for reason in ended.durability.reasons:
                factors[reason.factor] += 1
        if lessons.public_positions(scenario, ended.terms, ended.signatories):
            public += 1
        interims += sum(isinstance(e, ev.InterimAgreed) for e in record.log)
        collapsed += sum(isinstance(e, ev.InterimCollapsed) for e in record.log)
        delayed += ended.rounds_lost > 0
    lesson_of = {f.id: f.lesson for f in scenario.outcome.factors}
    return {
        "factors": {f.id: {"lesson": f.lesson, "effect": f.effect, "when": f.when_it_fires,
                           "games": factors.get(f.id, 0)} for f in scenario.outcome.factors},
        "by_lesson": {lesson: sum(n for f, n in factors.items() if lesson_of.get(f) == lesson)
                      for lesson in dict.fromkeys(lesson_of.values())},
        "public_positions_signed_against": public,
        "interim_agreements": interims,
        "interims_collapsed": collapsed,
        "games_with_rounds_lost": delayed,
    }
