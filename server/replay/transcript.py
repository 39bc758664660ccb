"""The class transcript of a game, as a small document model that md and html both render.

`transcript(replay)` reads the replay as its seat: the briefing, what that seat knew in
private, every event it could see grouped by round and phase, the outcome, the results it
may know, its concessions and the historical record. Nothing here is chosen by hand to hide:
the events are the seat's timeline, and every other part comes from `view_for` at the end of
the game (or from the seat's own concession series), so the transcript never holds more
than the replay shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Literal

from server.engine import FACILITATOR, whatif
from server.engine.views import dump_view
from server.figures import number, signed_number
from server.replay.model import Replay

Kind = Literal["heading", "para", "list", "table"]


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str = ""
    level: int = 2
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the first row is the header


def heading(text: str, level: int = 2) -> Block:
    return Block("heading", text, level)


def para(text: str) -> Block:
    return Block("para", text)


def bullets(items: list[str]) -> Block:
    return Block("list", items=items)


def table(rows: list[list[str]]) -> Block:
    return Block("table", rows=rows)


def seat_label(replay: Replay) -> str:
    if replay.seat == FACILITATOR:
        return "the facilitator (everything, hidden tables and private messages included)"
    return f"{replay.names.of(replay.seat)} (only what its delegation could see)"


def transcript(replay: Replay) -> list[Block]:
    final = dump_view(replay.final_view())  # an export's text: the view's JSON
    title = f"{replay.scenario.title} — transcript" + (f" of game {replay.game_id}" if replay.game_id else "")
    blocks = [heading(title, 1), para(f"Seen as {seat_label(replay)}; {len(replay.visible)} of "
                                      f"{len(replay)} events.")]
    blocks += _briefing(final["scenario"])
    blocks += _private(replay, final)
    blocks += _timeline(replay)
    blocks += _outcome(replay, final)
    blocks += _results(replay, final)
    blocks += _concessions(replay)
    blocks += _history(final["scenario"], replay)
    return blocks


def _briefing(scenario: Mapping[str, Any]) -> list[Block]:
    delegations = [f"{d['name']} ({d['kind']}{', absent at the start' if d.get('absent') else ''}): "
                   f"{d['brief']}" for d in scenario["delegations"]]
    agenda = [f"{i['title']}: " + " / ".join(o["label"] for o in i["options"])
              for i in scenario["issues"]]
    return [heading("Briefing"), para(scenario["briefing"].strip()), heading("Delegations", 3),
            bullets(delegations), heading("Agenda", 3), bullets(agenda)]


def _private(replay: Replay, final: Mapping[str, Any]) -> list[Block]:
    hidden = [final["you"]] if final.get("you") else list((final.get("hidden") or {}).values())
    blocks: list[Block] = []
    for you in hidden:
        name = replay.names.of(you["delegation"])
        blocks += [heading(f"What {name} knew in private", 2 if len(hidden) == 1 else 3),
                   table(_points_rows(replay, you["points"])),
                   bullets([f"Reservation value at the start: {number(you['starting_reservation'])}; "
                            f"at the end: {number(you['reservation'])}",
                            *[f"Red line: {r['label']}" for r in you["red_lines"]],
                            *[f"Intelligence: {t}" for t in you["intelligence"]]])]
    if len(hidden) > 1:
        blocks.insert(0, heading("What each delegation knew in private"))
    return blocks


def _points_rows(replay: Replay, points: Mapping[str, Mapping[str, float]]) -> list[list[str]]:
    rows = [["Issue", "Option", "Points"]]
    for issue, options in points.items():
        rows += [[replay.names.issues.get(issue, issue), replay.names.option(issue, o), number(v)]
                 for o, v in options.items()]
    return rows


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    return f"{minutes:02d}:{secs:02d}"


def _timeline(replay: Replay) -> list[Block]:
    start = replay.events[0].at
    blocks = [heading("Timeline")]
    for round_, in_round in groupby(replay.visible, key=lambda e: e.round):
        blocks.append(heading(f"Round {round_}" if round_ else "Before the first round", 3))
        for phase, entries in groupby(in_round, key=lambda e: e.phase):
            blocks.append(heading(phase.capitalize(), 4))
            blocks.append(bullets([f"[{_clock(e.event.at - start)}] {replay.describe(e)}"
                                   for e in entries]))
    return blocks


def _outcome(replay: Replay, final: Mapping[str, Any]) -> list[Block]:
    ending = final.get("ending")
    if ending is None:
        return [heading("Outcome"), para(f"The game is not over: {final['phase']} phase of round "
                                         f"{final['round']}.")]
    blocks = [heading("Outcome"), para(f"Ended by {ending['reason'].replace('_', ' ')}; "
                                       f"{ending['rounds_lost']} round(s) of war lost. "
                                       f"{ending['delay_reason']}".strip())]
    if ending["terms"]:
        names = replay.names
        blocks.append(table([["Issue", "Agreed option"]] + [
            [names.issues.get(i, i), names.option(i, o)] for i, o in ending["terms"].items()]))
        blocks.append(para("Signed by " + names.several(ending["signatories"]) + "."))
    durability = ending.get("durability")
    if durability:
        blocks.append(para(f"Durability {number(durability['score'])}: {durability['label']}."))
        blocks.append(bullets([f"{r['reason']} ({signed_number(r['effect'])}; lesson: {r['lesson']})"
                               for r in durability["reasons"]]))
    return blocks


def _results(replay: Replay, final: Mapping[str, Any]) -> list[Block]:
    results = final.get("results") or {}
    if not results:
        return []
    rows = [["Delegation", "Points", "Reservation", "Result", "Against reservation",
             "Red lines crossed", "War cost"]]
    for d, r in results.items():
        rows.append([replay.names.of(d), number(r['points']), number(r['reservation']),
                     number(r['result']), signed_number(r['surplus']), ", ".join(r["red_lines_crossed"]) or "none",
                     number(r['war_cost'])])
    return [heading("Results"), table(rows)]


def _concessions(replay: Replay) -> list[Block]:
    series = {d: s for d, s in replay.concessions().items() if s}
    if not series:
        return []
    rows = [["Delegation", "Round", "Proposal", "Points on its own table", "Reservation then",
             "Margin", "Complete", "Red lines crossed"]]
    for d, points in series.items():
        rows += [[replay.names.of(d), str(p.round), p.proposal, number(p.points), number(p.reservation),
                  signed_number(p.margin), "yes" if p.complete else "no", "; ".join(p.red_lines) or "none"]
                 for p in points]
    return [heading("Concessions round by round"),
            para("What each delegation's own proposals were worth on its own table when it tabled "
                 "them: a falling line is a delegation giving ground."), table(rows)]


def _history(scenario: Mapping[str, Any], replay: Replay) -> list[Block]:
    history = scenario.get("history")
    if not history:
        return []
    blocks = [heading("What really happened"), para(history["summary"].strip())]
    scored = whatif.history(replay.scenario)
    if scored is not None:
        # The historical terms scored like any package, beside this room's results above.
        signed = ", ".join(d.name for d in scored.delegations if d.signs) or "nobody"
        blocks.append(para(f"The historical terms scored like any package, as signed in round "
                           f"{scored.round} by {signed}: durability {number(scored.durability.score)} "
                           f"({scored.durability.label})."))
        blocks.append(bullets([f"{r.lesson} ({signed_number(r.effect)}): {r.reason}"
                               for r in scored.durability.reasons]))
        rows = [["delegation", "result", "no deal", "surplus"]]
        rows += [[d.name, number(d.result), number(d.no_deal), signed_number(d.surplus)] for d in scored.delegations]
        blocks.append(table(rows))
    if history.get("durability_note"):
        blocks.append(para(history["durability_note"].strip()))
    return blocks
