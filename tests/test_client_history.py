"""The debrief a player and the facilitator see scores the historical terms beside the room's:
durability with the essay's reasons, each delegation's result against no deal, the frontier."""

from __future__ import annotations

from client.widgets.debrief import debrief_markup
from engine_helpers import Table
from server.analysis.debrief import debrief, debrief_report
from server.engine import commands as c
from server.engine.phases import Phase
from server.figures import number, signed_number


def test_the_historical_istanbul_package_is_shown_fragile_with_its_reasons_and_results() -> None:
    """An istanbul-2022 game's debrief shows the 2022 terms at 0.02 'fragile', the missing
    guarantees and ceasefire as reasons, and every delegation's historical result, which adds up."""
    table = Table("istanbul-2022", seed=2)
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.EndGame())
    d = debrief_report(table.log)
    scored = d.history.scored
    assert scored is not None
    text = debrief_markup(d)
    assert "The historical terms, scored here" in text
    assert f"durability {number(scored.durability.score)} — {scored.durability.label}" in text
    assert scored.durability.label.startswith("fragile")
    assert "No peace without the West" in text and "Ceasefire and settlement together" in text
    for x in scored.delegations:
        assert round(x.result - x.no_deal, 2) == x.surplus
        assert f"{number(x.result):>8}{number(x.no_deal):>9}{signed_number(x.surplus):>9}" in text


def test_the_markdown_and_html_exports_score_the_historical_terms() -> None:
    """`parley export --format md|html` of an istanbul-2022 game scores the 2022 terms beside the
    room's results: durability, its reasons in the essay's words, every delegation's figures."""
    from server.replay.model import Replay
    from server.replay.render import html, markdown
    from server.replay.transcript import transcript

    table = Table("istanbul-2022", seed=2)
    table.advance_to(Phase.NEGOTIATION)
    table.facilitate(c.EndGame())
    scored = debrief(table.log)["history"]["scored"]
    blocks = transcript(Replay(table.log))
    md, page = markdown(blocks), html(blocks)
    assert f"durability {number(scored['durability']['score'])} ({scored['durability']['label']})" in md.replace("\\", "")
    assert "politically weightless" in md and "politically weightless" in page
    for x in scored["delegations"]:
        assert f"<td>{number(x['result'])}</td>" in page and f"<td>{number(x['no_deal'])}</td>" in page
