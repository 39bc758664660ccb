"""A screen whose layout's frame is the last frame a layout causes.

Textual lays the screen out and paints, in one go, everything whose place changed: on a tab
switch, the whole pane shown. But the widgets the layout touched (a scrollbar given its new
length, a table its new size) also ask to be repainted, with an `Update` message handled after
that frame: a second frame, at least 1/60 s later (Textual paints at most 60 frames a second),
repainting what the first one had just painted. On the table screen it was the second frame of
every tab key (20-30 ms of its wall time).

`LaidOutOnce` drops those repaints, and only those: a widget's repaint asked before the layout's
frame was painted, for a widget lying wholly inside what that frame repainted. Any repaint
asked after it, or of a widget partly outside it, goes through as before. And the layout's frame
also paints the widgets whose repaint is already on its way to the screen (their `Update` posted,
not yet handled: the status line's unread count, changed by the key that shows the Messages
tab), which would otherwise have cost a frame of their own just after. A repaint of a
widget that is not displayed (in a hidden tab: a table losing the focus as its tab is left) is
dropped too: it painted an empty frame, and the layout that shows the widget again paints it;
and so is a repaint of a widget placed wholly out of view (scrolling it in paints it).
"""

from __future__ import annotations

from functools import cached_property

from textual import _time, messages
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from client import collector


def hidden(widget: Widget) -> bool:
    """Whether `widget` is not displayed (it, or a container of it, has `display: none`): the
    layout that shows it again paints it whole."""
    return any(not node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


class LaidOutOnce(Screen[None]):
    _laying_out = False
    _painted_at = 0.0  # when the last layout's frame was painted (Textual's message clock)
    _painted: tuple[Region, ...] = ()  # what it repainted
    _painted_early: set[Widget] = set()  # widgets whose Update it painted before handling it

    def post_message(self, message: Message) -> bool:
        if isinstance(message, messages.Update) and isinstance(message.widget, Widget):
            self._updates_on_the_way.add(message.widget)
        return super().post_message(message)

    @cached_property
    def _updates_on_the_way(self) -> set[Widget]:
        """Widgets whose `Update` is posted to this screen and not yet handled."""
        return set()

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        self._laying_out = True
        placed = self._compositor.visible_widgets
        self._painted_early = {widget for widget in self._updates_on_the_way if widget in placed}
        self._dirty_widgets.update(self._painted_early)
        try:
            super()._refresh_layout(size, scroll)
        finally:
            self._laying_out = False

    def _compositor_refresh(self) -> None:
        # Once this frame is painted and the app has nothing waiting, the young pass the next
        # key would have made (client.collector: a no-op unless the player's client asked for it).
        self.app.call_next(collector.collect_young)
        if not self._laying_out:
            super()._compositor_refresh()
            return
        painted = tuple(self._compositor._dirty_regions)  # what the frame repaints (cleared by it)
        super()._compositor_refresh()
        self._painted, self._painted_at = painted, _time.get_time()
        for widget in self._compositor.visible_widgets:
            if widget._repaint_required and self._was_painted(widget):
                widget._repaint_required = False  # asked during the layout, painted in its frame
                widget._exchange_repaint_regions()

    def _out_of_view(self, widget: Widget) -> bool:
        """Whether `widget` is placed but no part of it is on the screen (scrolled out of its
        container: the sidebar's unread part below 40 proposals): its repaint paints nothing, and
        scrolling it into view paints it then. Not while a layout is due: it may place it."""
        return (not self._layout_required and widget in self._compositor.widgets
                and widget not in self._compositor.visible_widgets)

    def _was_painted(self, widget: Widget) -> bool:
        """Whether the last layout's frame repainted the whole of `widget` on the screen."""
        placed = self._compositor.visible_widgets.get(widget)
        if placed is None:
            return False
        region, clip = placed
        shown = clip.intersection(region)
        return any(area.contains_region(shown) for area in self._painted)

    async def _on_update(self, message: messages.Update) -> None:
        """Before Screen's own handler (Textual calls each class's, subclass first, until one
        prevents the default): a repaint the layout's frame has already painted stops here."""
        widget = message.widget
        if not isinstance(widget, Widget):
            return
        self._updates_on_the_way.discard(widget)
        painted = self._painted and message.time <= self._painted_at and (
            widget in self._painted_early or self._was_painted(widget))
        if hidden(widget) or painted or self._out_of_view(widget):
            message.stop()
            message.prevent_default()
            widget._exchange_repaint_regions()
