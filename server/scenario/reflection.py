"""The reflection questions a scenario asks after its debrief, from its teacher's guide.

A bundled scenario's guide (`server.scenario.guides`, ``scenarios/guides/ID.md``) has a
``## Discussion questions`` section: numbered questions under ``### By lesson`` (asked of
every seat) and one bullet per delegation under ``### By delegation``, naming its id in
backticks (``- **Ukraine** (`ukraine`). ...``). Those become the reflection questions when
the facilitator opens the debrief without giving questions of their own; a scenario without
a guide asks `GENERIC_QUESTIONS`. Markdown emphasis is dropped: the client shows plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from server.scenario.guides import bundled_guide

MAX_QUESTIONS = 10
MAX_QUESTION_CHARS = 600

GENERIC_QUESTIONS = (
    "What did your delegation need most from these talks, and did the outcome give it to you?",
    "Which move, yours or another delegation's, changed the course of the talks, and why?",
    "What would you do differently if you played this scenario again?",
)

_NUMBERED = re.compile(r"^\d+\.\s+")
_IDS = re.compile(r"\(`([a-z0-9_-]+)`\)")


def reflection_questions(scenario_id: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """(questions for every seat, one more question per delegation id) for a scenario."""
    text = bundled_guide(scenario_id)
    if text is None:
        return GENERIC_QUESTIONS, {}
    from server.scenario import bundled_scenarios

    scenario = bundled_scenarios().get(scenario_id)
    names = {d.name.lower(): d.id for d in scenario.delegations} if scenario else {}
    common, own = parse_questions(text, names)
    return (common or GENERIC_QUESTIONS), own


def parse_questions(markdown: str, names: Mapping[str, str] | None = None) -> tuple[tuple[str, ...], dict[str, str]]:
    """The guide's discussion questions: (by lesson, by delegation id).

    A guide without `### By lesson` / `### By delegation` has one list under the section: an
    item opening with a delegation's name and a colon (`Lowland: which red line...`, matched
    by `names`, lower-case name -> id) is that delegation's; every other item is everyone's."""
    section = _section(markdown, "## ", "discussion questions")
    own: dict[str, str] = {}
    if "### " not in section:
        common: list[str] = []
        for item in _items(section, numbered=False) + _items(section, numbered=True):
            head, colon, rest = item.partition(":")
            delegation = _delegation_named(_plain(head).lower(), names or {}) if colon else None
            if delegation is not None:
                question = _plain(rest)
                own.setdefault(delegation, question[:1].upper() + question[1:])
            else:
                common.append(_plain(item))
        return tuple(common[:MAX_QUESTIONS]), own
    common = [_plain(q) for q in _items(_section(section, "### ", "by lesson"), numbered=True)]
    for item in _items(_section(section, "### ", "by delegation"), numbered=False):
        named = list(_IDS.finditer(item))
        if not named:
            continue
        rest = item[named[-1].end():]  # after "**Ukraine** (`ukraine`)" comes ". The question"
        question = _plain(rest.split(". ", 1)[1] if ". " in rest else rest)
        for match in named:
            own.setdefault(match.group(1), question)
    return tuple(common[:MAX_QUESTIONS]), own


def _delegation_named(head: str, names: Mapping[str, str]) -> str | None:
    """The delegation `head` names: its whole name, its id, or one word of its name."""
    for name, delegation in names.items():
        if head in (name, delegation) or (len(head) > 3 and head in name.split()):
            return delegation
    return None


def _section(markdown: str, marker: str, title: str) -> str:
    """The text under the heading `marker + title` (case-blind), up to the next heading of that level."""
    lines, inside, found = markdown.splitlines(), False, []
    for line in lines:
        if line.startswith(marker) and not line.startswith(marker + "#"):
            inside = line[len(marker):].strip().lower() == title
            continue
        if inside:
            if marker == "### " and line.startswith("## ") and not line.startswith("###"):
                break
            found.append(line)
    return "\n".join(found)


def _items(text: str, numbered: bool) -> list[str]:
    """The list items of `text`, each joined with its continuation lines."""
    items: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        starts = bool(_NUMBERED.match(stripped)) if numbered else stripped.startswith(("- ", "* "))
        if starts:
            items.append(_NUMBERED.sub("", stripped) if numbered else stripped[2:])
        elif stripped and items and line.startswith((" ", "\t")):
            items[-1] += " " + stripped
    return [i for i in items if i]


def _plain(text: str) -> str:
    cleaned = re.sub(r"[*_`]", "", text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned if len(cleaned) <= MAX_QUESTION_CHARS else cleaned[:MAX_QUESTION_CHARS - 1] + "…"
