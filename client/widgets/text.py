"""Static text that repaints only when it changes: every `Static.update` costs a layout pass of
the whole screen, and most state changes leave most texts as they were."""

from __future__ import annotations

from textual.widgets import Static


def set_text(widget: Static, text: str, fixed_size: bool = False) -> None:
    """Update `widget` to `text` unless it already shows exactly that. A widget whose size the
    CSS fixes (`fixed_size`: the header line, the sidebar) is only repainted, not laid out."""
    if getattr(widget, "_parley_text", None) != text:
        widget._parley_text = text  # type: ignore[attr-defined]
        widget.update(text, layout=not fixed_size)
