"""Per-connection flood control: a token bucket (20 messages a second, bursts of 40)."""

from __future__ import annotations

import time
from collections.abc import Callable

RATE_PER_SECOND = 20.0
BURST = 40.0


class TokenBucket:
    def __init__(self, rate: float = RATE_PER_SECOND, burst: float = BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens = burst
        self._last = clock()

    def take(self) -> bool:
        """Spend one token; False when the bucket is empty (the sender is flooding)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
