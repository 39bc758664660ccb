"""The command palette's "actions" provider: every key binding of the screen, by name.

So a player who forgot a key can press ctrl+p and type "sign" or "ready".
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ActionsProvider(Provider):
    def _actions(self) -> list[tuple[str, str, object]]:
        screen = self.screen
        found: list[tuple[str, str, object]] = []
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not active.enabled:
                continue
            label = f"{binding.description} ({binding.key_display or key})"
            found.append((label, binding.action, active.node))
        return found

    async def discover(self) -> Hits:
        for label, action, node in self._actions():
            yield DiscoveryHit(label, partial(node.run_action, action), help="key binding")  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action, node in self._actions():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(node.run_action, action),  # type: ignore[attr-defined]
                          help="key binding")
