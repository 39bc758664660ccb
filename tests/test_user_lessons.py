"""The scores teach the essay's lessons in the game a newcomer plays first (huser).

Found by reading `parley tournament tutorial --games 100 --seed 1` as a teacher would: the
hardliner, who never concedes, had the best mean result of every strategy (42.7 against
linear concession's 41.2), and `parley scenarios check` said "waiting does not pay" because it
compared only boulware. The tutorial now makes each round without a deal cost more, and the
check counts the hardliner as holding out too.
"""

from __future__ import annotations

from server.analysis.playtest import playtest
from server.scenario.loader import bundled_scenarios
from server.scenario.model import Scenario


def _with_drift(drift: float) -> Scenario:
    tutorial = bundled_scenarios()["tutorial"]
    delegations = tuple(d.model_copy(update={"hidden": d.hidden.model_copy(update={"reservation_drift": drift})})
                        if d.kind.value == "party" else d for d in tutorial.delegations)
    return tutorial.model_copy(update={"delegations": delegations})


def test_the_tutorial_does_not_reward_holding_out() -> None:
    """100 bot games of the bundled tutorial: neither boulware nor the hardliner beats both linear and conceder."""
    report = playtest(bundled_scenarios()["tutorial"], games=100)
    assert not report.waiting.pays, report.waiting.verdict
    results = {row.strategy: row.mean_result for row in report.by_strategy}
    assert results["linear"] > results["hardliner"] and results["linear"] > results["boulware"], results


def test_the_check_says_when_the_hardliner_wins() -> None:
    """With the tutorial's old drift (-3 a round) the playtest warns that waiting pays, naming the hardliner."""
    report = playtest(_with_drift(-3), games=100)
    assert report.waiting.pays
    assert report.waiting.verdict.startswith("waiting pays: hardliner bots' mean result"), report.waiting.verdict
    assert any("reservation_drift" in w.place for w in report.warnings), report.warnings
