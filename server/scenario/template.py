"""`parley scenarios new`: a scenario to start from, blank or copied, that validates as written.

`blank_scenario(id, delegations, issues)` builds a small fictional scenario of the asked size
in which every mechanic is used once (a party's red line, a guarantee that names its
guarantor, a weightless clause, pressure cards of both kinds with private intelligence,
durability factors named after the essay's lessons, a complete historical package), so an
author edits a working example rather than an empty form. `copied_scenario(scenario, id)`
is a bundled or existing scenario under a new id. `template_text` writes either as commented
YAML with the editor's schema modeline on its first line.
"""

from __future__ import annotations

from typing import Any

from server.scenario.annotate import commented_yaml
from server.scenario.model import Scenario

MAX_DELEGATIONS = 8
MAX_ISSUES = 8
SCHEMA_FILE = "parley-scenario.schema.json"

_LETTERS = "ABCDEFGH"
_ISSUE_NAMES = ("territory", "ceasefire", "sanctions", "reconstruction", "trade", "refugees", "elections")


def template_text(data: dict[str, Any], schema: str = SCHEMA_FILE) -> str:
    """The scenario `data` as a commented file, the schema modeline first."""
    header = [
        f"yaml-language-server: $schema={schema}",
        "",
        "A Parley scenario. Every section is explained above it; docs/scenario-guide.md has the",
        "whole format and a worked example.",
        "  parley scenarios validate FILE   the file is well formed",
        "  parley scenarios check FILE      it plays: zone of agreement, bots, lessons, leaks",
        "  parley host FILE --bots all      play it on a server",
        "Editors with the YAML language server complete and check this file with the schema beside",
        f"it (written with it; again with: parley scenarios schema > {schema})",
        "",
    ]
    return commented_yaml(data, header)


def copied_scenario(scenario: Scenario, scenario_id: str) -> dict[str, Any]:
    """`scenario`'s data under a new id, fields at their defaults left out (as authors write)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return {"id": scenario_id, **{k: v for k, v in data.items() if k != "id"}}


# ---------------------------------------------------------------- a blank scenario


def blank_scenario(scenario_id: str, delegations: int = 3, issues: int = 3) -> dict[str, Any]:
    """A small working scenario with `delegations` seats and `issues` issues."""
    if not 2 <= delegations <= MAX_DELEGATIONS:
        raise ValueError(f"a scenario has 2 to {MAX_DELEGATIONS} delegations, not {delegations}")
    if not 1 <= issues <= MAX_ISSUES:
        raise ValueError(f"a scenario has 1 to {MAX_ISSUES} issues, not {issues}")
    seats = _seats(delegations)
    agenda = _issues(issues, seats)
    return {
        "id": scenario_id,
        "title": f"{scenario_id}: a new scenario",
        "briefing": _BRIEFING,
        "notes": _NOTES,
        "rounds": 4,
        "phases": {"pressure": 20, "negotiation": 240, "decision": 60, "resolution": 10},
        "delegations": [_delegation(seat, seats, agenda) for seat in seats],
        "issues": agenda,
        "meters": [{"id": "tension", "label": "Tension", "start": 30, "min": 0, "max": 100}],
        "pressure": _pressure(seats),
        "outcome": _outcome(seats),
        "history": {
            "summary": "Fictional. Replace with what really happened, quoting your source.",
            "terms": {issue["id"]: issue["options"][1]["id"] for issue in agenda},
            "agreement_signed": True,
            "durability_note": "",
        },
    }


_BRIEFING = """\
Two parties, Party A and Party B, meet to end a dispute. Replace this briefing with the
situation every seat reads before round 1: where, when, who is at the table, what is at
stake. Keep every secret in a delegation's hidden section.
"""

_NOTES = """\
Designer notes (facilitators only). Say where each mechanic comes from: for a historical
scenario, quote the passage of your source behind every fact, red line and factor, and
label what the source does not support as a what-if.
"""


def _seats(count: int) -> list[dict[str, str]]:
    """Two parties; then a mediator (3 or more seats), a guarantor (4 or more), more parties."""
    kinds = ["party", "party"] + (["guarantor"] if count >= 4 else []) + (["mediator"] if count >= 3 else [])
    kinds += ["party"] * (count - len(kinds))
    seats, parties = [], 0
    for kind in kinds:
        if kind == "party":
            letter = _LETTERS[parties]
            parties += 1
            seats.append({"id": f"party_{letter.lower()}", "name": f"Party {letter}", "code": f"P{letter}",
                          "kind": kind})
        else:
            seats.append({"id": kind, "name": kind.title(), "code": kind[:2].upper(), "kind": kind})
    return seats


def _backer(seats: list[dict[str, str]]) -> str | None:
    """Who the guarantee names: the guarantor if there is one, else the mediator."""
    for kind in ("guarantor", "mediator"):
        found = [s["id"] for s in seats if s["kind"] == kind]
        if found:
            return found[0]
    return None


def _issues(count: int, seats: list[dict[str, str]]) -> list[dict[str, Any]]:
    guaranteed: dict[str, Any] = {"id": "guaranteed", "label": "A binding guarantee"}
    backer = _backer(seats)
    if backer:
        backer_name = next(s["name"] for s in seats if s["id"] == backer)
        guaranteed = {"id": "guaranteed", "label": f"A binding guarantee by the {backer_name}",
                      "requires": [backer], "weightless_as": "declaration"}
    agenda: list[dict[str, Any]] = [{
        "id": "security",
        "title": "Security",
        "description": "How each side is protected once the agreement is signed.",
        "options": [{"id": "none", "label": "No provision"},
                    {"id": "declaration", "label": "A political declaration"},
                    guaranteed],
    }]
    for name in _ISSUE_NAMES[:count - 1]:
        agenda.append({"id": name, "title": name.title(), "options": [
            {"id": "a_way", "label": "Party A's position"},
            {"id": "compromise", "label": "A compromise"},
            {"id": "b_way", "label": "Party B's position"}]})
    return agenda


# Points per issue, as shares of the issue's weight, by seat role and option position.
_SHARES = {
    "party_a": {"security": (1.0, 0.7, 0.4), "other": (1.0, 0.6, 0.0)},
    "party_b": {"security": (0.0, 0.5, 1.0), "other": (0.0, 0.6, 1.0)},
    "guarantor": {"security": (0.6, 0.8, 0.2), "other": (0.4, 1.0, 0.4)},
    "mediator": {"security": (0.0, 0.6, 1.0), "other": (0.3, 1.0, 0.3)},
}


def _role(seat: dict[str, str], index: int) -> str:
    if seat["kind"] != "party":
        return seat["kind"]
    return "party_b" if index % 2 else "party_a"  # further parties side with A or B in turn


def _delegation(seat: dict[str, str], seats: list[dict[str, str]], agenda: list[dict[str, Any]]) -> dict[str, Any]:
    parties = [s["id"] for s in seats if s["kind"] == "party"]
    role = _role(seat, parties.index(seat["id"]) if seat["id"] in parties else 0)
    weight = round(100 / len(agenda), 1)
    points = {}
    for issue in agenda:
        shares = _SHARES[role]["security" if issue["id"] == "security" else "other"]
        points[issue["id"]] = {o["id"]: round(weight * share, 1) for o, share in zip(issue["options"], shares)}
    hidden: dict[str, Any] = {
        "points": points,
        "red_lines": _red_lines(role, agenda),
        "reservation": {"party_a": 30, "party_b": 30, "guarantor": 30, "mediator": 15}[role],
        "reservation_drift": -1 if seat["kind"] == "party" else 0,
        "war_cost_per_round": 3 if seat["kind"] == "party" else 0,
        "intelligence": [_INTELLIGENCE[role]],
    }
    if role == "guarantor":
        hidden["commitments"] = {"security": {"guaranteed": 10}}
    return {"id": seat["id"], "name": seat["name"], "code": seat["code"], "kind": seat["kind"],
            "brief": _BRIEFS[role].format(name=seat["name"]), "public_demands": _DEMANDS.get(role, []),
            "absent": False, "hidden": hidden}


# What a seat says in public: opening bids its hidden table does not hold it to.
_DEMANDS: dict[str, list[dict[str, Any]]] = {
    "party_a": [{"label": "No outsiders' guarantees", "rules_out": {"security": ["guaranteed"]}}],
    "party_b": [{"label": "Security first: nothing without a guarantee",
                 "rules_out": {"security": ["none", "declaration"]}}],
}


_BRIEFS = {
    "party_a": "{name} wants the dispute settled on its terms and fears being bound by outsiders.",
    "party_b": "{name} will not sign anything that leaves it unprotected.",
    "guarantor": "{name} is asked to guarantee the agreement; its commitment is what makes a guarantee real.",
    "mediator": "{name} chairs the talks and tables packages; it signs nothing.",
}

_INTELLIGENCE = {
    "party_a": "Your public demands are an opening bid: a compromise on most issues still serves you.",
    "party_b": "A declaration without a guarantor's signature will not protect you for long.",
    "guarantor": "A binding guarantee would commit you to act; your cabinet prefers a declaration.",
    "mediator": "Both parties have more room than their public statements suggest.",
}


def _red_lines(role: str, agenda: list[dict[str, Any]]) -> list[dict[str, Any]]:
    second = agenda[1]["id"] if len(agenda) > 1 else None
    if role == "party_b":
        terms: dict[str, list[str]] = {"security": ["none"]}
        if second:
            terms[second] = ["a_way"]
        return [{"id": "not_unprotected", "label": "Never give way without any security provision",
                 "terms": terms}]
    if role == "party_a" and second:
        return [{"id": "not_everything", "label": f"Never concede both {second} and a binding guarantee",
                 "terms": {second: ["b_way"], "security": ["guaranteed"]}}]
    return []


def _pressure(seats: list[dict[str, str]]) -> dict[str, Any]:
    a, b = "party_a", "party_b"
    return {"draws_per_round": 1, "cards": [
        {"id": "offensive", "title": "An offensive", "kind": "battlefield",
         "text": "Party A's forces advance; Party B loses ground.", "weight": 2,
         "when": {"min_round": 1, "once": True},
         "effects": {"reservation": {a: 3, b: -3}, "war_cost": {b: 1}, "meters": {"tension": 10}},
         "told": "all", "private": {}},
        {"id": "leak", "title": "A leaked draft", "kind": "political",
         "text": "A draft of the agreement leaks to the press.", "weight": 1,
         "when": {"min_round": 1, "once": True},
         "effects": {"meters": {"tension": 5}}, "told": "all",
         "private": {a: "Your own ministers leaked it, to test the public's mood."}},
        {"id": "fatigue", "title": "War fatigue", "kind": "political",
         "text": "Polls in both capitals show the public tired of the dispute.", "weight": 1,
         "when": {"min_round": 2, "once": True},
         "effects": {"reservation": {a: -3, b: -3}, "meters": {"tension": -5}}, "told": "all",
         "private": {}},
    ]}


def _outcome(seats: list[dict[str, str]]) -> dict[str, Any]:
    factors: list[dict[str, Any]] = [
        {"id": "security_first", "lesson": "Security comes first",
         "when": {"all": [{"issue": "security", "is": ["none"]}]}, "effect": -0.3,
         "reason": "Nothing answers how each side will feel secure, so the agreement is fragile."},
        {"id": "binding_guarantee", "lesson": "No peace without guarantees",
         "when": {"all": [{"issue": "security", "is": ["guaranteed"]}]}, "effect": 0.2,
         "reason": "The guarantee is a formal commitment to act, not a declaration."},
    ]
    if _backer(seats):
        factors.append({"id": "unbacked", "lesson": "Nothing about the guarantor without the guarantor",
                        "when": {"unbacked": True}, "effect": -0.25,
                        "reason": "A clause names a delegation that did not sign it, so it is weightless."})
    return {"base_durability": 0.5, "red_line_penalty": 60, "durability_weight": 0.5, "factors": factors}
