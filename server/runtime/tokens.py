"""Join codes a student can type from a projector, and the unguessable tokens behind them.

A code is the delegation's prefix from the scenario and four characters from an alphabet
without the look-alikes 0/O and 1/I (`UA-7KQ4`): about a million per prefix, enough to keep
every code in a database distinct. A code only gets you a seat's *token*
(`secrets.token_urlsafe`, 192 bits), which is what every later message is checked against;
the store keeps only the token's SHA-256, so a stolen database file opens no seat.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Container

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_code(prefix: str, taken: Container[str]) -> str:
    while True:
        code = f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


def normalize_code(text: str) -> str:
    """What a person typed, as a code: upper case, spaces and a missing dash forgiven."""
    cleaned = text.strip().upper().replace(" ", "")
    if "-" not in cleaned and len(cleaned) > 4:
        cleaned = cleaned[:-4] + "-" + cleaned[-4:]
    return cleaned


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
