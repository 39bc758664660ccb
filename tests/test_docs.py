"""The docs: every command they and the docstrings show works from the repository root, as
written, and docs/protocol.md's speed figures are README's.

Commands are read from README.md, docs/*.md, the teachers' guides and the docstrings of server/,
client/, benchmarks/ and tests/fixtures/: a `parley ...` line of a code block, a `parley ...` or `python ...` code
span, an indented `python ...` line of a docstring. A `parley` command must parse with the real
argument parser (each alternative of a synopsis like ``[--db PATH | --file FILE]`` or
``md|html|csv`` in turn); a code span that only names an option (`parley host --time-scale`)
must name one its subcommand has. `python FILE` must name a file under the repository root whose
argument parser has every option shown; `python -m MODULE` a module that exists. No command
names a path on one machine (an interpreter by its absolute path, a home directory).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "scenarios/guides").glob("*.md"))]
SOURCES = sorted(p for d in ("server", "client", "benchmarks", "tests/fixtures") for p in (ROOT / d).rglob("*.py"))
# What a placeholder stands for where the parser needs a real value (a number, a known name).
PLACEHOLDERS = {"N": "2", "NAME": "linear"}
MACHINE_PATH = re.compile(r"((?<![\w.])/(work|home|Users|opt|tmp|root|srv)/|site-packages)")


def docstrings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.get_docstring(node, clean=False)
            if text:
                yield text


def commands(text: str) -> Iterator[tuple[str, bool]]:
    """(command, whole) for each command in `text`: whole for a line of its own (a code block,
    an indented docstring line), not whole for a mention in a code span."""
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        stripped = line.strip().removeprefix("$ ")
        if (fenced and stripped.startswith("parley ")) or (
                line.startswith("    ") and re.match(r"(parley|python) ", stripped)):
            yield stripped, True
    for span in re.findall(r"``?([^`\n]+)``?", text):
        if re.match(r"(parley|python) ", span):
            yield span, False


def all_commands() -> list[tuple[str, str, bool]]:
    found = [(str(p.relative_to(ROOT)), cmd, whole) for p in DOCS for cmd, whole in commands(p.read_text("utf-8"))]
    found += [(str(p.relative_to(ROOT)), cmd, whole) for p in SOURCES for doc in docstrings(p)
              for cmd, whole in commands(doc)]
    return found


def cleaned(command: str) -> str:
    """The command without its comment, its redirection and the `...` of a repeated argument."""
    command = re.split(r"\s{2,}#|\s#\s|\s>\s", command)[0]
    return re.sub(r"\.\.\.", "", command).strip()


def variants(command: str) -> list[list[str]]:
    """The argv of each alternative: the k-th of every ``[a | b]`` and ``a|b`` (or its last)."""
    groups = re.findall(r"\[([^\[\]]*)\]", command)
    widest = max([len(g.split(" | ")) for g in groups] + [len(t.split("|")) for t in command.split()] + [1])
    return [_variant(command, k) for k in range(widest)]


def _variant(command: str, k: int) -> list[str]:
    def pick(options: list[str]) -> str:
        return options[min(k, len(options) - 1)]
    text = re.sub(r"\[([^\[\]]*)\]", lambda m: pick(m.group(1).split(" | ")), command)
    return [PLACEHOLDERS.get(t, t) for t in (pick(t.split("|")) for t in text.split())]


def subparser(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.ArgumentParser | None:
    """The parser of the (sub)subcommand `argv` starts with, or None if it names none."""
    for word in argv:
        if word.startswith("-"):
            break
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions:
            break
        if word not in actions[0].choices:
            return None
        parser = actions[0].choices[word]
    return parser


def parses(parser: argparse.ArgumentParser, argv: list[str]) -> bool:
    try:
        parser.parse_args(argv)
    except SystemExit:
        return False
    return True


def script_options(path: Path) -> set[str]:
    """The option strings a script's argument parser adds (read from its source, not run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {arg.value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument"
            for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}


def check_parley(command: str, whole: bool) -> str | None:
    parser = build_parser()
    for argv in variants(command):
        argv = argv[1:]
        if parses(parser, argv):
            continue
        sub = subparser(parser, argv)
        if sub is None:
            return f"names no subcommand: {argv}"
        unknown = [w for w in argv if w.startswith("--") and w not in sub._option_string_actions]
        if whole or unknown:
            return f"does not parse: {argv}" + (f" (unknown {unknown})" if unknown else "")
    return None


def check_python(command: str) -> str | None:
    argv = command.split()
    if len(argv) < 2:
        return "names nothing to run"
    if argv[1] == "-m":
        module = argv[2]
        if module == "pytest" or importlib.util.find_spec(module) is not None:
            return None
        return f"no module {module}"
    script = ROOT / argv[1]
    if not script.is_file():
        return f"no file {argv[1]} under the repository root"
    missing = [w.split("=")[0] for w in variants(command)[0] if w.startswith("--")
               and w.split("=")[0] not in script_options(script)]
    return f"{argv[1]} has no option {missing}" if missing else None


COMMANDS = all_commands()


def test_the_docs_show_commands() -> None:
    """The search finds the commands (so the checks below cannot pass by finding nothing)."""
    assert len(COMMANDS) > 150
    assert {c.split()[0] for _, c, _ in COMMANDS} == {"parley", "python"}
    assert any(where.startswith("benchmarks/") for where, _, _ in COMMANDS)


@pytest.mark.parametrize("where", sorted({w for w, _, _ in COMMANDS}))
def test_every_command_works_from_the_repository_root(where: str) -> None:
    """Each command shown in this file parses (parley), or names a real script, option or module (python)."""
    problems = []
    for _, command, whole in (c for c in COMMANDS if c[0] == where):
        text = cleaned(command)
        problem = check_parley(text, whole) if text.startswith("parley ") else check_python(text)
        if MACHINE_PATH.search(command):
            problem = "names a path on one machine"
        if problem:
            problems.append(f"{command!r}: {problem}")
    assert not problems, "\n".join(problems)


def test_no_doc_names_a_path_on_one_machine() -> None:
    """No doc or docstring tells the reader to use a file that exists on one machine only."""
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in DOCS for m in MACHINE_PATH.finditer(p.read_text("utf-8"))]
    found += [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in SOURCES for doc in docstrings(p)
              for m in MACHINE_PATH.finditer(doc)]
    assert not found, found


def test_a_wrong_command_is_caught() -> None:
    """The checks refuse an unknown option, a missing script and a bad value."""
    assert check_parley("parley tournament tutorial --rounds 3", whole=True)
    assert check_parley("parley host --no-such-option", whole=False)
    assert check_parley("parley scenarios frobnicate", whole=False)
    assert check_parley("parley host tutorial --rooms many", whole=True)
    assert check_python("python benchmarks/bench_nothing.py")
    assert check_python("python benchmarks/bench_server.py --flights 3")
    assert check_python("python -m server.no_such_module")
    assert check_parley("parley export GAME --format md|html|pdf", whole=True)


def section(text: str, heading: str) -> str:
    """The text under the Markdown heading that starts with `heading`, up to the next heading."""
    match = re.search(rf"^#+ {re.escape(heading)}.*?$(.*?)(?=^#+ |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, heading
    return match.group(1).replace("–", "-")


def test_the_protocol_speed_figures_are_the_readmes() -> None:
    """Every figure in docs/protocol.md's Speed section is one README's Figures table gives,
    so the two never disagree (update both when bench_server.py is re-run)."""
    speed = section((ROOT / "docs/protocol.md").read_text("utf-8"), "Speed")
    figures = section((ROOT / "README.md").read_text("utf-8"), "Figures")
    shown = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", speed)
    assert len(shown) >= 15
    given = set(re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", figures))
    missing = [f for f in shown if f not in given]
    assert not missing, f"docs/protocol.md shows {missing}, which README.md's Figures table does not"


def test_the_readme_says_what_each_dependency_is_for() -> None:
    """Every runtime and test dependency in pyproject.toml has a row in README's Dependencies tables."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    names = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower() for spec in wanted}
    table = section((ROOT / "README.md").read_text("utf-8"), "Dependencies")
    listed = {name.strip().lower() for row in re.findall(r"^\| ([^|]+) \|", table, re.MULTILINE)
              for name in re.sub(r"\(.*?\)", "", row).split(",")}
    missing = sorted(names - listed)
    assert not missing, f"add a row to README.md's Dependencies saying what these are for: {missing}"
