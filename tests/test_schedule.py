"""Games that run over days: schedules parsed, deadlines set by them, kept across a restart,
and the "since you were here" summary, all on an injected clock (nothing waits for real)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from server.engine import CLOCK, FACILITATOR, Game
from server.engine.commands import MarkReady, StartGame, Tick
from server.engine.phases import Phase
from server.engine.schedule import Schedule, ScheduleError, check_schedule, parse_length, parse_schedule
from server.net.server import ParleyServer
from server.replay.since import since_summary
from server.scenario import bundled_scenarios
from server_helpers import AGREEABLE_TUTORIAL_TERMS, Client, open_class, seat_clients

HOUR, DAY = 3600.0, 86400.0
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp()  # a Tuesday, 09:00 UTC


class FakeClock:
    """A clock the test moves by hand; the runtime reads it, the timers are woken after a jump."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- the text form


def test_lengths_and_entries_parse() -> None:
    """Lengths in d/h/m/s sum; an entry for one round sits beside an entry for every round."""
    assert parse_length("2d") == 2 * DAY and parse_length("1d6h") == 30 * HOUR
    assert parse_length("90m") == 5400 and parse_length("1.5h") == 5400
    schedule = parse_schedule("negotiation=2d, decision=12h, negotiation@2=1d", UTC)
    assert schedule.deadline(Phase.NEGOTIATION, 1, 100.0) == 100.0 + 2 * DAY
    assert schedule.deadline(Phase.NEGOTIATION, 2, 100.0) == 100.0 + DAY
    assert schedule.deadline(Phase.DECISION, 3, 0.0) == 12 * HOUR
    assert schedule.deadline(Phase.PRESSURE, 1, 0.0) is None  # the scenario's length stays


def test_wall_clock_times_read_in_the_given_zone() -> None:
    """A time without offset is read in the zone passed in; one with an offset keeps it."""
    plus_one = timezone(timedelta(hours=1))
    local = parse_schedule("negotiation@2=2026-12-03T09:00", plus_one)
    assert local.entries[0].until == datetime(2026, 12, 3, 8, 0, tzinfo=UTC).timestamp()
    explicit = parse_schedule("decision@1=2026-12-03 09:00+00:00", plus_one)
    assert explicit.entries[0].until == datetime(2026, 12, 3, 9, 0, tzinfo=UTC).timestamp()
    # A wall-clock deadline passed when the phase starts ends it at once, never before its start.
    assert local.deadline(Phase.NEGOTIATION, 2, 10**10) == 10**10


@pytest.mark.parametrize("text, says", [
    ("negotiation", "PHASE=LENGTH"),
    ("lobby=2d", "not a phase"),
    ("talks=2d", "not a phase"),
    ("negotiation=2x", "neither a length"),
    ("negotiation=2026-12-03T09:00", "for one round"),
    ("negotiation@0=2d", "number from 1 to 30"),
    ("negotiation=2d,negotiation=1d", "given twice"),
    ("negotiation=61d", "at most 60 days"),
    ("", "empty"),
])
def test_bad_schedules_are_named(text: str, says: str) -> None:
    """Every malformed schedule is refused with a sentence naming what is wrong."""
    with pytest.raises(ScheduleError, match=says):
        parse_schedule(text, UTC)


def test_check_against_the_scenario_and_the_clock() -> None:
    """A round past the scenario's last, a time already gone, or times out of order are refused."""
    with pytest.raises(ScheduleError, match="has 3 rounds"):
        check_schedule(parse_schedule("negotiation@4=1d", UTC), 3, T0)
    with pytest.raises(ScheduleError, match="already passed"):
        check_schedule(parse_schedule("negotiation@1=2026-11-30T09:00", UTC), 3, T0)
    with pytest.raises(ScheduleError, match="comes first"):
        check_schedule(parse_schedule("negotiation@2=2026-12-02T09:00,negotiation@1=2026-12-03T09:00",
                                      UTC), 3, T0)
    check_schedule(parse_schedule("negotiation@1=2026-12-02T09:00,decision@1=2026-12-02T18:00", UTC), 3, T0)


# ---------------------------------------------------------------- the engine


def test_engine_sets_scheduled_deadlines_and_ends_early_when_all_ready() -> None:
    """The negotiation's deadline is two days after it starts; every seat ready ends it at once."""
    scenario = bundled_scenarios()["tutorial"]
    game, _ = Game.create(scenario, seed=1, at=T0, schedule=parse_schedule("negotiation=2d", UTC))
    game.handle(StartGame(), FACILITATOR, T0)
    assert game.state.deadline == T0 + scenario.phases.pressure  # unscheduled: the scenario's
    game.handle(Tick(), CLOCK, T0 + scenario.phases.pressure)
    start = T0 + scenario.phases.pressure
    assert game.state.phase is Phase.NEGOTIATION and game.state.deadline == start + 2 * DAY
    for delegation in sorted(game.state.in_play()):
        game.handle(MarkReady(), delegation, start + HOUR)
    assert game.state.phase is not Phase.NEGOTIATION  # an hour in, not two days


# ---------------------------------------------------------------- the server, over two days


async def _wait(condition: Any, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


def _phase_starts(room: Any) -> list[Any]:
    """The phase_started events of the room's committed log (the state runs ahead of it)."""
    return [e for e in room.log if e.type == "phase_started"]


async def test_two_day_game_survives_a_restart_and_ends_at_its_deadline(tmp_path: Path) -> None:
    """Scheduled over two days, a game keeps its deadlines through a restart (no pause recorded,
    the date students saw still holds), the phase that expired while the server was down ends at
    its deadline, and the game ends at its last deadline."""
    clock = FakeClock(T0)
    db = tmp_path / "parley.db"
    schedule = parse_schedule("negotiation=10h,decision=6h", UTC).model_dump(mode="json", exclude_none=True)
    first = ParleyServer(db, clock=clock)
    await first.start()
    fac, opened = await open_class(first, schedule=schedule, start=True)
    rid = opened["rooms"][0]["room"]
    room = first.runtime.room(rid)  # type: ignore[union-attr]
    pressure = room.game.scenario.phases.pressure
    clock.now = T0 + pressure
    first.runtime.wake_timers()  # type: ignore[union-attr]
    await _wait(lambda: _phase_starts(room)[-1].phase is Phase.NEGOTIATION)
    negotiation_started = _phase_starts(room)[-1].at
    assert negotiation_started == T0 + pressure  # ticked at the deadline, not whenever it woke
    deadline = room.game.state.deadline
    assert deadline == negotiation_started + 10 * HOUR
    seats = await seat_clients(first.url, opened["rooms"][0])
    assert seats["upland"].latest_view()["deadline"] == deadline  # what the client shows as a date
    clock.now += 3 * HOUR
    await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
    for client in [fac, *seats.values()]:
        await client.close()
    await first.stop()

    # The server is down overnight, well past the negotiation's deadline.
    clock.now = deadline + 5 * HOUR
    second = ParleyServer(db, clock=clock)
    await second.start()
    try:
        room = second.runtime.room(rid)  # type: ignore[union-attr]
        await _wait(lambda: _phase_starts(room)[-1].phase is Phase.DECISION)
        assert not [e for e in room.log if e.type in ("timer_paused", "timer_resumed")]
        decision = _phase_starts(room)[-1]
        assert decision.phase is Phase.DECISION and decision.at == deadline  # ended at its deadline
        assert room.game.state.deadline == deadline + 6 * HOUR  # and the next counts from there
        # Nobody signs: the clock alone carries the game to its end, each phase at its deadline.
        clock.now = T0 + 3 * DAY
        second.runtime.wake_timers()  # type: ignore[union-attr]
        await _wait(lambda: any(e.type == "game_ended" for e in room.log))
        starts = _phase_starts(room)
        for earlier, later in zip(starts, starts[1:]):
            assert later.at == earlier.deadline, (earlier, later)
        ended = next(e for e in room.log if e.type == "game_ended")
        assert ended.at == starts[-1].deadline and ended.reason == "last_round"
        assert T0 + DAY < ended.at < T0 + 3 * DAY  # the game spanned days
    finally:
        await second.stop()


async def test_open_class_refuses_a_schedule_that_does_not_fit(tmp_path: Path) -> None:
    """A round the scenario lacks or a time already past is refused, and no class is opened."""
    clock = FakeClock(T0)
    async with ParleyServer(tmp_path / "p.db", clock=clock) as srv:
        fac = await Client.connect(srv.url, "fac")
        bad = parse_schedule("negotiation@7=1d", UTC).model_dump(mode="json", exclude_none=True)
        refused = await fac.call("open_class", key=srv.instructor_key, scenario="tutorial", schedule=bad)
        assert refused["type"] == "error" and refused["code"] == "bad_schedule"
        assert "has 3 rounds" in refused["message"]
        past = {"entries": [{"phase": "negotiation", "round": 1, "until": T0 - 60}]}
        refused = await fac.call("open_class", key=srv.instructor_key, scenario="tutorial", schedule=past)
        assert refused["code"] == "bad_schedule" and "already passed" in refused["message"]
        malformed = {"entries": [{"phase": "lobby", "seconds": 10}]}
        refused = await fac.call("open_class", key=srv.instructor_key, scenario="tutorial", schedule=malformed)
        assert refused["code"] == "bad_message"
        assert not srv.runtime.classes  # type: ignore[union-attr]
        await fac.close()


# ---------------------------------------------------------------- since you were here


async def test_since_you_were_here_tells_a_seat_only_what_it_may_see(tmp_path: Path) -> None:
    """Back on the second day, a seat's summary quotes the proposal, the messages to it and the
    announcement, counts the statements, and never mentions a private message between others."""
    clock = FakeClock(T0)
    schedule = parse_schedule("negotiation=2d", UTC).model_dump(mode="json", exclude_none=True)
    async with ParleyServer(tmp_path / "p.db", clock=clock) as srv:
        fac, opened = await open_class(srv, schedule=schedule, start=True)
        rid = opened["rooms"][0]["room"]
        await fac.command({"type": "advance"}, room=rid)
        seats = await seat_clients(srv.url, opened["rooms"][0])
        lowland = seats.pop("lowland")
        await lowland.wait_for(lambda f: f["type"] == "update" or f["type"] == "joined", move=False)
        token, seen = lowland.token, srv.runtime.room(rid).streams.count("lowland")  # type: ignore[union-attr]
        await lowland.close()
        clock.now += DAY
        await seats["upland"].command({"type": "make_statement", "text": "Good morning."})
        await seats["commission"].command({"type": "make_statement", "text": "Let us begin."})
        await seats["upland"].command({"type": "send_message", "to": "commission", "text": "SECRET-UC"})
        await seats["commission"].command({"type": "send_message", "to": "lowland", "text": "call me"})
        await seats["upland"].command({"type": "table_proposal", "terms": AGREEABLE_TUTORIAL_TERMS})
        await fac.command({"type": "announce", "text": "Decision tomorrow."}, room=rid)
        back = await Client.connect(srv.url, "lowland-day2")
        assert (await back.call("resume", token=token, last_seq=seen))["type"] == "joined"
        reply = await back.call("fetch_since", since_seq=seen)
        assert reply["type"] == "since_last_visit" and reply["room"] == rid
        summary = reply["summary"]
        text = "\n".join(summary["lines"] + summary["counts"])
        assert "SECRET-UC" not in "".join(back.raw)
        assert "call me" in text and "tables P1" in text and "Decision tomorrow." in text
        assert "2 public statements" in text
        assert summary["since_at"] is not None and summary["since_at"] < clock.now - DAY / 2
        assert summary["events"] == 5  # two statements, the message to it, the proposal, the announcement
        # An observer's summary has neither private message.
        watcher = await Client.connect(srv.url, "watcher")
        await watcher.call("watch", room=rid)
        observed = await watcher.call("fetch_since", since_seq=seen)
        assert "call me" not in str(observed) and "SECRET-UC" not in str(observed)
        # The facilitator is not a seat: it is told so, clearly.
        refused = await fac.call("fetch_since", since_seq=0)
        assert refused["type"] == "error" and refused["code"] == "not_joined"
        for client in [fac, back, watcher, *seats.values()]:
            await client.close()


def test_summary_is_bounded_however_long_the_absence() -> None:
    """Hundreds of missed events give at most MAX_LINES quoted lines and a count of the rest."""
    from server.engine.commands import Announce
    from server.replay.since import _QUOTED, MAX_LINES

    scenario = bundled_scenarios()["tutorial"]
    game, log = Game.create(scenario, seed=1, at=T0)
    log += game.handle(StartGame(), FACILITATOR, T0)
    for n in range(300):
        log += game.handle(Announce(text=f"notice {n} " + "x" * 500), FACILITATOR, T0 + n)
    summary = since_summary(log, "upland", 1)
    assert len(summary.lines) == MAX_LINES and all(len(line) <= 300 for line in summary.lines)
    quotable = [e for e in log[1:] if e.type in _QUOTED and e.visibility.allows("upland")]
    assert f"{len(quotable) - MAX_LINES} more event(s)" in " ".join(summary.counts)
    assert summary.to_round == 1 and summary.from_round == 0


def test_schedule_travels_in_game_created_and_rebuilds() -> None:
    """The schedule is part of the log: a game rebuilt from its events has the same deadlines."""
    scenario = bundled_scenarios()["tutorial"]
    schedule = Schedule.model_validate({"entries": [{"phase": "negotiation", "seconds": DAY}]})
    game, log = Game.create(scenario, seed=1, at=T0, schedule=schedule)
    log += game.handle(StartGame(), FACILITATOR, T0)
    log += game.handle(Tick(), CLOCK, T0 + 60)
    again = Game.from_events(log)
    assert again.state.schedule == schedule and again.state.deadline == game.state.deadline == T0 + 60 + DAY
