"""A game without an agreement: the debrief names who declined or walked out, and the lesson."""

from __future__ import annotations

from engine_helpers import Table
from server.analysis.debrief import debrief, debrief_report, format_debrief
from server.analysis.holdouts import COST_OF_DELAY, OPENING_BIDS, UNWILLING, hold_outs
from server.engine import commands as c
from server.engine.phases import Phase
from server.scenario import bundled_scenarios
from server_helpers import AGREEABLE_TUTORIAL_TERMS


def tabled_then_decided(table: Table, terms: dict[str, str], votes: dict[str, str]) -> None:
    """`terms` tabled by the first party in negotiation; then each seat in `votes` signs or declines P1."""
    table.advance_to(Phase.NEGOTIATION)
    author = next(d.id for d in table.state.scenario.delegations if d.kind == "party")
    table.act(author, c.TableProposal(terms=terms))
    table.advance_to(Phase.DECISION)
    for seat, vote in votes.items():
        table.act(seat, c.SignProposal(proposal="P1") if vote == "sign" else c.DeclineProposal(proposal="P1"))


def test_a_party_declining_a_deal_better_than_no_deal_is_named_with_opening_bids() -> None:
    """Lowland declines a package worth more to it than no deal: named, with its margin and the lesson."""
    table = Table("tutorial")
    tabled_then_decided(table, AGREEABLE_TUTORIAL_TERMS, {"upland": "sign", "lowland": "decline"})
    table.facilitate(c.EndGame())
    (held,) = hold_outs(table.log)
    assert held.delegation == "lowland" and held.action == "declined" and held.round == 1
    assert held.lesson == OPENING_BIDS and held.declined[0].proposal == "P1"
    assert held.declined[0].margin is not None and held.declined[0].margin > 0
    assert held.text.startswith("Lowland declined P1 (+") and "opening bids" in held.text
    text = format_debrief(debrief_report(table.log))
    assert "## Who held out" in text and "Lowland declined P1" in text


def test_a_declined_red_line_is_named_without_a_lesson() -> None:
    """A party declining a package across its own red line is named with the red line, and no lesson."""
    table = Table("tutorial")
    terms = {"dam_height": "full", "water_flow": "none", "compensation": "none"}
    tabled_then_decided(table, terms, {"lowland": "decline"})
    table.facilitate(c.EndGame())
    (held,) = hold_outs(table.log)
    assert held.lesson is None and "across its red line" in held.text
    assert held.declined[0].red_lines == ["Never accept a full dam with no water-flow guarantee"]


def test_a_party_walking_out_is_the_cost_of_delay() -> None:
    """A party's walkout ends the game; the debrief names it, its round and the cost of delay."""
    table = Table("tutorial")
    table.advance_to(Phase.NEGOTIATION)
    table.act("upland", c.WalkOut())
    assert table.game.ended
    (held,) = hold_outs(table.log)
    assert (held.delegation, held.action, held.round, held.lesson) == ("upland", "walked_out", 1, COST_OF_DELAY)
    assert "lost spring" in held.text


def test_a_seated_guarantor_declining_its_clause_is_the_west_unwilling() -> None:
    """In istanbul-2022 with the West seated, the guarantors declining a binding guarantee are named as unwilling."""
    scenario = bundled_scenarios()["istanbul-2022"]
    table = Table(scenario, seated=[d.id for d in scenario.delegations])
    terms = {i.id: i.options[1].id for i in scenario.issues} | {"guarantees": "binding_collective"}
    tabled_then_decided(table, terms, {"ukraine": "sign", "usa": "decline", "europe": "decline"})
    table.facilitate(c.EndGame())
    named = {h.delegation: h for h in hold_outs(table.log)}
    assert set(named) == {"usa", "europe"}
    assert all(h.lesson == UNWILLING and "signatures were essential" in h.text for h in named.values())


def test_an_agreement_leaves_no_one_held_out() -> None:
    """When the package is signed, nobody is listed, even if someone declined an earlier one."""
    table = Table("tutorial")
    tabled_then_decided(table, AGREEABLE_TUTORIAL_TERMS, {"upland": "sign", "lowland": "sign"})
    assert table.game.ended and table.state.ending.terms is not None
    assert hold_outs(table.log) == [] and debrief(table.log)["held_out"] == []


def test_the_console_debrief_shows_who_held_out() -> None:
    """The facilitator's debrief view (whole) lists who held out; a seat's partial view does not."""
    from client.widgets.debrief import debrief_markup

    table = Table("tutorial")
    tabled_then_decided(table, AGREEABLE_TUTORIAL_TERMS, {"upland": "sign", "lowland": "decline"})
    table.facilitate(c.EndGame())
    d = debrief_report(table.log)
    assert "Who held out" in debrief_markup(d, whole=True) and "Lowland declined P1" in debrief_markup(d, whole=True)
    assert "Who held out" not in debrief_markup(d)
