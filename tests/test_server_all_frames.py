"""One leak test over every frame: each seat and an observer, a whole game, reconnects and the
post-debrief log included — no other seat's hidden values, no private message between others,
no bot strategy, and no gap in any connection's own sequence numbers."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from server.net.server import ParleyServer
from server.scenario import bundled_scenarios
from server_helpers import Client, Frame, open_class, seat_clients, until_phase
from test_server_leaks import _secrets_of

SCENARIO = "istanbul-2022"
HUMANS = ("ukraine", "russia", "turkey")
BOT, STRATEGY = "usa", "tit_for_tat"  # a strategy name no scenario text holds
REVIEW = ("game_log", "debrief_report")  # after the debrief opens, the whole log is the class's


class Recorded:
    """Every connection one seat (or the observer) had, in order, and where each one's stream starts."""

    def __init__(self, seat: str | None) -> None:
        self.seat = seat
        self.connections: list[tuple[Client, int]] = []

    def add(self, client: Client, start: int) -> Client:
        self.connections.append((client, start))
        return client

    @property
    def last(self) -> Client:
        return self.connections[-1][0]

    def raw(self) -> list[str]:
        return [text for client, _ in self.connections for text in client.raw]

    def before_debrief(self) -> list[str]:
        """What came before the debrief opened (which makes every result public)."""
        found = []
        for client, _ in self.connections:
            for text, frame in zip(client.raw, client.frames):
                if frame["type"] == "update" and frame["view"]["debrief_open"]:
                    return found
                found.append(text)
        return found

    def after_debrief(self) -> list[str]:
        """The updates and replies after it, but the reviewed log and debrief (the class's now)."""
        before = set(map(id, self.before_debrief()))
        return [text for client, _ in self.connections for text, frame in zip(client.raw, client.frames)
                if id(text) not in before and frame["type"] not in REVIEW]

    def frames(self) -> list[Frame]:
        return [frame for client, _ in self.connections for frame in client.frames]


def assert_gapless(client: Client, start: int) -> int:
    """Every update numbers on from the last by its own events (a fresh one restarts at the
    joined view's number), acks never run ahead; the connection's last number."""
    seq = start
    for frame in client.frames:
        if frame["type"] == "update":
            if frame["fresh"]:
                seq = frame["seq"]
                continue
            assert frame["seq"] == seq + len(frame["events"]), (client.label, seq, frame["seq"], frame["events"])
            seq = frame["seq"]
        elif frame["type"] == "ack" and frame.get("seq") is not None and client.label != "fac":
            assert frame["seq"] <= seq, (client.label, frame)
    return seq


async def _whole_game(server: ParleyServer) -> tuple[dict[str | None, Recorded], dict[tuple[str, str], str], str]:
    scenario = bundled_scenarios()[SCENARIO]
    fac, opened = await open_class(server, scenario=SCENARIO, seed=5, start=True)
    rid = opened["rooms"][0]["room"]
    seats = await seat_clients(server.url, opened["rooms"][0], skip=("usa", "europe"))
    record: dict[str | None, Recorded] = {}
    for delegation, client in seats.items():
        joined = next(f for f in client.frames if f["type"] == "joined")
        record[delegation] = Recorded(delegation)
        record[delegation].add(client, joined["view"]["seq"])
    observer = await Client.connect(server.url, "observer")
    watching = await observer.call("watch", room=rid)
    record[None] = Recorded(None)
    record[None].add(observer, watching["view"]["seq"])

    assert (await fac.command({"type": "seat_delegation", "delegation": BOT}, room=rid))["type"] == "ack"
    assert (await fac.call("assign_bot", room=rid, delegation=BOT, strategy=STRATEGY))["type"] == "ack"
    for card in scenario.pressure.cards:  # every private card and war-cost change is handed out
        assert (await fac.command({"type": "inject_event", "card": card.id}, room=rid))["type"] == "ack"
    await fac.command({"type": "advance"}, room=rid)
    await until_phase(record["turkey"].last, "negotiation")

    private: dict[tuple[str, str], str] = {}

    async def whisper(sender: str, to: str, n: int) -> None:
        text = f"private from {sender} to {to} #{n}"
        private[(sender, to)] = text
        reply = await record[sender].last.command({"type": "send_message", "to": to, "text": text})
        assert reply["type"] == "ack", reply

    for sender in HUMANS:
        for to in (*HUMANS, BOT):
            if sender != to:
                await whisper(sender, to, 1)
    # Russia drops; the others talk (some of it to Russia); Russia resumes, catches up, fetches its notes.
    russia = record["russia"].last
    token, last = russia.token, assert_gapless(russia, record["russia"].connections[-1][1])
    await russia.close()
    await whisper("ukraine", "turkey", 2)
    await whisper("turkey", "russia", 2)
    await record["ukraine"].last.command({"type": "make_statement", "text": "Kyiv will not bargain away its security."})
    back = record["russia"].add(await Client.connect(server.url, "russia-back"), last)
    joined = await back.call("resume", token=token, last_seq=last)
    assert joined["type"] == "joined"
    first = min((n["seq"] for n in joined["view"]["notes"]), default=joined["view"]["seq"] + 1)
    assert (await back.call("fetch_notes", before=first))["type"] == "notes"
    # The observer drops and watches again.
    await observer.close()
    again = await Client.connect(server.url, "observer-again")
    watching = await again.call("watch", room=rid)
    record[None].add(again, watching["view"]["seq"])

    ukraine = record["ukraine"].last
    assert (await ukraine.command({"type": "sign_proposal", "proposal": "P99"}))["type"] == "error"
    await ukraine.send("{broken")
    terms = {issue.id: issue.options[0].id for issue in scenario.issues}
    assert (await ukraine.command({"type": "table_proposal", "terms": terms}))["type"] == "ack"
    for delegation in HUMANS:
        await record[delegation].last.command({"type": "mark_ready"})
    await until_phase(back, "decision")
    await back.command({"type": "decline_proposal", "proposal": "P1"})
    await fac.command({"type": "advance"}, room=rid)
    await fac.command({"type": "end_game"}, room=rid)
    await fac.command({"type": "open_debrief"}, room=rid)
    for rec in record.values():
        await rec.last.wait_for(lambda f: f["type"] == "update" and f["view"]["debrief_open"], move=False)
    # After the debrief: the seats fetch the whole log and the debrief; the observer is refused both.
    for delegation in HUMANS:
        client = record[delegation].last
        head = await client.call("fetch_log")
        assert head["type"] == "game_log", head
        parts = head["parts"]
        await client.wait_for(lambda f, parts=parts: f["type"] == "game_log" and f["part"] == parts, move=False)
        assert (await client.call("fetch_debrief", timeout=30))["type"] == "debrief_report"
    assert (await again.call("fetch_log", room=rid))["code"] == "not_joined"
    assert (await again.call("fetch_debrief", room=rid))["code"] == "not_joined"
    return record, private, rid


async def test_every_frame_of_every_seat_and_observer_keeps_every_secret(server: ParleyServer) -> None:
    """Across every frame each seat and an observer receive over a whole game (reconnects, catch-up,
    fetched notes, the post-debrief log): no other seat's points, red lines, reservation, war cost
    or intelligence, no private message between others, no bot strategy, no gap in a stream."""
    record, private, rid = await _whole_game(server)
    scenario = bundled_scenarios()[SCENARIO]
    everyone = [d.id for d in scenario.delegations]
    tables = {d.id: to_json(d.hidden.points).decode() for d in scenario.delegations}
    for seat, rec in record.items():
        frames, live, after = rec.frames(), rec.before_debrief(), rec.after_debrief()
        assert len(frames) > 30 and after
        for client, start in rec.connections:
            assert_gapless(client, start)
        # Hidden values: the strings only another seat may read, and its whole points table.
        forbidden = set().union(*(_secrets_of(scenario, d) for d in everyone if d != seat))
        forbidden -= _secrets_of(scenario, seat) if seat else set()
        forbidden |= {tables[d] for d in everyone if d != seat}
        forbidden |= {text for (a, b), text in private.items() if seat not in (a, b)}
        forbidden |= {c.text for c in scenario.pressure.cards if c.told != "all" and seat not in c.told}
        public = to_json(scenario.model_dump(mode="json", include={"briefing", "issues", "title"})).decode()
        forbidden = {s for s in forbidden if s not in public}
        assert len(forbidden) > 10
        for text in live:
            for secret in forbidden:
                assert secret not in text, f"{seat} was sent {secret!r} in {text[:200]}"
        # Once results are public: still no other table and no others' private message, but in
        # the reviewed log (which the observer never gets).
        still = {tables[d] for d in everyone if d != seat} | \
            {text for (a, b), text in private.items() if seat not in (a, b)}
        for text in after if seat is not None else rec.raw()[len(live):]:
            for secret in still:
                assert secret not in text, f"{seat} was sent {secret!r} after the debrief in {text[:200]}"
        # No bot strategy in anything a seat or observer receives, the reviewed log included.
        assert not any(STRATEGY in text for text in rec.raw()), seat
        for frame in frames:
            _assert_only_its_own(frame, seat)
        # ...and the search looked at real traffic: the seat got its own secrets and messages.
        if seat is not None:
            mine = _secrets_of(scenario, seat)
            assert sum(any(s in text for text in live) for s in mine) >= 2
            assert any(f"private from {seat} to" in text for text in live)
            assert tables[seat] in "".join(live)
            reviewed = [e for f in frames if f["type"] == "game_log" for e in f["events"]]
            assert any(e["type"] == "message_sent" and seat not in (e["sender"], e["to"]) for e in reviewed)
            assert all(e.get("strategy") is None for e in reviewed if e["type"] == "controller_changed")


def _assert_only_its_own(frame: Frame, seat: str | None) -> None:
    """A frame's events are ones `seat` may see, with only its own share of per-delegation
    figures; its view holds only its own hidden table and (before the debrief) result."""
    own = {seat} if seat else set()
    for event in frame.get("events", []) if frame["type"] == "update" else []:
        v = event["visibility"]
        assert v["scope"] == "public" or (v["scope"] == "seats" and seat in v["seats"]), (seat, event)
        for field in ("war_cost", "costs"):
            assert set(event.get(field) or {}) <= own, (seat, event)
    view: dict[str, Any] | None = frame.get("view")
    if view is None or frame["type"] in ("game_log", "debrief_report"):
        return
    assert view.get("hidden") is None
    assert view["you"] is None if seat is None else view["you"]["delegation"] == seat
    for card in view.get("pressure", []):
        assert set(card["war_cost"]) <= own, (seat, card)
    if not view.get("debrief_open"):
        assert set(view.get("results") or {}) <= own, (seat, view.get("results"))
    for info in frame.get("seats", []):
        assert info["code"] == "", "join codes are for the facilitator only"
