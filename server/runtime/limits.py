"""Flood control and join guessing: token buckets, per seat and per address.

A `TokenBucket` allows `rate` actions a second with bursts of `burst`. The network adapter
gives every connection one for the frames it sends before it holds a seat; once it holds a
seat it spends that *seat's* bucket (`SeatLimits`), so opening more connections on one token
never buys more messages.

`JoinGuard` limits wrong join codes, per client address and over the whole server. Why the
limits make guessing hopeless (see tokens.py for the code space): a code is its delegation's
public prefix and six characters of a 32-letter alphabet, 32**6 = 1,073,741,824 codes per
prefix. Even with 100 unclaimed codes under one prefix (a class of 100 rooms nobody has
joined yet), one guess hits with probability 100 / 32**6 = 9.3e-8. The whole server accepts
at most OVERALL_FAILURES wrong codes a minute (a lockout follows), i.e. 12,000 an hour: an
attacker using every address it has expects a first hit after 32**6 / 100 / 12,000 = 895
hours of guessing, about 37 days of a server locked for everyone else — and one address, at
ADDRESS_FAILURES a minute, after 18,000 hours.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from server.runtime.errors import Refusal

RATE_PER_SECOND = 20.0  # messages a seat (or a connection without one) may send
BURST = 40.0

# Whole-log reads (fetch_log, fetch_report) cost tens to hundreds of ms of the server's one loop
# for a long game, where a message costs well under one: at the message rate, one seat asking
# for a 475 KB log put another room's ping p99 at 170 ms (1 ms alone); a facilitator asking for
# the class report (213 ms each) from 8 connections, 160 ms. A reader gets READ_BURST of them
# at once, then one every 1 / READS_PER_SECOND seconds.
READS_PER_SECOND = 0.5
READ_BURST = 4.0
# The debrief is worked out once per state of the log and shared, but each answer still encodes
# its ~24 KB frame: a facilitator asking flat out from 8 connections put another room's p99 at
# 36-83 ms. It has an allowance of its own (a facilitator stepping through a class's rooms asks
# for several in a row), larger than the logs' but just as shared by a reader's connections.
# A class's facilitator gets one more for each room of the class, so that stepping through
# every room's debrief once is never refused (a class of 12 rooms was refused at the ninth).
DEBRIEFS_PER_SECOND = 1.0
DEBRIEF_BURST = 8.0

ADDRESS_FAILURES = 10    # wrong join codes a minute from one address, before a lockout
ADDRESS_LOCKOUT = 60.0   # seconds
OVERALL_FAILURES = 200   # wrong join codes a minute over the whole server
OVERALL_LOCKOUT = 30.0
MAX_ADDRESSES = 10_000   # remembered addresses (forgiven ones are forgotten first)

Clock = Callable[[], float]


class TokenBucket:
    __slots__ = ("rate", "burst", "_clock", "_tokens", "_last")  # one per connection and per seat

    def __init__(self, rate: float = RATE_PER_SECOND, burst: float = BURST,
                 clock: Clock = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens = burst
        self._last = clock()

    def take(self) -> bool:
        """Spend one token; False when the bucket is empty (the sender is flooding)."""
        self._refill()
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

    def full(self) -> bool:
        self._refill()
        return self._tokens >= self.burst

    def empty(self) -> bool:
        self._refill()
        return self._tokens < 1.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now


class SeatLimits:
    """One message bucket per seat (room, delegation), whichever connection holds it."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def bucket(self, room: str, delegation: str) -> TokenBucket:
        found = self._buckets.get((room, delegation))
        if found is None:
            found = self._buckets[(room, delegation)] = TokenBucket(clock=self._clock)
        return found


class ReadLimits:
    """One bucket of whole-log reads (see READS_PER_SECOND) and one of debriefs (see
    DEBRIEFS_PER_SECOND) per reader: a seat, a class's facilitator (whichever of its connections
    asks), or one connection for anyone else."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, bool], TokenBucket] = {}

    def bucket(self, reader: str, debrief: bool = False, rooms: int = 0) -> TokenBucket:
        """`reader`'s bucket; a facilitator's debriefs allow `rooms` (its class's) more at once."""
        found = self._buckets.get((reader, debrief))
        if found is None:
            found = self._buckets[(reader, debrief)] = self.new_bucket(debrief, rooms)
        return found

    def new_bucket(self, debrief: bool = False, rooms: int = 0) -> TokenBucket:
        if debrief:
            return TokenBucket(DEBRIEFS_PER_SECOND, DEBRIEF_BURST + rooms, self._clock)
        return TokenBucket(READS_PER_SECOND, READ_BURST, self._clock)

    @staticmethod
    def spend(bucket: TokenBucket, what: str) -> None:
        """Take one read from `bucket`, or raise Refusal(slow_down) naming when to ask again."""
        if not bucket.take():
            raise Refusal("slow_down", f"The {what} was sent a moment ago: ask again in "
                                       f"{math.ceil(1.0 / bucket.rate)} s.")


class _Lockout:
    """Failures allowed `limit` a minute (a bucket); the `limit`-th in a row locks for `seconds`."""

    def __init__(self, limit: int, seconds: float, clock: Clock) -> None:
        self.bucket = TokenBucket(limit / 60.0, float(limit), clock)
        self.seconds, self.until, self._clock = seconds, 0.0, clock

    def remaining(self) -> float:
        return max(0.0, self.until - self._clock())

    def fail(self) -> None:
        self.bucket.take()
        if self.bucket.empty():
            self.until = self._clock() + self.seconds


class JoinGuard:
    """Refuses join attempts while their address (or the whole server) is locked out."""

    def __init__(self, clock: Clock = time.monotonic, address_failures: int = ADDRESS_FAILURES,
                 overall_failures: int = OVERALL_FAILURES) -> None:
        self._clock = clock
        self._address_failures = address_failures
        self._overall = _Lockout(overall_failures, OVERALL_LOCKOUT, clock)
        self._addresses: dict[str, _Lockout] = {}

    def check(self, address: str) -> None:
        """Raise Refusal(join_locked), naming how long, if `address` may not try a code now."""
        mine = self._addresses.get(address)
        wait = max(self._overall.remaining(), mine.remaining() if mine else 0.0)
        if wait > 0:
            whose = "this address" if mine and mine.remaining() > 0 else "this server"
            raise Refusal("join_locked", f"Too many wrong join codes from {whose}: try again in "
                                         f"{math.ceil(wait)} s.")

    def failed(self, address: str) -> None:
        """A wrong code from `address`: count it, and lock out when there were too many."""
        mine = self._addresses.get(address)
        if mine is None:
            self._forget_forgiven()
            mine = self._addresses[address] = _Lockout(self._address_failures, ADDRESS_LOCKOUT, self._clock)
        mine.fail()
        self._overall.fail()

    def _forget_forgiven(self) -> None:
        if len(self._addresses) >= MAX_ADDRESSES:
            for address in [a for a, lock in self._addresses.items()
                            if lock.remaining() == 0 and lock.bucket.full()]:
                del self._addresses[address]
