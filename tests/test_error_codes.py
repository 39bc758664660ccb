"""The error-code catalogues (wire.ERROR_CODES, engine.rules.CODES) are the codes the server
sends: each catalogued code is sent by some code path, and docs/protocol.md names only codes
the catalogues hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from server.engine.rules import CODES
from server.protocol.wire import ERROR_CODES

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {ROOT / "server/protocol/wire.py", ROOT / "server/engine/rules.py"}


def strings_outside_the_catalogues() -> set[str]:
    """Every string constant in server/ except the two catalogue modules (where each code is defined)."""
    found: set[str] = set()
    for path in (ROOT / "server").rglob("*.py"):
        if path in CATALOGUES:
            continue
        found |= {n.value for n in ast.walk(ast.parse(path.read_text("utf-8")))
                  if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found


def test_every_catalogued_code_is_sent_somewhere() -> None:
    """No code in ERROR_CODES or CODES is left over from a path that no longer exists."""
    used = strings_outside_the_catalogues()
    unused = sorted(code for code in [*ERROR_CODES, *CODES] if code not in used)
    assert not unused, f"catalogued but never sent: {unused}"


def test_the_protocol_doc_names_only_catalogued_codes() -> None:
    """docs/protocol.md's Errors section lists codes the server has, nothing it dropped."""
    text = (ROOT / "docs/protocol.md").read_text("utf-8")
    errors = re.search(r"^## Errors$(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert errors
    named = set(re.findall(r"`([a-z]+(?:_[a-z]+)+|[a-z]+)`", errors.group(1)))
    codes = {c for c in named if c not in {"issue_code", "set_controller", "assign_bot", "release_bot"}}
    assert len(codes) > 30
    unknown = sorted(codes - set(ERROR_CODES) - set(CODES))
    assert not unknown, f"docs/protocol.md names codes the server does not have: {unknown}"
