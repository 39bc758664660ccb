"""A room's compact event log (server/runtime/eventlog.py) reads back exactly the events it was given."""

from __future__ import annotations

from engine_helpers import Table
from server.engine import commands as c
from server.engine import dump_event
from server.engine.events import ControllerChanged, StatementMade
from server.engine.state import Note
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
    _reads_back(log, table)
    compact = [n for n, e in enumerate(table.log) if e.type in NOTES_ONLY]
    assert len(compact) >= 4 and all(isinstance(log._items[n], bytes) for n in compact)  # noqa: SLF001


def test_given_the_games_notes_the_log_keeps_the_notes_and_reads_back_the_same() -> None:
    """Given the game's notes (as a room gives them, batch by batch and at a restart), statements, messages and announcements are kept as those very notes, not as JSON, and every read gives back equal events."""
    table = _played()
    notes = table.state.notes
    at_once = EventLog(table.log, notes)
    batched = EventLog(table.log[:3])
    for n in range(3, len(table.log)):
        batched.extend(table.log[n:n + 1], None, notes)
    compact = [n for n, e in enumerate(table.log) if e.type in NOTES_ONLY]
    for log in (at_once, batched):
        _reads_back(log, table)
        assert all(isinstance(log._items[n], Note) for n in compact)  # noqa: SLF001
        assert {id(log._items[n]) for n in compact} <= {id(note) for note in notes}  # noqa: SLF001


def test_a_note_that_does_not_give_its_event_back_is_not_kept_for_it() -> None:
    """When the note at an event's number would rebuild a different event (another text, say), the log keeps the event's JSON instead, so what it reads back is always what was committed."""
    table = _played()
    wrong = [Note(n.seq, n.at, n.kind, n.sender, n.to, n.text + "!", n.round, n.member) for n in table.state.notes]
    log = EventLog(table.log, wrong)
    _reads_back(log, table)
    compact = [n for n, e in enumerate(table.log) if e.type in NOTES_ONLY]
    assert all(isinstance(log._items[n], bytes) for n in compact)  # noqa: SLF001


def _reads_back(log: EventLog, table: Table) -> None:
    assert len(log) == len(table.log)
    assert [dump_event(e) for e in log] == [dump_event(e) for e in table.log]
    assert [dump_event(e) for e in log[2:5]] == [dump_event(e) for e in table.log[2:5]]
    assert dump_event(log[-1]) == dump_event(table.log[-1]) and type(log[-1]) is type(table.log[-1])
    assert [type(e) for e in log] == [type(e) for e in table.log] and list(log) == table.log
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
