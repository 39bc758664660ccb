"""A room's compact event log (server/runtime/eventlog.py) reads back exactly the events it was given."""

from __future__ import annotations

from engine_helpers import Table
from server.engine import commands as c
from server.engine import dump_event
from server.engine.events import ControllerChanged, StatementMade
from server.engine.views import NOTES_ONLY
from server.runtime.eventlog import EventLog
from server.runtime.streams import SeatStreams


def _played() -> Table:
    table = Table("tutorial")
    table.start()
    table.act("upland", c.MakeStatement(text="We open the talks. «Ünïcode» and \"quotes\""))
    table.act("upland", c.SendMessage(to="lowland", text="Just between us."))
    table.facilitate(c.SetController(delegation="commission", controller="bot", strategy="tit_for_tat"))
    table.act("lowland", c.MakeStatement(text="Agreed."))
    table.facilitate(c.Announce(text="Five minutes left."))
    return table


def test_the_log_gives_back_every_event_as_it_was() -> None:
    """Indexing, slices and iteration give events equal to those appended (statements, messages and announcements kept as their JSON), and seat numbering is the same as over the plain list."""
    table = _played()
    log = EventLog(table.log[:3])
    log.extend(table.log[3:], [e.model_dump_json() for e in table.log[3:]])
    assert len(log) == len(table.log)
    assert [dump_event(e) for e in log] == [dump_event(e) for e in table.log]
    assert [dump_event(e) for e in log[2:5]] == [dump_event(e) for e in table.log[2:5]]
    assert dump_event(log[-1]) == dump_event(table.log[-1]) and type(log[-1]) is type(table.log[-1])
    compact = [n for n, e in enumerate(table.log) if e.type in NOTES_ONLY]
    assert len(compact) >= 4 and all(isinstance(log._items[n], bytes) for n in compact)  # noqa: SLF001
    assert list(log.visibilities()) == [e.visibility for e in table.log]
    for seat in ("upland", "lowland", "commission", None):
        plain, compacted = SeatStreams(["upland", "lowland", "commission"], table.log), \
            SeatStreams(["upland", "lowland", "commission"], log)
        assert plain.count(seat) == compacted.count(seat)
        assert SeatStreams.numbers(seat, table.log) == SeatStreams.numbers(seat, log)
        assert [dump_event(e) for e in SeatStreams.since(seat, log, 1)] == \
            [dump_event(e) for e in SeatStreams.since(seat, table.log, 1)]
    seq, found = log.last_of(ControllerChanged, lambda e: e.delegation == "commission") or (0, None)
    assert found is not None and found.strategy == "tit_for_tat" and table.log[seq - 1] == found
    assert log.last_of(StatementMade) is None  # statements are never looked at this way
