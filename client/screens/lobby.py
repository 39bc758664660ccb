"""The lobby: the public briefing, your private brief, who has joined, when the game starts."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from client import format as fmt
from client.state import ClientState
from client.widgets.brief import brief_text
from client.widgets.footer import KeysFooter
from client.widgets.status import StatusBar
from client.widgets.text import Hanging


class LobbyScreen(Screen[None]):
    BINDINGS = [Binding("enter", "start", "Start the game"), Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with VerticalScroll(id="lobby"):
            yield Static("", id="start-note", classes="callout")
            yield Static("", id="briefing")
            yield Static("", id="seats")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "state", self.show)
        self.query_one("#lobby").focus()  # arrows, PageDown and the wheel scroll the brief

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the demo starts its own game; in a class the facilitator does.
        return action != "start" or self.app.demo is not None  # type: ignore[attr-defined]

    async def action_start(self) -> None:
        await self.app.demo.start()  # type: ignore[attr-defined]

    def show(self, state: ClientState) -> None:
        view = state.view
        if not view or view.scenario is None:
            return
        demo = self.app.demo is not None  # type: ignore[attr-defined]
        note = getattr(self.app.demo, "note", "") if demo else ""  # type: ignore[attr-defined]
        self.query_one("#start-note", Static).update(
            ("Press [b]Enter[/b] to start the game when you have read the briefing. "
             "Bots play the other delegations." if demo
             else "Waiting for the facilitator to start the game…") + (f"\n{note}" if note else "")
            + "\nYour own brief, red lines and points table follow the briefing: "
              "PageDown, the arrows or the wheel scroll.")
        self.query_one("#briefing", Static).update(Hanging(
            f"[b]{escape(view.scenario.title)}[/b]\n\n{escape(fmt.reflow(view.scenario.briefing))}"
            f"\n\n{brief_text(view, state.delegation, False, None if state.is_head else state.head_name)}"))
        self.query_one("#seats", Static).update(seats_text(state))


def seats_text(state: ClientState) -> str:
    view = state.view
    lines = ["[b]At the table[/b]"]
    present = {s.delegation: s for s in state.seats}
    if view is None or view.scenario is None:
        return "\n".join(lines)
    for d in view.scenario.delegations:
        if d.id not in view.seated:
            continue
        seat = present.get(d.id)
        controller = view.controllers.get(d.id, "human")
        if controller != "human":
            who = "[cyan]played by a bot[/]"
        elif seat is not None and seat.connected:
            who = f"[green]joined[/] {seat.name or ''}"
        else:
            who = "[dim]waiting for a player[/]"
        mark = " (you)" if d.id == state.delegation else ""
        members = seat.members if seat is not None else []
        if members and controller == "human":  # a team: each member, present or not, and its head
            who = ", ".join(("[green]" if m.connected else "[dim]") + escape(m.name or "not yet joined")
                            + (" ★" if m.head else "") + "[/]" for m in members)
        lines.append(f"  {fmt.delegation_name(view, d.id)}{mark}: {who}")
    return "\n".join(lines)
