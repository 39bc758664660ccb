"""The tournament, the scenario check and its playtest as text for a terminal, laid out by rich.

The reports themselves are JSON-able data made elsewhere (`server.bots.tournament`,
`server.analysis.check`, `server.analysis.playtest`; `--json` prints them as they are); this
module only arranges them: sentences as lines, figures as rich tables with their numbers
right-aligned. Each function returns the text, so a test can read what a user would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.padding import Padding

from server.cli.common import render_text, text_table
from server.figures import number, signed_number

if TYPE_CHECKING:
    from server.analysis.playtest import Playtest

LESSON = "lesson (effect on durability)"
WHEN = "when it fires"
SPREAD = "results (min q1 median q3 max)"


def tournament_text(report: Mapping[str, Any], width: int | None = None) -> str:
    """`parley tournament`: a table per strategy and per delegation, the overall row, the lessons.

    Written for teachers: delegations by name, each durability factor by its lesson and when it
    fires (the scenario's reason); the factors' ids, which scenario authors need, are in --json."""
    names: Mapping[str, str] = report.get("names") or {}
    by_delegation = {names.get(d, d): row for d, row in report["by_delegation"].items()}
    parts: list[RenderableType | str] = [
        f"{report['scenario']}: {report['games']} games, seed {report['seed']}, "
        f"{report['seconds']:.1f} s; seated: {', '.join(names.get(d, d) for d in report['seated'])}"]
    for title, rows in (("strategy", report["by_strategy"]), ("delegation", by_delegation)):
        parts += ["", _tournament_table(f"by {title}", rows)]
    parts += ["", _tournament_table("overall", {"all games": report["overall"]})]
    counts = report.get("lessons")
    if counts:
        rows = [[f"{row['lesson']} ({signed_number(row['effect'])})", row["games"], row["when"]]
                for row in counts["factors"].values()]
        rows += [["Public positions signed against", counts["public_positions_signed_against"], ""],
                 ["Interim agreements", counts["interim_agreements"], f"{counts['interims_collapsed']} collapsed"],
                 ["Rounds lost to war", counts["games_with_rounds_lost"], ""]]
        parts += ["", "lessons (games in which each showed)",
                  _indented(text_table([LESSON, "games", WHEN], rows, right=["games"], wrap=[LESSON, WHEN]), 2)]
    return render_text(parts, width)


def _tournament_table(title: str, rows: Mapping[str, Mapping[str, Any]]) -> RenderableType:
    columns = [title, "seats", "agreed", "surplus", "result", SPREAD, "durability", "rounds"]
    return text_table(columns, [_tournament_row(name, row) for name, row in rows.items()], right=columns[1:],
                      wrap=[SPREAD])


def _tournament_row(name: str, row: Mapping[str, Any]) -> list[object]:
    surplus = "-" if row["mean_surplus"] is None else signed_number(row['mean_surplus'])
    result = "-" if row.get("mean_result") is None else number(row['mean_result'])
    spread = "-" if not row.get("results") else " ".join(number(v) for v in row["results"])
    durable = "-" if row["mean_durability"] is None else number(row['mean_durability'])
    return [name, row["seats"], f"{row['agreement_rate']:.0%}", surplus, result, spread, durable,
            f"{row['mean_rounds']:.1f}"]


def check_text(report: Mapping[str, Any], played: Playtest | None = None, width: int | None = None) -> str:
    """`parley scenarios check`: the outcome space, the playtest if one was played, the warnings."""
    parts: list[RenderableType | str] = [f"{report['title']} ({report['scenario']})",
                                         f"  packages: {report['packages']:,}"]
    if "zone" in report:
        parts += _space(report)
    if played is not None:
        parts += _playtest(played)
    parts += [f"  warning: {w}" for w in report["warnings"]] or ["  no warnings"]
    return render_text(parts, width)


def _space(report: Mapping[str, Any]) -> list[RenderableType | str]:
    names: Mapping[str, str] = report.get("names") or {}

    def named(ids: list[str]) -> str:
        return ", ".join(names.get(d, d) for d in ids)

    rounds = ", ".join(f"r{r['round']}: {r['zone']:,}" for r in report["zone_by_round"])
    parts: list[RenderableType | str] = [
        f"  zone of agreement: {report['zone']:,} packages ({rounds})",
        f"  Pareto frontier over {named(report['table'])}: {report['frontier']:,} packages",
    ]
    for label, key in (("Nash point", "nash"), ("greatest joint gain", "greatest_joint_gain")):
        parts += _package(label, report[key], report)
    rows = [[names.get(d, d), number(row['reservation']), number(row['best']), number(row['worst'])]
            for d, row in report["delegations"].items()]
    columns = ["delegation", "reservation", "best", "worst"]
    parts.append(_indented(text_table(columns, rows, right=columns[1:]), 2))
    history = report.get("history")
    if history is not None:
        durability = history["durability"]
        parts.append(f"  history (round {history['round']}, signed by {named(history['signed'])}): "
                     f"durability {number(durability['score'])} ({durability['label']})")
        parts += [f"    {r['lesson']} ({signed_number(r['effect'])}): {r['reason']}" for r in durability["reasons"]]
        rows = [[names.get(d, d), number(row['result']), signed_number(row['surplus'])]
                for d, row in history["delegations"].items()]
        parts.append(_indented(text_table(["delegation", "result", "surplus"], rows, right=["result", "surplus"]), 4))
    return parts


def _package(label: str, package: Mapping[str, Any] | None, report: Mapping[str, Any]) -> list[str]:
    """A package as the scenario words it: each issue's title and the option's label."""
    if package is None:
        return [f"  {label}: none"]
    issues: Mapping[str, Any] = report.get("issues") or {}
    names: Mapping[str, str] = report.get("names") or {}
    terms = "; ".join(f"{issues[issue]['title']}: {issues[issue]['options'][option]}" if issue in issues
                      else f"{issue}: {option}" for issue, option in package["terms"].items())
    gains = ", ".join(f"{names.get(d, d)} {signed_number(g)}" for d, g in package["gains"].items())
    return [f"  {label}: {terms}", f"      gains: {gains}; joint gain {number(package['joint_gain'])}"]


def _playtest(report: Playtest) -> list[RenderableType | str]:
    ends = ", ".join(f"{n} {reason}" for reason, n in sorted(report.endings.items()))
    durability = "-" if report.mean_durability is None else number(report.mean_durability)
    strategies = [[row.strategy, row.seats, f"{row.agreement_rate:.0%}",
                   "-" if row.mean_surplus is None else signed_number(row.mean_surplus),
                   "-" if row.mean_result is None else number(row.mean_result)] for row in report.by_strategy]
    lessons = [[x.lesson, x.agreements, f"{x.share:.0%}", x.when] for x in report.lessons]
    return [
        f"  playtest: {report.games} all-bot games ({report.command})",
        f"    agreement rate {report.agreement_rate:.0%}; endings: {ends}; "
        f"mean durability {durability}; mean rounds {report.mean_rounds:.1f}",
        _indented(text_table(["strategy", "seats", "agreed", "surplus", "result"], strategies,
                             right=["seats", "agreed", "surplus", "result"]), 4),
        "    lessons (agreements where the factor fired):",
        _indented(text_table(["lesson", "agreements", "share", WHEN], lessons,
                             right=["agreements", "share"], wrap=["lesson", WHEN]), 6),
        f"    {report.waiting.verdict}",
        f"    seats that never gained: {', '.join(report.never_gained) or 'none'}",
        f"    secrets in public text: {len(report.leaks) or 'none'}",
    ]


def _indented(renderable: RenderableType, spaces: int) -> Padding:
    return Padding(renderable, (0, 0, 0, spaces))

