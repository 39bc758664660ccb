"""Team seats: a delegation played by several members, each with a code and token of their
own; the head of delegation alone signs, declines and walks out; a private team channel —
each against a real server on a free port, from raw websockets clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server.engine import FACILITATOR
from server.net.server import ParleyServer
from server.protocol.wire import CLOSE_SEAT_LOST
from server.replay import render
from server.replay.exports import export
from server.replay.model import Replay
from server.replay.records import result_rows
from server.replay.reflections import booklet
from server.store import open_store
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, Frame, ManualClock, open_class, until_phase

TEAM_SECRET = "our floor is the seasonal flow"  # written on upland's team channel only


def _seat(room: Frame, delegation: str) -> Frame:
    return next(s for s in room["seats"] if s["delegation"] == delegation)


async def _team(url: str, room: Frame, delegation: str, names: list[str]) -> list[Client]:
    """One joined client per member of `delegation`'s team, in the order of `names`."""
    members = _seat(room, delegation)["members"]
    clients = []
    for member, name in zip(members, names):
        client = await Client.connect(url, f"{delegation}-{name}")
        joined = await client.join(member["code"], name=name)
        assert joined["type"] == "joined" and joined["member"] == member["number"], joined
        clients.append(client)
    return clients


async def _teams_room(server: ParleyServer, **options: Any) -> tuple[Client, str, Frame, list[Client], list[Client], Client]:
    """A started tutorial room with upland and lowland played by teams of three and a solo
    commission: (facilitator, room id, room, upland's members, lowland's, commission)."""
    options.setdefault("teams", {"upland": 3, "lowland": 3})
    fac, opened = await open_class(server, start=True, **options)
    room = opened["rooms"][0]
    up = await _team(server.url, room, "upland", ["Ana", "Ben", "Cem"])
    low = await _team(server.url, room, "lowland", ["Dia", "Eli", "Fay"])
    commission = await Client.connect(server.url, "commission")
    assert (await commission.join(_seat(room, "commission")["code"], name="Gus"))["type"] == "joined"
    return fac, room["room"], room, up, low, commission


async def _to_decision(fac: Client, rid: str, up: list[Client], low: list[Client], commission: Client) -> None:
    assert (await fac.command({"type": "advance"}, room=rid))["type"] == "ack"
    await until_phase(up[1], "negotiation")
    tabled = await up[2].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})  # not the head
    assert tabled["type"] == "ack", tabled
    supported = await low[1].command({"type": "support_proposal", "proposal": "P1"})  # not the head either
    assert supported["type"] == "ack", supported
    for client in (up[1], low[2], commission):  # any member marks the delegation ready
        assert (await client.command({"type": "mark_ready"}))["type"] == "ack"
    await until_phase(low[0], "decision")


async def test_each_member_joins_with_a_code_of_their_own_and_the_first_leads(server: ParleyServer) -> None:
    """team sizes give one code per member; each joins and gets its own token and the seat's view; the first to join is head; presence lists each member."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    codes = [m["code"] for s in room["seats"] for m in s["members"]]
    assert len(codes) == 6 and len(set(codes)) == 6
    assert _seat(room, "commission")["members"] == []  # a one-person seat is as before
    assert len({c.token for c in up + low}) == 6
    view = up[2].latest_view()
    assert view["you"]["delegation"] == "upland" and view["you"]["points"]  # the seat's own hidden table
    team = up[2].latest_view()["team"]
    assert [(m["name"], m["head"]) for m in team["members"]] == [("Ana", True), ("Ben", False), ("Cem", False)]
    assert team["head_name"] == "Ana"
    assert "team" not in commission.latest_view() and "team" not in low[0].latest_view() or \
        low[0].latest_view()["team"]["head_name"] == "Dia"
    presence = await fac.wait_for(lambda f: f["type"] == "presence" and all(
        m["connected"] for s in f["seats"] for m in s["members"]))
    upland = _seat(presence, "upland")
    assert [(m["name"], m["head"], m["connected"]) for m in upland["members"]] == [
        ("Ana", True, True), ("Ben", False, True), ("Cem", False, True)]
    seen_by_lowland = await low[0].wait_for(lambda f: f["type"] == "presence" and all(
        m["connected"] for s in f["seats"] for m in s["members"]), move=False)
    assert all(m["code"] == "" for s in seen_by_lowland["seats"] for m in s["members"])  # codes: facilitator only
    again = await Client.connect(server.url, "again")
    assert (await again.call("join", code=_seat(room, "upland")["members"][1]["code"], name="X"))["code"] == "code_used"


async def test_resume_and_one_live_connection_hold_per_member(server: ParleyServer) -> None:
    """A member resumes with their own token; a second connection on it replaces only that member's, not the others'."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    ben_token = up[1].token
    second = await Client.connect(server.url, "ben-again")
    joined = await second.call("resume", token=ben_token, last_seq=0)
    assert joined["type"] == "joined" and joined["member"] == 2 and joined["name"] == "Ben"
    told = await up[1].wait_for(lambda f: f["type"] == "error")
    assert told["code"] == "seat_replaced"
    assert await up[1].closed() == CLOSE_SEAT_LOST
    # Ana and Cem are still connected and still act.
    assert (await up[0].command({"type": "make_statement", "text": "Ana here"}))["type"] == "ack"
    assert (await up[2].command({"type": "make_statement", "text": "Cem here"}))["type"] == "ack"
    # A fresh code for member 3 revokes Cem's token only.
    issued = await fac.call("issue_code", room=rid, delegation="upland", member=3)
    assert issued["type"] == "code_issued"
    assert (await up[2].wait_for(lambda f: f["type"] == "error"))["code"] == "seat_revoked"
    assert (await up[0].command({"type": "make_statement", "text": "still here"}))["type"] == "ack"
    cem = await Client.connect(server.url, "cem-back")
    back = await cem.join(issued["code"], name="Cem")
    assert back["member"] == 3 and back["name"] == "Cem"


async def test_only_the_head_signs_and_a_non_head_is_told_who_does(server: ParleyServer) -> None:
    """Any member tables and talks; a non-head's sign/decline/walk-out is refused naming the head; the head's signature carries their name."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    await _to_decision(fac, rid, up, low, commission)
    for command in ({"type": "sign_proposal", "proposal": "P1"}, {"type": "decline_proposal", "proposal": "P1"},
                    {"type": "walk_out"}):
        refused = await up[1].command(command)
        assert refused["code"] == "not_head", refused
        assert "Only your head of delegation, Ana," in refused["message"]
    assert low[0].latest_view()["proposals"][0]["member"] == "Cem"  # the table says which member tabled it
    assert (await up[0].command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"
    assert (await low[0].command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"
    ended = await until_phase(up[2], "ended")
    assert ended["view"]["agreement"] == "P1"
    events = _stored(server, rid)
    by_type = {(e.type, getattr(e, "delegation", getattr(e, "author", ""))): e.member for e in events
               if e.type in ("proposal_tabled", "proposal_supported", "proposal_signed")}
    assert by_type[("proposal_tabled", "upland")] == "Cem"
    assert by_type[("proposal_supported", "lowland")] == "Eli"
    assert by_type[("proposal_signed", "upland")] == "Ana"
    assert by_type[("proposal_signed", "lowland")] == "Dia"


async def test_the_head_hands_over_and_the_facilitator_names_a_head(server: ParleyServer) -> None:
    """Only the head hands over the lead; the facilitator can name any joined member; the new head signs."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    refused = await up[2].command({"type": "hand_over_head", "member": 3})
    assert refused["code"] == "not_head"
    assert (await up[0].command({"type": "hand_over_head", "member": 2}))["type"] == "ack"
    changed = await up[2].wait_for(lambda f: f["type"] == "update" and f["view"].get("team", {}).get("head_name") == "Ben")
    assert [e["by"] for e in changed["events"] if e["type"] == "head_changed"] == ["hand_over"]
    assert (await fac.command({"type": "set_head", "delegation": "upland", "member": 3}, room=rid))["type"] == "ack"
    presence = await fac.wait_for(lambda f: f["type"] == "presence" and _seat(f, "upland")["members"][2]["head"])
    assert [m["head"] for m in _seat(presence, "upland")["members"]] == [False, False, True]
    unknown = await fac.command({"type": "set_head", "delegation": "upland", "member": 7}, room=rid)
    assert unknown["code"] == "unknown_member"
    await _to_decision(fac, rid, up, low, commission)
    assert (await up[0].command({"type": "sign_proposal", "proposal": "P1"}))["code"] == "not_head"
    assert (await up[2].command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"


async def test_the_team_sees_what_its_head_is_about_to_sign(server: ParleyServer) -> None:
    """The head's pending sign reaches the other members (with the terms), and nobody outside the team."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    await _to_decision(fac, rid, up, low, commission)
    watcher = await Client.connect(server.url, "observer")
    assert (await watcher.call("watch", room=rid))["type"] == "watching"
    assert (await up[0].call("share_intent", action="sign", proposal="P1"))["type"] == "ack"
    for member in up[1:]:
        intent = await member.wait_for(lambda f: f["type"] == "team_intent")
        assert intent["name"] == "Ana" and intent["head"] and intent["action"] == "sign"
        assert intent["terms"] == AGREEABLE_TUTORIAL_TERMS
    late = await Client.connect(server.url, "late")  # a member who comes back sees it too
    await late.call("resume", token=up[2].token, last_seq=0)
    assert (await late.wait_for(lambda f: f["type"] == "team_intent"))["action"] == "sign"
    assert (await up[0].call("share_intent"))["type"] == "ack"  # the head cancelled
    assert (await up[1].wait_for(lambda f: f["type"] == "team_intent"))["action"] is None
    assert (await commission.call("share_intent", action="sign", proposal="P1"))["code"] == "not_a_team"
    await commission.call("ping")
    for outsider in [*low, commission, watcher]:
        assert not [f for f in outsider.frames if f["type"] == "team_intent"]


async def test_the_team_channel_reaches_only_the_team(server: ParleyServer) -> None:
    """A leak test: every frame the other team's members, a solo seat and an observer receive — and the log they fetch after the debrief, and another delegation's export — holds nothing of upland's team channel."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    watcher = await Client.connect(server.url, "observer")
    assert (await watcher.call("watch", room=rid))["type"] == "watching"
    sent = await up[1].command({"type": "send_team_message", "text": TEAM_SECRET})
    assert sent["type"] == "ack", sent
    for member in (up[0], up[2]):
        got = await member.wait_for(lambda f: f["type"] == "update" and any(
            e["type"] == "team_message_sent" for e in f["events"]))
        event = next(e for e in got["events"] if e["type"] == "team_message_sent")
        assert event["member"] == "Ben" and event["text"] == TEAM_SECRET
    assert (await commission.command({"type": "send_team_message", "text": "x"}))["code"] == "not_a_team"
    await _to_decision(fac, rid, up, low, commission)
    assert (await up[0].command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"
    assert (await low[0].command({"type": "sign_proposal", "proposal": "P1"}))["type"] == "ack"
    await until_phase(low[1], "ended")
    assert (await fac.command({"type": "open_debrief"}, room=rid))["type"] == "ack"
    for client in [*low, commission]:
        await client.wait_for(lambda f: f["type"] == "update" and f["view"]["debrief_open"], move=False)
        part = await client.call("fetch_log")
        assert part["type"] == "game_log" and part["events"], part
    own = await up[2].call("fetch_log")
    assert TEAM_SECRET in str(own)  # the team reads its own channel in review
    await watcher.call("ping")
    for outsider in [*low, commission, watcher]:
        for text in outsider.raw:
            assert TEAM_SECRET not in text and "team_message_sent" not in text, outsider.label
        # The other team's roster events (who joined upland, who leads it) stay upland's too.
        assert not [f for f in outsider.frames if f["type"] == "update" and any(
            e["type"] in ("member_joined", "head_changed") and e["delegation"] == "upland" for e in f["events"])]
    events = _stored(server, rid)  # another delegation's export has none of it; the facilitator's has it
    for fmt in ("md", "html", "csv"):
        assert TEAM_SECRET not in export(Replay(events, "lowland", game_id=rid), fmt)
    assert "Upland (Ben) (team only): " + TEAM_SECRET in export(Replay(events, FACILITATOR, game_id=rid), "md")
    assert TEAM_SECRET in export(Replay(events, "upland", game_id=rid), "md")


async def test_bots_never_join_a_team_with_humans(server: ParleyServer) -> None:
    """A bot is refused for a team with joined members, and at opening for a delegation given a team; a bot's seat cannot become a team."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    refused = await fac.call("assign_bot", room=rid, delegation="upland")
    assert refused["code"] == "team_with_bot" and "Ana" in refused["message"]
    fac2 = await Client.connect(server.url, "fac2")
    refused = await fac2.call("open_class", scenario="tutorial", key=server.instructor_key, bots=["upland"],
                              teams={"upland": 2})
    assert refused["code"] == "team_with_bot"
    fac3, opened = await open_class(server, bots=["commission"], team_size=2)
    bot_room = opened["rooms"][0]
    assert _seat(bot_room, "commission")["members"] == [] and len(_seat(bot_room, "upland")["members"]) == 2
    refused = await fac3.call("set_team_size", room=bot_room["room"], delegation="commission", size=2)
    assert refused["code"] == "team_with_bot"


async def test_the_facilitator_sets_a_team_size_per_delegation(server: ParleyServer) -> None:
    """set_team_size turns a one-person seat into a team (the member who joined stays member 1 and leads), issues codes, and never drops a joined member."""
    fac, opened = await open_class(server, start=True)
    room = opened["rooms"][0]
    rid = room["room"]
    ana = await Client.connect(server.url, "ana")
    assert (await ana.join(_seat(room, "upland")["code"], name="Ana"))["type"] == "joined"
    assert (await fac.call("set_team_size", room=rid, delegation="upland", size=3))["type"] == "ack"
    presence = await fac.wait_for(lambda f: f["type"] == "presence" and len(_seat(f, "upland")["members"]) == 3)
    members = _seat(presence, "upland")["members"]
    assert members[0]["name"] == "Ana" and members[0]["head"] and all(m["code"] for m in members)
    ben = await Client.connect(server.url, "ben")
    assert (await ben.join(members[1]["code"], name="Ana"))["name"] == "Ana (2)"  # names stay apart in a team
    refused = await fac.call("set_team_size", room=rid, delegation="upland", size=1)
    assert refused["code"] == "team_too_small"
    assert (await fac.call("set_team_size", room=rid, delegation="upland", size=2))["type"] == "ack"
    gone = await Client.connect(server.url, "gone")
    assert (await gone.call("join", code=members[2]["code"]))["code"] == "unknown_code"


async def test_members_tokens_and_head_survive_a_restart(tmp_path: Path) -> None:
    """After a restart each member resumes with their own token, as the same member, and the head still leads."""
    db = tmp_path / "teams.db"
    clock = ManualClock()
    first = ParleyServer(db, clock=clock)
    await first.start()
    try:
        fac, rid, room, up, low, commission = await _teams_room(first)
        assert (await up[0].command({"type": "hand_over_head", "member": 2}))["type"] == "ack"
        tokens = [c.token for c in up]
    finally:
        await first.stop()
    second = ParleyServer(db, clock=clock)
    await second.start()
    try:
        back = []
        for token, name in zip(tokens, ["Ana", "Ben", "Cem"]):
            client = await Client.connect(second.url, name)
            joined = await client.call("resume", token=token, last_seq=0)
            assert joined["type"] == "joined" and joined["name"] == name, joined
            back.append(client)
        assert back[0].latest_view()["team"]["head_name"] == "Ben"
        assert (await back[0].command({"type": "walk_out"}))["code"] == "not_head"
    finally:
        await second.stop()


async def test_every_team_member_hands_in_a_reflection_of_their_own(server: ParleyServer) -> None:
    """After the debrief each member's answers are stored under their own name, and the class CSV has one row per student."""
    fac, rid, room, up, low, commission = await _teams_room(server)
    assert (await fac.command({"type": "end_game"}, room=rid))["type"] == "ack"
    await until_phase(up[0], "ended")
    opened = await fac.command({"type": "open_debrief", "questions": ["What did you learn?"]}, room=rid)
    assert opened["type"] == "ack"
    for client in [*up, *low, commission]:
        await client.wait_for(lambda f: f["type"] == "update" and f["view"]["debrief_open"])
        reply = await client.command({"type": "submit_reflection", "answers": [f"{client.label} learned"]})
        assert reply["type"] == "ack", reply
    replay = Replay(_stored(server, rid), FACILITATOR, game_id=rid)
    rows = result_rows(replay, class_id="C")
    students = {(r["delegation"], r["student"]): r["reflection"] for r in rows}
    assert len(rows) == len(students) == 7  # one row per student
    assert "A1: upland-Ben learned" in students[("upland", "Ben")]
    assert "A1: commission learned" in students[("commission", "Gus")]
    assert all(students[("lowland", name)] for name in ("Dia", "Eli", "Fay"))
    booklet_text = render.markdown(booklet([replay], "C"))
    assert "Upland — Cem" in booklet_text and "upland-Cem learned" in booklet_text
    from server.analysis.report import class_report, report_markdown  # the class report names them too

    report = class_report([(rid, _stored(server, rid))], "C")
    assert report["rooms"][0]["teams"] == {"lowland": ["Dia (head)", "Eli", "Fay"], "upland": ["Ana (head)", "Ben", "Cem"]}
    assert "Ana (head), Ben, Cem" in report_markdown(report)


def _stored(server: ParleyServer, rid: str) -> list[Any]:
    store = open_store(server.db_path)
    try:
        return store.events(rid)
    finally:
        store.close()


def test_an_old_database_reads_its_seats_as_first_members(tmp_path: Path) -> None:
    """A database from before teams (format 1, one seat row per delegation) is migrated: every seat is member 1, codes and tokens kept."""
    import shutil
    import sqlite3

    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "v1_games.db", db)
    before = sqlite3.connect(db).execute("SELECT game, delegation, code FROM seats ORDER BY rowid").fetchall()
    store = open_store(db)
    try:
        seats = store.seats()
    finally:
        store.close()
    assert sorted((s.game, s.delegation, s.code) for s in seats) == sorted(before) and before
    assert {s.member for s in seats} == {1}
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 3


def test_every_event_type_has_a_timeline_group() -> None:
    """The replay viewer's filter knows every event, the team ones included (a team game's timeline opens)."""
    import typing

    from server.engine.events import Event
    from server.replay.timeline import GROUP_OF

    types = {t.model_fields["type"].default for t in typing.get_args(typing.get_args(Event)[0])}
    assert {"member_joined", "head_changed", "team_message_sent"} <= types
    assert types <= set(GROUP_OF)
