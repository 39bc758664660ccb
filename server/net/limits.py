"""Flood control lives in the runtime now (per seat, not per connection): server/runtime/limits.py."""

from __future__ import annotations

from server.runtime.limits import BURST, RATE_PER_SECOND, TokenBucket

__all__ = ["BURST", "RATE_PER_SECOND", "TokenBucket"]
