"""Teacher's guides: one per bundled scenario, current, true to the scenario and the essay,
printed by `parley scenarios guide`, served to the facilitator and shown in the console."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Markdown

from bot_games import shared_games
from client.app import ParleyApp
from client.screens.facilitator_modals import GuideScreen
from client_helpers import wait_until
from server.analysis.guide_figures import figures_block, figures_markdown
from server.bots.strategies import STRATEGIES
from server.cli import main
from server.net.server import ParleyServer
from server.scenario import bundled_scenarios
from server.scenario.guides import bundled_guide, guide_ids
from server.scenario.model import Delegation, Hidden, Scenario
from server_helpers import Client, open_class

ROOT = Path(__file__).resolve().parent.parent
ESSAY_NAME = "shared/seed/000_ff70ee56c12c06b1.txt"
SCENARIO_IDS = sorted(bundled_scenarios())


def essay() -> str | None:
    """The seed essay, beside the repository (../shared) or the worktrees (../../shared)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / ESSAY_NAME).is_file():
            return (base / ESSAY_NAME).read_text(encoding="utf-8")
    return None


def normalised(text: str) -> str:
    """Words only: quotes, dashes and spacing differ between a quotation and its source."""
    return " ".join(re.findall(r"[\w']+", text.replace("\u2019", "'").replace("'", "").lower()))


def scenario_ids(scenario: Scenario) -> set[str]:
    fields = set(Scenario.model_fields) | set(Delegation.model_fields) | set(Hidden.model_fields)
    ids = {scenario.id} | fields | {d.id for d in scenario.delegations}
    ids |= {c.id for c in scenario.pressure.cards}
    ids |= {f.id for f in scenario.outcome.factors} | {m.id for m in scenario.meters}
    for issue in scenario.issues:
        ids |= {issue.id} | {o.id for o in issue.options}
    return ids


def test_every_bundled_scenario_has_a_guide_shipped_as_package_data() -> None:
    """Each bundled scenario has scenarios/guides/ID.md, and pyproject ships the folder."""
    assert guide_ids() == SCENARIO_IDS
    assert '"guides/*.md"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_the_guide_names_only_what_its_scenario_has(scenario_id: str) -> None:
    """Every `id` a guide names is a delegation, issue, option, card, factor or meter of its scenario."""
    guide = bundled_guide(scenario_id)
    assert guide is not None
    named = set(re.findall(r"`([a-z0-9][a-z0-9_-]*)`", guide)) - set(STRATEGIES)
    unknown = named - scenario_ids(bundled_scenarios()[scenario_id])
    assert not unknown, f"{scenario_id}'s guide names {sorted(unknown)}, which the scenario does not have"
    for heading in ("## Learning objectives", "## What to expect", "## Pressure cards", "## Discussion questions",
                    "## When a room ends without an agreement"):
        assert heading in guide


@pytest.mark.parametrize("scenario_id", ["istanbul-2022", "ceasefire-2025"])
def test_every_quotation_in_a_historical_guide_is_in_the_essay(scenario_id: str) -> None:
    """Each passage a guide puts in double quotes (five words or more, not a question) is the essay's."""
    source = essay()
    if source is None:
        pytest.skip(f"the seed essay ({ESSAY_NAME}) is not beside this checkout")
    guide = bundled_guide(scenario_id) or ""
    quotes = [q for q in re.findall(r"\"([^\"]+)\"", guide) if len(q.split()) >= 5 and not q.endswith("?")]
    assert len(quotes) > 20
    missing = [q for q in quotes if normalised(q) not in normalised(source)]
    assert not missing, f"not in the essay: {missing}"


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_the_guide_figures_are_the_ones_the_tournament_gives(scenario_id: str) -> None:
    """The figures block equals a fresh `parley tournament ID --games 100 --seed 1` (refresh:
    `python -m server.analysis.guide_figures`)."""
    block = figures_block(bundled_guide(scenario_id) or "")
    assert block is not None
    assert block == figures_markdown(bundled_scenarios()[scenario_id], play=shared_games), (
        "stale figures: run `python -m server.analysis.guide_figures` from the repository root")


def test_scenarios_guide_prints_it_and_an_unknown_id_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`parley scenarios guide istanbul-2022` prints the guide; an unknown id lists the guides."""
    assert main(["scenarios", "guide", "istanbul-2022"]) == 0
    assert capsys.readouterr().out == bundled_guide("istanbul-2022")
    assert main(["scenarios", "guide", "nowhere"]) == 1
    err = capsys.readouterr().err
    assert "no teacher's guide for 'nowhere'" in err and "tutorial" in err


async def test_the_facilitator_fetches_the_guide_and_a_seat_or_a_sent_file_gets_none(server: ParleyServer) -> None:
    """fetch_guide answers the class's guide; a seat is refused; a class from a sent file has none."""
    facilitator, opened = await open_class(server.url, "istanbul-2022")
    guide = await facilitator.call("fetch_guide")
    assert guide["type"] == "guide" and guide["markdown"] == bundled_guide("istanbul-2022")
    seat = await Client.connect(server.url, "seat")
    await seat.join(opened["rooms"][0]["seats"][0]["code"], name="Ukraine")
    refused = await seat.call("fetch_guide")
    assert refused["type"] == "error" and refused["code"] == "not_facilitator"
    text = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    sender = await Client.connect(server.url, "sender")
    assert (await sender.call("open_class", key=server.instructor_key, scenario_text=text, scenario_file="mine.yaml"))["type"] == "class_opened"
    none = await sender.call("fetch_guide")
    assert none["type"] == "error" and none["code"] == "no_guide"


async def test_the_console_opens_the_guide_in_a_scrollable_screen(server: ParleyServer, tmp_path: Path) -> None:
    """In the facilitator console, ? opens the class scenario's guide as Markdown; Esc closes it."""
    app = ParleyApp(server=server.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=server.instructor_key)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#open")
        await wait_until(pilot, lambda: app.class_state.rooms and type(app.screen).__name__ == "ConsoleScreen",
                         what="the console")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, GuideScreen) and app.screen.query(Markdown),
                         what="the guide")
        shown = app.screen.query_one(Markdown).source
        assert shown == bundled_guide(app.class_state.scenario)
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsoleScreen", what="the console again")
