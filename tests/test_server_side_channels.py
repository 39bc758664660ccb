"""No side channels: a seat's numbers count only what it may see, public events carry only its own
share of hidden figures, and the post-debrief log goes to the class, not to anonymous observers."""

from __future__ import annotations

from typing import Any

from server.net.server import ParleyServer
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, open_class, seat_clients, until_phase


def stream_of(client: Client) -> list[tuple[int, int]]:
    """(seq, number of events) of every non-fresh update the client received, in order."""
    return [(f["seq"], len(f["events"])) for f in client.frames if f["type"] == "update" and not f["fresh"]]


def assert_gapless(client: Client, start: int) -> None:
    """Each update's seq is the previous one plus its events: nothing is counted unseen."""
    seq = start
    for last, count in stream_of(client):
        assert last == seq + count, (client.label, seq, last, count)
        seq = last


async def test_a_private_message_between_others_moves_no_number_of_a_third_seat(server: ParleyServer) -> None:
    """Upland whispers to Lowland: the Commission and an observer get no frame and their next numbers follow on."""
    fac, opened = await open_class(server.url, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0])
    observer = await Client.connect(server.url, "observer")
    watching = await observer.call("watch", room=rid)
    await fac.command({"type": "advance"}, room=rid)
    await until_phase(seats["commission"], "negotiation")
    await until_phase(observer, "negotiation")
    before = {label: c.last_seq() for label, c in [*seats.items(), ("observer", observer)]}
    for n in range(3):
        assert (await seats["upland"].command({"type": "send_message", "to": "lowland", "text": f"psst {n}"}))["type"] == "ack"
    statement = await seats["lowland"].command({"type": "make_statement", "text": "Hello all."})
    for label, client in [("commission", seats["commission"]), ("observer", observer)]:
        update = await client.wait_for(lambda f: f["type"] == "update" and f["events"]
                                       and f["events"][-1].get("text") == "Hello all.")
        assert update["seq"] == before[label] + 1 and update["view"]["seq"] == update["seq"]
    upland_update = await seats["upland"].wait_for(lambda f: f["type"] == "update" and f["events"]
                                                   and f["events"][-1].get("text") == "Hello all.")
    assert upland_update["seq"] == before["upland"] + 4
    assert statement["seq"] == before["lowland"] + 4  # an ack counts in its sender's own stream
    fac_update = await fac.wait_for(lambda f: f["type"] == "update" and f["events"]
                                    and f["events"][-1].get("text") == "Hello all.")
    assert fac_update["seq"] == server.runtime.room(rid).seq  # type: ignore[union-attr]
    for client in [*seats.values(), observer]:
        assert_gapless(client, stream_of(client)[0][0] - stream_of(client)[0][1])
    assert watching["view"]["seq"] <= before["observer"]


async def test_resume_counts_in_the_seats_own_numbers(server: ParleyServer) -> None:
    """A returning seat's last_seq is its own number: it gets exactly what it missed, numbered on from there."""
    fac, opened = await open_class(server.url, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0])
    await fac.command({"type": "advance"}, room=rid)
    await until_phase(seats["commission"], "negotiation")
    commission = seats["commission"]
    token, last = commission.token, commission.last_seq()
    await commission.close()
    await seats["upland"].command({"type": "send_message", "to": "lowland", "text": "not for the commission"})
    await seats["upland"].command({"type": "make_statement", "text": "Public one."})
    await seats["lowland"].command({"type": "send_message", "to": "commission", "text": "for the commission"})
    back = await Client.connect(server.url, "back")
    joined = await back.call("resume", token=token, last_seq=last)
    catch_up = await back.wait_for(lambda f: f["type"] == "update")
    assert [e.get("text") for e in catch_up["events"]] == ["Public one.", "for the commission"]
    assert catch_up["seq"] == last + 2 == joined["view"]["seq"]
    summary = (await back.call("fetch_since", since_seq=last))["summary"]
    assert (summary["since_seq"], summary["seq"], summary["events"]) == (last, last + 2, 2)
    assert "not for the commission" not in "".join(back.raw)
    # A fresh view's notes are numbered in the same stream: no note number beyond the seat's count.
    fresh = await Client.connect(server.url, "fresh")
    await seats["lowland"].close()
    joined = await fresh.call("resume", token=seats["lowland"].token, last_seq=10_000)
    notes = joined["view"]["notes"]
    assert notes and all(0 < n["seq"] <= joined["view"]["seq"] for n in notes)
    assert [n["seq"] for n in notes] == sorted({n["seq"] for n in notes})


async def test_a_public_card_tells_each_seat_only_its_own_war_cost(server: ParleyServer) -> None:
    """protest_camp raises Upland's war cost: Upland reads its change, the others and observers an empty one."""
    fac, opened = await open_class(server.url, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0])
    observer = await Client.connect(server.url, "observer")
    await observer.call("watch", room=rid)
    assert (await fac.command({"type": "inject_event", "card": "protest_camp"}, room=rid))["type"] == "ack"

    def drawn(client: Client) -> Any:
        return next(e for f in client.frames if f["type"] == "update" for e in f["events"]
                    if e["type"] == "pressure_drawn" and e["card"] == "protest_camp")

    for client in [*seats.values(), observer, fac]:
        await client.wait_for(lambda f: f["type"] == "update" and any(
            e["type"] == "pressure_drawn" and e["card"] == "protest_camp" for e in f["events"]))
    assert drawn(seats["upland"])["war_cost"] == {"upland": 2.0}
    assert drawn(fac)["war_cost"] == {"upland": 2.0}
    for client in (seats["lowland"], seats["commission"], observer):
        assert drawn(client)["war_cost"] == {}
        card = next(p for p in client.latest_view()["pressure"] if p["card"] == "protest_camp")
        assert card["war_cost"] == {}
        assert '"upland":2' not in "".join(client.raw).replace(" ", "")
    mine = next(p for p in seats["upland"].latest_view()["pressure"] if p["card"] == "protest_camp")
    assert mine["war_cost"] == {"upland": 2.0}


async def test_the_reviewed_log_is_the_classs_and_strategies_stay_the_facilitators(server: ParleyServer) -> None:
    """After the debrief opens: a seat gets the whole log without bot strategies; an observer gets nothing."""
    fac, opened = await open_class(server.url, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("commission",))
    assert (await fac.call("assign_bot", room=rid, delegation="commission", strategy="boulware"))["type"] == "ack"
    observer = await Client.connect(server.url, "observer")
    await observer.call("watch", room=rid)
    await fac.command({"type": "advance"}, room=rid)
    await seats["upland"].command({"type": "send_message", "to": "lowland", "text": "between us two"})
    await seats["lowland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    await fac.command({"type": "end_game"}, room=rid)
    await fac.command({"type": "open_debrief"}, room=rid)
    await until_phase(observer, "ended")
    refused = await observer.call("fetch_log", room=rid)
    assert refused["type"] == "error" and refused["code"] == "not_joined"
    assert (await observer.call("fetch_debrief", room=rid))["code"] == "not_joined"

    async def whole_log(client: Client, **fields: Any) -> list[dict[str, Any]]:
        first = await client.call("fetch_log", **fields)
        assert first["type"] == "game_log", first
        return [e for f in client.frames if f["type"] == "game_log" and f["reply_to"] == first["reply_to"]
                for e in f["events"]]

    seat_log = await whole_log(seats["lowland"])
    fac_log = await whole_log(fac, room=rid)
    assert len(seat_log) == len(fac_log) == server.runtime.room(rid).seq  # type: ignore[union-attr]
    assert any(e["type"] == "message_sent" and e["text"] == "between us two" for e in seat_log)
    changed = [e for e in seat_log if e["type"] == "controller_changed"]
    assert changed and all(e["strategy"] is None for e in changed)
    assert "boulware" not in "".join(seats["lowland"].raw)
    assert [e["strategy"] for e in fac_log if e["type"] == "controller_changed"] == ["boulware"]
