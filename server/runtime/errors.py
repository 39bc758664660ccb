"""Refusals: a request the runtime turns down (an unknown code, a token for another room...).

Like the engine's RuleViolation, these are the caller's mistakes, not bugs: they carry a
stable code from `server.protocol.wire.ERROR_CODES` and a sentence, and change nothing.
"""

from __future__ import annotations


class Refusal(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
