"""Schedules: phase deadlines for games that run over days, beside the scenario's minutes.

A scenario gives each phase a length in seconds, multiplied by the game's time scale. A class
that meets twice a week needs other deadlines: "negotiation lasts two days", "the decision
of round 2 closes on Thursday at 09:00". A `Schedule` is a list of such entries; the engine
asks it for each phase's deadline when the phase starts (`Schedule.deadline`), and a phase
with no entry keeps the scenario's length. A phase still ends early when every seat is ready.

An entry names a phase, optionally a round, and either a length (`seconds`) or a wall-clock
time (`until`, seconds since the epoch, for one round only). An entry for a round beats an
entry for every round.

The text form is what `parley host --schedule` takes, parsed here without any clock or
time-zone lookup of its own (the caller passes the zone a time without offset is read in):

    negotiation=2d,decision=12h               every round's negotiation 2 days, decision 12 hours
    negotiation@2=2026-12-03T09:00            round 2's negotiation ends then (local time)
    decision@1=1d6h,negotiation@3=2026-12-04 17:30+01:00

A length is a sum of amounts with a unit: d (days), h (hours), m (minutes), s (seconds).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from server.engine.phases import TIMED_PHASES, Phase

MAX_SECONDS = 60 * 86400  # a phase of two months is a mistake, not a plan

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_LENGTH = re.compile(r"^(?:\d+(?:\.\d+)?[dhms])+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")


class ScheduleError(ValueError):
    """A schedule that cannot be used, with a sentence naming the entry at fault."""


class ScheduleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phase: Phase
    round: int | None = Field(default=None, ge=1, le=30)
    seconds: float | None = Field(default=None, gt=0, le=MAX_SECONDS)
    until: float | None = Field(default=None, gt=0, description="A wall-clock deadline (epoch seconds).")

    @model_validator(mode="after")
    def _one_kind(self) -> ScheduleEntry:
        if self.phase not in TIMED_PHASES:
            raise ValueError(f"{self.phase.value} is not a timed phase")
        if (self.seconds is None) == (self.until is None):
            raise ValueError("an entry gives either seconds or until, not both or neither")
        if self.until is not None and self.round is None:
            raise ValueError("a wall-clock deadline is for one round: name it (negotiation@2=...)")
        return self


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    entries: tuple[ScheduleEntry, ...] = Field(min_length=1, max_length=200)

    def entry(self, phase: Phase, round_: int) -> ScheduleEntry | None:
        """The entry that sets `phase` of `round_`: the round's own first, then every round's."""
        own = next((e for e in self.entries if e.phase is phase and e.round == round_), None)
        return own or next((e for e in self.entries if e.phase is phase and e.round is None), None)

    def deadline(self, phase: Phase, round_: int, start: float) -> float | None:
        """When `phase` of `round_`, started at `start`, ends; None when the schedule is silent."""
        entry = self.entry(phase, round_)
        if entry is None:
            return None
        if entry.until is not None:
            return max(entry.until, start)
        assert entry.seconds is not None
        return start + entry.seconds

    def wall_clock(self) -> list[ScheduleEntry]:
        return [e for e in self.entries if e.until is not None]


def parse_length(text: str) -> float:
    """`2d`, `12h`, `1d6h`, `90m`, `45s` as seconds; ScheduleError when it is none of those."""
    cleaned = text.strip().lower().replace(" ", "")
    if not _LENGTH.match(cleaned):
        raise ScheduleError(f"{text[:40]!r} is not a length like 2d, 12h, 1d6h or 30m")
    return sum(float(amount) * _UNITS[unit] for amount, unit in _PART.findall(cleaned))


def parse_time(text: str, zone: tzinfo) -> float:
    """An ISO date and time (`2026-12-03T09:00`, `2026-12-03 09:00+01:00`) as epoch seconds;
    without an offset it is read in `zone`."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(f"{text[:40]!r} is neither a length (2d, 12h) nor a date and time "
                            "(2026-12-03T09:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def parse_schedule(text: str, zone: tzinfo) -> Schedule:
    """The text form (see the module docstring) as a Schedule; ScheduleError naming the entry."""
    entries: list[ScheduleEntry] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise ScheduleError(f"{item[:40]!r}: write PHASE=LENGTH or PHASE@ROUND=TIME, e.g. negotiation=2d")
        phase_text, at, round_text = key.strip().lower().partition("@")
        try:
            phase = Phase(phase_text)
        except ValueError:
            phase = None
        if phase not in TIMED_PHASES:
            names = ", ".join(p.value for p in TIMED_PHASES)
            raise ScheduleError(f"{item[:40]!r}: {phase_text[:20]!r} is not a phase ({names})")
        round_: int | None = None
        if at:
            if not round_text.isdigit() or not 1 <= int(round_text) <= 30:
                raise ScheduleError(f"{item[:40]!r}: the round after @ is a number from 1 to 30")
            round_ = int(round_text)
        value = value.strip()
        try:
            seconds = parse_length(value)
        except ScheduleError:
            until = parse_time(value, zone)
            if round_ is None:
                raise ScheduleError(f"{item[:40]!r}: a date and time is for one round; "
                                    f"write {phase_text}@ROUND={value[:30]}") from None
            entries.append(ScheduleEntry(phase=phase, round=round_, until=until))
            continue
        if not 0 < seconds <= MAX_SECONDS:
            raise ScheduleError(f"{item[:40]!r}: a phase lasts more than 0 and at most 60 days")
        entries.append(ScheduleEntry(phase=phase, round=round_, seconds=seconds))
    if not entries:
        raise ScheduleError("the schedule is empty; write e.g. negotiation=2d,decision=12h")
    keys = [(e.phase, e.round) for e in entries]
    for phase_, round_n in keys:
        if keys.count((phase_, round_n)) > 1:
            where = phase_.value + (f"@{round_n}" if round_n else "")
            raise ScheduleError(f"{where} is given twice")
    return Schedule(entries=tuple(entries))


def check_schedule(schedule: Schedule, rounds: int, now: float) -> None:
    """ScheduleError unless every round named exists and every wall-clock time is still ahead,
    in order of round and phase."""
    for entry in schedule.entries:
        if entry.round is not None and entry.round > rounds:
            raise ScheduleError(f"{entry.phase.value}@{entry.round}: the scenario has {rounds} rounds")
        if entry.until is not None and entry.until <= now:
            raise ScheduleError(f"{entry.phase.value}@{entry.round}: that time has already passed")
    timed = sorted(schedule.wall_clock(), key=lambda e: (e.round or 0, TIMED_PHASES.index(e.phase)))
    for earlier, later in zip(timed, timed[1:]):
        assert earlier.until is not None and later.until is not None
        if later.until <= earlier.until:
            raise ScheduleError(f"{later.phase.value}@{later.round} ends before "
                                f"{earlier.phase.value}@{earlier.round}, which comes first")
