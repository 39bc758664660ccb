"""Recorded games for the replay and export tests (and the replay benchmark), with checks that
the recordings really exercise what those tests rely on.

`record_game` plays scripted seats through the pure engine: every round each seat tables a
package, talks in public and in private, supports and withdraws; the facilitator pauses,
extends, injects a card, announces, seats an absent guarantor and hands a seat to a bot; in the
decision phase the signatories vote. `chatter` adds that many extra statements and messages
spread over the rounds, to make big logs. The game ends as asked (agreement in the last round,
no agreement, or a walkout) and the facilitator may open the debrief.
"""

from __future__ import annotations

import random
from typing import Literal

from server.engine import CLOCK, FACILITATOR, Game, RuleViolation
from server.engine import commands as c
from server.engine.events import EventBase
from server.engine.phases import Phase
from server.engine.scoring import required_signatories
from server.scenario import bundled_scenarios

Ending = Literal["agreement", "none", "walkout"]


class Recorder:
    """A game, its whole log and a clock; `act` plays one command, skipping refused ones."""

    def __init__(self, scenario_id: str, seed: int) -> None:
        self.scenario = bundled_scenarios()[scenario_id]
        self.rng = random.Random(seed)
        self.clock = 1_000.0
        self.game, self.log = Game.create(self.scenario, seed=seed, at=self.clock)
        self.said = 0

    def act(self, actor: str, command: c.CommandBase) -> bool:
        self.clock += 0.01  # small steps: chatter must not outrun the phase timer
        try:
            self.log.extend(self.game.handle(command, actor, self.clock))
        except RuleViolation:
            return False
        return True

    @property
    def seats(self) -> list[str]:
        return sorted(self.game.state.in_play())

    def package(self) -> dict[str, str]:
        return {i.id: self.rng.choice(i.options).id for i in self.scenario.issues}


def _negotiate(r: Recorder, chatter: int, last: bool) -> None:
    seats = r.seats
    for seat in seats:
        r.act(seat, c.TableProposal(terms=r.package()))
        partial = dict(list(r.package().items())[:1])
        r.act(seat, c.TableProposal(terms=partial, amends=next(iter(r.game.state.proposals))))
    for n in range(chatter):
        seat, other = r.rng.sample(seats, 2)
        r.said += 1  # every text unique, so a test can look for it anywhere
        if n % 2:
            r.act(seat, c.MakeStatement(text=f"Statement {r.said} from {seat}."))
        else:
            r.act(seat, c.SendMessage(to=other, text=f"Private word {r.said} for {other}."))
    for seat in seats:
        r.act(seat, c.SupportProposal(proposal=r.rng.choice(list(r.game.state.proposals))))
    mine = [p for p in r.game.state.open_proposals() if p.author == seats[0] and len(p.terms) == 1]
    if mine:
        r.act(seats[0], c.WithdrawProposal(proposal=mine[0].id))
    if last:  # a package every signatory will sign, so the game can end in agreement
        r.act(seats[0], c.TableProposal(terms=r.package()))
    for seat in seats:
        r.act(seat, c.MarkReady())


def _decide(r: Recorder, sign: bool) -> None:
    state = r.game.state
    newest = max(state.signable_proposals(), key=lambda p: int(p.id[1:]), default=None)
    for p in list(state.signable_proposals()):
        for seat in sorted(required_signatories(r.scenario, p.terms, state.in_play())):
            if r.game.ended:
                return
            vote = c.SignProposal if sign and p is newest else c.DeclineProposal
            r.act(seat, vote(proposal=p.id))
    if not r.game.ended:
        r.act(FACILITATOR, c.AdvancePhase())


def _facilitate(r: Recorder, round_: int) -> None:
    r.act(FACILITATOR, c.PauseTimer())
    r.act(FACILITATOR, c.ExtendTimer(seconds=30))
    r.act(FACILITATOR, c.ResumeTimer())
    r.act(FACILITATOR, c.Announce(text=f"Round {round_}: keep it moving."))
    if round_ == 1:
        cards = r.scenario.pressure.cards
        r.act(FACILITATOR, c.InjectEvent(card=cards[-1].id))
        absent = [d.id for d in r.scenario.delegations if d.absent]
        if absent:
            r.act(FACILITATOR, c.SeatDelegation(delegation=absent[0]))
        r.act(FACILITATOR, c.SetController(delegation=r.seats[-1], controller="bot", strategy="fair"))


def record_game(scenario_id: str = "tutorial", seed: int = 3, ending: Ending = "agreement",
                chatter: int = 6, debrief: bool = True) -> list[EventBase]:
    """A whole scripted game's log (see the module docstring)."""
    r = Recorder(scenario_id, seed)
    r.act(FACILITATOR, c.StartGame())
    rounds = r.scenario.rounds
    while not r.game.ended:
        state = r.game.state
        last = state.round == rounds
        if state.phase is Phase.NEGOTIATION:
            _facilitate(r, state.round)
            if ending == "walkout" and state.round == 2:
                party = next(d.id for d in r.scenario.delegations if d.kind == "party")
                r.act(party, c.WalkOut())
                continue
            _negotiate(r, chatter // rounds, last and ending == "agreement")
        elif state.phase is Phase.DECISION:
            _decide(r, sign=last and ending == "agreement")
        else:
            r.clock = (state.deadline or r.clock) + 1
            r.act(CLOCK, c.Tick())
    if debrief:
        r.act(FACILITATOR, c.OpenDebrief())
    return r.log


# ---------------------------------------------------------------- the recordings themselves


def test_recorded_game_exercises_every_kind_of_event() -> None:
    """The default recording holds every event type but walkout, ends in agreement and opens the debrief."""
    log = record_game("istanbul-2022", chatter=30)
    types = {e.type for e in log}  # type: ignore[attr-defined]
    expected = {"game_created", "phase_started", "pressure_drawn", "reservation_shifted",
                "war_cost_incurred", "proposal_tabled", "proposal_withdrawn", "proposal_supported",
                "statement_made", "message_sent", "ready_marked", "proposal_signed",
                "proposal_declined", "agreement_signed", "timer_paused", "timer_resumed",
                "timer_extended", "announced", "delegation_seated", "controller_changed",
                "game_ended", "result_scored", "debrief_opened"}
    assert expected <= types, expected - types
    assert Game.from_events(log).state.agreement is not None


def test_recordings_end_as_asked() -> None:
    """The `ending` argument gives a walkout, or a game that runs out of rounds with no deal."""
    walkout = Game.from_events(record_game(ending="walkout", debrief=False)).state
    assert walkout.ending is not None and walkout.ending.reason == "walkout"
    assert not walkout.debrief_open
    none = Game.from_events(record_game(ending="none")).state
    assert none.ending is not None and none.ending.reason == "last_round" and none.debrief_open


def test_chatter_makes_big_logs() -> None:
    """Asking for 3,000 chatter events gives a log at least that long, still a valid game."""
    log = record_game("tutorial", chatter=3000, debrief=False)
    assert len(log) > 3000
    assert Game.from_events(log).ended
