"""The class report: every room of a class side by side, and the historical outcome beside them.

`class_report(rooms)` takes (room id, full event log) pairs — from a store, or from the rooms a
facilitator console holds — and builds one row per room from its `debrief`; the renderers turn
it into Markdown, HTML (both from the same blocks as the replay transcript) or CSV. Pure.

The dict (JSON-ready)::

    class      the class id given (or "")
    scenario   {"id", "title"};  issues: as in a debrief (ids, titles, option labels)
    delegations  {delegation: name};  red_lines  {delegation: {red line id: its label}}
    rooms      [Row]   in the order given
    history    Row     the historical terms scored like any package (server.engine.whatif:
                       the history's round and signatures; durability with the West's
                       signatures as they were), each delegation's result and surplus
                       (results/distance None when the historical terms leave an issue open),
                       plus "summary" and "durability_note" from the scenario
    summary    {"rooms", "ended", "agreements", "mean_durability", "mean_distance",
                "mean_joint_gain_left"}   (means over the rooms that have the number)

    Row  {"room", "status": "ended" | "unfinished" | "history", "round", "reason",
          "terms": {issue: option} | None, "durability": float | None, "durability_label",
          "rounds_lost", "on_frontier", "distance", "joint_gain", "joint_gain_left",
          "joint_gain_vs_nash",
          "delegations": [{"delegation", "name", "kind", "points", "reservation", "result",
                           "surplus", "war_cost", "red_lines_crossed": [id]}],
          "teams": {delegation: [member names, "(head)" after the head's]}  (rooms only; empty
          when no delegation was played by a team)}

For a room without an agreement nobody gained anything: its joint gain is 0, `joint_gain_left`
is the greatest joint gain the zone offered, and `distance`/`on_frontier` are None.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import mean
from typing import Any

from server.analysis.core import SpaceTooLarge, analyse
from server.analysis.debrief import debrief, placement
from server.engine import events as ev
from server.engine import whatif
from server.figures import number, signed_number
from server.replay.render import html as render_html
from server.replay.render import markdown as render_markdown
from server.replay.safe_text import csv_text
from server.replay.transcript import Block, heading, para, table
from server.scenario.model import Scenario

RoomLog = tuple[str, Sequence[ev.EventBase]]  # a room's id and its whole event log

CSV_COLUMNS = ["class", "room", "scenario", "status", "reason", "terms", "durability",
               "rounds_lost", "on_frontier", "distance", "joint_gain", "joint_gain_left",
               "joint_gain_vs_nash", "delegation", "kind", "points", "reservation", "result",
               "surplus", "war_cost", "red_lines_crossed"]


def class_report(rooms: Sequence[RoomLog], class_id: str = "") -> dict[str, Any]:
    """The report over `rooms` (room id, full event log), all of one scenario."""
    if not rooms:
        raise ValueError("a class report needs at least one room")
    scenarios = [_created(room_id, events) for room_id, events in rooms]
    ids = {s.id for s in scenarios}
    if len(ids) > 1:
        raise ValueError(f"the rooms play different scenarios ({', '.join(sorted(ids))})")
    scenario = scenarios[0]
    rows = [_row(room_id, events) for room_id, events in rooms]
    return {
        "class": class_id,
        "scenario": {"id": scenario.id, "title": scenario.title},
        "issues": [{"id": i.id, "title": i.title, "options": {o.id: o.label for o in i.options}}
                   for i in scenario.issues],
        "delegations": {d.id: d.name for d in scenario.delegations},
        "red_lines": {d.id: {r.id: r.label for r in d.hidden.red_lines} for d in scenario.delegations},
        "rooms": rows,
        "history": history_row(scenario),
        "summary": _summary(rows),
    }


def _created(room_id: str, events: Sequence[ev.EventBase]) -> Scenario:
    first = events[0] if events else None
    if not isinstance(first, ev.GameCreated):
        raise ValueError(f"room {room_id}: the log does not start with game_created")
    return Scenario.model_validate(first.scenario)


def _row(room_id: str, events: Sequence[ev.EventBase]) -> dict[str, Any]:
    teams = _teams(events)
    if not any(isinstance(e, ev.GameEnded) for e in events):
        started = [e for e in events if isinstance(e, ev.PhaseStarted)]
        return _blank(room_id, "unfinished", started[-1].round if started else 0) | {"teams": teams}
    d = debrief(events)
    analysis = d["analysis"] or {}
    placed, no_deal = analysis.get("agreement"), analysis.get("no_deal")
    row = _blank(room_id, "ended", d["rounds_played"]) | {
        "reason": d["reason"],
        "terms": d["terms"],
        "durability": d["durability"]["score"] if d["durability"] else None,
        "durability_label": d["durability"]["label"] if d["durability"] else "",
        "rounds_lost": d["rounds_lost"],
        "delegations": [r | {"red_lines_crossed": [x["id"] for x in r["red_lines_crossed"]]}
                        for r in d["delegations"]],
        "teams": teams,
    }
    if placed is not None:
        row |= _placement_columns(placed)
    elif no_deal is not None:
        row |= {"joint_gain": 0.0, "joint_gain_left": no_deal["joint_gain_lost_vs_best"],
                "joint_gain_vs_nash": no_deal["joint_gain_lost_vs_nash"]}
    return row


def _teams(events: Sequence[ev.EventBase]) -> dict[str, list[str]]:
    """Who played each team delegation (delegation -> member names, its head marked)."""
    members: dict[str, dict[int, str]] = {}
    heads: dict[str, int] = {}
    for e in events:
        if isinstance(e, ev.MemberJoined):
            members.setdefault(e.delegation, {})[e.number] = e.name
        elif isinstance(e, ev.HeadChanged):
            heads[e.delegation] = e.number
    return {d: [f"{name} (head)" if heads.get(d) == n else name for n, name in sorted(found.items())]
            for d, found in sorted(members.items())}


def _blank(room_id: str, status: str, round_: int) -> dict[str, Any]:
    return {"room": room_id, "status": status, "round": round_, "reason": None, "terms": None,
            "durability": None, "durability_label": "", "rounds_lost": None, "on_frontier": None,
            "distance": None, "joint_gain": None, "joint_gain_left": None,
            "joint_gain_vs_nash": None, "delegations": []}


def _placement_columns(placed: dict[str, Any]) -> dict[str, Any]:
    return {"on_frontier": placed["on_frontier"], "distance": placed["distance"],
            "joint_gain": placed["package"]["joint_gain"], "joint_gain_left": placed["joint_gain_left"],
            "joint_gain_vs_nash": placed["joint_gain_vs_nash"]}


def history_row(scenario: Scenario) -> dict[str, Any]:
    """What really happened, scored on paper at the starting reservation values."""
    history = scenario.history
    row = _blank("history", "history", 0) | {"terms": dict(history.terms) or None,
                                            "reason": "agreement" if history.agreement_signed else None,
                                            "summary": history.summary.strip(),
                                            "durability_note": history.durability_note.strip()}
    if not history.terms or any(i.id not in history.terms for i in scenario.issues):
        return row
    try:
        analysis = analyse(scenario)
    except SpaceTooLarge:
        return row
    placed = placement(analysis, dict(history.terms))
    scored = whatif.history(scenario)
    assert scored is not None  # the terms are complete
    return row | _placement_columns(placed) | {
        "durability": scored.durability.score, "durability_label": scored.durability.label,
        "rounds_lost": scored.round - 1,
        "delegations": [{"delegation": d.delegation, "name": d.name, "kind": d.kind, "points": d.points,
                         "reservation": d.reservation, "result": d.result, "surplus": d.surplus,
                         "war_cost": d.war_cost, "red_lines_crossed": d.red_lines_crossed}
                        for d in scored.delegations],
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ended = [r for r in rows if r["status"] == "ended"]

    def average(key: str) -> float | None:
        values = [r[key] for r in ended if r[key] is not None]
        return round(mean(values), 3) if values else None

    return {"rooms": len(rows), "ended": len(ended),
            "agreements": sum(r["terms"] is not None for r in ended),
            "mean_durability": average("durability"), "mean_distance": average("distance"),
            "mean_joint_gain_left": average("joint_gain_left")}


# ---------------------------------------------------------------- renderers


def report_markdown(report: dict[str, Any]) -> str:
    return render_markdown(report_blocks(report))


def report_html(report: dict[str, Any]) -> str:
    """The page a teacher projects: the tables of `report_blocks`, and the rooms' results
    against the frontier drawn as an inline SVG (server.analysis.report_plot) before them."""
    from server.analysis.report_plot import report_svg

    page = render_html(report_blocks(report))
    figure = (f'<figure style="margin:1rem 0;overflow-x:auto">{report_svg(report)}<figcaption>Each room\'s '
              "joint gain (a no-deal gains nothing) and what it left on the table up to the frontier's best; "
              "the historical terms scored the same way; each agreement's durability.</figcaption></figure>\n")
    at = page.find("<h2")
    return page[:at] + figure + page[at:] if at >= 0 else page.replace("</body>", figure + "</body>")


def report_blocks(report: dict[str, Any]) -> list[Block]:
    """Rooms as columns (the historical outcome last), one line per issue and per number."""
    s = report["summary"]
    title = f"Class report: {report['scenario']['title']}"
    blocks = [heading(title + (f" ({report['class']})" if report["class"] else ""), 1),
              para(f"{s['rooms']} room(s), {s['ended']} ended, {s['agreements']} agreement(s); "
                   f"mean durability {_num(s['mean_durability'])}, mean distance to the frontier "
                   f"{_num(s['mean_distance'])}, mean joint gain left {_num(s['mean_joint_gain_left'])}.")]
    columns = report["rooms"] + [report["history"]]
    header = [""] + [r["room"] for r in report["rooms"]] + ["history (on paper)"]
    blocks += [heading("Side by side"), table([header] + _rows(report, columns))]
    history = report["history"]
    blocks += [heading("What really happened")]
    blocks += [para(text) for text in (history["summary"], history["durability_note"]) if text]
    return blocks


def _rows(report: dict[str, Any], columns: list[dict[str, Any]]) -> list[list[str]]:
    rows = [["outcome"] + [_outcome(c) for c in columns]]
    rows += [[i["title"]] + [i["options"].get((c["terms"] or {}).get(i["id"]), "-") for c in columns]
             for i in report["issues"]]
    rows += [[label] + [_num(c[key]) for c in columns] for label, key in (
        ("durability", "durability"), ("rounds lost", "rounds_lost"),
        ("distance to frontier", "distance"), ("joint gain", "joint_gain"),
        ("joint gain left", "joint_gain_left"), ("vs the Nash point", "joint_gain_vs_nash"))]
    names = report["delegations"]
    for delegation in _delegations(columns):
        rows.append([f"{names.get(delegation, delegation)}: result (surplus)"]
                    + [_result(c, delegation, report["red_lines"].get(delegation, {})) for c in columns])
    for delegation in sorted({d for c in columns for d in c.get("teams") or {}}):  # teams: who played
        rows.append([f"{names.get(delegation, delegation)}: played by"]
                    + [", ".join((c.get("teams") or {}).get(delegation, [])) or "-" for c in columns])
    return rows


def _outcome(row: dict[str, Any]) -> str:
    if row["status"] == "unfinished":
        return f"unfinished (round {row['round']})"
    if row["status"] == "history":
        return "signed" if row["reason"] == "agreement" else "not signed"
    return "agreement" if row["terms"] is not None else f"no deal ({row['reason'].replace('_', ' ')})"


def _delegations(columns: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for c in columns:
        seen.update((r["delegation"], None) for r in c["delegations"])
    return list(seen)


def _result(row: dict[str, Any], delegation: str, red_lines: dict[str, str]) -> str:
    r = next((r for r in row["delegations"] if r["delegation"] == delegation), None)
    if r is None:
        return "-"
    crossed = " red lines: " + "; ".join(red_lines.get(x, x) for x in r["red_lines_crossed"]) \
        if r["red_lines_crossed"] else ""
    return f"{number(r['result'])} ({signed_number(r['surplus'])}){crossed}"


def _num(value: Any) -> str:
    if value is None:
        return "-"
    return number(value) if isinstance(value, float) else str(value)


def report_csv(report: dict[str, Any]) -> str:
    """One row per delegation per room (a room with no results yet: one row), then history."""
    rows = [r for row in report["rooms"] + [report["history"]] for r in _csv_rows(report, row)]
    return csv_text(CSV_COLUMNS, rows)


def _csv_rows(report: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    terms = ";".join(f"{k}={v}" for k, v in (row["terms"] or {}).items())
    common = {"class": report["class"], "room": row["room"], "scenario": report["scenario"]["id"],
              "status": row["status"], "reason": row["reason"] or "", "terms": terms,
              **{k: _cell(row[k]) for k in ("durability", "rounds_lost", "on_frontier", "distance",
                                            "joint_gain", "joint_gain_left", "joint_gain_vs_nash")}}
    delegations = [common | {k: _cell(d[k]) for k in ("delegation", "kind", "points", "reservation",
                                                    "result", "surplus", "war_cost")}
                   | {"red_lines_crossed": ";".join(d["red_lines_crossed"])} for d in row["delegations"]]
    return delegations or [common]


def _cell(value: Any) -> Any:
    return "" if value is None else value
