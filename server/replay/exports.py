"""Every export format behind one function: `export(replay, fmt)` -> the file's text."""

from __future__ import annotations

import json

from server.replay import render
from server.replay.model import Replay
from server.replay.records import log_document, result_rows, to_csv
from server.replay.safe_text import json_safe
from server.replay.transcript import transcript

FORMATS = ("md", "html", "json", "csv")


def export(replay: Replay, fmt: str) -> str:
    """The game in format `fmt` as `replay.seat` may see it (json: the whole log, whatever the seat)."""
    if fmt == "md":
        return render.markdown(transcript(replay))
    if fmt == "html":
        return render.html(transcript(replay))
    if fmt == "json":
        return json_safe(json.dumps(log_document(replay.events, replay.game_id), ensure_ascii=False)) + "\n"
    if fmt == "csv":
        return to_csv(result_rows(replay))
    raise ValueError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
