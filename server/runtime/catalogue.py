"""The scenarios a server offers, and the checks on a scenario an instructor sends it.

A class is opened from one of three sources:

* a bundled scenario, by id (the `scenarios` package);
* a scenario of the folder given to `parley serve --scenarios DIR`, by id: every ``*.yaml``
  there is loaded once at start-up (with its teacher's guide, ``DIR/guides/ID.md``, if there
  is one); a broken file, or one whose id is already offered, is reported in `problems` and
  left out, and never stops the server;
* a scenario file's text, sent by an instructor (`parley host FILE`): at most
  `MAX_SCENARIO_BYTES`, validated by the same models and checks as a bundled file, and
  refused with the file's name and the place inside it when it is wrong.

Whatever the source, the class keeps the scenario's full text (`Offered.text`) and every game
its parsed scenario in its first event, so a game plays, replays and exports the scenario it
was opened with, even after the file changes or the bundled version is updated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from server.protocol.wire import MAX_SCENARIO_BYTES
from server.runtime.errors import Refusal
from server.scenario.guides import bundled_guide
from server.scenario.loader import ScenarioError, bundled_sources, parse_scenario
from server.scenario.model import Scenario

Source = Literal["bundled", "folder", "hosted"]


@dataclass(frozen=True)
class Offered:
    """A scenario ready to open a class with, its file's text, and where it came from."""

    scenario: Scenario
    text: str
    source: Source
    file: str
    guide: str | None = None

    def record(self) -> dict[str, str]:
        """What a class stores of its scenario (JSON-ready): the text in full, and its origin."""
        return {"source": self.source, "file": self.file, "text": self.text}


class Catalogue:
    """The scenarios offered by id: the bundled ones, then a folder's (`load_folder`)."""

    def __init__(self) -> None:
        self._offered: dict[str, Offered] = {
            scenario_id: Offered(scenario, text, "bundled", f"scenarios/{scenario_id}", bundled_guide(scenario_id))
            for scenario_id, (scenario, text) in bundled_sources().items()}
        self.problems: list[str] = []

    def ids(self) -> list[str]:
        return list(self._offered)

    def get(self, scenario_id: str) -> Offered:
        found = self._offered.get(scenario_id)
        if found is None:
            raise Refusal("unknown_scenario", f"No scenario on this server is called {scenario_id!r} "
                                              f"(offered: {', '.join(self._offered)}).")
        return found

    def guide(self, record: dict[str, str] | None, scenario_id: str) -> str | None:
        """The teacher's guide for a class whose stored scenario is `record` (`Offered.record`):
        the offered scenario's guide while it is still the same text; none for a sent file."""
        if record is None:  # a class stored before scenarios were kept with it: a bundled one
            return bundled_guide(scenario_id)
        offered = self._offered.get(scenario_id)
        if record.get("source") == "hosted" or offered is None or offered.text != record.get("text"):
            return None
        return offered.guide

    def load_folder(self, folder: Path) -> list[str]:
        """Offer every valid ``*.yaml``/``*.yml`` of `folder`; return (and keep) what was left out."""
        problems: list[str] = []
        if not folder.is_dir():
            problems.append(f"{folder}: not a folder of scenario files")
        paths = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
        for path in paths:
            try:
                offered = _from_file(path)
            except ScenarioError as exc:
                problems.append(f"{exc} (left out)")
                continue
            if offered.scenario.id in self._offered:
                problems.append(f"{path}: id: {offered.scenario.id!r} is already offered by "
                                f"{self._offered[offered.scenario.id].file} (left out; give it another id)")
                continue
            self._offered[offered.scenario.id] = offered
        self.problems += problems
        return problems


def _from_file(path: Path) -> Offered:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(str(path), [f"(file): cannot read it: {exc.strerror or exc}"]) from None
    text = _decoded(data, str(path))
    scenario = parse_scenario(text, str(path))
    guide_path = path.parent / "guides" / f"{scenario.id}.md"
    guide = guide_path.read_text(encoding="utf-8", errors="replace") if guide_path.is_file() else None
    return Offered(scenario, text, "folder", str(path), guide)


def _decoded(data: bytes, name: str) -> str:
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(name, [f"(file): {len(data):,} bytes; a scenario may have at most "
                                   f"{MAX_SCENARIO_BYTES:,}"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(name, [f"(file): not UTF-8 text (byte {exc.start})"]) from None


def hosted(text: str, file: str) -> Offered:
    """A scenario an instructor sent: checked like a bundled file, or a Refusal naming the place."""
    name = "".join(ch for ch in Path(file).name if ch.isprintable())[:100] or "scenario"
    try:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ScenarioError(name, [f"(file): not UTF-8 text (character {exc.start})"]) from None
        scenario = parse_scenario(_decoded(data, name), name)
    except ScenarioError as exc:
        raise Refusal("bad_scenario", str(exc)) from None
    return Offered(scenario, text, "hosted", name)
