"""The personal rejoin code: a seat token a student can write down and type back in.

Once join codes are single-use, a student whose page was reloaded (or whose laptop crashed)
comes back with the seat *token*, which the client shows after the first join in a readable
form: the token's bytes in the join codes' alphabet (no 0/O or 1/I), grouped by five, with one
check character at the end so a mistyped code is told apart from a seat the server no longer
knows. The rejoin code *is* the token, losslessly re-spelled: no server support is needed, and
it never travels in a URL (the student types it on the join screen, which sends `resume`).
"""

from __future__ import annotations

import base64
import binascii

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # the join codes' alphabet (server.runtime.tokens)
_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_READABLE = str.maketrans(_RFC4648, ALPHABET)
_FROM_READABLE = str.maketrans(ALPHABET, _RFC4648)
GROUP = 5
MIN_LENGTH = 16  # characters without dashes: anything shorter is a join code


class RejoinTypo(ValueError):
    """The text looks like a rejoin code but its check character does not match."""


def readable(token: str) -> str | None:
    """The rejoin code of `token`, or None if the token is not canonical base64url."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if not raw or base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
        return None
    body = base64.b32encode(raw).decode().rstrip("=").translate(_TO_READABLE)
    spelled = body + _check(body)
    return "-".join(spelled[i:i + GROUP] for i in range(0, len(spelled), GROUP))


def token_of(text: str) -> str | None:
    """The token a typed rejoin code stands for; None when `text` is not one (a join code).

    Raises RejoinTypo when it has a rejoin code's shape but a character is wrong. A token
    pasted as it is (mixed case, or with `_`) is not a rejoin code either: None."""
    stripped = text.strip()
    if "_" in stripped or (any(c.islower() for c in stripped) and any(c.isupper() for c in stripped)):
        return None
    cleaned = "".join(text.upper().split()).replace("-", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1")  # look-alikes: not in the alphabet
    if len(cleaned) < MIN_LENGTH:
        return None
    if any(c not in ALPHABET for c in cleaned):
        raise RejoinTypo("A rejoin code has only the letters and digits shown on your screen "
                         "(no 0, O, 1 or I): check it against what you wrote down.")
    body, check = cleaned[:-1], cleaned[-1]
    if _check(body) != check:
        raise RejoinTypo("That rejoin code has a typo: check it against what you wrote down.")
    padded = body.translate(_FROM_READABLE) + "=" * (-len(body) % 8)
    try:
        raw = base64.b32decode(padded)
    except (binascii.Error, ValueError):
        raise RejoinTypo("That rejoin code is not complete: check it against what you wrote down.") from None
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check(body: str) -> str:
    """Luhn mod 32: catches every single wrong character and most swaps of neighbours."""
    total, factor = 0, 2
    for c in reversed(body):
        addend = factor * ALPHABET.index(c)
        total += addend // len(ALPHABET) + addend % len(ALPHABET)
        factor = 3 - factor
    return ALPHABET[-total % len(ALPHABET)]
