"""The machine-readable exports: the JSON event log, and the CSV of results for a gradebook.

JSON: ``{"format": "parley-event-log", "version": 1, "event_format": N, "game": ID, "events":
[...]}`` — the whole log, `game_created` (with the full scenario) first, each event as
`dump_event` writes it, in event format N (server/store/upcast.py; an export without
`event_format` is from before versions: format 1, upcast when read). It is
what a replay reads, so `parley replay --file` needs nothing else. Being the whole log, it
holds every seat's secrets: the CLI writes it only for someone allowed to see everything.

CSV: one row per seated delegation of a game (per room, for a class), from the final view of
the exporting seat: a seat's row holds its own result only, unless the debrief is open. The
last columns, `student` and `reflection`, hold the reflection handed in after the debrief
(who wrote it, each question and answer): filled only in the facilitator's export. A
delegation played by a team has one row per member (per student), each with its own
reflection, where the export may know the team (the facilitator's: every team; a seat's:
its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from server.engine import dump_event
from server.engine import events as ev
from server.engine.views import dump_view
from server.replay.model import Replay
from server.replay.reflections import member_reflection_columns, reflection_columns
from server.replay.safe_text import csv_text
from server.store.upcast import EVENT_FORMAT, read_event

LOG_FORMAT = "parley-event-log"
LOG_VERSION = 1


def log_document(events: Sequence[ev.EventBase], game_id: str = "") -> dict[str, Any]:
    return {"format": LOG_FORMAT, "version": LOG_VERSION, "event_format": EVENT_FORMAT, "game": game_id,
            "events": [dump_event(e) for e in events]}


def read_log_document(data: Any, where: str = "the file") -> tuple[list[ev.EventBase], str]:
    """(events, game id) from a JSON export; ValueError naming what is wrong otherwise."""
    if not isinstance(data, dict) or data.get("format") != LOG_FORMAT:
        raise ValueError(f"{where} is not a Parley event log export (no \"format\": \"{LOG_FORMAT}\")")
    if data.get("version") != LOG_VERSION:
        raise ValueError(f"{where} is a Parley export of version {data.get('version')!r}; "
                         f"this Parley reads version {LOG_VERSION}")
    event_format = data.get("event_format", 1)  # exports from before versions have none
    if not isinstance(event_format, int) or not 1 <= event_format <= EVENT_FORMAT:
        raise ValueError(f"{where} holds events of format {event_format!r}; this Parley reads "
                         f"formats 1 to {EVENT_FORMAT}")
    raw = data.get("events")
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where} holds no events")
    events = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValueError(f"{where}: event {n} is not a Parley event (not an object)")
        try:
            events.append(read_event(item, event_format))
        except ValidationError as exc:
            problem = exc.errors()[0]
            path = ".".join(str(p) for p in problem["loc"])
            raise ValueError(f"{where}: event {n} is not a Parley event ({path}: {problem['msg']})") from None
    if not isinstance(events[0], ev.GameCreated):
        raise ValueError(f"{where}: the log does not begin with game_created")
    return events, str(data.get("game") or "")


CSV_COLUMNS = ("class", "game", "scenario", "delegation", "name", "kind", "agreement", "reason",
               "points", "reservation", "result", "surplus", "vs_reservation",
               "red_lines_crossed", "red_line_count", "durability", "durability_label",
               "rounds_lost", "war_cost", "student", "reflection")


def result_rows(replay: Replay, class_id: str = "") -> list[dict[str, Any]]:
    """One row per seated delegation; result columns empty where this seat may not know them."""
    final = dump_view(replay.final_view())  # an export's rows: the view's JSON
    ending: Mapping[str, Any] = final.get("ending") or {}
    durability: Mapping[str, Any] = ending.get("durability") or {}
    handed = final.get("reflections") or {}  # the facilitator's view only
    teams: Mapping[str, Any] = final.get("teams") or (
        {final["you"]["delegation"]: final["team"]} if final.get("team") and final.get("you") else {})
    rows = []
    for d in final["seated"]:
        result = final["results"].get(d)
        delegation = replay.scenario.delegation(d)
        row = {"class": class_id, "game": replay.game_id, "scenario": replay.scenario.id,
               "delegation": d, "name": replay.names.of(d),
               "kind": delegation.kind.value if delegation else "",
               "agreement": "yes" if ending.get("terms") else ("no" if ending else ""),
               "reason": ending.get("reason", ""), "durability": durability.get("score", ""),
               "durability_label": durability.get("label", ""),
               "rounds_lost": ending.get("rounds_lost", "")}
        row.update(_result_columns(result))
        team = teams.get(d)
        if not team:
            row.update(reflection_columns(handed.get(d)))
            rows.append(row)
            continue
        for member in team["members"]:  # one row per student of the team
            rows.append({**row, **member_reflection_columns(handed.get(d), member["name"])})
    return rows


def _result_columns(result: Mapping[str, Any] | None) -> dict[str, Any]:
    if result is None:
        return dict.fromkeys(("points", "reservation", "result", "surplus", "vs_reservation",
                              "red_lines_crossed", "red_line_count", "war_cost"), "")
    surplus = result["surplus"]
    return {"points": result["points"], "reservation": result["reservation"],
            "result": result["result"], "surplus": surplus,
            "vs_reservation": "above" if surplus > 0 else "below" if surplus < 0 else "equal",
            "red_lines_crossed": ";".join(result["red_lines_crossed"]),
            "red_line_count": len(result["red_lines_crossed"]), "war_cost": result["war_cost"]}


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    return csv_text(CSV_COLUMNS, rows)
