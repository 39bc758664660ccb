"""Reviewing a game from the client: fetch its log, then open the replay viewer on it.

`LogReview` belongs to a screen (the player's outcome screen, the facilitator's console). Its
`start` sends `fetch_log` through the app; the `game_log` parts come back through the worker
and the reducer into the state's `fetches`; `check`, called whenever the state changes, sees
the request finished and pushes the replay viewer — or says why the server refused — once.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from client.messages import Happened, ShowScreen
from client.state import Forget

REFUSALS = {
    "review_not_open": "The game opens for review once the facilitator opens the debrief.",
}


class LogReview:
    def __init__(self, screen: Screen[Any], state_attr: str, facilitator: bool) -> None:
        self.screen, self.state_attr, self.facilitator = screen, state_attr, facilitator
        self.pending: str | None = None

    @property
    def app(self) -> Any:
        return self.screen.app

    async def start(self, room: str | None = None) -> None:
        """Ask for the log (of `room`, for the facilitator); the viewer opens when it is in."""
        if self.pending is not None:
            self.app.notify("Fetching the game's log…", timeout=2)
            return
        self.pending = await self.app.fetch("log", room)
        if self.pending is not None:
            self.check(getattr(self.app, self.state_attr))

    def check(self, state: Any) -> None:
        fetch = state.fetches.get(self.pending) if self.pending else None
        if fetch is None or not fetch.finished:
            return
        self.pending = None
        self.screen.post_message(Happened(Forget(fetch.id)))  # the replay keeps its own copy of the events
        if fetch.refused is not None:
            self.app.notify(REFUSALS.get(fetch.refused_code or "", fetch.refused),
                            title="No review yet", severity="warning")
            return
        self._open(fetch.result["events"], fetch.result["seat"])

    def _open(self, events: Any, seat: str | None) -> None:
        from client.replay.review import open_review  # the engine and replay, only when needed

        if not self.screen.is_current:
            return  # the user moved on while the log came in
        self.screen.post_message(ShowScreen(open_review(events, seat, self.facilitator)))
