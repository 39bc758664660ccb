"""`fetch_debrief` and `fetch_report` over a real server: the analysis, and who may have it."""

from __future__ import annotations

from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS, open_class, seat_clients


async def signed_room(url: str):  # type: ignore[no-untyped-def]
    """A tutorial room where Upland and Lowland sign a reasonable package in round 1."""
    facilitator, opened = await open_class(url, start=True)
    room = opened["rooms"][0]["room"]
    seats = await seat_clients(url, opened["rooms"][0])
    await facilitator.command({"type": "advance"}, room=room)
    await seats["lowland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    await facilitator.command({"type": "advance"}, room=room)
    for seat in ("upland", "lowland"):
        reply = await seats[seat].command({"type": "sign_proposal", "proposal": "P1"})
        assert reply["type"] == "ack", reply
    return facilitator, seats, room


async def test_debrief_is_the_facilitators_until_it_is_opened(server: ParleyServer) -> None:
    """Before the debrief opens a seat is refused the analysis; after, it gets the same as the facilitator."""
    facilitator, seats, room = await signed_room(server.url)
    refused = await seats["upland"].call("fetch_debrief")
    assert refused["type"] == "error" and refused["code"] == "review_not_open"
    report = await facilitator.call("fetch_debrief", room=room)
    assert report["type"] == "debrief_report", report
    placed = report["debrief"]["analysis"]["agreement"]
    assert placed["package"]["terms"] == AGREEABLE_TUTORIAL_TERMS
    assert placed["joint_gain_left"] >= 0 and "Nash" in report["text"]
    await facilitator.command({"type": "open_debrief"}, room=room)
    for_seat = await seats["upland"].call("fetch_debrief")
    assert for_seat["type"] == "debrief_report"
    assert for_seat["debrief"]["analysis"] == report["debrief"]["analysis"]


async def test_debrief_waits_for_the_end(server: ParleyServer) -> None:
    """A running game has no debrief yet: the facilitator is told so, plainly."""
    facilitator, opened = await open_class(server, start=True)
    reply = await facilitator.call("fetch_debrief", room=opened["rooms"][0]["room"])
    assert reply["type"] == "error" and reply["code"] == "game_not_over"


async def test_class_report_covers_every_room_for_the_facilitator_only(server: ParleyServer) -> None:
    """The class report has a column per room; a seat asking for it is refused."""
    facilitator, seats, room = await signed_room(server.url)
    report = await facilitator.call("fetch_report")
    assert report["type"] == "class_report", report
    assert room in report["markdown"]
    refused = await seats["lowland"].call("fetch_report")
    assert refused["type"] == "error" and refused["code"] == "not_facilitator"
