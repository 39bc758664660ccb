"""Containers that draw nothing of their own keep the blank lines they rendered.

A tab key shows one pane and hides another, and on the way Textual asks the tab's containers
(the tabs themselves, the pane shown) to repaint whole: their `active` reactive, their display
changing. Repainting throws away every line they rendered, and the frame renders them again
(31-33 lines of background each, about a millisecond a container) though they look the same:
what they show is their children. `KeptBlank` keeps its last lines while its size, its place's
crop and its look (background, opacity) are those it rendered them for; a change of its styles
(the CSS, a theme) drops them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

# A mixin, first among the bases; not itself a Widget, so that the class keeps its Textual base's
# CSS type (Textual follows a class's first DOMNode base: `TabbedContent { ... }` still applies).
if TYPE_CHECKING:
    Mixin = Widget
else:
    Mixin = object


class KeptBlank(Mixin):
    """Mix into a container whose own content is blank (its children draw over it)."""

    _kept_lines: tuple[object, list[Strip]] | None = None  # (what they were rendered for, the lines)

    def notify_style_update(self) -> None:
        self._kept_lines = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        rendered_for = (crop, self.region.size, self.background_colors, self.opacity)
        if self._kept_lines is None or self._kept_lines[0] != rendered_for:
            self._kept_lines = (rendered_for, super().render_lines(crop))
        return list(self._kept_lines[1])
