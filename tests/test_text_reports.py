"""The tournament, scenario-check and playtest reports as laid out by rich say what the data says."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from server.analysis import scenario_check
from server.analysis.playtest import playtest
from server.bots.tournament import run_tournament
from server.cli import main
from server.cli.text_reports import check_text, tournament_text
from server.figures import number, signed_number
from server.scenario import bundled_scenarios

TUTORIAL = bundled_scenarios()["tutorial"]


def has_row(text: str, cells: Sequence[object]) -> bool:
    """Some line of `text` is exactly these cells, in this order, with only spaces between."""
    pattern = r"\s*" + r"\s+".join(re.escape(str(c)) for c in cells) + r"\s*"
    return any(re.fullmatch(pattern, line) for line in text.splitlines())


def signed(value: float | None) -> str:
    return "-" if value is None else signed_number(value)


def plain(value: float | None) -> str:
    return "-" if value is None else number(value)


def tournament_cells(name: str, row: Mapping[str, Any]) -> list[object]:
    spread = [number(v) for v in row.get("results") or []] or ["-"]
    return [name, row["seats"], f"{row['agreement_rate']:.0%}", signed(row["mean_surplus"]),
            plain(row.get("mean_result")), *spread, plain(row["mean_durability"]), f"{row['mean_rounds']:.1f}"]


@pytest.fixture(scope="module")
def tournament() -> dict[str, Any]:
    return run_tournament(TUTORIAL, games=8, seed=2)


def test_the_tournament_text_has_every_row_of_the_report(tournament: dict[str, Any]) -> None:
    """Each strategy, delegation and the overall row appear as one line with all their figures."""
    text = tournament_text(tournament, width=200)
    assert text.splitlines()[0].startswith("tutorial: 8 games, seed 2, ")
    assert "seated: Upland, Lowland, River Commission" in text.splitlines()[0]
    for heading in ("by strategy", "by delegation", "overall"):
        assert any(line.startswith(heading) for line in text.splitlines())
    names = tournament["names"]
    rows = [*tournament["by_strategy"].items(), *((names[d], r) for d, r in tournament["by_delegation"].items()),
            ("all games", tournament["overall"])]
    assert len(rows) > 4
    for name, row in rows:
        assert has_row(text, tournament_cells(name, row)), name


def test_the_tournament_text_counts_each_lesson(tournament: dict[str, Any]) -> None:
    """Each durability factor's lesson and effect, games and when it fires (its reason, not its id: a teacher reads it), and the three counts, are on their lines."""
    text = tournament_text(tournament, width=200)
    counts = tournament["lessons"]
    assert counts["factors"]
    for factor, row in counts["factors"].items():
        assert has_row(text, [f"{row['lesson']} ({signed_number(row['effect'])})", row["games"],
                              row["when"]]), factor
        assert not re.search(rf"\b{factor}\b(?! by)", text), factor  # ("monitored by the Commission" is the reason)
    assert counts["factors"]["monitored"]["when"] == ("The flow is guaranteed and monitored by the "
                                                                  "Commission, not merely promised")
    assert has_row(text, ["Public positions signed against", counts["public_positions_signed_against"]])
    assert has_row(text, ["Interim agreements", counts["interim_agreements"],
                          f"{counts['interims_collapsed']} collapsed"])
    assert has_row(text, ["Rounds lost to war", counts["games_with_rounds_lost"]])


def test_at_80_columns_every_line_fits_and_no_figure_is_split(tournament: dict[str, Any]) -> None:
    """On an 80-column terminal the tables wrap their long text, never a name or a number."""
    text = tournament_text(tournament, width=80)
    assert max(map(len, text.splitlines())) <= 80
    tokens = set(text.split())
    for name, row in tournament["by_strategy"].items():
        cells = [str(c) for c in tournament_cells(name, row)]
        line = next(line for line in text.splitlines() if line.startswith(name + " "))
        assert line.split()[:5] == cells[:5] and line.split()[-2:] == cells[-2:], line
        assert set(cells) <= tokens, name  # the spread wraps between its numbers, never inside one


def test_the_check_text_has_the_space_the_history_and_the_playtest() -> None:
    """`scenarios check` text: zone, frontier, Nash point, each delegation's figures, the
    historical terms' results, the playtest's strategies and lessons, and the warnings; a person
    reads the scenario's words (delegation names, issue titles, option labels), never its ids."""
    report = scenario_check(TUTORIAL)
    names = {d.id: d.name for d in TUTORIAL.delegations}
    played = playtest(TUTORIAL, 6, 1, source="tutorial")
    text = check_text(report, played, width=200)
    assert text.startswith(f"{report['title']} (tutorial)\n  packages: 27\n")
    assert f"  zone of agreement: {report['zone']:,} packages (r1: " in text
    assert f"  Pareto frontier over {names['upland']}, {names['lowland']}: {report['frontier']:,} packages" in text
    issues = {i.id: i for i in TUTORIAL.issues}
    nash = "; ".join(f"{issues[i].title}: {issues[i].option(o).label}"  # type: ignore[union-attr]
                     for i, o in report["nash"]["terms"].items())
    assert f"  Nash point: {nash}\n      gains: " in text
    for d, row in report["delegations"].items():
        assert has_row(text, [names[d], number(row['reservation']), number(row['best']), number(row['worst'])]), d
    history = report["history"]
    assert f"durability {number(history['durability']['score'])} ({history['durability']['label']})" in text
    for d, row in history["delegations"].items():
        assert has_row(text, [names[d], number(row['result']), signed_number(row['surplus'])]), d
    assert f"  playtest: 6 all-bot games ({played.command})" in text
    assert f"agreement rate {played.agreement_rate:.0%}; endings: " in text
    for s in played.by_strategy:
        assert has_row(text, [s.strategy, s.seats, f"{s.agreement_rate:.0%}", signed(s.mean_surplus),
                              plain(s.mean_result)]), s.strategy
    for x in played.lessons:
        assert has_row(text, [x.lesson, x.agreements, f"{x.share:.0%}", x.when]), x.factor
    for d in names:
        assert f" {d} " not in text and f" {d}," not in text, d
    assert f"    {played.waiting.verdict}\n" in text
    assert text.endswith("  no warnings\n") if not report["warnings"] else "  warning: " in text


def test_a_warning_and_a_hostile_title_are_shown_not_obeyed() -> None:
    """A title with an escape sequence and rich markup is printed as visible text; warnings are listed."""
    report = {"title": "Evil \x1b[2J[bold red]title[/bold red]", "scenario": "evil", "packages": 1200,
              "warnings": ["issues[0]: [link=x]no one cares[/link]"]}
    text = check_text(report, width=120)
    assert "\x1b" not in text
    assert "Evil ␛[2J[bold red]title[/bold red] (evil)" in text
    assert "  packages: 1,200" in text
    assert "  warning: issues[0]: [link=x]no one cares[/link]" in text
    assert "no warnings" not in text


def test_the_commands_print_the_text_reports(capsys: pytest.CaptureFixture[str]) -> None:
    """`parley tournament` and `parley scenarios check --games` print these texts (piped: full width)."""
    assert main(["tournament", "tutorial", "--games", "3", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    report = run_tournament(TUTORIAL, games=3, seed=5)
    for delegation, row in report["by_delegation"].items():
        assert has_row(out, tournament_cells(report["names"][delegation], row)), delegation
    assert main(["scenarios", "check", "tutorial", "--games", "3"]) == 0
    out = capsys.readouterr().out
    assert "playtest: 3 all-bot games (parley tournament tutorial --games 3 --seed 1)" in out
    assert has_row(out, ["strategy", "seats", "agreed", "surplus", "result"])
