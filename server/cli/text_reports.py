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

if TYPE_CHECKING:
    from server.analysis.playtest import Playtest

LESSON = "lesson (effect on durability)"
SPREAD = "results (min q1 median q3 max)"


def tournament_text(report: Mapping[str, Any], width: int | None = None) -> str:
    """`parley tournament`: a table per strategy and per delegation, the overall row, the lessons."""
    parts: list[RenderableType | str] = [
        f"{report['scenario']}: {report['games']} games, seed {report['seed']}, "
        f"{report['seconds']:.1f} s; seated: {', '.join(report['seated'])}"]
    for title, rows in (("strategy", report["by_strategy"]), ("delegation", report["by_delegation"])):
        parts += ["", _tournament_table(f"by {title}", rows)]
    parts += ["", _tournament_table("overall", {"all games": report["overall"]})]
    counts = report.get("lessons")
    if counts:
        rows = [[factor, row["games"], f"{row['lesson']} ({row['effect']:+.2f})"]
                for factor, row in counts["factors"].items()]
        rows += [["public positions signed against", counts["public_positions_signed_against"], ""],
                 ["interim agreements (collapsed)", counts["interim_agreements"],
                  f"({counts['interims_collapsed']} collapsed)"],
                 ["games with rounds lost to war", counts["games_with_rounds_lost"], ""]]
        parts += ["", "lessons (games in which each showed)",
                  _indented(text_table(["factor", "games", LESSON], rows, right=["games"], wrap=[LESSON]), 2)]
    return render_text(parts, width)


def _tournament_table(title: str, rows: Mapping[str, Mapping[str, Any]]) -> RenderableType:
    columns = [title, "seats", "agreed", "surplus", "result", SPREAD, "durability", "rounds"]
    return text_table(columns, [_tournament_row(name, row) for name, row in rows.items()], right=columns[1:],
                      wrap=[SPREAD])


def _tournament_row(name: str, row: Mapping[str, Any]) -> list[object]:
    surplus = "-" if row["mean_surplus"] is None else f"{row['mean_surplus']:+.1f}"
    result = "-" if row.get("mean_result") is None else f"{row['mean_result']:.1f}"
    spread = "-" if not row.get("results") else " ".join(f"{v:.0f}" for v in row["results"])
    durable = "-" if row["mean_durability"] is None else f"{row['mean_durability']:.2f}"
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
    rounds = ", ".join(f"r{r['round']}: {r['zone']:,}" for r in report["zone_by_round"])
    parts: list[RenderableType | str] = [
        f"  zone of agreement: {report['zone']:,} packages ({rounds})",
        f"  Pareto frontier over {', '.join(report['table'])}: {report['frontier']:,} packages",
    ]
    for label, key in (("Nash point", "nash"), ("greatest joint gain", "greatest_joint_gain")):
        parts += _package(label, report[key])
    rows = [[d, f"{row['reservation']:.2f}", f"{row['best']:.2f}", f"{row['worst']:.2f}"]
            for d, row in report["delegations"].items()]
    columns = ["delegation", "reservation", "best", "worst"]
    parts.append(_indented(text_table(columns, rows, right=columns[1:]), 2))
    history = report.get("history")
    if history is not None:
        durability = history["durability"]
        parts.append(f"  history (round {history['round']}, signed by {', '.join(history['signed'])}): "
                     f"durability {durability['score']:.2f} ({durability['label']})")
        parts += [f"    {r['lesson']} ({r['effect']:+.2f}): {r['reason']}" for r in durability["reasons"]]
        rows = [[d, f"{row['result']:.2f}", f"{row['surplus']:+.2f}"] for d, row in history["delegations"].items()]
        parts.append(_indented(text_table(["delegation", "result", "surplus"], rows, right=["result", "surplus"]), 4))
    return parts


def _package(label: str, package: Mapping[str, Any] | None) -> list[str]:
    if package is None:
        return [f"  {label}: none"]
    terms = ", ".join(f"{issue}={option}" for issue, option in package["terms"].items())
    gains = ", ".join(f"{d} {g:+.2f}" for d, g in package["gains"].items())
    return [f"  {label}: {terms}", f"      gains: {gains}; joint gain {package['joint_gain']:.2f}"]


def _playtest(report: Playtest) -> list[RenderableType | str]:
    ends = ", ".join(f"{n} {reason}" for reason, n in sorted(report.endings.items()))
    durability = "-" if report.mean_durability is None else f"{report.mean_durability:.2f}"
    strategies = [[row.strategy, row.seats, f"{row.agreement_rate:.0%}",
                   "-" if row.mean_surplus is None else f"{row.mean_surplus:+.1f}",
                   "-" if row.mean_result is None else f"{row.mean_result:.1f}"] for row in report.by_strategy]
    lessons = [[x.factor, x.agreements, f"{x.share:.0%}", x.lesson] for x in report.lessons]
    return [
        f"  playtest: {report.games} all-bot games ({report.command})",
        f"    agreement rate {report.agreement_rate:.0%}; endings: {ends}; "
        f"mean durability {durability}; mean rounds {report.mean_rounds:.1f}",
        _indented(text_table(["strategy", "seats", "agreed", "surplus", "result"], strategies,
                             right=["seats", "agreed", "surplus", "result"]), 4),
        "    lessons (agreements where the factor fired):",
        _indented(text_table(["factor", "agreements", "share", "lesson"], lessons,
                             right=["agreements", "share"], wrap=["lesson"]), 6),
        f"    {report.waiting.verdict}",
        f"    seats that never gained: {', '.join(report.never_gained) or 'none'}",
        f"    secrets in public text: {len(report.leaks) or 'none'}",
    ]


def _indented(renderable: RenderableType, spaces: int) -> Padding:
    return Padding(renderable, (0, 0, 0, spaces))

