"""The debrief's joint gains say whose gains they add (found by huser5 playing istanbul-2022).

"A better deal for everyone at the table (gains over no deal: Ukraine +6.75, Russian Federation
+12.50, Turkey (host) +31.50; the signers' joint gain 19.25)": Turkey signed, yet its gain is not
in the 19.25 — the joint gain is the table's (parties and guarantors), a mediator's not counted.
The text debrief (exports) also named the table's delegations by id in that line.
"""

from __future__ import annotations

from client.widgets.debrief import gains_text
from server.analysis.debrief import debrief_report, format_debrief
from server.bots.tournament import play_game
from server.scenario import bundled_scenarios


def test_joint_gains_name_the_mediator_left_out_and_no_id() -> None:
    """Tutorial bot game with an agreement: the text and the client's lines say 'the table's joint gain … River Commission mediating, not counted', never 'signers'' or an id."""
    scenario = bundled_scenarios()["tutorial"]
    record = next(r for r in (play_game(scenario, {}, seed) for seed in range(1, 20)) if r.agreement)
    d = debrief_report(record.log)
    text = format_debrief(d)
    assert "signers' joint gain" not in text
    assert "the table's joint gain" in text and "River Commission mediating, not counted" in text, text
    gains_lines = [line for line in text.splitlines() if "gains" in line]
    assert not any(word in line for line in gains_lines for word in ("upland ", "lowland ", "commission ")), gains_lines
    assert d.analysis is not None and d.analysis.nash is not None
    package = d.analysis.nash
    shown = gains_text(d, package)
    assert "the table's joint gain" in shown and "River Commission mediating, not counted" in shown, shown
