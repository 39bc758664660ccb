"""Text a person typed, made safe to show on anyone else's screen: the one cleaning function.

A statement, a private message, an announcement or a name travels from one person's keyboard
to other people's terminals. Whatever a terminal would *act on* instead of print must not
survive the trip: C0 and C1 control characters (ESC starts every SGR colour, OSC title and
OSC 8 link sequence; NUL truncates C strings), and the format characters of category Cf
(U+202E and the other bidi overrides, which make text read backwards; zero-width joiners).
Newline and tab stay in multi-line text; a name is one line. Line and paragraph separators
become newlines; the text is NFC-normalised and stripped of surrounding space.

`clean_text` is that function; `Text` (a statement, message or announcement), `Name`, and a
reflection's `Question` and `Answer` are the pydantic types that apply it, so every model
built from the wire is clean by construction and every length is counted in characters after
cleaning.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

TEXT_CHARS = 2000
NAME_CHARS = 60
ANSWER_CHARS = 4000    # one answer to a reflection question
QUESTION_CHARS = 600   # one reflection question

_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})
_DROPPED = frozenset(("Cc", "Cf", "Cs"))  # controls, format characters, lone surrogates


def clean_text(text: str, *, multiline: bool = True) -> str:
    """`text` with only printable characters (and newline and tab when `multiline`), stripped."""
    if text.isascii() and text.isprintable():  # most of what people type: nothing to remove
        return text.strip()
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").translate(_LINE_BREAKS))
    kept = "\n\t" if multiline else ""
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return "".join(ch for ch in text
                   if ch in kept or unicodedata.category(ch) not in _DROPPED).strip()


def _limited(limit: int, multiline: bool) -> AfterValidator:
    def clean(value: str) -> str:
        cleaned = clean_text(value, multiline=multiline)
        if len(cleaned) > limit:
            raise ValueError(f"at most {limit} characters (this has {len(cleaned)})")
        return cleaned
    return AfterValidator(clean)


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("the text is empty once control and format characters are removed")
    return value


# The raw bound (4x) only keeps a frame's work small; the limit that counts is the cleaned length.
Text = Annotated[str, Field(min_length=1, max_length=4 * TEXT_CHARS), _limited(TEXT_CHARS, True),
                 AfterValidator(_not_empty)]
"""A statement, private message or announcement: 1 to TEXT_CHARS printable characters."""

Name = Annotated[str, Field(max_length=4 * NAME_CHARS), _limited(NAME_CHARS, False)]
"""A person's name: one line of at most NAME_CHARS printable characters (may be empty)."""

Answer = Annotated[str, Field(max_length=4 * ANSWER_CHARS), _limited(ANSWER_CHARS, True)]
"""An answer to a reflection question (the facilitator and the exports read it): may be empty."""

Question = Annotated[str, Field(min_length=1, max_length=4 * QUESTION_CHARS), _limited(QUESTION_CHARS, True),
                     AfterValidator(_not_empty)]
"""A reflection question the facilitator asks (every seat reads it)."""
