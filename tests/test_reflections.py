"""Reflections after the debrief: asked from the guide (or the facilitator's own), handed in
and revised by each seat, read by the facilitator only, closed with the class, exported per
student (class CSV) and as a booklet per room (class md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from server.cli import main
from server.net.server import ParleyServer
from server.scenario.reflection import parse_questions, reflection_questions
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, open_class, seat_clients

GUIDE = """# Guide

## Discussion questions

### By lesson

1. *Security comes first.* Which clause makes you
   feel secure?
2. What did delay cost?

### By delegation

- **Upland** (`upland`). Why the dam?
- **Lowland** (`lowland`) and **Commission** (`commission`), if seated. Who signed?

## History
"""


def test_guide_questions_parse() -> None:
    """Numbered questions by lesson (continuation lines joined, emphasis dropped) and one per delegation."""
    common, own = parse_questions(GUIDE)
    assert common == ("Security comes first. Which clause makes you feel secure?", "What did delay cost?")
    assert own == {"upland": "Why the dam?", "lowland": "Who signed?", "commission": "Who signed?"}
    assert parse_questions("# no questions here") == ((), {})


def test_a_guide_with_one_list_gives_questions_by_name() -> None:
    """Items opening with a delegation's name and a colon are that delegation's; the rest everyone's."""
    guide = ("## Discussion questions\n\n- What did water\n  cost? (security)\n- Lowland: which red line?\n"
             "- Commission: which package?\n\n## Next\n")
    common, own = parse_questions(guide, {"lowland": "lowland", "river commission": "commission"})
    assert common == ("What did water cost? (security)",)
    assert own == {"lowland": "Which red line?", "commission": "Which package?"}
    tutorial_common, tutorial_own = reflection_questions("tutorial")  # the bundled guide
    assert tutorial_common and set(tutorial_own) <= {"upland", "lowland", "commission"}


async def _ended_room(server: ParleyServer) -> tuple[Client, str, dict[str, Client]]:
    fac, opened = await open_class(server.url, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0])
    await fac.command({"type": "advance"}, room=rid)
    await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    await fac.command({"type": "advance"}, room=rid)
    for delegation in ("upland", "lowland"):
        assert (await seats[delegation].command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"
    room = server.runtime.room(rid)  # type: ignore[union-attr]
    assert room.game.state.ended
    return fac, rid, seats


async def test_reflections_are_the_facilitators_alone(server: ParleyServer) -> None:
    """Every seat answers after the debrief; no other seat or observer ever sees an answer, not in
    updates nor in the review log; revisions replace; after closing, changes are refused."""
    fac, rid, seats = await _ended_room(server)
    watcher = await Client.connect(server.url, "watcher")
    await watcher.call("watch", room=rid)
    early = await seats["upland"].command({"type": "submit_reflection", "answers": ["too soon"]})
    assert early["type"] == "error" and early["code"] == "debrief_not_open"
    assert (await fac.command({"type": "open_debrief", "questions": ["What worked?", "What next?"]},
                              room=rid))["type"] == "ack"
    view = (await seats["lowland"].wait_for(lambda f: f["type"] == "update" and f["view"]["debrief_open"]))["view"]
    assert view["reflection_questions"] == ["What worked?", "What next?"]
    wrong = await seats["upland"].command({"type": "submit_reflection", "answers": ["only one"]})
    assert wrong["code"] == "wrong_answers" and "2 questions" in wrong["message"]
    for delegation, client in seats.items():
        answers = [f"SECRET-{delegation}-1", f"SECRET-{delegation}-2"]
        reply = await client.command({"type": "submit_reflection", "answers": answers, "author": "Forged"})
        assert reply["type"] == "ack", reply
    revised = await seats["upland"].command({"type": "submit_reflection", "answers": ["REVISED-up", ""]})
    assert revised["type"] == "ack"
    room = server.runtime.room(rid)  # type: ignore[union-attr]
    state = room.game.state
    assert state.reflections["upland"] == ("REVISED-up", "") and state.reflection_authors["upland"] == "Upland"
    log_reply = await seats["lowland"].call("fetch_log")
    assert log_reply["type"] == "game_log"
    await fac.command({"type": "close_reflections"}, room=rid)
    late = await seats["lowland"].command({"type": "submit_reflection", "answers": ["late", "late"]})
    assert late["code"] == "reflections_closed"
    facilitator_view = (await fac.wait_for(lambda f: f["type"] == "update" and f["view"]["reflections_closed"]))["view"]
    assert facilitator_view["reflections"]["lowland"]["answers"] == ["SECRET-lowland-1", "SECRET-lowland-2"]
    # The leak check: every frame any seat or the observer received.
    for delegation, client in [*seats.items(), ("observer", watcher)]:
        everything = "".join(client.raw)
        for other in seats:
            if other != delegation:
                assert f"SECRET-{other}" not in everything, (delegation, other)
        assert "REVISED-up" not in everything
        assert "reflection_submitted" not in everything
    for client in [fac, watcher, *seats.values()]:
        await client.close()


async def test_guide_questions_by_default_and_the_class_exports(server: ParleyServer, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Without questions of its own, the debrief asks the guide's (or generic ones); the class CSV
    has each student's row with their answers and results, and md is a reflection booklet."""
    fac, rid, seats = await _ended_room(server)
    await fac.command({"type": "open_debrief"}, room=rid)
    room = server.runtime.room(rid)  # type: ignore[union-attr]
    common, own = reflection_questions("tutorial")  # the guide's, or the generic ones
    assert room.game.state.reflection_questions == common and common
    assert room.game.state.questions_for("lowland") == (*common, *([own["lowland"]] if "lowland" in own else []))
    for delegation, client in seats.items():
        count = len(room.game.state.questions_for(delegation))
        answers = [f"{delegation} answer {n}" for n in range(1, count + 1)]
        assert (await client.command({"type": "submit_reflection", "answers": answers}))["type"] == "ack"
    for client in [fac, *seats.values()]:
        await client.close()
    await server.stop()
    class_id = room.class_id
    db = server.db_path
    assert main(["export", class_id, "--db", str(db), "--format", "csv", "--all"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["delegation"] for r in rows} == set(seats) and len(rows) == 3
    lowland = next(r for r in rows if r["delegation"] == "lowland")
    assert lowland["student"] == "Lowland" and "A1: lowland answer 1" in lowland["reflection"]
    assert lowland["result"] != "" and lowland["agreement"] == "yes"
    assert main(["export", class_id, "--db", str(db), "--format", "md", "--all"]) == 0
    booklet = capsys.readouterr().out
    assert "# Reflections — class" in booklet and f"## Room {rid}" in booklet
    assert "Upland — Upland" in booklet and "upland answer 1" in booklet
    assert main(["export", class_id, "--db", str(db), "--format", "csv", "--as", "upland"]) == 0
    as_seat = capsys.readouterr().out
    assert "answer 1" not in as_seat  # a seat's export never holds a reflection
