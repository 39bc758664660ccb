"""Tables and lists whose rendered lines survive their tab being hidden and shown (same_size_kept),
and a DataTable whose rendered cells also survive its focus moving (KeptTable).

Textual's DataTable keeps every cell it has rendered, keyed by a counter of its changes and by
its pseudo-classes (focus, hover). Two things it does on every tab key threw all of them away,
so showing the Agenda (12 rows of 14 columns) or the Proposals tab rendered every visible cell
again, 15-40 ms of a key press:

- the Resize event every newly shown widget gets, even at the size it had when it was hidden,
  bumps the counter: here a Resize to the size already laid out changes nothing;
- a focus coming or going updates the styles, and DataTable's `notify_style_update` clears every
  cache, though the caches are keyed by the focus already. Here the caches are cleared when the
  look itself changes (a new theme, new CSS for the table or its parts), checked as the table
  renders: that is when the parts' styles are current (Textual updates them after the table's).
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable

from client.widgets.kept_blank import Mixin

Look = tuple[Style, tuple[Style, ...]]


def same_size_kept(widget: Widget, event: events.Resize | None) -> bool:
    """Call from a widget's `_on_resize`: a Resize to the size already laid out is not passed on
    to the handler of the Textual widget it extends (DataTable's, OptionList's), which drops
    every line it rendered. Textual sends one to every widget its tab shows again, at the size
    it had when hidden. Whether it was kept (not passed on)."""
    if event is None:
        return False
    kept = event.size == getattr(widget, "_kept_size", None)
    if kept:
        event.prevent_default()  # the handlers of the classes below are not called
    widget._kept_size = event.size  # type: ignore[attr-defined]
    return kept


class StyleOncePerRender(Mixin):
    """Mix into a widget whose lines each ask for its `rich_style` (DataTable, RichLog do): it is
    worked out once per `render_lines`, not once per line. Textual's walks every ancestor's
    styles each time it is read (about half of a DataTable's full repaint); they cannot change
    while the widget renders. A mixin, first among the bases (see kept_blank.Mixin)."""

    _render_style: Style | None = None  # while render_lines runs

    @property
    def rich_style(self) -> Style:
        return self._render_style if self._render_style is not None else super().rich_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._render_style = None
        self._render_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._render_style = None


class KeptTable(StyleOncePerRender, DataTable[Any]):
    # Home and End go to the first and last row (a player's tables have a row cursor): DataTable's
    # own scrolled the table sideways, hiding the proposals' ids while the cursor stayed put.
    BINDINGS = [Binding("home", "scroll_top", "First row", show=False),
                Binding("end", "scroll_bottom", "Last row", show=False)]
    _restyled = True  # the styles changed since the look was last checked
    _shown_as: tuple[object, Look] | None = None  # (pseudo-classes, look) last rendered

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._looks: dict[object, Look] = {}  # pseudo-classes -> the look the caches hold for them

    def _on_resize(self, event: events.Resize) -> None:
        if not same_size_kept(self, event):
            # A new size: DataTable's handler (next) drops every cell rendered, after the frame
            # that laid the table out at that size. Rendered again now, while the table is shown
            # (at startup the table gets two sizes), not at its next showing: a key's time.
            self.refresh()

    def notify_style_update(self) -> None:
        Widget.notify_style_update(self)  # not DataTable's: see render_lines
        self._restyled = True
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        state = self.get_pseudo_class_state()
        if self._restyled or self._shown_as is None or self._shown_as[0] != state:
            self._restyled = False
            look = (self.rich_style, tuple(self.get_component_rich_style(name)
                                           for name in sorted(self.COMPONENT_CLASSES)))
            if self._shown_as != (state, look):
                if self._looks.get(state) != look:  # cells rendered for a look that is gone
                    self._drop_rendered()
                    self._looks = {state: look}
                self._get_styles_to_render_cell.cache_clear()  # keyed by neither
                self._shown_as = (state, look)
        return super().render_lines(crop)

    def _drop_rendered(self) -> None:
        self._row_render_cache.clear()
        self._cell_render_cache.clear()
        self._row_renderable_cache.clear()
        self._line_cache.clear()
        self._styles_cache.clear()
