"""Reading a scenario file a facilitator names, to send its text in `OpenClass`.

One reader for `parley host FILE` and the console's open-class form: what names a file (a
scenario suffix, or a path that exists) rather than an id, and the size and encoding a server
accepts. The server checks the text itself with the same models as a bundled file."""

from __future__ import annotations

import json
from pathlib import Path

from server.protocol.wire import MAX_FRAME_BYTES, MAX_SCENARIO_BYTES

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


class ScenarioFileError(ValueError):
    """The named file cannot be sent: unreadable, not UTF-8, or too large (the message says which)."""


def read_scenario_file(scenario: str) -> tuple[str | None, str]:
    """`(text, file name)` when `scenario` names a file, `(None, scenario)` when it is an id."""
    path = Path(scenario).expanduser()
    if not (path.suffix.lower() in SCENARIO_SUFFIXES or path.exists()):
        return None, scenario
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioFileError(f"cannot read {scenario}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(f"{scenario}: (file): not UTF-8 text (byte {exc.start})") from None
    if len(data) > MAX_SCENARIO_BYTES or len(json.dumps(text).encode("utf-8")) > MAX_FRAME_BYTES - 1024:
        raise ScenarioFileError(f"{scenario}: (file): {len(data):,} bytes; a server accepts scenarios of at "
                                f"most {MAX_SCENARIO_BYTES:,} (shorten the notes or briefs)")
    return text, path.name
