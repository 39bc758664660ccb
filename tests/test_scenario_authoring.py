"""Authoring a scenario: `parley scenarios new`, the commented writer, and `check`'s playtest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from server.analysis.leaks import find_leaks
from server.analysis.playtest import playtest
from server.cli import main
from server.scenario import bundled_scenarios
from server.scenario.annotate import SECTION_NOTES, commented_yaml
from server.scenario.loader import load_scenario
from server.scenario.model import Scenario
from server.scenario.template import MAX_DELEGATIONS, MAX_ISSUES, blank_scenario, template_text


def written(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["scenarios", "new", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# ---------------------------------------------------------------- scenarios new


@pytest.mark.parametrize("delegations", range(2, MAX_DELEGATIONS + 1))
def test_every_blank_size_validates_as_written(delegations: int) -> None:
    """A blank scenario of every size the command accepts loads back, valid, to the same data."""
    for issues in range(1, MAX_ISSUES + 1):
        data = blank_scenario("size-test", delegations, issues)
        text = template_text(data)
        scenario = Scenario.model_validate(yaml.safe_load(text))
        assert len(scenario.delegations) == delegations and len(scenario.issues) == issues
        assert scenario == Scenario.model_validate(data)


def test_new_writes_a_file_that_validates_with_the_modeline_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`scenarios new ID --delegations 4 --issues 2 --out F` writes a valid file, modeline on line 1."""
    out = tmp_path / "myclass.yaml"
    status, stdout, _ = written(tmp_path, capsys, "myclass", "--delegations", "4", "--issues", "2", "--out", str(out))
    assert status == 0 and "Wrote" in stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=parley-scenario.schema.json"
    assert any("parley scenarios schema > parley-scenario.schema.json" in line for line in lines)
    scenario = load_scenario(out)
    assert scenario.id == "myclass" and len(scenario.delegations) == 4 and len(scenario.issues) == 2
    assert {d.kind.value for d in scenario.delegations} == {"party", "guarantor", "mediator"}
    assert main(["scenarios", "validate", str(out)]) == 0


@pytest.mark.parametrize("source", sorted(bundled_scenarios()))
def test_new_from_each_bundled_scenario_is_the_same_scenario_commented(
        source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--from` a bundled scenario writes it, commented, under the new id, equal in every field."""
    out = tmp_path / "copy.yaml"
    assert written(tmp_path, capsys, "my-copy", "--from", source, "--out", str(out))[0] == 0
    copy = load_scenario(out)
    assert copy.model_copy(update={"id": source}) == bundled_scenarios()[source]
    text = out.read_text(encoding="utf-8")
    for section in ("delegations", "issues", "pressure", "outcome", "history"):
        above = text.split(f"\n{section}:", 1)[0].rstrip().splitlines()[-1]
        assert above.startswith("# "), f"no comment above {section}"


def test_new_from_a_file_copies_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--from PATH` copies a scenario file, so a teacher can fork their own."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert written(tmp_path, capsys, "first", "--issues", "2", "--out", str(first))[0] == 0
    assert written(tmp_path, capsys, "second", "--from", str(first), "--out", str(second))[0] == 0
    assert load_scenario(second).model_copy(update={"id": "first"}) == load_scenario(first)


@pytest.mark.parametrize(("args", "expected"), [
    (["Bad-Id"], "is not a scenario id"),
    (["tutorial"], "is a bundled scenario's id"),
    (["x", "--delegations", "1"], "2 to 8 delegations"),
    (["x", "--issues", "9"], "1 to 8 issues"),
    (["x", "--from", "tutorial", "--issues", "2"], "with --from the copy keeps its own"),
    (["x", "--from", "no-such-scenario"], "no bundled scenario has this id"),
])
def test_new_refuses_bad_requests_in_one_line(args: list[str], expected: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A bad id, size or source is one line on stderr, status 1, and no file is written."""
    out = tmp_path / "x.yaml"
    status, _, err = written(tmp_path, capsys, *args, "--out", str(out))
    assert status == 1 and expected in err and "Traceback" not in err
    assert not out.exists()


def test_new_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing file is kept unless --force is given."""
    out = tmp_path / "mine.yaml"
    out.write_text("my work", encoding="utf-8")
    status, _, err = written(tmp_path, capsys, "mine", "--out", str(out))
    assert status == 1 and "exists already" in err and out.read_text(encoding="utf-8") == "my work"
    assert written(tmp_path, capsys, "mine", "--out", str(out), "--force")[0] == 0
    assert load_scenario(out).id == "mine"


def test_commented_yaml_keeps_awkward_strings_exactly() -> None:
    """Strings YAML would misread (yes, null, '# ', ': ', quotes, indented lines) load back unchanged."""
    awkward = ["yes", "null", "no", "12", "a # b", "key: value", "'quoted'", '"double"', " leading",
               "trailing ", "- dash", "line one\n  indented\nthree\n", "ends without newline\nx",
               "tab\there", "Киев — Київ", "{braces}, [brackets]", "", "a" * 200, "two\n\nblank lines\n"]
    data = blank_scenario("awkward", 3, 2)
    data["briefing"] = awkward[11]
    data["delegations"][0]["hidden"]["intelligence"] = awkward
    data["issues"][0]["options"][0]["label"] = "on"
    loaded = yaml.safe_load(commented_yaml(data))
    assert loaded == json.loads(json.dumps(data))


def test_every_top_level_field_of_the_model_is_explained() -> None:
    """Each field of a scenario has a note for authors, so a new field cannot go unexplained."""
    assert set(Scenario.model_fields) <= set(SECTION_NOTES)


# ---------------------------------------------------------------- check's playtest


def test_check_plays_bots_and_reports_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """`scenarios check tutorial --games 12` prints the agreement rate, lessons and waiting verdict."""
    assert main(["scenarios", "check", "tutorial", "--games", "12"]) == 0
    out = capsys.readouterr().out
    assert "playtest: 12 all-bot games (parley tournament tutorial --games 12 --seed 1)" in out
    assert "agreement rate" in out and "lessons" in out and "waiting" in out
    for factor in bundled_scenarios()["tutorial"].outcome.factors:
        assert factor.lesson in out  # (by the scenario's words; its ids are in --json)


def test_check_json_carries_the_playtest_and_games_zero_skips_it(capsys: pytest.CaptureFixture[str]) -> None:
    """--json has a typed playtest whose figures add up; --games 0 leaves it out."""
    assert main(["scenarios", "check", "tutorial", "--games", "10", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    played = report["playtest"]
    assert played["games"] == 10 and sum(played["endings"].values()) == 10
    assert played["agreement_rate"] == played["endings"].get("agreement", 0) / 10
    assert all(":" in w for w in report["warnings"])
    assert main(["scenarios", "check", "tutorial", "--games", "0", "--json"]) == 0
    assert "playtest" not in json.loads(capsys.readouterr().out)


def test_playtest_agrees_with_the_tournament() -> None:
    """The playtest's agreement rate is the tournament's for the same games and seed."""
    from server.bots.tournament import run_tournament

    scenario = bundled_scenarios()["tutorial"]
    report = playtest(scenario, games=15, seed=3)
    assert report.agreement_rate == run_tournament(scenario, games=15, seed=3)["overall"]["agreement_rate"]
    assert {x.factor for x in report.lessons} == {f.id for f in scenario.outcome.factors}


def test_secrets_in_public_text_are_found_with_both_places() -> None:
    """A red line pasted into the briefing and a reservation value in a brief are both named."""
    data = bundled_scenarios()["tutorial"].model_dump(mode="json", by_alias=True)
    red_line = data["delegations"][1]["hidden"]["red_lines"][0]["label"]
    data["briefing"] += f"\nLowland has said privately: {red_line}.\n"
    data["delegations"][2]["brief"] += " Upland's reservation is 35."
    leaks = find_leaks(Scenario.model_validate(data))
    places = {(leak.place, leak.secret) for leak in leaks}
    assert ("briefing", "delegations[1].hidden.red_lines[0].label") in places
    assert ("delegations[2].brief", "delegations[0].hidden.reservation") in places
    assert find_leaks(bundled_scenarios()["tutorial"]) == []


def test_a_seat_that_can_never_gain_is_placed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A delegation whose reservation is above anything it is offered is named at its reservation."""
    data = blank_scenario("hopeless", 2, 2)
    data["delegations"][1]["hidden"]["reservation"] = 500
    path = tmp_path / "hopeless.yaml"
    path.write_text(template_text(data), encoding="utf-8")
    assert main(["scenarios", "check", str(path), "--games", "6", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["playtest"]["agreement_rate"] == 0
    assert any(w.startswith("delegations[1].hidden.reservation: party_b can never gain") for w in report["warnings"])
    assert any(w.startswith("delegations: the bots reached no agreement in 6 games") for w in report["warnings"])
