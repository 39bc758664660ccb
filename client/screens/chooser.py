"""`parley demo`'s first screen: which delegation do you play?"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from client import format as fmt
from client.connection import ConnectError
from client.widgets.footer import KeysFooter


class ChooserScreen(Screen[None]):
    # The list scrolls inside the screen, under its title and question (the screen scrolled
    # as a whole at 80x24, and the list's focus pushed the title off).
    DEFAULT_CSS = """
    ChooserScreen > .form { height: 1fr; }
    ChooserScreen #choices-box { height: 1fr; }
    ChooserScreen #choices { height: auto; max-height: 100%; }
    """
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        demo: Any = self.app.demo  # type: ignore[attr-defined]
        with Vertical(classes="form"):
            yield Static("[b]Parley demo[/b] — you play one delegation; bots play the others.",
                         classes="title")
            yield Static("Choose your delegation (↑/↓, Enter):")
            # the brief reflowed: the scenario file's line breaks cut every line in two at 80 columns
            with Vertical(id="choices-box"):
                yield OptionList(*[Option(f"[b]{escape(name)}[/b]\n  [dim]{escape(fmt.reflow(brief))}[/]", id=d)
                                   for d, name, brief in demo.delegations], id="choices")
            yield Static("", id="problem", classes="problem")
        yield KeysFooter()

    def on_mount(self) -> None:
        demo: Any = self.app.demo  # type: ignore[attr-defined]
        if demo.chosen:
            self._choose(demo.chosen)
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self._choose(event.option.id)

    def _choose(self, delegation: str) -> None:
        self.query_one("#problem", Static).update("Opening the room…")
        self.run_worker(self._join(delegation), exclusive=True, group="join")

    async def _join(self, delegation: str) -> None:
        try:
            await self.app.demo_join(delegation)  # type: ignore[attr-defined]
        except ConnectError as exc:
            self.query_one("#problem", Static).update(str(exc))
