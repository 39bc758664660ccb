"""Lint: `ruff check` (rules in pyproject.toml) finds nothing in the code, the tests or the benchmarks,
and vulture finds no function, method, property or class that nothing uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import vulture

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing() -> None:
    """`ruff check .` from the repository root exits 0 (line length, import order, bug-prone rules)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-1000:]


def test_ruff_catches_what_it_is_configured_for(tmp_path: Path) -> None:
    """The configuration is in force: an unused import, a long line and a bare mutable default are flagged."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(x=[]):\n    return '" + "x" * 130 + "'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config",
                             str(ROOT / "pyproject.toml"), "--output-format", "concise", str(bad)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert {"F401", "E501", "B006"} <= {word for word in result.stdout.split() if word[:1].isupper()}


# Called by a framework, never by name in our code: Textual's handlers, actions and hooks
# (`compose`, `on_*`, `action_*`, `watch_*`, a command palette's `discover`, a DirectoryTree's
# `filter_paths`, a Footer's `bindings_changed`, a Visual's `get_optimal_width`) and html.parser's
# `handle_*` in the tests.
FRAMEWORK_NAMES = ["compose", "on_*", "_on_*", "action_*", "watch_*", "validate_*", "compute_*", "render", "render_line",
                   "check_action", "discover", "filter_paths", "bindings_changed", "get_optimal_width", "handle_*"]
# Registered by a decorator, not called by name: engine rules (singledispatch), Textual's @on
# handlers and workers, pydantic validators, pytest fixtures.
FRAMEWORK_DECORATORS = ["@*.register", "@on", "@work", "@*validator", "@*.setter", "@pytest.fixture"]
KINDS = ("function", "method", "property", "class")  # not variables: model fields are read by name


def unused_code(paths: list[str]) -> list[str]:
    """vulture's report of every function, method, property or class nothing in `paths` uses."""
    finder = vulture.Vulture(ignore_names=FRAMEWORK_NAMES, ignore_decorators=FRAMEWORK_DECORATORS)
    finder.scavenge(paths)
    return [item.get_report() for item in finder.get_unused_code(min_confidence=60) if item.typ in KINDS]


def test_nothing_is_dead(monkeypatch: pytest.MonkeyPatch) -> None:
    """No function, method, property or class in server/, client/, benchmarks/ or tests/ is unused."""
    monkeypatch.chdir(ROOT)
    assert unused_code(["server", "client", "benchmarks", "tests"]) == []


def test_vulture_catches_a_function_nothing_calls(tmp_path: Path) -> None:
    """An uncalled function and method are reported; a called one, an engine rule and a Textual handler are not."""
    (tmp_path / "code.py").write_text(
        "from functools import singledispatch\n\n\n"
        "def used() -> int:\n    return 1\n\n\n"
        "def forgotten() -> int:\n    return used()\n\n\n"
        "@singledispatch\ndef decide(x: object) -> None: ...\n\n\n"
        "@decide.register\ndef _rule(x: int) -> None: ...\n\n\n"
        "class Screen:\n    def on_mount(self) -> None: ...\n    def stale(self) -> None: ...\n\n\n"
        "decide(Screen())\n", encoding="utf-8")
    found = unused_code([str(tmp_path)])
    assert [line.split(": ", 1)[1] for line in found] == [
        "unused function 'forgotten' (60% confidence)", "unused method 'stale' (60% confidence)"]
