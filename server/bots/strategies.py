"""Bot strategies: pure functions of what a seat sees, returning the commands it sends.

Theory of operation
-------------------
`Strategy.act(view)` is called whenever something may have changed for the seat (a batch of
events, a fresh view). It reads only the seat's own view (`game.view_for(delegation)`: the
public table, its own hidden constraints under ``view.you``, the notes it may read) and
returns engine commands. Everything it does in a phase is either visible in the view (its
ready mark, its supports, its votes) or remembered per phase (whether it tabled or spoke), so
calling `act` again is harmless: it answers with the moves still to make, and never more than
a phase's budget (the runner calls it after every batch, its own included).

The playbook is shared: in negotiation, support others' packages worth the current
aspiration, else table one (or amend someone's) worth it to me and as good as possible for the
others, say so, mark ready; in decision, sign the complete packages worth the aspiration and
crossing no red line, decline the rest, mark ready; in pressure and resolution, mark ready.
Strategies differ in their aspiration, which falls from the best package's worth to the
reservation value over the game's rounds:

* time-based tempers: Boulware (holds out until late), linear, Conceder (gives ground early);
* tit-for-tat: concedes as much as the others' proposals have improved for it, plus a little
  goodwill each round so that two of them do not wait for each other for ever;
* hardliner: never goes below halfway between its best and its reservation value, and only late;
* mediator: tables a compromise built from the parties' proposals and signs only a clause that
  names it (a guarantee only it can give).

Randomness comes from ``random.Random(f"{seed}:{delegation}:{name}")`` and only chooses words:
the same seed gives the same play.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from server.bots import speech
from server.bots.packages import Others, compromise, concede_from, improve_toward
from server.bots.seat import SeatTable
from server.engine import commands as c
from server.engine.view_models import ProposalView, SeatView
from server.scenario.parts import Issue

View = SeatView  # the seat's view as the server sent it (in the process: as view_for built it)
OpenProposal = ProposalView  # one of the view's open proposals (not the engine's Proposal)

THINK_SECONDS = (0.5, 2.0)  # how long a bot thinks before it acts, before the time scale
MAX_THINK = 3.0             # and never longer, however slow the game's clock runs
PHASE_BUDGET = 6  # commands a bot may send in one phase, beyond one per proposal on the table
MAX_REPLIES = 2   # private replies per phase: two bots can never talk each other into a loop


def think_time(rng: random.Random, time_scale: float) -> float:
    """Seconds a bot waits before it acts (in the room or over the network): a human-looking
    pause, scaled with the game's clock, never more than MAX_THINK."""
    return min(MAX_THINK, rng.uniform(*THINK_SECONDS) * time_scale)


class Strategy:
    """The shared playbook; subclasses set `name`, `temper` and `aspiration`."""

    name: ClassVar[str] = "strategy"
    temper: ClassVar[str] = "steady"

    def __init__(self, delegation: str, seed: int) -> None:
        self.me = delegation
        self.rng = random.Random(f"{seed}:{delegation}:{self.name}")
        self.phase_key: tuple[int, str] | None = None
        self.budget = 0
        self.tabled = False
        self.spoke = False
        self.replies = 0
        self.answered: set[int] = set()
        self.interim_tabled = False

    # ------------------------------------------------------------ the one entry point

    def act(self, view: View, events: Sequence[Any] = ()) -> list[c.CommandBase]:
        """The commands this seat sends now (possibly none)."""
        if not self._at_the_table(view):
            return []
        key = (int(view.round), str(view.phase))
        if key != self.phase_key:
            self._new_phase(key, view)
        seat = SeatTable.from_view(view)
        moves = self._answer_messages(view) + self._PLAYS[view.phase](self, view, seat)
        moves = moves[: max(self.budget, 0)]
        self.budget -= len(moves)
        return moves

    def aspiration(self, view: View, seat: SeatTable) -> float:
        raise NotImplementedError

    # ------------------------------------------------------------ phases

    def _ready(self, view: View, seat: SeatTable) -> list[c.CommandBase]:
        return [] if self.me in view.ready else [c.MarkReady()]

    def _negotiate(self, view: View, seat: SeatTable) -> list[c.CommandBase]:
        aspiration = self.aspiration(view, seat)
        open_ = [p for p in view.proposals if not p.withdrawn]
        good = [p for p in open_ if p.author != self.me and seat.acceptable(p.terms, aspiration)]
        moves: list[c.CommandBase] = [c.SupportProposal(proposal=p.id) for p in good
                                      if self.me not in p.supporters]
        if moves:
            moves += self._speak(speech.SUPPORTED, p=good[0].id)
        elif not good and not self.tabled:
            self.tabled = True
            moves += self._table(view, seat, aspiration, open_)
        return moves + self._interim(view, seat, open_) + self._ready(view, seat)

    def _interim(self, view: View, seat: SeatTable, open_: list[OpenProposal]) -> list[c.CommandBase]:
        """Once a game, table the interim agreement this seat gains most from (the step-by-step
        track), if the scenario has one and no interim proposal is open or in force."""
        if self.interim_tabled or any(is_interim(view, p.terms) for p in open_):
            return []
        if any(i.status == "holding" for i in view.interims):
            return []
        self.interim_tabled = True
        terms = best_interim(view, seat)
        return [c.TableProposal(terms=terms)] if terms else []

    def _table(self, view: View, seat: SeatTable, aspiration: float,
               open_: list[OpenProposal]) -> list[c.CommandBase]:
        # Every decision phase is a fresh vote, so any open proposal can still be signed.
        terms, amends = self.package(seat, aspiration, Others(view, self.me), open_)
        same = next((p for p in open_ if p.terms == terms), None)
        if same is not None:
            if self.me in same.supporters:
                return self._speak(speech.HOLDING)
            return [c.SupportProposal(proposal=same.id), *self._speak(speech.SUPPORTED, p=same.id)]
        stale = [c.WithdrawProposal(proposal=p.id) for p in open_ if p.author == self.me
                 and p.id != amends and set(p.supporters) == {self.me}]
        line = speech.tabled(self.temper, self.rng, self._name(view), amends)
        self.spoke = True
        return [*stale, c.TableProposal(terms=terms, amends=amends), c.MakeStatement(text=line)]

    def package(self, seat: SeatTable, aspiration: float, others: Others,
                open_: list[OpenProposal]) -> tuple[dict[str, str], str | None]:
        """The package to table: my best, conceded towards the others, or an amendment."""
        own = concede_from(seat, seat.best_package(), aspiration, others)
        theirs = [p for p in open_ if p.author != self.me and seat.complete(p.terms)]
        if not theirs:
            return own, None
        nearest = max(theirs, key=lambda p: (seat.worth(p.terms), p.id))
        amended = improve_toward(seat, nearest.terms, aspiration, others)
        if amended is not None and others.of(amended) > others.of(own):
            return amended, nearest.id
        return own, None

    def _decide(self, view: View, seat: SeatTable) -> list[c.CommandBase]:
        aspiration = self.aspiration(view, seat)
        ballots = sorted((p for p in view.proposals if self._votes_on(view, p, seat)),
                         key=lambda p: -seat.worth(p.terms))
        moves: list[c.CommandBase] = []
        for p in ballots:
            if self._signs(view, seat, p, aspiration):
                moves.append(c.SignProposal(proposal=p.id))
            else:
                moves.append(c.DeclineProposal(proposal=p.id))
        if ballots:
            signed = isinstance(moves[0], c.SignProposal)
            moves += self._speak(speech.SIGNED if signed else speech.DECLINED, p=ballots[0].id)
        return moves + self._ready(view, seat)

    def signs(self, seat: SeatTable, proposal: OpenProposal, aspiration: float) -> bool:
        return seat.acceptable(proposal.terms, aspiration)

    def _signs(self, view: View, seat: SeatTable, proposal: OpenProposal, aspiration: float) -> bool:
        if is_interim(view, proposal.terms):  # worth having if it gives me more than nothing
            return not seat.crosses(proposal.terms) and interim_gain(view, seat, proposal.terms) >= 0
        return self.signs(seat, proposal, aspiration)

    def _votes_on(self, view: View, p: OpenProposal, seat: SeatTable) -> bool:
        signable = seat.complete(p.terms) or is_interim(view, p.terms)
        return (not p.withdrawn and not p.settled and signable and self.me in p.required
                and self.me not in p.signatures and self.me not in p.declines)

    _PLAYS: ClassVar[dict[str, Callable[[Strategy, View, SeatTable], list[c.CommandBase]]]] = {
        "pressure": _ready, "negotiation": _negotiate, "decision": _decide, "resolution": _ready,
    }

    # ------------------------------------------------------------ talk

    def _speak(self, lines: tuple[str, ...], p: str = "") -> list[c.CommandBase]:
        if self.spoke:
            return []
        self.spoke = True
        return [c.MakeStatement(text=speech.say(lines, self.rng, me=self.display, p=p))]

    def _answer_messages(self, view: View) -> list[c.CommandBase]:
        replies: list[c.CommandBase] = []
        in_play = set(view.seated) - set(view.walked_out)
        for note in view.notes or ():
            if note.kind != "message" or note.sender == self.me or note.seq in self.answered:
                continue
            self.answered.add(note.seq)
            if self.replies < MAX_REPLIES and note.sender in in_play:
                self.replies += 1
                text = speech.say(speech.REPLIES, self.rng, me=self.display,
                                  to=speech.name_of(view, note.sender))
                replies.append(c.SendMessage(to=note.sender, text=text))
        return replies

    # ------------------------------------------------------------ bookkeeping

    def _at_the_table(self, view: View) -> bool:
        return (view.you is not None and view.phase in self._PLAYS
                and view.paused_remaining is None and self.me in view.seated
                and self.me not in view.walked_out)

    def _new_phase(self, key: tuple[int, str], view: View) -> None:
        self.phase_key = key
        self.budget = PHASE_BUDGET + len(view.proposals)
        self.tabled = self.spoke = False
        self.replies = 0
        self.display = self._name(view)

    def _name(self, view: View) -> str:
        return speech.name_of(view, self.me)

    display: str = ""


def _issues(view: View) -> tuple[Issue, ...]:
    return tuple(view.scenario.issues) if view.scenario else ()


def _rounds(view: View) -> int:
    return view.scenario.rounds if view.scenario else 1


def interim_options(view: View) -> dict[str, set[str]]:
    """issue -> the options that may be agreed on their own (the scenario's interim issues)."""
    return {i.id: {o.id for o in i.options if o.interim}
            for i in _issues(view) if i.interim}


def is_interim(view: View, terms: Mapping[str, str]) -> bool:
    allowed = interim_options(view)
    complete = len(terms) == len(_issues(view))
    return bool(terms) and not complete and all(o in allowed.get(i, ()) for i, o in terms.items())


def interim_gain(view: View, seat: SeatTable, terms: Mapping[str, str]) -> float:
    """What an interim package gives me on my own table over leaving those issues as they are
    (each interim issue's first option: no deal on it)."""
    first = {i.id: i.options[0].id for i in _issues(view)}
    return seat.worth(terms) - seat.worth({i: first[i] for i in terms})


def best_interim(view: View, seat: SeatTable) -> dict[str, str]:
    """The interim package of my best option on each interim issue where it beats no deal."""
    terms: dict[str, str] = {}
    for issue, options in interim_options(view).items():
        best = max(sorted(options), key=lambda o: interim_gain(view, seat, {issue: o}), default=None)
        if best is not None and interim_gain(view, seat, {issue: best}) > 0 and not seat.crosses({issue: best}):
            terms[issue] = best
    return terms


def progress(view: View) -> float:
    """How far through the game we are: 0 in the first round, 1 in the last."""
    rounds = int(_rounds(view))
    return min(1.0, max(0.0, (int(view.round) - 1) / max(1, rounds - 1)))


class TimeBased(Strategy):
    """Aspiration = best - (best - reservation) * t ** (1 / e)."""

    exponent: ClassVar[float] = 1.0

    def aspiration(self, view: View, seat: SeatTable) -> float:
        top, floor = seat.best_worth(), seat.reservation
        if top <= floor:
            return floor
        return float(top - (top - floor) * progress(view) ** (1 / self.exponent))


class Boulware(TimeBased):
    name, temper, exponent = "boulware", "firm", 0.2


class Linear(TimeBased):
    name, temper, exponent = "linear", "steady", 1.0


class Conceder(TimeBased):
    name, temper, exponent = "conceder", "soft", 5.0


class TitForTat(Strategy):
    """Gives back what the others gave: how much their proposals improved for me."""

    name, temper = "tit_for_tat", "steady"
    goodwill: ClassVar[float] = 0.1  # of the range, per round

    def aspiration(self, view: View, seat: SeatTable) -> float:
        top, floor = seat.best_worth(), seat.reservation
        if top <= floor:
            return floor
        span = top - floor
        given = self._their_concessions(view, seat) + self.goodwill * span * (int(view.round) - 1)
        return top - min(span, given)

    def _their_concessions(self, view: View, seat: SeatTable) -> float:
        """The most any other delegation's proposals have improved for me since its first."""
        worth: dict[str, list[float]] = {}
        for p in view.proposals:
            if p.author != self.me and seat.complete(p.terms):
                worth.setdefault(p.author, []).append(seat.worth(p.terms))
        return max((max(w) - w[0] for w in worth.values()), default=0.0)


class Hardliner(Strategy):
    """Never below halfway between its best and its reservation value; moves only late."""

    name, temper = "hardliner", "firm"

    def aspiration(self, view: View, seat: SeatTable) -> float:
        top, floor = seat.best_worth(), seat.reservation
        if top <= floor:
            return floor
        return top - (top - floor) * 0.5 * progress(view) ** 4

    def package(self, seat: SeatTable, aspiration: float, others: Others,
                open_: list[OpenProposal]) -> tuple[dict[str, str], str | None]:
        return concede_from(seat, seat.best_package(), aspiration, others), None


class Mediator(Strategy):
    """Tables compromises built from the parties' proposals; signs only clauses naming it."""

    name, temper = "mediator", "mediator"

    def aspiration(self, view: View, seat: SeatTable) -> float:
        return seat.reservation

    def _negotiate(self, view: View, seat: SeatTable) -> list[c.CommandBase]:
        moves: list[c.CommandBase] = []
        if not self.tabled:
            self.tabled = True
            open_ = [p for p in view.proposals if not p.withdrawn]
            moves += self._table(view, seat, seat.reservation, open_)
        return moves + self._ready(view, seat)

    def package(self, seat: SeatTable, aspiration: float, others: Others,
                open_: list[OpenProposal]) -> tuple[dict[str, str], str | None]:
        return compromise(seat, others), None

    def signs(self, seat: SeatTable, proposal: OpenProposal, aspiration: float) -> bool:
        # A mediator is asked to sign only when a clause names it: a guarantee it gives.
        return not seat.crosses(proposal.terms) and seat.worth(proposal.terms) >= aspiration

    _PLAYS: ClassVar[dict[str, Callable[[Strategy, View, SeatTable], list[c.CommandBase]]]] = {
        **Strategy._PLAYS, "negotiation": _negotiate,  # type: ignore[dict-item]
    }


STRATEGIES: dict[str, type[Strategy]] = {
    s.name: s for s in (Boulware, Linear, Conceder, TitForTat, Hardliner, Mediator)
}
DEFAULT_STRATEGY = "linear"
PARTY_STRATEGIES = ("boulware", "linear", "conceder", "tit_for_tat", "hardliner")


def strategy_name(name: str | None, kind: str) -> str:
    """`name` if given, else the default for a seat of this kind (a mediator mediates)."""
    if name is None:
        return "mediator" if kind == "mediator" else DEFAULT_STRATEGY
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r} (known: {', '.join(STRATEGIES)})")
    return name


def make_strategy(name: str | None, delegation: str, kind: str, seed: int) -> Strategy:
    return STRATEGIES[strategy_name(name, kind)](delegation, seed)
