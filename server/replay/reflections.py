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

from server.replay.model import Replay
from server.replay.transcript import Block, heading, para, table


def reflections_of(replay: Replay) -> Mapping[str, Mapping[str, Any]]:
    """delegation -> {author, questions, answers}; empty unless the replay is the facilitator's."""
    found: Mapping[str, Mapping[str, Any]] = replay.final_view().get("reflections") or {}
    return found


def reflection_columns(reflection: Mapping[str, Any] | None) -> dict[str, str]:
    """The CSV's `student` and `reflection` cells (each question and its answer, one per line)."""
    if not reflection:
        return {"student": "", "reflection": ""}
    pairs = zip(reflection["questions"], reflection["answers"])
    return {"student": str(reflection["author"]),
            "reflection": "\n".join(f"Q{n}: {q}\nA{n}: {a}" for n, (q, a) in enumerate(pairs, 1))}


def booklet(replays: Sequence[Replay], class_id: str) -> list[Block]:
    """The reflection booklet of a class's rooms (facilitator replays), as transcript blocks."""
    title = replays[0].scenario.title if replays else ""
    blocks = [heading(f"Reflections — class {class_id} ({title})", 1)]
    for replay in replays:
        final = replay.final_view()
        ending = final.get("ending") or {}
        blocks.append(heading(f"Room {replay.game_id}"))
        outcome = ("an agreement" if ending.get("terms") else "no agreement") if ending else "not finished"
        blocks.append(para(f"Outcome: {outcome}; {ending.get('rounds_lost', 0)} round(s) of war lost."))
        handed = reflections_of(replay)
        for delegation in final["seated"]:
            reflection = handed.get(delegation)
            who = replay.names.of(delegation)
            student = reflection["author"] if reflection and reflection["author"] else "(no name)"
            blocks.append(heading(f"{who} — {student}" if reflection else f"{who} — no reflection handed in", 3))
            result = final["results"].get(delegation)
            if result:
                blocks.append(para(f"Result {result['result']:g} against a reservation value of "
                                   f"{result['reservation']:g}; red lines crossed: "
                                   f"{len(result['red_lines_crossed'])}."))
            if reflection:
                blocks.append(table([["Question", "Answer"], *[[q, a or "—"] for q, a in zip(
                    reflection["questions"], reflection["answers"])]]))
    return blocks
