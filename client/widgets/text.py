"""Text on screen: `set_text` repaints a Static only when its text changes (every
`Static.update` costs a layout pass of the whole screen, and most state changes leave most texts
as they were); `Hanging` wraps indented lines under their own text."""

from __future__ import annotations

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Static


def set_text(widget: Static, text: str, fixed_size: bool = False) -> None:
    """Update `widget` to `text` unless it already shows exactly that. A widget whose size the
    CSS fixes (`fixed_size`: the header line, the sidebar) is only repainted, not laid out."""
    if getattr(widget, "_parley_text", None) != text:
        widget._parley_text = text  # type: ignore[attr-defined]
        widget.update(text, layout=not fixed_size)


class Hanging(Visual):
    """Lines of markup whose wrapped continuations hang under the line's own text.

    Textual starts every wrapped line at column 0, so "  Foreign troops and bases: No foreign
    bases; exercises only with the guarantors' consent" continued under the issue titles'
    margin and read as a line of its own. Here a line indented by n spaces continues at n + 2:
    under its text after "• ", or under the clause's first word. Unindented lines (paragraphs)
    wrap as usual. `str()` is the text as written, unwrapped."""

    def __init__(self, markup: str) -> None:
        lines = Content.from_markup(markup).split("\n", allow_blank=True)
        self._lines = [(len(line.plain) - len(line.plain.lstrip(" ")), line) for line in lines]
        self._plain = "\n".join(line.plain for line in lines)
        self._wrapped: tuple[int, Content] | None = None

    def __str__(self) -> str:
        return self._plain

    def _at(self, width: int) -> Content:
        """The lines wrapped for `width` cells, continuations indented (once per width)."""
        if self._wrapped is not None and self._wrapped[0] == width:
            return self._wrapped[1]
        out: list[Content] = []
        for indent, line in self._lines:
            if not indent or line.cell_length <= width:
                out.append(line)
                continue
            body = line[indent:]
            first, *rest = body.wrap(max(width - indent - 2, 8)) or [Content("")]
            out.append(Content(" " * indent) + first)
            out += [Content(" " * (indent + 2)) + piece for piece in rest]
        wrapped = Content("\n").join(out)
        self._wrapped = (width, wrapped)
        return wrapped

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((line.cell_length for _, line in self._lines), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at(width).get_height(rules, width)
