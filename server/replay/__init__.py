"""Replay and exports: a recorded game, stopped at any event, seen as any seat.

Pure and I/O-free except `sources` and `remote` (reading a log from a store, a file or a server).

    model.py        Replay: the log, its timeline, states at any event (snapshots.py), views
    timeline.py     entries with round, phase, group and the delegations they concern
    cursor.py       moving through a timeline: steps, rounds, proposals, filter, search
    concessions.py  each delegation's tabled proposals' worth on its own table
    describe.py     one line of words per event
    transcript.py   the class transcript, rendered by render.py (md, html)
    records.py      the JSON event log and the CSV of results
    exports.py      one entry point for every format
"""

from server.engine import FACILITATOR, parse_event
from server.replay.cursor import Cursor
from server.replay.model import Replay, may_see_all

# FACILITATOR and parse_event too, for the replay viewer: the client imports server.replay
# (and server.protocol), never the engine itself.
__all__ = ["FACILITATOR", "Cursor", "Replay", "may_see_all", "parse_event"]
