"""The layers of DESIGN.md, checked by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IO_MODULES = {"asyncio", "websockets", "sqlite3", "sqlite_utils", "textual", "socket", "time",
              "threading", "subprocess", "os"}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules_under(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_engine_and_scenario_model_do_no_io() -> None:
    """The game rules and scenario model import no asyncio, sockets, clock, database or UI."""
    for path in modules_under("server/engine") + modules_under("server/scenario"):
        roots = {name.split(".")[0] for name in imports_of(path)}
        assert not roots & IO_MODULES, f"{path.relative_to(ROOT)} imports {roots & IO_MODULES}"


def test_engine_imports_only_inner_layers() -> None:
    """The engine imports the scenario model and itself, never the runtime, protocol or client."""
    for path in modules_under("server/engine"):
        for name in imports_of(path):
            if name.startswith(("server.", "client")):
                assert name.startswith(("server.engine", "server.scenario")), f"{path.name} imports {name}"


def test_protocol_imports_only_the_engine_models() -> None:
    """The wire module depends on the engine's command models and nothing of the runtime."""
    for path in modules_under("server/protocol"):
        for name in imports_of(path):
            if name.startswith("server."):
                assert name.startswith(("server.engine", "server.protocol")), f"{path.name} imports {name}"


def test_client_imports_only_the_wire_protocol_of_the_server() -> None:
    """The player client talks to the server only through server.protocol (demo and replay aside)."""
    allowed_elsewhere = {"cli.py", "demo.py"}  # the demo embeds a server in-process
    for path in modules_under("client"):
        if path.name in allowed_elsewhere or "replay" in path.parts:
            continue
        for name in imports_of(path):
            if name.startswith("server"):
                assert name.startswith("server.protocol"), f"{path.relative_to(ROOT)} imports {name}"


def test_server_and_client_type_check_strictly() -> None:
    """`mypy --strict` (settings in pyproject.toml) finds no error in server/ or client/."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mypy", "server", "client"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
