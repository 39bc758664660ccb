"""The table: where a delegation negotiates, round after round.

Tabs keep it readable at 80x24 (keys 1-6 switch them); at 120 columns and more a sidebar keeps
your position and what waits for you in view. Only the visible tab re-renders on a state
change, so a game with thousands of events stays quick to the key.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static, TabbedContent, TabPane

from client import format as fmt
from client.state import PUBLIC
from client.widgets.agenda import Agenda
from client.widgets.brief import BriefPanel
from client.widgets.composer import Composer
from client.widgets.messages import MessagesPanel
from client.widgets.pressure import PressurePanel
from client.widgets.proposals import Proposals
from client.widgets.status import StatusBar
from client.worth import worth

TABS = ("agenda", "compose", "proposals", "pressure", "messages", "brief")


class TableScreen(Screen[None]):
    BINDINGS = [
        Binding("1", "tab('agenda')", "Agenda", show=False),
        Binding("2", "tab('compose')", "Compose", show=False),
        Binding("3", "tab('proposals')", "Proposals", show=False),
        Binding("4", "tab('pressure')", "Pressure", show=False),
        Binding("5", "tab('messages')", "Messages", show=False),
        Binding("6", "tab('brief')", "Brief", show=False),
        Binding("t", "table", "Table it"),
        Binding("a", "amend", "Amend"),
        Binding("u", "support", "Support"),
        Binding("r", "ready", "Ready"),
        Binding("s", "sign", "Sign"),
        Binding("d", "decline", "Decline"),
        Binding("w", "withdraw", "Withdraw", show=False),
        Binding("c", "clear", "Clear composer", show=False),
        Binding("m", "write", "Write", show=False),
        Binding("o", "outcome", "Outcome", show=False),
        Binding("escape", "leave_text", "Leave text box", show=False),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal(id="table-body"):
            with TabbedContent(id="tabs", initial="agenda"):
                with TabPane("1 Agenda", id="agenda"):
                    yield Agenda(id="agenda-table")
                with TabPane("2 Compose", id="compose"):
                    yield Composer(id="composer")
                with TabPane("3 Proposals", id="proposals"):
                    yield Proposals(id="proposal-list")
                with TabPane("4 Pressure", id="pressure"):
                    yield PressurePanel(id="pressure-panel")
                with TabPane("5 Messages", id="messages"):
                    yield MessagesPanel(id="messages-panel")
                with TabPane("6 Brief", id="brief"):
                    yield BriefPanel(id="brief-panel")
            yield Static("", id="sidebar")
        with Horizontal(id="action-bar"):
            yield Button("Ready", id="ready", classes="small", tooltip="r")
            yield Button("Sign", id="sign", classes="small", variant="success", tooltip="s")
            yield Button("Decline", id="decline", classes="small", variant="error", tooltip="d")
            yield Static("", id="turn-hint")
        yield Footer()

    def __init__(self) -> None:
        super().__init__()
        self._rendered: dict[str, Any] = {}  # tab -> the state it last showed

    def on_mount(self) -> None:
        # Render once the tabs exist (TabbedContent builds its tab bar after its own mount).
        self.watch(self.app, "state", self.show, init=False)
        self.call_after_refresh(self.show)

    # ------------------------------------------------------------ rendering

    @property
    def state(self) -> Any:
        return self.app.state  # type: ignore[attr-defined]

    def show(self, state: Any = None) -> None:
        state = state or self.state
        if not state.view:
            return
        active = self.query_one(TabbedContent).active or "agenda"
        if self._rendered.get(active) is not state:  # states are immutable: same object, same picture
            self._rendered[active] = state
            self._panel(active).show(state)
        self._labels(state)
        self._sidebar(state)
        set_text(self.query_one("#turn-hint", Static), turn_hint(state))

    def _panel(self, tab: str) -> Any:
        return {"agenda": self.query_one(Agenda), "compose": self.query_one(Composer),
                "proposals": self.query_one(Proposals), "pressure": self.query_one(PressurePanel),
                "messages": self.query_one(MessagesPanel), "brief": self.query_one(BriefPanel)}[tab]

    def _labels(self, state: Any) -> None:
        tabs = self.query_one(TabbedContent)
        unread = sum(state.unread(c) for c in self.query_one(MessagesPanel).channels(state))
        open_ = sum(1 for p in state.view["proposals"] if not p["withdrawn"])
        labels = {"messages": f"5 Messages ({unread})" if unread else "5 Messages",
                  "proposals": f"3 Proposals ({open_})" if open_ else "3 Proposals"}
        for tab_id, label in labels.items():
            tab = tabs.get_tab(tab_id)
            if str(tab.label) != label:  # a new label re-lays the tab bar out: only when it changes
                tab.label = label

    def _sidebar(self, state: Any) -> None:
        if not self.has_class("-wide"):
            return
        set_text(self.query_one("#sidebar", Static), sidebar_text(state))

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.show()

    # ------------------------------------------------------------ actions

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == tab:
            self.show()
        tabs.active = tab  # TabActivated renders the tab
        self.call_after_refresh(self._focus_tab, tab)

    def _focus_tab(self, tab: str) -> None:
        """Keys act on what the tab shows: its table or list takes the focus."""
        targets = {"agenda": "#agenda-table", "compose": "#composer Select",
                   "proposals": "#proposal-table", "messages": "#channels"}
        if tab in targets:
            found = self.query(targets[tab])
            if found:
                found.first().focus()

    def _selected(self) -> dict[str, Any] | None:
        proposal = self.query_one(Proposals).selected()
        if proposal is None:
            self.notify("There is no proposal on the table yet.", severity="warning")
        return proposal

    async def _proposal_command(self, kind: str) -> None:
        proposal = self._selected()
        if proposal is not None:
            await self.app.send({"type": kind, "proposal": proposal["id"]})  # type: ignore[attr-defined]

    async def action_table(self) -> None:
        composer = self.query_one(Composer)
        terms = composer.terms()
        if not terms:
            self.action_tab("compose")
            self.notify("Pick at least one option in the composer first.", severity="warning")
            return
        command: dict[str, Any] = {"type": "table_proposal", "terms": terms}
        if composer.amends:
            command["amends"] = composer.amends
        await self.app.send(command)  # type: ignore[attr-defined]
        composer.clear_terms()
        self.action_tab("proposals")

    def action_amend(self) -> None:
        proposal = self._selected()
        if proposal is not None:
            self.query_one(Composer).load(dict(proposal["terms"]), proposal["id"])
            self.action_tab("compose")

    def action_clear(self) -> None:
        self.query_one(Composer).clear_terms()

    async def action_support(self) -> None:
        await self._proposal_command("support_proposal")

    async def action_sign(self) -> None:
        await self._proposal_command("sign_proposal")

    async def action_decline(self) -> None:
        await self._proposal_command("decline_proposal")

    async def action_withdraw(self) -> None:
        await self._proposal_command("withdraw_proposal")

    async def action_ready(self) -> None:
        await self.app.send({"type": "mark_ready"})  # type: ignore[attr-defined]

    def action_leave_text(self) -> None:
        """Escape from the message box, so that the single-key actions work again."""
        if isinstance(self.focused, Input):
            self.query_one("#channels").focus()

    def action_write(self) -> None:
        self.action_tab("messages")
        self.query_one("#say").focus()

    def action_outcome(self) -> None:
        if self.state.phase == "ended":
            from client.screens.outcome import OutcomeScreen

            self.app.push_screen(OutcomeScreen())

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("ready", "sign", "decline"):
            await self.run_action(event.button.id)
        elif event.button.id == "table-it":
            await self.action_table()
        elif event.button.id == "clear":
            self.action_clear()


def set_text(widget: Static, text: str) -> None:
    """Update a Static only when its text changes (an update costs a layout pass)."""
    if getattr(widget, "_parley_text", None) != text:
        widget._parley_text = text  # type: ignore[attr-defined]
        widget.update(text)


def turn_hint(state: Any) -> str:
    """One line saying what the phase expects of you."""
    view = state.view
    you = state.delegation
    ready = " [green](you are ready)[/]" if you in view["ready"] else ""
    if view.get("paused_remaining") is not None:
        return "[yellow]Paused by the facilitator.[/]"
    phase = view["phase"]
    if phase == "negotiation":
        return f"Table, amend, talk; r when done.{ready}"
    if phase == "decision":
        waiting = [p["id"] for p in view["proposals"] if you in p["required"]
                   and you not in p["signatures"] and you not in p["declines"] and not p["withdrawn"]
                   and fmt.complete(view, p["terms"])]
        return (f"Vote, s sign / d decline: {', '.join(waiting)}" if waiting
                else f"Votes cast; waiting for the others.{ready}")
    if phase == "pressure":
        return "New events this round — see Pressure (4)."
    if phase == "resolution":
        return "Another round of war is costing every side."
    return ""


def sidebar_text(state: Any) -> str:
    view = state.view
    you = view.get("you") or {}
    lines = [f"[b]{fmt.delegation_name(view, state.delegation)}[/b]",
             f"reservation {you.get('reservation', 0):g}", f"war cost {you.get('war_cost', 0):g}", ""]
    scored = [(worth(view, p["terms"]), p) for p in view["proposals"] if not p["withdrawn"]]
    if scored:
        lines.append("[b]Proposals for you[/b]")
        for value, p in scored:
            if value is not None:
                red = " [red]red line[/]" if value.red_lines else ""
                lines.append(f" {p['id']} {value.points:g} pts ({value.margin:+g}){red}")
        lines.append("")
    lines.append("[b]Seats[/b]")
    for d in view["seated"]:
        mark = "✔" if d in view["ready"] else "·"
        lines.append(f" {mark} {fmt.delegation_name(view, d)}")
    unread = [(c, state.unread(c)) for c in [PUBLIC, *view["seated"]] if c != state.delegation]
    if any(n for _, n in unread):
        lines += ["", "[b]Unread[/b]"] + [f" {('Everyone' if c == PUBLIC else fmt.delegation_name(view, c))}: {n}"
                                         for c, n in unread if n]
    return "\n".join(lines)
