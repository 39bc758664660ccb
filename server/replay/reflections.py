"""Reflections handed in after the debrief: per student for the gradebook, a booklet per room.

A seat's answers are `reflection_submitted` events, facilitator-only, the latest counting;
they reach an export only through the facilitator's final view (`view["reflections"]`), so a
replay seen as a delegation has none to show. `reflection_columns` fills the class CSV's
`student` and `reflection` columns; `booklet` is the Markdown/HTML reflection booklet of a
class: one section per room, one per student, each question with its answer and the
delegation's result beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.engine.views import dump_view
from server.figures import number
from server.replay.model import Replay
from server.replay.transcript import Block, heading, para, table


def reflections_of(replay: Replay) -> Mapping[str, Mapping[str, Any]]:
    """delegation -> {author, questions, answers}; empty unless the replay is the facilitator's."""
    found: Mapping[str, Mapping[str, Any]] = dump_view(replay.final_view()).get("reflections") or {}
    return found


def member_reflection_columns(reflection: Mapping[str, Any] | None, member: str) -> dict[str, str]:
    """The CSV's `student` and `reflection` cells of one member of a team delegation."""
    own = next((m for m in (reflection or {}).get("members", []) if m["author"] == member), None)
    if reflection is None or own is None:
        return {"student": member, "reflection": ""}
    return reflection_columns({**reflection, "author": member, "answers": own["answers"]})


def reflection_columns(reflection: Mapping[str, Any] | None) -> dict[str, str]:
    """The CSV's `student` and `reflection` cells (each question and its answer, one per line)."""
    if not reflection:
        return {"student": "", "reflection": ""}
    pairs = zip(reflection["questions"], reflection["answers"])
    return {"student": str(reflection["author"]),
            "reflection": "\n".join(f"Q{n}: {q}\nA{n}: {a}" for n, (q, a) in enumerate(pairs, 1))}


def _students(reflection: Mapping[str, Any] | None,
              team: Mapping[str, Any] | None) -> list[tuple[str, list[str] | None]]:
    """(student, their answers or None) for one delegation: each member of a team, or the
    one person who played the seat."""
    if not team:
        if not reflection:
            return [("", None)]
        return [(str(reflection["author"]) or "(no name)", list(reflection["answers"]))]
    handed = {m["author"]: list(m["answers"]) for m in (reflection or {}).get("members", [])}
    return [(str(m["name"]), handed.get(m["name"])) for m in team["members"]]


def booklet(replays: Sequence[Replay], class_id: str) -> list[Block]:
    """The reflection booklet of a class's rooms (facilitator replays), as transcript blocks."""
    title = replays[0].scenario.title if replays else ""
    blocks = [heading(f"Reflections — class {class_id} ({title})", 1)]
    for replay in replays:
        final = dump_view(replay.final_view())  # an export's text: the view's JSON
        ending = final.get("ending") or {}
        blocks.append(heading(f"Room {replay.game_id}"))
        outcome = ("an agreement" if ending.get("terms") else "no agreement") if ending else "not finished"
        blocks.append(para(f"Outcome: {outcome}; {ending.get('rounds_lost', 0)} round(s) of war lost."))
        handed = reflections_of(replay)
        teams = final.get("teams") or {}
        for delegation in final["seated"]:
            reflection = handed.get(delegation)
            who = replay.names.of(delegation)
            result = final["results"].get(delegation)
            for student, answers in _students(reflection, teams.get(delegation)):
                blocks.append(heading(f"{who} — {student}" if answers is not None
                                      else f"{who} — {student + ': ' if student else ''}no reflection handed in", 3))
                if result:
                    blocks.append(para(f"Result {number(result['result'])} against a reservation value of "
                                       f"{number(result['reservation'])}; red lines crossed: "
                                       f"{len(result['red_lines_crossed'])}."))
                if reflection and answers is not None:
                    blocks.append(table([["Question", "Answer"], *[[q, a or "—"] for q, a in zip(
                        reflection["questions"], answers)]]))
    return blocks
