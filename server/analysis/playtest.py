"""`parley scenarios check`'s playtest: a short all-bot tournament, read for what an author needs.

`playtest(scenario, games, seed)` plays `games` all-bot games (the tournament of
`server.bots.tournament`, every seated delegation a bot) and reports, as a typed `Playtest`:

* how often the bots agree, and how games end;
* which lessons fire: for each durability factor, in how many agreements it applied;
* whether waiting pays: does a strategy that holds out (boulware, the slowest conceder, or
  the hardliner, who never concedes) beat the linear and conceder strategies, and are
  agreements signed late worth more to their signers than early ones;
* seats that never gained in any game, and issues every agreement settled the same way;
* secrets leaked into public text (`server.analysis.leaks`).

Every warning carries the place in the file to change, in the loader's notation
(``delegations[2].hidden.reservation``), and the report says which `parley tournament`
command reproduces its figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from statistics import mean

from pydantic import BaseModel

from server.analysis.leaks import Leak, find_leaks
from server.bots.strategies import PARTY_STRATEGIES
from server.bots.tournament import GameRecord, default_seated, play_games, signing_seats
from server.engine import events as ev
from server.figures import signed_number
from server.scenario.model import Scenario

DEFAULT_GAMES = 40
WAITING = ("boulware", "hardliner")  # the strategies that hold out: the slowest to concede, and never
PROMPT = ("linear", "conceder")   # the strategies waiting must not beat


class Placed(BaseModel):
    """A warning and the place in the scenario file it is about."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class LessonFiring(BaseModel):
    factor: str
    lesson: str
    when: str  # the factor's reason, up to its quotation
    place: str
    agreements: int
    share: float


class StrategyRow(BaseModel):
    strategy: str
    seats: int
    agreement_rate: float
    mean_surplus: float | None
    mean_result: float | None


class Waiting(BaseModel):
    """Whether the bots that wait do better than those that concede, by mean result (what the
    agreement is worth to a seat less the war it paid for while talking)."""

    pays: bool
    waiting_result: float | None
    prompt_result: dict[str, float | None]
    early_result: float | None
    late_result: float | None
    verdict: str


class Playtest(BaseModel):
    games: int
    seed: int
    command: str
    agreement_rate: float
    endings: dict[str, int]
    mean_durability: float | None
    mean_rounds: float
    by_strategy: list[StrategyRow]
    lessons: list[LessonFiring]
    waiting: Waiting
    never_gained: list[str]
    leaks: list[Leak]
    warnings: list[Placed]


def playtest(scenario: Scenario, games: int = DEFAULT_GAMES, seed: int = 1,
             source: str | None = None) -> Playtest:
    """Play `games` all-bot games of `scenario` and read them for its author."""
    records = play_games(scenario, games, PARTY_STRATEGIES, seed, default_seated(scenario))
    return read_games(scenario, records, seed, source)


def read_games(scenario: Scenario, records: Sequence[GameRecord], seed: int = 1,
               source: str | None = None) -> Playtest:
    """The playtest report of games already played (seeds from `seed`)."""
    games = len(records)
    seated = default_seated(scenario)
    agreed = [r for r in records if r.agreement]
    lessons = _lessons(scenario, agreed)
    waiting = _waiting(records, signing_seats(scenario, seated))
    never = _never_gained(scenario, records)
    leaks = find_leaks(scenario)
    report = Playtest(
        games=games, seed=seed,
        command=f"parley tournament {source or scenario.id} --games {games} --seed {seed}",
        agreement_rate=round(len(agreed) / games, 3) if games else 0.0,
        endings=dict(Counter(r.reason for r in records)),
        mean_durability=_mean([r.durability for r in agreed if r.durability is not None], 3),
        mean_rounds=round(mean(r.rounds for r in records), 2) if records else 0.0,
        by_strategy=_strategies(records), lessons=lessons, waiting=waiting, never_gained=never,
        leaks=leaks, warnings=[])
    report.warnings = list(_warnings(scenario, report, agreed))
    return report


def _mean(values: Sequence[float], digits: int = 2) -> float | None:
    return round(mean(values), digits) if values else None


def _terms(record: GameRecord) -> dict[str, str]:
    ended = next(e for e in reversed(record.log) if isinstance(e, ev.GameEnded))
    return dict(ended.terms or {})


def _reasons(record: GameRecord) -> set[str]:
    ended = next(e for e in reversed(record.log) if isinstance(e, ev.GameEnded))
    return {r.factor for r in ended.durability.reasons} if ended.durability else set()


def _lessons(scenario: Scenario, agreed: Sequence[GameRecord]) -> list[LessonFiring]:
    fired = Counter(factor for record in agreed for factor in _reasons(record))
    return [LessonFiring(factor=f.id, lesson=f.lesson, when=f.when_it_fires, place=f"outcome.factors[{k}]",
                         agreements=fired[f.id], share=round(fired[f.id] / len(agreed), 3) if agreed else 0.0)
            for k, f in enumerate(scenario.outcome.factors)]


def _strategies(records: Sequence[GameRecord]) -> list[StrategyRow]:
    rows: dict[str, list[tuple[GameRecord, str]]] = {}
    for record in records:
        for delegation, strategy in record.assignment.items():
            rows.setdefault(strategy, []).append((record, delegation))
    return [StrategyRow(strategy=name, seats=len(seats),
                        agreement_rate=round(sum(r.agreement for r, _ in seats) / len(seats), 3),
                        mean_surplus=_mean([r.results[d].surplus for r, d in seats if d in r.results]),
                        mean_result=_mean([r.results[d].result for r, d in seats if d in r.results]))
            for name, seats in sorted(rows.items())]


def _waiting(records: Sequence[GameRecord], signers: Sequence[str]) -> Waiting:
    by_strategy = {row.strategy: row.mean_result for row in _strategies(records)}
    holding = {name: by_strategy[name] for name in WAITING if by_strategy.get(name) is not None}
    best = max(holding, key=lambda name: holding[name] or 0.0) if holding else None
    waiting = holding[best] if best is not None else None
    prompt = {name: by_strategy.get(name) for name in PROMPT}
    beaten = [v for v in prompt.values() if v is not None]
    strategy_pays = waiting is not None and bool(beaten) and all(waiting > v for v in beaten)
    early, late = _early_late(records, signers)
    rounds_pay = early is not None and late is not None and late > early
    if strategy_pays:
        verdict = (f"waiting pays: {best} bots' mean result is {signed_number(waiting or 0.0)}, more than "
                   + " and ".join(f"{n} ({signed_number(v)})" for n, v in prompt.items() if v is not None))
    elif rounds_pay:
        verdict = (f"waiting pays: agreements signed late give their signers {signed_number(late or 0.0)}, "
                   f"early ones {signed_number(early or 0.0)} (mean result)")
    else:
        verdict = "waiting does not pay"
    return Waiting(pays=strategy_pays or rounds_pay, waiting_result=waiting, prompt_result=prompt,
                   early_result=early, late_result=late, verdict=verdict)


def _early_late(records: Sequence[GameRecord], signers: Sequence[str]) -> tuple[float | None, float | None]:
    """Mean signers' result of agreements in the earlier and the later half of the rounds used."""
    agreed = sorted((r for r in records if r.agreement), key=lambda r: r.rounds)
    if len({r.rounds for r in agreed}) < 2:
        return None, None
    middle = sorted(r.rounds for r in agreed)[len(agreed) // 2]
    def result(group: list[GameRecord]) -> float | None:
        return _mean([r.results[d].result for r in group for d in signers if d in r.results])
    return result([r for r in agreed if r.rounds < middle]), result([r for r in agreed if r.rounds >= middle])


def _never_gained(scenario: Scenario, records: Sequence[GameRecord]) -> list[str]:
    """Signing seats that gained in no game, when some games were agreed (else nobody gained)."""
    seats = signing_seats(scenario, default_seated(scenario))
    if not any(r.agreement for r in records):
        return []
    return [d for d in seats if all(d not in r.results or r.results[d].surplus <= 0 for r in records)]


def _warnings(scenario: Scenario, report: Playtest, agreed: Sequence[GameRecord]) -> Iterator[Placed]:
    index = {d.id: k for k, d in enumerate(scenario.delegations)}
    if not agreed:
        yield Placed(place="delegations", message=f"the bots reached no agreement in {report.games} games: "
                     "lower some reservation values or widen the points tables")
    effects = {f.id: f.effect for f in scenario.outcome.factors}
    for lesson in report.lessons:
        # A penalty that never fires means the bots avoided that mistake; a reward that never
        # fires means no game ever reaches the lesson it teaches.
        if agreed and not lesson.agreements and effects[lesson.factor] > 0:
            yield Placed(place=lesson.place, message=f"factor {lesson.factor!r} ({lesson.lesson}) rewards "
                         f"terms that none of {len(agreed)} agreements reached")
    if report.waiting.pays:
        drifting = [k for d, k in index.items() if scenario.delegations[k].hidden.reservation_drift < 0]
        place = (f"delegations[{drifting[0]}].hidden.reservation_drift" if drifting
                 else "delegations[0].hidden.war_cost_per_round")
        yield Placed(place=place, message=report.waiting.verdict + ": make delay cost more (war cost) "
                     "or let reservation values drift less")
    for d in report.never_gained:
        yield Placed(place=f"delegations[{index[d]}].hidden.reservation",
                     message=f"{d} gained in none of {report.games} games: its reservation value is above "
                             "everything it was offered")
    yield from _settled_issues(scenario, agreed)
    for leak in report.leaks:
        yield Placed(place=leak.place, message=leak.message)


def _settled_issues(scenario: Scenario, agreed: Sequence[GameRecord]) -> Iterator[Placed]:
    if len(agreed) < 5:  # too few agreements to say an issue never matters
        return
    for k, issue in enumerate(scenario.issues):
        chosen = Counter(_terms(r).get(issue.id) for r in agreed)
        if len(chosen) == 1:
            (option,) = chosen
            yield Placed(place=f"issues[{k}]", message=f"all {len(agreed)} agreements settled it as "
                         f"{option!r}: in play the issue never matters (no one trades on it)")
