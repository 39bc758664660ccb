"""The class report's picture: joint gain against the frontier, and durability, as inline SVG."""

from __future__ import annotations

import re
from pathlib import Path

from server.analysis.report import class_report, report_html
from server.analysis.report_plot import GAIN_W, report_svg
from test_report import _Checker, played, stored_rooms  # noqa: F401  (the played class fixture)


def row(room: str, status: str, gain: float | None, left: float | None, durability: float | None,
        terms: dict[str, str] | None = None) -> dict[str, object]:
    return {"room": room, "status": status, "joint_gain": gain, "joint_gain_left": left,
            "durability": durability, "terms": terms}


def test_bars_are_in_proportion_to_the_frontier_and_labels_are_escaped() -> None:
    """An agreement's bar and what it left add up to the frontier's best; a hostile room id is escaped."""
    report = {"scenario": {"title": "T <x>"},
              "rooms": [row("<b>R1</b>", "ended", 30.0, 10.0, 0.5, {"a": "b"}),
                        row("R2", "ended", 0.0, 40.0, None), row("R3", "unfinished", None, None, None)],
              "history": row("history", "history", 20.0, 20.0, 0.25, {"a": "c"})}
    svg = report_svg(report)
    assert "<b>R1" not in svg and "&lt;b&gt;R1&lt;/b&gt;" in svg and "T &lt;x&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="18" fill="#3465a4"', svg)]
    assert widths == [GAIN_W * 30 / 40, 0.0]
    assert "no deal: 0" in svg and "unfinished" in svg and "0.25" in svg


def test_the_html_report_carries_the_plot_and_stays_well_formed(played: tuple[Path, str]) -> None:  # noqa: F811
    """`report --format html` of a played class has one inline SVG, no external asset, balanced tags."""
    db, class_id = played
    rooms = sorted(stored_rooms(db, class_id).items())
    page = report_html(class_report(rooms, class_id=class_id))
    assert page.count("<svg") == 1 and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
