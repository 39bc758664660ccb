"""`ReplayApp`: the replay viewer as an application (`parley replay`), one `ReplayScreen`.

    ReplayApp(Replay(events, seat="ukraine")).run()

The replay is handed in, already loaded: the app does no I/O, so tests give it a replay built
from a recorded game and drive it with `App.run_test()`.
"""

from __future__ import annotations

from textual.app import App

from client.replay.screen import ReplayScreen
from server.replay import Replay


class ReplayApp(App[None]):
    TITLE = "Parley replay"
    CSS_PATH = "../parley.tcss"

    def __init__(self, replay: Replay, can_switch: bool = False, at_end: bool = False) -> None:
        super().__init__()
        self.replay = replay
        self.can_switch = can_switch
        self.at_end = at_end

    def on_mount(self) -> None:
        self.sub_title = self.replay.scenario.title
        # Closing the screen (escape, q) closes the viewer; pushed by the player's app instead,
        # the same screen just returns to the screen below it.
        self.push_screen(ReplayScreen(self.replay, self.can_switch, self.at_end),
                         callback=lambda _: self.exit())
