"""Teacher's guides: one Markdown file per bundled scenario, shipped beside it.

A guide lives in the `scenarios` package as ``guides/ID.md`` (package data, so it works from
an editable install and from a wheel alike). `parley scenarios guide ID` prints it and the
facilitator console fetches it from the server (`fetch_guide`), which knows which scenario a
class plays: a class opened from a file an instructor sent has no bundled guide, since its
scenario may differ from any bundled one in every number.
"""

from __future__ import annotations

from importlib import resources


def guide_ids() -> list[str]:
    """The ids of the bundled scenarios that have a guide, sorted."""
    folder = resources.files("scenarios").joinpath("guides")
    if not folder.is_dir():
        return []
    return sorted(entry.name.removesuffix(".md") for entry in folder.iterdir() if entry.name.endswith(".md"))


def bundled_guide(scenario_id: str) -> str | None:
    """The teacher's guide of a bundled scenario (Markdown), or None if it has none."""
    if scenario_id not in guide_ids():
        return None
    return resources.files("scenarios").joinpath("guides", f"{scenario_id}.md").read_text(encoding="utf-8")
