"""How many commands a second the pure engine handles on one core.

    python benchmarks/bench_engine.py [--scenario istanbul-2022] [--seconds 5]

Plays whole games through `Game.handle`: every round each seat tables a package, supports,
talks in public and in private and marks ready; in the decision phase each signatory votes;
the facilitator's clock ticks. Prints commands per second (and events per second), best of 3.
"""

from __future__ import annotations

import argparse
import random
import time

from server.engine import CLOCK, FACILITATOR, Game, RuleViolation
from server.engine import commands as c
from server.engine.phases import Phase
from server.scenario import bundled_scenarios


def play_one_game(scenario_id: str, seed: int) -> tuple[int, int]:
    """One scripted game; returns (commands handled, events produced)."""
    scenario = bundled_scenarios()[scenario_id]
    rng = random.Random(seed)
    game, events = Game.create(scenario, seed=seed, at=0.0)
    clock, commands, produced = 0.0, 0, len(events)

    def act(actor: str, command: c.CommandBase) -> None:
        nonlocal clock, commands, produced
        clock += 0.5
        try:
            produced += len(game.handle(command, actor, clock))
        except RuleViolation:
            pass
        commands += 1

    act(FACILITATOR, c.StartGame())
    while not game.ended:
        seats = sorted(game.state.in_play())
        phase = game.state.phase
        if phase is Phase.NEGOTIATION:
            for seat in seats:
                terms = {i.id: rng.choice(i.options).id for i in scenario.issues}
                act(seat, c.TableProposal(terms=terms))
                act(seat, c.MakeStatement(text="We are ready to talk."))
                act(seat, c.SendMessage(to=rng.choice([s for s in seats if s != seat]), text="A word in private."))
                act(seat, c.SupportProposal(proposal=rng.choice(list(game.state.proposals))))
                act(CLOCK, c.Tick())
        elif phase is Phase.DECISION:
            for proposal in list(game.state.proposals)[-len(seats):]:
                for seat in seats:
                    act(seat, c.DeclineProposal(proposal=proposal) if rng.random() < 0.9
                        else c.SignProposal(proposal=proposal))
                    if game.ended:
                        break
        for seat in seats:
            if not game.ended and game.state.phase is phase:
                act(seat, c.MarkReady())
    return commands, produced


def measure(scenario_id: str, seconds: float) -> tuple[float, float]:
    commands = events = 0
    started = time.perf_counter()
    seed = 0
    while time.perf_counter() - started < seconds:
        n, e = play_one_game(scenario_id, seed)
        commands, events, seed = commands + n, events + e, seed + 1
    elapsed = time.perf_counter() - started
    return commands / elapsed, events / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="istanbul-2022" if "istanbul-2022" in bundled_scenarios() else "tutorial")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    best = max((measure(args.scenario, args.seconds / 3) for _ in range(3)), key=lambda r: r[0])
    print(f"engine on {args.scenario}: {best[0]:,.0f} commands/s, {best[1]:,.0f} events/s (one core, best of 3)")


if __name__ == "__main__":
    main()
