"""The replay model: states at every event, seat-filtered timelines and views, snapshots, cursor."""

from __future__ import annotations

import json
import random
from dataclasses import fields
from functools import cache

import pytest

from server.engine import FACILITATOR
from server.engine import events as ev
from server.engine.evolve import apply, initial_state
from server.engine.scoring import points
from server.engine.state import Negotiation
from server.engine.views import view_for
from server.replay import Cursor, Replay, may_see_all
from server.replay.snapshots import STATE_FIELDS, Snapshots, copy_state
from test_replay_games import record_game


@cache
def log() -> tuple[ev.EventBase, ...]:
    return tuple(record_game("istanbul-2022", seed=5, chatter=24))


def live_states() -> list[Negotiation]:
    """The live fold, a copy of the state after each event."""
    events = log()
    state = initial_state(events[0])  # type: ignore[arg-type]
    states = [copy_state(state)]
    for event in events[1:]:
        apply(state, event)
        states.append(copy_state(state))
    return states


def test_replay_at_every_event_equals_the_live_state() -> None:
    """For every N, in random order, the replay's facilitator view after event N is the live one."""
    replay = Replay(log(), every=7)
    states = live_states()
    order = list(range(len(states)))
    random.Random(1).shuffle(order)
    for n in order:
        assert replay.view_at(n) == view_for(states[n], FACILITATOR, every_worth=True), f"event {n}"


def test_stepping_forward_and_back_gives_the_same_views() -> None:
    """Walking the cursor forward then back gives each event's view both ways (the kept state is not corrupted)."""
    replay = Replay(log(), every=16)
    forward = [replay.view_at(n) for n in range(len(replay))]
    backward = [replay.view_at(n) for n in reversed(range(len(replay)))]
    assert forward == backward[::-1]


def secrets_hidden_from(seat: str) -> set[str]:
    """Texts of events `seat` could not see that appear in none of the events it could see."""
    seen = json.dumps([e.model_dump(mode="json") for e in log() if e.visibility.allows(seat)])
    hidden = [e for e in log()[1:] if not e.visibility.allows(seat)]
    texts = {getattr(e, "text", None) for e in hidden} - {None}
    return {t for t in texts if t not in seen}


@pytest.mark.parametrize("seat", ["ukraine", "russia", "turkey"])
def test_as_a_delegation_shows_exactly_what_it_could_see(seat: str) -> None:
    """As X, the timeline is the events X received live, each view is view_for(X), and no secret shows."""
    replay = Replay(log(), seat=seat)
    received = [i for i, e in enumerate(log()) if e.visibility.allows(seat)]
    assert [e.index for e in replay.visible] == received
    states, secrets = live_states(), secrets_hidden_from(seat)
    assert secrets, "the recording must hold private texts to prove they do not leak"
    for entry in replay.visible:
        view = replay.view_at(entry.index)
        assert view == view_for(states[entry.index], seat, every_worth=True)
        assert view.hidden is None and view.you is not None and view.you.delegation == seat
        text = view.model_dump_json() + replay.describe(entry)
        assert not any(s in text for s in secrets)
        if not view.debrief_open:
            assert set(view.results) <= {seat}


def test_the_game_created_event_is_the_facilitators_alone() -> None:
    """The scenario with every hidden table (game_created) is on no delegation's timeline."""
    for seat in ("ukraine", "russia"):
        assert all(e.type != "game_created" for e in Replay(log(), seat=seat).visible)
    assert Replay(log()).visible[0].type == "game_created"


def test_unknown_seat_is_refused_by_name() -> None:
    """Asking for a delegation the game does not have names it and lists the real ones."""
    with pytest.raises(ValueError, match="no delegation 'narnia'.*ukraine"):
        Replay(log(), seat="narnia")


def test_snapshot_copy_covers_every_field_and_is_independent() -> None:
    """copy_state knows every field of Negotiation, and folding into a copy leaves the original alone."""
    assert {f.name for f in fields(Negotiation)} == set(STATE_FIELDS)
    snaps = Snapshots(list(log()), every=50)
    middle = snaps.state_after(len(log()) // 2)
    before = view_for(middle, FACILITATOR)
    clone = copy_state(middle)
    for event in log()[len(log()) // 2 + 1:]:
        apply(clone, event)
    assert view_for(middle, FACILITATOR) == before
    assert view_for(clone, FACILITATOR) == view_for(snaps.final, FACILITATOR)


def test_concessions_are_own_tables_only_unless_facilitator() -> None:
    """As X the concession series is X's alone; the facilitator's holds every author, scored on its own table."""
    replay = Replay(log())
    mine = replay.as_seat("ukraine").concessions()
    assert list(mine) == ["ukraine"] and mine["ukraine"]
    everyone = replay.concessions()
    tabled = [e for e in log() if isinstance(e, ev.ProposalTabled)]
    assert sum(len(s) for s in everyone.values()) == len(tabled)
    for event in tabled:
        point = next(p for p in everyone[event.author] if p.proposal == event.proposal)
        delegation = replay.scenario.delegation(event.author)
        assert delegation is not None and point.points == round(points(delegation, event.terms), 2)


def test_review_policy() -> None:
    """Everything is for the facilitator, or for anyone once the debrief (review) is open."""
    closed = record_game(debrief=False)
    assert may_see_all(closed, facilitator=True) and not may_see_all(closed, facilitator=False)
    assert may_see_all(log(), facilitator=False)


def test_cursor_moves_by_round_proposal_delegation_and_search() -> None:
    """Each jump lands where it says: the next round, proposal, delegation's event, search hit."""
    cursor = Cursor(Replay(log(), seat="russia"))
    assert cursor.entry is not None and cursor.entry.round == 1  # Russia's first event
    assert cursor.next_round() and cursor.entry.round == 2
    assert cursor.next_round() and cursor.entry.round == 3
    assert cursor.next_round(forward=False) and cursor.entry.round == 2
    assert cursor.shown[cursor.pos - 1].round == 1  # the first event of that round
    assert cursor.next_proposal() and cursor.entry.type == "proposal_tabled"
    assert cursor.next_of("turkey") and "turkey" in cursor.entry.actors
    assert cursor.search("private word") and cursor.entry.type == "message_sent"
    assert "russia" in cursor.entry.actors  # as Russia, only messages it sent or received
    assert cursor.end() and cursor.entry.index == cursor.replay.visible[-1].index
    assert not cursor.step() and cursor.start() and cursor.pos == 0


def test_filter_narrows_and_keeps_the_cursor_in_place() -> None:
    """Filtering by group and delegation shows only matching events and keeps the cursor near where it was."""
    cursor = Cursor(Replay(log()))
    cursor.next_round()
    cursor.next_round()
    here = cursor.index
    cursor.set_filter(group="statements", delegation="ukraine")
    assert cursor.shown and all(e.type == "statement_made" and "ukraine" in e.actors for e in cursor.shown)
    assert cursor.index <= here or cursor.pos == 0
    cursor.set_filter()
    assert cursor.index <= here and len(cursor.shown) == len(log())
    with pytest.raises(ValueError, match="no event group"):
        cursor.set_filter(group="gossip")
