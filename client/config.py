"""What the client remembers between runs: the last server (and name) used to join."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

DEFAULT_SERVER = "ws://127.0.0.1:8765"


def config_path() -> Path:
    return Path(user_config_dir("parley")) / "client.json"


def load(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(path: Path | None = None, **values: Any) -> None:
    """Merge `values` into the saved settings; a read-only home is not worth an error."""
    path = path or config_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**load(path), **values}, indent=2))
    except OSError:
        pass
