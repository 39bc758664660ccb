"""The layers of DESIGN.md, held by the import contracts in pyproject.toml, and strict typing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the packages in `where`, with its pyproject.toml's contracts."""
    return subprocess.run([sys.executable, "-c", LINT], cwd=where, capture_output=True, text=True,
                          timeout=300)


def test_import_contracts_are_kept() -> None:
    """`lint-imports` (import-linter, contracts in pyproject.toml) finds every layer contract kept."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_a_layer_broken_is_caught(tmp_path: Path) -> None:
    """A copy of the code whose store imports the runtime breaks the layers contract, by name."""
    for part in ("server", "client"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "server/store/upcast.py").write_text(
        (ROOT / "server/store/upcast.py").read_text(encoding="utf-8") + "\nimport server.runtime.room\n",
        encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "server.store.upcast -> server.runtime.room" in result.stdout


def test_server_and_client_type_check_strictly() -> None:
    """`mypy --strict` (settings in pyproject.toml) finds no error in server/ or client/."""
    result = subprocess.run([sys.executable, "-m", "mypy", "server", "client"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
