"""docs/scenario-guide.md: its worked example validates, and the commands it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.cli import build_parser
from server.scenario.loader import parse_scenario

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "scenario-guide.md"


def test_the_worked_example_validates_as_printed() -> None:
    """The complete scenario in the guide's worked example loads with no error."""
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    example = next(b for b in blocks if b.lstrip().startswith("# yaml-language-server") and "history:" in b)
    scenario = parse_scenario(example, "docs/scenario-guide.md")
    assert scenario.id == "harbour" and {d.kind.value for d in scenario.delegations} == {"party", "mediator", "guarantor"}


def test_the_worked_example_plays_as_the_guide_says() -> None:
    """Bots agree most of the time, every seat gains somewhere, waiting does not pay, and both lessons fire."""
    from server.analysis.playtest import playtest

    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    example = next(b for b in blocks if b.lstrip().startswith("# yaml-language-server") and "history:" in b)
    report = playtest(parse_scenario(example, "docs/scenario-guide.md"), games=40)
    fired = {x.factor: x.agreements for x in report.lessons}
    assert report.agreement_rate >= 0.5 and report.never_gained == [] and not report.waiting.pays
    assert fired["no_inspection"] > 0 and fired["enforced"] > 0 and report.leaks == []


def test_every_parley_command_in_the_guide_parses() -> None:
    """Each `parley ...` line in a code block is accepted by the real argument parser."""
    lines, fenced = [], False
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced and line.startswith("parley "):
            lines.append(line.split("  #")[0].split(" > ")[0].strip())
    assert len(lines) >= 8
    parser = build_parser()
    for line in lines:
        argv = line.split()[1:]
        try:
            parser.parse_args(argv)
        except SystemExit as exc:
            pytest.fail(f"{line!r} does not parse (status {exc.code})")
