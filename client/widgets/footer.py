"""The footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes itself (unmounting and mounting a widget per key) whenever the
screen's bindings are refreshed, which happens on every focus change: every tab switch on the
table screen. Most of those refreshes leave the same keys on show, so this footer compares what
it would show with what it shows and recomposes only when they differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, bool, str], ...]  # (key, description, enabled, tooltip) per key


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def _keys_on_show(self) -> Shown:
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple((binding.key, binding.description, enabled, tooltip)
                     for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or key == palette)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        shown = self._keys_on_show()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
