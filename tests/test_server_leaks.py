"""Hidden information never leaves through the wire: every frame each seat receives over a whole game is searched."""

from __future__ import annotations

import json

from server.net.server import ParleyServer
from server.scenario import bundled_scenarios
from server.scenario.model import Scenario
from server_helpers import Client, open_class, seat_clients, until_phase

SCENARIO = "istanbul-2022"
SEATS = ("ukraine", "russia", "turkey")


def _secrets_of(scenario: Scenario, delegation: str) -> set[str]:
    """Strings only `delegation` (and the facilitator) may ever read."""
    d = scenario.delegation(delegation)
    assert d is not None
    found = {r.id for r in d.hidden.red_lines} | {r.label for r in d.hidden.red_lines}
    found |= set(d.hidden.intelligence)
    found |= {text for card in scenario.pressure.cards for who, text in card.private.items() if who == delegation}
    found.add(f'{{"delegation":"{delegation}","points":')  # its hidden view or its private result
    return found


def _forbidden_for(scenario: Scenario, seat: str | None, private_texts: dict[tuple[str, str], str]) -> set[str]:
    mine = _secrets_of(scenario, seat) if seat else set()
    public = json.dumps(scenario.model_dump(mode="json", include={"briefing", "issues", "title"}))
    others = set().union(*(_secrets_of(scenario, d) for d in SEATS if d != seat))
    others |= {text for (a, b), text in private_texts.items() if seat not in (a, b)}
    others |= {c.text for c in scenario.pressure.cards if c.told != "all" and seat not in c.told}
    return {s for s in others - mine if s not in public}


async def _play_whole_game(server: ParleyServer) -> tuple[dict[str, list[Client]], Client, dict[tuple[str, str], str]]:
    fac, opened = await open_class(server, scenario=SCENARIO, seed=3, start=True)
    room = opened["rooms"][0]
    rid = room["room"]
    seats = await seat_clients(server.url, room, skip=("usa", "europe"))
    history = {d: [c] for d, c in seats.items()}
    observer = await Client.connect(server.url, "observer")
    await observer.call("watch", room=rid)
    scenario = bundled_scenarios()[SCENARIO]
    for card in scenario.pressure.cards:  # every private intelligence item really is handed out
        assert (await fac.command({"type": "inject_event", "card": card.id}, room=rid))["type"] == "ack"
    await fac.command({"type": "advance"}, room=rid)
    await until_phase(seats["turkey"], "negotiation")
    private: dict[tuple[str, str], str] = {}

    async def whisper(sender: str, to: str, n: int) -> None:
        text = f"private from {sender} to {to} #{n}"
        private[(sender, to)] = text
        reply = await history[sender][-1].command({"type": "send_message", "to": to, "text": text})
        assert reply["type"] == "ack", reply

    for sender in SEATS:
        for to in SEATS:
            if sender != to:
                await whisper(sender, to, 1)
    # Russia drops; the others talk (some of it to Russia); Russia resumes and catches up.
    russia = history["russia"][-1]
    token, last_seq = russia.token, russia.last_seq()
    await russia.close()
    await whisper("ukraine", "turkey", 2)
    await whisper("turkey", "russia", 2)
    await history["ukraine"][-1].command({"type": "make_statement", "text": "Kyiv will not bargain away its security."})
    back = await Client.connect(server.url, "russia-back")
    assert (await back.call("resume", token=token, last_seq=last_seq))["type"] == "joined"
    history["russia"].append(back)
    # Mistakes get errors (frames to record too).
    ukraine = history["ukraine"][-1]
    assert (await ukraine.command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "error"
    await ukraine.send("{broken")
    terms = {issue.id: issue.options[0].id for issue in scenario.issues}
    assert (await ukraine.command({"type": "table_proposal", "terms": terms}))["type"] == "ack"
    for delegation in SEATS:
        await history[delegation][-1].command({"type": "mark_ready"})
    await until_phase(back, "decision")
    await back.command({"type": "decline_proposal", "proposal": "P1"})
    await fac.call("view_as", room=rid, delegation="ukraine")
    await fac.command({"type": "advance"}, room=rid)
    await fac.command({"type": "end_game"}, room=rid)
    for clients in history.values():
        await until_phase(clients[-1], "ended")
    return history, observer, private


async def test_no_seat_receives_another_seats_secrets(server: ParleyServer) -> None:
    """Over a whole game (catch-ups and errors included), no frame to a seat or observer holds another seat's secrets."""
    history, observer, private = await _play_whole_game(server)
    scenario = bundled_scenarios()[SCENARIO]
    recipients: list[tuple[str | None, list[Client]]] = [*history.items(), (None, [observer])]
    for seat, clients in recipients:
        raw = [text for client in clients for text in client.raw]
        frames = [frame for client in clients for frame in client.frames]
        assert len(raw) > 20
        forbidden = _forbidden_for(scenario, seat, private)
        assert len(forbidden) > 10
        for text in raw:
            for secret in forbidden:
                assert secret not in text, f"{seat} was sent {secret!r} in {text[:200]}"
        for frame in frames:
            for event in frame.get("events", []):
                v = event["visibility"]
                assert v["scope"] == "public" or (v["scope"] == "seats" and seat in v["seats"]), (seat, event)
            view = frame.get("view")
            if view is not None:
                assert view["hidden"] is None
                assert view["you"] is None if seat is None else view["you"]["delegation"] == seat
            for info in frame.get("seats", []):
                assert info["code"] == "", "join codes are for the facilitator only"
        # ...and the seat did get its own secrets, so the search above was looking at real traffic.
        if seat is not None:
            mine = _secrets_of(scenario, seat)
            assert sum(any(s in text for text in raw) for s in mine) >= 2
            assert any(f"private from {seat} to" in text for text in raw)
