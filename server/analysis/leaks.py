"""Secrets in public text: does a scenario tell every seat what only one delegation should know?

A delegation's secrets are its hidden section (red-line labels, intelligence, points and
reservation value) and what pressure cards tell it privately. Public text is what every seat
reads: the briefing, every delegation's public brief and public demands, the issues and
options, and the text of cards told to all. A secret *leaks* when a run of `SHINGLE` words of it appears in public
text, or when public text gives a number of a delegation's hidden table next to the word
"points" or "reservation" (an author pasting "Russia's reservation is 40" into a brief).

Each leak names both places in the author's notation, so the fix is one edit away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from server.figures import number
from server.scenario.model import Scenario

SHINGLE = 6  # words in a row; fewer would flag ordinary shared phrases ("the United States")

_WORD = re.compile(r"[\w']+")
_NUMBER_NEAR_SECRET = re.compile(
    r"(?:points?|reservation|worth)\D{0,30}?(-?\d+(?:\.\d+)?)|(-?\d+(?:\.\d+)?)\s*points?", re.IGNORECASE)


class Leak(BaseModel):
    """A secret of `delegation` (at `secret`) found in public text (at `place`)."""

    place: str
    secret: str
    delegation: str
    message: str


def public_texts(scenario: Scenario) -> Iterator[tuple[str, str]]:
    """(place, text) of everything every seat reads."""
    yield "briefing", scenario.briefing
    for d, delegation in enumerate(scenario.delegations):
        yield f"delegations[{d}].brief", delegation.brief
        yield f"delegations[{d}].name", delegation.name
        for k, demand in enumerate(delegation.public_demands):
            yield f"delegations[{d}].public_demands[{k}].label", demand.label
    for i, issue in enumerate(scenario.issues):
        yield f"issues[{i}].title", issue.title
        yield f"issues[{i}].description", issue.description
        for o, option in enumerate(issue.options):
            yield f"issues[{i}].options[{o}].label", option.label
            yield f"issues[{i}].options[{o}].description", option.description
    for c, card in enumerate(scenario.pressure.cards):
        if card.told == "all":
            yield f"pressure.cards[{c}].title", card.title
            yield f"pressure.cards[{c}].text", card.text


def secret_texts(scenario: Scenario) -> Iterator[tuple[str, str, str]]:
    """(place, delegation, text) of everything only one delegation should read."""
    for d, delegation in enumerate(scenario.delegations):
        hidden = delegation.hidden
        for r, red_line in enumerate(hidden.red_lines):
            yield f"delegations[{d}].hidden.red_lines[{r}].label", delegation.id, red_line.label
        for k, line in enumerate(hidden.intelligence):
            yield f"delegations[{d}].hidden.intelligence[{k}]", delegation.id, line
    for c, card in enumerate(scenario.pressure.cards):
        for delegation_id, line in card.private.items():
            yield f"pressure.cards[{c}].private.{delegation_id}", delegation_id, line


def find_leaks(scenario: Scenario) -> list[Leak]:
    """Every secret that public text repeats, and every hidden number public text gives away."""
    public = [(place, text) for place, text in public_texts(scenario) if text]
    return list(_text_leaks(scenario, public)) + list(_number_leaks(scenario, public))


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _text_leaks(scenario: Scenario, public: list[tuple[str, str]]) -> Iterator[Leak]:
    public_shingles = [(place, _shingles(text)) for place, text in public]
    for secret, delegation, text in secret_texts(scenario):
        mine = _shingles(text)
        for place, theirs in public_shingles:
            shared = mine & theirs
            if shared:
                phrase = " ".join(min(shared))
                yield Leak(place=place, secret=secret, delegation=delegation,
                           message=f"repeats {delegation}'s secret ({secret}): \"{phrase} ...\"")


def _number_leaks(scenario: Scenario, public: list[tuple[str, str]]) -> Iterator[Leak]:
    for d, delegation in enumerate(scenario.delegations):
        hidden = delegation.hidden
        secrets = {hidden.reservation: f"delegations[{d}].hidden.reservation"}
        for issue_id, table in hidden.points.items():
            for option_id, value in table.items():
                secrets.setdefault(value, f"delegations[{d}].hidden.points.{issue_id}.{option_id}")
        names = (delegation.id.lower(), delegation.name.lower())
        for place, text in public:
            for sentence in re.split(r"(?<=[.;!?])\s+", text):
                if not any(name in sentence.lower() for name in names):
                    continue
                for match in _NUMBER_NEAR_SECRET.finditer(sentence):
                    value = float(match.group(1) or match.group(2))
                    if value in secrets and value != 0:
                        yield Leak(place=place, secret=secrets[value], delegation=delegation.id,
                                   message=f"gives {delegation.id}'s hidden number {number(value)} "
                                           f"({secrets[value]}): \"{sentence.strip()[:80]}\"")
