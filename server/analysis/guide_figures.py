"""The measured part of a teacher's guide: what 100 all-bot games of the scenario give.

Each guide (``scenarios/guides/ID.md``) holds one block between `START` and `END` markers,
written by this module from a seeded tournament (`parley tournament ID --games 100 --seed 1`),
so the figures a teacher reads are the ones the code gives, with the command that gave them.
A test regenerates every block and fails when a guide is stale; refresh them all with

    python -m server.analysis.guide_figures

(run from the repository root after changing a scenario or the scoring).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean

from server.analysis.playtest import read_games
from server.bots.strategies import PARTY_STRATEGIES
from server.bots.tournament import GameRecord, default_seated, play_games
from server.engine.scoring import durability_label
from server.figures import number, signed_number
from server.scenario.loader import bundled_scenarios
from server.scenario.model import Scenario

GAMES = 100
SEED = 1
START = "<!-- figures: written by `python -m server.analysis.guide_figures`; do not edit by hand -->"
END = "<!-- /figures -->"
# How the games are played: `play_games`, or the same games from a cache (the tests share one).
PlayGames = Callable[[Scenario, int, Sequence[str], int, Sequence[str]], Sequence[GameRecord]]
_BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)


def command(scenario: Scenario, games: int = GAMES, seed: int = SEED, seat_absent: bool = False) -> str:
    return f"parley tournament {scenario.id} --games {games} --seed {seed}" + (" --seat-absent" if seat_absent else "")


def figures_markdown(scenario: Scenario, games: int = GAMES, seed: int = SEED, play: PlayGames = play_games) -> str:
    """The figures block of `scenario`'s guide, markers included: as the scenario seats its
    delegations, and again with the absent ones seated, if it has any."""
    absent = [d.name for d in scenario.delegations if d.absent]
    lines = [START, "", "#### As the scenario starts", ""]
    lines += _tournament(scenario, games, seed, False, play)
    if absent:
        lines += ["", f"#### With the absent seats filled ({', '.join(absent)})", ""]
        lines += _tournament(scenario, games, seed, True, play)
    return "\n".join(lines + ["", END])


def _tournament(scenario: Scenario, games: int, seed: int, seat_absent: bool, play: PlayGames) -> list[str]:
    seated = [d.id for d in scenario.delegations] if seat_absent else default_seated(scenario)
    records = play(scenario, games, PARTY_STRATEGIES, seed, seated)
    report = read_games(scenario, records, seed)
    names = {d.id: d.name for d in scenario.delegations}
    agreed = [r for r in records if r.agreement]
    endings = ", ".join(f"{_ENDINGS.get(reason, reason)} {n}" for reason, n in sorted(report.endings.items()))
    waiting = report.waiting.verdict.removeprefix("waiting pays: ")
    lines = [f"Measured with `{command(scenario, games, seed, seat_absent)}`: every seated delegation played "
             f"by a bot, the strategies {', '.join(PARTY_STRATEGIES)} given in turn to the signing seats "
             "(a mediator always mediates). The same command gives the same games.", "",
             f"- **Agreements:** {len(agreed)} of {games} games ({report.agreement_rate:.0%}). "
             f"Endings: {endings}.",
             f"- **Durability of the agreements:** {_labels(agreed)}.",
             f"- **Rounds used:** {report.mean_rounds:.1f} on average, of {scenario.rounds}.",
             f"- **Does waiting pay?** {'yes: ' + waiting if report.waiting.pays else 'no'}.", "",
             "Surplus is what an agreement gained a seat over no deal; result is what it was worth "
             "less the war the seat paid for while the talks went on.", "",
             "| strategy | seats | agreed | mean surplus | mean result |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {row.strategy} | {row.seats} | {row.agreement_rate:.0%} | {_signed(row.mean_surplus)} "
              f"| {_plain(row.mean_result)} |" for row in report.by_strategy]
    lines += ["", "| delegation | mean surplus | lowest | highest |", "|---|---:|---:|---:|"]
    lines += [_delegation_row(names[d], records, d) for d in seated]
    lines += ["", "| lesson | when it fires (the factor) | agreements where it fired |", "|---|---|---:|"]
    lines += [f"| {x.lesson} | {x.when} (`{x.factor}`) | {x.agreements} ({x.share:.0%}) |" for x in report.lessons]
    return lines


_ENDINGS = {"agreement": "agreement", "walkout": "walkout", "last_round": "last round reached",
            "facilitator": "ended by the facilitator"}


def _labels(agreed: Sequence[GameRecord]) -> str:
    scores = [r.durability for r in agreed if r.durability is not None]
    if not scores:
        return "none (no agreement)"
    counts = Counter(durability_label(s).split(":")[0] for s in scores)
    parts = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    return f"{parts}; mean {number(mean(scores))}"


def _signed(value: float | None) -> str:
    return "-" if value is None else signed_number(value)


def _plain(value: float | None) -> str:
    return "-" if value is None else number(value)


def _delegation_row(name: str, records: Sequence[GameRecord], delegation: str) -> str:
    surplus = [r.results[delegation].surplus for r in records if delegation in r.results]
    if not surplus:
        return f"| {name} | - | - | - |"
    low, mean_, high = (signed_number(v) for v in (min(surplus), mean(surplus), max(surplus)))
    return f"| {name} | {mean_} | {low} | {high} |"


def refreshed(guide: str, scenario: Scenario) -> str:
    """`guide` with its figures block rewritten (a guide without one is returned unchanged)."""
    return _BLOCK.sub(lambda _: figures_markdown(scenario), guide, count=1)


def figures_block(guide: str) -> str | None:
    found = _BLOCK.search(guide)
    return found.group(0) if found else None


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the figures of every guide in scenarios/guides/ (from the repository root)."""
    folder = Path(argv[0] if argv else "scenarios/guides")
    scenarios = bundled_scenarios()
    for path in sorted(folder.glob("*.md")):
        scenario = scenarios.get(path.stem)
        if scenario is None:
            print(f"{path}: no bundled scenario {path.stem!r}; skipped", file=sys.stderr)
            continue
        text = path.read_text(encoding="utf-8")
        new = refreshed(text, scenario)
        if new != text:
            path.write_text(new, encoding="utf-8")
        print(f"{path}: {'updated' if new != text else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
