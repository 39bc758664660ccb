"""Join codes a student can type from a projector, and the unguessable tokens behind them.

A code is the delegation's prefix from the scenario and six characters from an alphabet
without the look-alikes 0/O and 1/I (`UA-7KQ4XM`): 32**6, about a thousand million per
prefix, so that guessing within the join limits is hopeless (the arithmetic is in limits.py).
A code claims its seat once; after that it is spent, and the seat's holder comes back with
the seat's *token* (`secrets.token_urlsafe`, 192 bits), which is what every later message is checked against;
the store keeps only the token's SHA-256, so a stolen database file opens no seat.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Container

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_code(prefix: str, taken: Container[str]) -> str:
    while True:
        code = f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code_key(code) not in taken:
            return code


def code_key(text: str) -> str:
    """A code as it is looked up: upper case, without spaces or dashes, so a code typed
    `ua 7kq4xm` finds `UA-7KQ4XM` (and the four-character codes of older databases work too)."""
    return "".join(text.upper().split()).replace("-", "")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
