"""A scenario as commented YAML: every section explained in place, for an author to edit.

`commented_yaml(data, header)` writes scenario data (plain dicts, lists and scalars, as
`Scenario.model_dump(by_alias=True)` gives them) as block-style YAML with a comment above
each field the first time it appears: the hand-written notes in `SECTION_NOTES` where a
field needs an author's explanation, otherwise the field's own `description` in the pydantic
model, so a field added to the model is explained without touching this module.

Why a small emitter of our own: PyYAML writes no comments, and the output must read well
(block literals for prose, one line for a points table) and load back to exactly the same
data; every prose scalar is checked by loading it back, and quoted when it would not.
"""

from __future__ import annotations

import json
import textwrap
import types
import typing
from collections.abc import Iterator
from typing import Any, Union

import yaml
from pydantic import BaseModel

from server.scenario.model import Scenario

WIDTH = 92  # a line of the written file, comments included
FLOW_WIDTH = 88  # a mapping or list written on one line only if it fits this

# Notes written for an author, by the field's path with list indexes left out.
SECTION_NOTES: dict[str, str] = {
    "id": "The scenario's id: lower-case letters, digits, '-' and '_'. `parley host ID` and "
          "`parley scenarios check ID` use it; it must not be a bundled scenario's id.",
    "title": "What the class and the console call the scenario.",
    "briefing": "The public briefing: every seat reads it before round 1. Put no secret here — "
                "`parley scenarios check` warns when a delegation's hidden red line or "
                "intelligence appears in public text.",
    "notes": "Designer notes, read by facilitators only: where each mechanic comes from. For a "
             "historical scenario, quote the source passage for every fact and mechanic, and "
             "label anything the source does not support as a what-if.",
    "rounds": "How many rounds before the game ends without an agreement.",
    "phases": "Length of each phase in seconds; `parley host --time-scale` multiplies them all.",
    "delegations": "The seats. kind: 'party' (signs every agreement), 'guarantor' (signs every "
                   "agreement while it is at the table, and a clause naming it is weightless "
                   "without it) or 'mediator' (tables packages and chairs; signs only a clause "
                   "that names it). `absent: true` leaves a seat empty unless the facilitator "
                   "fills it.",
    "issues.interim": "True: this issue may be agreed on its own, as an interim agreement (its "
                      "options' `interim` say what each does and when it collapses).",
    "delegations.code": "Join-code prefix: two or three capital letters, unique in the scenario.",
    "delegations.brief": "The delegation's public role: every seat may read it.",
    "delegations.public_demands": "What it demands in public, and the options each demand rules "
                                  "out: opening bids. The debrief names a party that signs what it "
                                  "ruled out in public.",
    "delegations.hidden.commitments": "What committing to a clause costs this delegation (a "
                                      "guarantor's obligation to act): issue -> option -> points, "
                                      "subtracted after durability, so committing is a real choice.",
    "delegations.hidden": "What only this delegation (and the facilitator) sees.",
    "delegations.hidden.points": "Its own points table: issue -> option -> points. Every issue "
                                 "and every option needs a number. An agreement's points are the "
                                 "sum over its terms.",
    "delegations.hidden.red_lines": "Packages it must not sign: a red line is crossed when every "
                                    "issue listed takes one of the options listed. Crossing one "
                                    "costs outcome.red_line_penalty.",
    "delegations.hidden.reservation": "What no deal is worth to it at the start; a package below "
                                      "this is worse than walking away.",
    "delegations.hidden.intelligence": "Private lines only this delegation reads: where its real "
                                       "room for manoeuvre is (public positions are opening bids).",
    "issues": "The agenda. A package takes one option of every issue; a complete package can be "
              "signed.",
    "issues.options.requires": "Delegations whose signature this option needs: a clause that "
                               "names a guarantor who does not sign it is weightless.",
    "meters": "Shared gauges (tension, war fatigue) that pressure cards move and test.",
    "pressure": "The pressure deck: cards drawn each round with the game's seeded random "
                "generator, or injected by the facilitator from the console.",
    "pressure.cards.effects": "What the card changes: reservation values (+ or -), war cost per "
                              "round, meters.",
    "pressure.cards.when": "When the card may be drawn: rounds, meter levels, once or again.",
    "outcome": "The outcome model: how long an agreement holds, and why. Each factor is a lesson; "
               "its reason is the sentence the debrief shows when the factor fires.",
    "outcome.factors.when": "A test on the agreed terms: every clause of `all`, one of `any`, "
                            "none of `none`; `unbacked: true` holds when a clause names a "
                            "delegation that did not sign it.",
    "outcome.factors.effect": "Added to the durability (between -1 and 1) when the factor fires.",
    "history": "What really happened, for the debrief and the class report. Give every issue an "
               "option so the historical package is scored like any other.",
}

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar may not start with one of these


def commented_yaml(data: dict[str, Any], header: list[str] | None = None) -> str:
    """`data` as commented YAML, preceded by `header` (lines of comment, '# ' added)."""
    lines = [f"# {line}".rstrip() for line in header or ()]
    lines += _mapping(data, 0, "", Scenario, set())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the structure


def _mapping(data: dict[str, Any], indent: int, path: str, model: type[BaseModel] | None,
             seen: set[str]) -> list[str]:
    out: list[str] = []
    for key, value in data.items():
        key_path = f"{path}.{key}" if path else str(key)
        out += _comment(key_path, model, str(key), indent, seen)
        out += _entry(_scalar_key(str(key)), value, indent, key_path, _field_model(model, str(key)), seen)
    return out


def _entry(key: str, value: Any, indent: int, path: str, model: type[BaseModel] | None,
           seen: set[str]) -> list[str]:
    pad = " " * indent
    if isinstance(value, str) and ("\n" in value or len(value) + indent + len(key) > WIDTH - 2):
        return [f"{pad}{key}: {line}" if i == 0 else line
                for i, line in enumerate(_prose(value, indent))]
    flow = None if _explains(value, path, model, seen) else _flow(value)
    if flow is not None and indent + len(key) + len(flow) + 2 <= FLOW_WIDTH:
        return [f"{pad}{key}: {flow}"]
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + _mapping(value, indent + 2, path, model, seen)
    if isinstance(value, list):
        return [f"{pad}{key}:"] + _sequence(value, indent + 2, path, model, seen)
    return [f"{pad}{key}: {_scalar(value)}"]


def _sequence(items: list[Any], indent: int, path: str, model: type[BaseModel] | None,
              seen: set[str]) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for item in items:
        flow = None if _explains(item, path, model, seen) else _flow(item)
        if flow is not None and indent + len(flow) + 2 <= FLOW_WIDTH:
            out.append(f"{pad}- {flow}")
        elif isinstance(item, dict):
            out += _dashed(_mapping(item, indent + 2, path, model, seen), indent)
        else:
            out.append(f"{pad}- {_scalar(item)}")
    return out


def _dashed(lines: list[str], indent: int) -> list[str]:
    """Put the list item's dash on its first field, after the comments that explain it."""
    first = next(i for i, line in enumerate(lines) if not line.lstrip().startswith("#"))
    pad = " " * indent
    comments = [pad + line.lstrip() for line in lines[:first]]
    return comments + [pad + "- " + lines[first].lstrip()] + lines[first + 1:]


def _comment(path: str, model: type[BaseModel] | None, key: str, indent: int, seen: set[str]) -> list[str]:
    if path in seen:
        return []
    seen.add(path)
    note = SECTION_NOTES.get(path) or _description(model, key)
    if not note:
        return []
    pad = " " * indent
    return [f"{pad}# {line}" for line in textwrap.wrap(note, max(40, WIDTH - indent - 2))]


def _explains(value: Any, path: str, model: type[BaseModel] | None, seen: set[str]) -> bool:
    """True when a field of this mapping still has a note to show (so it is not one line)."""
    if not isinstance(value, dict) or model is None:
        return False
    return any(f"{path}.{k}" not in seen and (f"{path}.{k}" in SECTION_NOTES or _description(model, str(k)))
               for k in value)


# ---------------------------------------------------------------- scalars


def _flow(value: Any) -> str | None:
    """A short mapping or list of scalars (or of such lists) on one line; None if it is not one."""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            inner = _flow(v) if isinstance(v, (dict, list)) else _inline(v)
            if inner is None:
                return None
            parts.append(f"{_scalar_key(str(k))}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        inner_items = [_flow(v) if isinstance(v, (dict, list)) else _inline(v) for v in value]
        if any(i is None for i in inner_items):
            return None
        return "[" + ", ".join(typing.cast(list[str], inner_items)) + "]"
    return None


def _inline(value: Any) -> str | None:
    if isinstance(value, str) and ("\n" in value or len(value) > 60):
        return None
    return _scalar(value, flow=True)


def _scalar(value: Any, flow: bool = False) -> str:
    """One scalar: plain when it loads back as itself (in a flow collection too), else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _plain_ok(text, flow):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS or "#" in text or ": " in text:
        return False
    if text.endswith(":") or (flow and any(ch in text for ch in ",[]{}")):
        return False
    return _loads_back([text], text)


def _scalar_key(key: str) -> str:
    return _scalar(key, flow=True)


def _prose(text: str, indent: int) -> list[str]:
    """A long or multi-line string as a block scalar, when it loads back unchanged; else quoted."""
    pad = " " * (indent + 2)
    if "\n" in text:
        chomp = "" if text.endswith("\n") and not text.endswith("\n\n") else "-"
        body = text[:-1] if chomp == "" else text
        candidate = [f"|{chomp}"] + [pad + line if line else "" for line in body.split("\n")]
    else:
        wrapped = textwrap.wrap(text, max(40, WIDTH - len(pad)), break_long_words=False,
                                break_on_hyphens=False)
        candidate = [">-"] + [pad + line for line in wrapped]
    if _loads_back(candidate, text):
        return candidate
    return [json.dumps(text, ensure_ascii=False)]


def _loads_back(block: list[str], text: str) -> bool:
    try:
        loaded = yaml.safe_load("k: " + "\n".join(block) + "\n")
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded.get("k") == text


# ---------------------------------------------------------------- descriptions from the model


def _field(model: type[BaseModel] | None, key: str) -> Any:
    if model is None:
        return None
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _description(model: type[BaseModel] | None, key: str) -> str:
    info = _field(model, key)
    return str(info.description or "") if info is not None else ""


def _field_model(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    """The model class a field holds (through tuples, optionals and dict values), if any."""
    info = _field(model, key)
    return next(_models_in(info.annotation), None) if info is not None else None


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models_in(typing.get_args(annotation)[0])
        return
    if origin in (tuple, list, Union, types.UnionType, dict):
        for arg in typing.get_args(annotation):
            yield from _models_in(arg)
