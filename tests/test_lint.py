"""Lint: `ruff check` (rules in pyproject.toml) finds nothing in the code, the tests or the benchmarks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
