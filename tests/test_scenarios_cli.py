"""`parley scenarios ...`: the catalogue, the schema, and errors an author can act on."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from server.cli import main
from server.scenario import bundled_scenarios, resolve_scenario
from server.scenario.loader import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def broken_copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(TUTORIAL.read_text())
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["scenarios", "validate", str(path)])
    return status, capsys.readouterr().err


def test_list_shows_every_bundled_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    """`scenarios list` names each bundled scenario, the seed's two and the tutorial."""
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    for scenario_id in ("tutorial", "istanbul-2022", "ceasefire-2025"):
        assert scenario_id in bundled_scenarios()
        assert scenario_id in out


def test_every_bundled_file_validates(capsys: pytest.CaptureFixture[str]) -> None:
    """Each file in scenarios/ passes `scenarios validate`."""
    paths = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert main(["scenarios", "validate", *paths]) == 0
    assert capsys.readouterr().out.count(": ok") == len(paths)


def test_schema_is_json_schema_of_a_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    """`scenarios schema` prints a JSON Schema with the scenario's required fields."""
    assert main(["scenarios", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"id", "delegations", "issues", "pressure", "history"} <= set(schema["required"])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["delegations"][1]["hidden"]["red_lines"][0]["terms"].update(dam_height=["huge"]),
         "delegations[1].hidden.red_lines[0].terms.dam_height: unknown option 'huge'"),
        (lambda d: d["delegations"][0]["hidden"]["red_lines"][0]["terms"].update(moon=["full"]),
         "delegations[0].hidden.red_lines[0].terms.moon: unknown issue 'moon'"),
        (lambda d: d["pressure"]["cards"][0].update(weight="heavy"),
         "pressure.cards[0].weight: Input should be a valid number"),
        (lambda d: d.pop("rounds"), "rounds: Field required"),
        (lambda d: d["delegations"][2]["hidden"]["points"]["compensation"].pop("fund"),
         "delegations[2].hidden.points.compensation: no points for option 'fund'"),
        (lambda d: d["pressure"]["cards"][1]["effects"]["reservation"].update(atlantis=2),
         "pressure.cards[1].effects.reservation: unknown delegation 'atlantis'"),
        (lambda d: d["issues"][1]["options"][2].update(requires=["atlantis"]),
         "issues[1].options[2].requires: unknown delegation 'atlantis'"),
        (lambda d: d["delegations"][1].update(id="upland"), "delegation id 'upland' is used more than once"),
    ],
)
def test_broken_file_names_the_place_and_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change, expected: str  # type: ignore[no-untyped-def]
) -> None:
    """A broken scenario gets status 1 and a line naming the file, the path inside it and the fault."""
    path = broken_copy(tmp_path, change)
    status, err = validate(path, capsys)
    assert status == 1
    assert f"{path}: " in err and expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "expected"), [("", "the file is empty"),
                                                ("id: [unclosed", "not valid YAML"),
                                                ("- just\n- a list\n", "must be a mapping")])
def test_unreadable_files_are_errors_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    """Empty files, bad YAML and non-mappings each get one plain line and status 1."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    status, err = validate(path, capsys)
    assert status == 1 and expected in err and str(path) in err


def test_the_command_line_never_shows_a_traceback(tmp_path: Path) -> None:
    """Run as a real process, a missing file is one line on stderr with exit status 1."""
    result = subprocess.run([sys.executable, "-m", "server.cli", "scenarios", "validate",
                             str(tmp_path / "missing.yaml")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "cannot read it" in result.stderr and "Traceback" not in result.stderr


def test_scenarios_resolve_by_id_or_path(tmp_path: Path) -> None:
    """A scenario is found by bundled id or by a file path; an unknown name is a clear error."""
    assert resolve_scenario("tutorial").id == "tutorial"
    copy = tmp_path / "mine.yaml"
    copy.write_text(TUTORIAL.read_text())
    assert resolve_scenario(str(copy)).id == "tutorial"
    with pytest.raises(ScenarioError, match="no bundled scenario has this id"):
        resolve_scenario("atlantis-1999")


def test_the_wheel_carries_the_scenarios(tmp_path: Path) -> None:
    """A built wheel contains every bundled scenario file, so installs from it find them by id."""
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                             str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("parley_game-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert f"scenarios/{path.name}" in names


def test_check_reports_the_outcome_space(capsys: pytest.CaptureFixture[str]) -> None:
    """`scenarios check --json` gives the space size, zone per round, frontier and Nash point."""
    assert main(["scenarios", "check", "tutorial", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["packages"] == 27
    assert 0 < report["zone"] < 27
    assert len(report["zone_by_round"]) == 3
    assert report["nash"]["terms"].keys() == {"dam_height", "water_flow", "compensation"}


def test_check_of_an_unknown_scenario_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`scenarios check` on a name that is neither an id nor a file exits 1 with one line."""
    assert main(["scenarios", "check", "atlantis-1999"]) == 1
    assert "no bundled scenario has this id" in capsys.readouterr().err
