"""The client's pure state: server messages folded by `reduce`, no screen, views from the engine."""

from __future__ import annotations

import random

import pytest

from client import format as fmt
from client.console_state import ConsoleState, reduce_console
from client.state import PUBLIC, ChannelRead, ClientState, ConnectionChanged, reduce
from client_helpers import joined, update
from engine_helpers import Table
from server.engine import FACILITATOR
from server.engine import commands as c
from server.engine.phases import Phase
from server.engine.views import dump_view, view_for
from server.figures import number, signed_number
from server.protocol import wire

DEAL = {"dam_height": "reduced", "water_flow": "seasonal", "compensation": "fund"}


def negotiating() -> tuple[Table, ClientState]:
    table = Table("tutorial")
    state = reduce(ClientState(), joined(table, "upland"))
    events = []
    table.start()
    table.advance_to(Phase.NEGOTIATION)
    events = table.log[1:]
    return table, reduce(state, update(table, "upland", events))


def test_joined_takes_the_seat_and_its_notes() -> None:
    """A joined message gives the seat, token, view and notes, without notes in the view."""
    table = Table("tutorial")
    table.start()
    table.advance_to(Phase.NEGOTIATION)
    table.act("lowland", c.MakeStatement(text="Water first."))
    state = reduce(ClientState(), joined(table, "upland"))
    assert (state.delegation, state.token, state.room) == ("upland", "t-upland", "R1")
    assert state.view is not None and state.view.notes is None  # the notes are the state's own
    assert [n.text for n in state.channel_notes(PUBLIC)] == ["Water first."]
    assert state.seq == table.state.seq


def test_update_adds_notes_changes_and_unread_marks() -> None:
    """Statements and private messages become channel notes with unread counts; reading clears them."""
    table, state = negotiating()
    events = table.act("lowland", c.MakeStatement(text="We need water."))
    events += table.act("lowland", c.SendMessage(to="upland", text="Psst: a fund?"))
    events += table.act("commission", c.SendMessage(to="lowland", text="Not for upland"))
    state = reduce(state, update(table, "upland", events))
    assert state.unread(PUBLIC) == 1 and state.unread("lowland") == 1
    assert state.unread("commission") == 0  # a message between two others never reaches us
    assert [n.text for n in state.channel_notes("lowland")] == ["Psst: a fund?"]
    state = reduce(state, ChannelRead("lowland"))
    assert state.unread("lowland") == 0 and state.unread(PUBLIC) == 1


def test_pressure_and_reservation_shifts_are_what_changed_for_you() -> None:
    """A drawn card and your own reservation shift appear in "what changed for you"."""
    table, state = negotiating()
    lowland = reduce(ClientState(), joined(table, "lowland"))
    before = len(state.changes)
    events = table.facilitate(c.InjectEvent(card="drought"))
    lowland = reduce(lowland, update(table, "lowland", events))
    new = reduce(state, update(table, "upland", events)).changes[before:]
    assert any("A dry spring" in line for line in new)
    assert not any("reservation value moved" in line for line in new)  # Lowland's shift is private
    assert any("reservation value moved −4.00" in line for line in lowland.changes)


def test_a_resumed_catch_up_does_not_repeat_notes() -> None:
    """After a resume, the catch-up update at the joined view's seq adds no duplicate notes."""
    table, state = negotiating()
    events = table.act("lowland", c.MakeStatement(text="Once only."))
    state = reduce(state, joined(table, "upland"))  # the resume's joined already holds the note
    state = reduce(state, update(table, "upland", events))
    assert [n.text for n in state.channel_notes(PUBLIC)].count("Once only.") == 1


def test_fresh_update_replaces_the_view_and_notes() -> None:
    """A fresh update (too far behind) replaces the view and, when sent, the notes."""
    table, state = negotiating()
    table.act("lowland", c.MakeStatement(text="Missed while away."))
    fresh = wire.Update(room="R1", seq=table.state.seq, events=[], view=table.game.view_for("upland").as_delta(), fresh=True)
    state = reduce(state, fresh)
    assert state.seq == table.state.seq
    assert [n.text for n in state.channel_notes(PUBLIC)] == ["Missed while away."]


def test_an_older_update_is_ignored_and_errors_and_connection_are_recorded() -> None:
    """A stale update changes nothing; an error and a connection change are kept for the screens."""
    table, state = negotiating()
    stale = wire.Update(room="R1", seq=1, events=[{"type": "statement_made", "at": 1.0, "delegation": "x", "text": "old"}],
                        view=table.game.view_for("upland", include_notes=False).as_delta())
    assert reduce(state, stale) is state
    state = reduce(state, wire.Error(reply_to="c9", code="wrong_phase", message="Not now."))
    assert (state.error, state.errors_seen) == ("Not now.", 1)
    assert reduce(state, ConnectionChanged("reconnecting", "attempt 2")).connection == "reconnecting"


@pytest.mark.parametrize("scenario_id", ["tutorial", "istanbul-2022", "ceasefire-2025"])
@pytest.mark.parametrize("seed", range(3))
def test_every_figure_a_seat_is_shown_is_its_result_when_signed(scenario_id: str, seed: int) -> None:
    """The worth each seat's view carries beside a proposal (what the screens show) equals the
    result that seat is scored once the proposal is signed as shown."""
    rng = random.Random(f"{scenario_id}:{seed}")
    table = Table(scenario_id, seed=seed)
    table.advance_to(Phase.NEGOTIATION)
    scenario = table.game.scenario
    terms = {i.id: rng.choice(i.options).id for i in scenario.issues}
    table.act(sorted(table.state.in_play())[0], c.TableProposal(terms=terms))
    table.advance_to(Phase.DECISION)
    shown = {d: reduce(ClientState(), joined(table, d)).view.proposals[0].worth for d in table.state.seated}
    for seat in table.state.proposals["P1"].required:
        if not table.game.ended:
            table.act(seat, c.SignProposal(proposal="P1"))
    assert table.state.agreement == "P1"
    for d, figure in shown.items():
        assert figure is not None
        assert (figure.result, figure.margin) == (table.state.results[d].result, table.state.results[d].surplus)
        assert figure.red_lines_crossed == [fmt.red_line_label(table.game.view_for(d).you, r)
                                            for r in table.state.results[d].red_lines_crossed]


def test_no_seat_sees_another_seats_worth() -> None:
    """A seat's view carries its own worth only; the facilitator's replay view every seat's."""
    table, _ = negotiating()
    table.act("lowland", c.TableProposal(terms=DEAL))
    upland = table.game.view_for("upland").proposals[0]
    assert upland.worths is None and upland.worth is not None
    assert upland.worth.reservation == table.state.reservation["upland"]
    assert table.game.view_for(None).proposals[0].worth is None
    everyone = view_for(table.state, FACILITATOR, every_worth=True).proposals[0].worths
    assert everyone is not None and set(everyone) == {"upland", "lowland", "commission"}
    assert "worths" not in dump_view(view_for(table.state, "upland", every_worth=True))["proposals"][0]


def test_class_state_follows_rooms_updates_and_presence() -> None:
    """The facilitator's class state takes class_state, room updates, presence and seat views."""
    table = Table("tutorial")
    seats = [wire.SeatInfo(delegation=d, code=f"{d[:2].upper()}-1") for d in ("upland", "lowland", "commission")]
    info = wire.RoomInfo(room="R1", seats=seats, view=table.game.view_for("facilitator", include_notes=False))
    cls = reduce_console(ConsoleState(), wire.ClassState(reply_to="c1", class_="K", scenario="tutorial", rooms=[info]))
    assert cls.rooms["R1"].code_of("lowland") == "LO-1" and cls.rooms["R1"].connected() == 0
    table.start()
    events = table.log[1:]
    cls = reduce_console(cls, wire.Update(room="R1", seq=table.state.seq, events=[e.model_dump(mode="json") for e in events],
                                        view=table.game.view_for("facilitator", include_notes=False).as_delta()))
    assert cls.rooms["R1"].view.phase == "pressure"
    assert any("pressure begins" in line for line in cls.rooms["R1"].log)
    online = [wire.SeatInfo(delegation="upland", code="UP-1", connected=True, name="Ann"), *seats[1:]]
    cls = reduce_console(cls, wire.PresenceChanged(room="R1", seats=online))
    assert cls.rooms["R1"].connected() == 1
    cls = reduce_console(cls, wire.SeatViewReply(reply_to="c2", room="R1", delegation="lowland",
                                                 view=table.game.view_for("lowland")))
    assert ("R1", "lowland") in cls.seat_views


def test_shown_figures_add_up_once_the_war_has_cost_something() -> None:
    """After rounds of war, every 'result against no deal: surplus' a seat is shown adds up: the
    proposals' figures and the outcome screen compare the result with no deal less the same war."""
    from client.screens.outcome import outcome_text

    table = Table("tutorial", seed=1)
    table.advance_to(Phase.NEGOTIATION)
    while table.state.round < 3:
        table.advance_to(Phase.RESOLUTION)
        table.advance_to(Phase.NEGOTIATION)
    assert all(table.state.war_cost[d] > 0 for d in ("upland", "lowland"))
    table.act("upland", c.TableProposal(terms=DEAL))
    table.advance_to(Phase.DECISION)
    for d in ("upland", "lowland"):
        figure = reduce(ClientState(), joined(table, d)).view.proposals[0].worth
        assert figure is not None and figure.result is not None
        assert round(figure.result - fmt.no_deal(figure), 2) == figure.margin
    table.act("upland", c.SignProposal(proposal="P1"))
    table.act("lowland", c.SignProposal(proposal="P1"))
    table.facilitate(c.OpenDebrief())
    view = table.game.view_for("upland")
    mine = view.results["upland"]
    assert round(mine.result - fmt.no_deal(mine), 2) == mine.surplus
    text = outcome_text(view, "upland")
    assert f"{number(mine.result)} against {number(fmt.no_deal(mine))} for no deal: {signed_number(mine.surplus)}" in text
