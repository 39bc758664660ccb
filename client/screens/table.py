"""The table: where a delegation negotiates, round after round.

Tabs keep it readable at 80x24 (keys 1-6 switch them); at 120 columns and more a sidebar keeps
your position and what waits for you in view. Only the visible tab re-renders on a state
change, so a game with thousands of events stays quick to the key.

Focus model
-----------
Writing a message is a mode. `m` (or Enter on a channel) puts the cursor in the message box;
from that key on, every game key is off — `check_action` refuses them, so the footer shows only
the writing keys, and a letter typed before the cursor has landed goes into the box, not to a
binding. Enter sends, Escape leaves, and either way the focus goes back to the channel list.

Irreversible moves (sign, decline, withdraw, walk out) ask first, saying what they cost; and
they act only on the proposal the Proposals tab shows selected — from another tab the key
opens that tab and asks you to choose.

Teams: in a delegation played by several members, signing, declining and walking out are the
head's. While the head's confirmation is open the other members see it (`share_intent`: the
action bar's hint and a notice say what the head is about to sign); a non-head's key is sent
as it is, and the server's refusal, naming the head, is shown.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Button, Input, Static, Tab, TabbedContent, TabPane
from textual.widgets._tabbed_content import ContentTabs  # the bar, for its underline (underline_now)
from textual.widgets._tabs import Underline

from client import format as fmt
from client import worth
from client.messages import Act, GoTo, ShowScreen
from client.screens.confirm import ConfirmScreen
from client.state import PUBLIC, ClientState
from client.widgets.agenda import Agenda
from client.widgets.brief import BriefPanel
from client.widgets.composer import Composer
from client.widgets.footer import KeysFooter
from client.widgets.kept_blank import KeptBlank
from client.widgets.layout_frame import LaidOutOnce
from client.widgets.messages import MessageBox, MessagesPanel
from client.widgets.pressure import PressurePanel
from client.widgets.proposals import Proposals
from client.widgets.status import StatusBar
from client.widgets.text import set_text
from server.figures import number
from server.protocol import wire

# The commands only a team's head sends, as `share_intent` names them.
_TEAM_ACTIONS = {"sign_proposal": "sign", "decline_proposal": "decline", "walk_out": "walk_out"}

TABS = ("agenda", "compose", "proposals", "pressure", "messages", "brief")
WRITE_KEY = "m"
WHILE_WRITING = {"leave_text"}  # the only screen keys on while the message box has the focus


class TableTabs(KeptBlank, TabbedContent):
    """The table's tabs, following a focus only while it is still inside the tab.

    Textual's TabbedContent shows the pane of any widget focused in code, when the focus
    message arrives; with tab keys typed quickly, a focus given for an earlier key (3) arrived
    after a later key (1) had moved it on, and showed the earlier tab again."""

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self:
            event.stop()
            event.prevent_default()  # stale: TabbedContent's own handler would switch the tab


class Pane(KeptBlank, TabPane):
    """A tab's pane: shown again, it keeps its blank lines (see KeptBlank)."""


class TableScreen(LaidOutOnce):
    # A focus moving (every tab key moves it) repaints the widgets it leaves and reaches, through
    # their :focus styles; Screen's own `focused` also repainted the whole screen, a frame of
    # every widget on every tab key.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("1", "tab('agenda')", "Agenda", show=False),
        Binding("2", "tab('compose')", "Compose", show=False),
        Binding("3", "tab('proposals')", "Proposals", show=False),
        Binding("4", "tab('pressure')", "Pressure", show=False),
        Binding("5", "tab('messages')", "Messages", show=False),
        Binding("6", "tab('brief')", "Brief", show=False),
        Binding(WRITE_KEY, "write", "Write"),
        Binding("t", "table", "Table it"),
        Binding("a", "amend", "Amend"),
        Binding("u", "support", "Support"),
        Binding("r", "ready", "Ready"),
        Binding("s", "sign", "Sign"),
        Binding("d", "decline", "Decline"),
        Binding("w", "withdraw", "Withdraw", show=False),
        Binding("c", "clear", "Clear composer", show=False),
        Binding("x", "walk_out", "Walk out", show=False),
        Binding("L", "hand_over", "Hand over the lead (team head)", show=False),
        Binding("o", "outcome", "Outcome", show=False),
        Binding("escape", "leave_text", "Leave text box", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal(id="table-body"):
            with TableTabs(id="tabs", initial="agenda"):
                with Pane("1 Agenda", id="agenda"):
                    yield Agenda(id="agenda-table")
                with Pane("2 Compose", id="compose"):
                    yield Composer(id="composer")
                with Pane("3 Proposals", id="proposals"):
                    yield Proposals(id="proposal-list")
                with Pane("4 Pressure", id="pressure"):
                    yield PressurePanel(id="pressure-panel")
                with Pane("5 Messages", id="messages"):
                    yield MessagesPanel(id="messages-panel")
                with Pane("6 Brief", id="brief"):
                    yield BriefPanel(id="brief-panel")
            with Vertical(id="sidebar"):  # a text per part: a new unread count repaints only its own
                for part in SIDEBAR_PARTS:
                    yield Static("", id=f"side-{part}")
        with Horizontal(id="action-bar"):
            yield Button("Ready", id="ready", classes="small", tooltip="r")
            yield Button("Sign", id="sign", classes="small", variant="success", tooltip="s")
            yield Button("Decline", id="decline", classes="small", variant="error", tooltip="d")
            yield Static("", id="turn-hint")
        yield KeysFooter()

    def __init__(self) -> None:
        super().__init__()
        self._rendered: dict[str, Any] = {}  # tab -> the state it last showed
        self._log_kept: Any = None  # the state the messages log was last brought up to, hidden
        self._shown: tuple[Any, str, bool] | None = None  # (state, tab, wide) last shown whole
        self._write_asked = False  # the write key was pressed; the box is about to get the focus

    def on_mount(self) -> None:
        # Render once the tabs exist (TabbedContent builds its tab bar after its own mount).
        self.watch(self.app, "state", self.show, init=False)
        self.call_after_refresh(self.show)

    def on_resize(self) -> None:
        # The breakpoint classes follow the width: the tab labels are shorter when narrow.
        if self.state.view:
            self._labels(self.state)

    # ------------------------------------------------------------ rendering

    @property
    def state(self) -> ClientState:
        state: ClientState = self.app.state  # type: ignore[attr-defined]
        return state

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or "agenda"

    def show(self, state: Any = None) -> None:
        state = state or self.state
        if not state.view:
            return
        active = self.active_tab
        wide = self.has_class("-wide")
        if self._shown is not None and self._shown[0] is state and self._shown[1:] == (active, wide):
            return  # shown as it is (a tab key shows the tab, then its TabActivated asks again)
        self._shown = (state, active, wide)
        if self._rendered.get(active) is not state:  # states are immutable: same object, same picture
            self._rendered[active] = state
            self._panel(active).show(state)
        if active != "messages" and self._log_kept is not state:
            # The messages log appends each message as it comes, shown or not: showing the tab
            # then only shows it (appending there laid the screen out and scrolled a frame later).
            self._log_kept = state
            self.query_one(MessagesPanel).show(state)
        # Each text below is compared with the one shown and repainted only if it changed.
        self._labels(state)
        self._sidebar(state)
        set_text(self.query_one("#turn-hint", Static), turn_hint(state), fixed_size=True)

    def _panel(self, tab: str) -> Any:
        return {"agenda": self.query_one(Agenda), "compose": self.query_one(Composer),
                "proposals": self.query_one(Proposals), "pressure": self.query_one(PressurePanel),
                "messages": self.query_one(MessagesPanel), "brief": self.query_one(BriefPanel)}[tab]

    def _labels(self, state: Any) -> None:
        tabs = self.query_one(TabbedContent)
        unread = sum(state.unread(c) for c in self.query_one(MessagesPanel).channels(state))
        open_ = sum(1 for p in state.view.proposals if not p.withdrawn)
        unseen = state.unseen_changes
        # At 80 columns "(1 new)" pushed "6 Brief" off the bar: there the count says it alone.
        new = "" if self.has_class("-narrow") else " new"
        labels = {"messages": f"5 Messages ({unread})" if unread else "5 Messages",
                  "proposals": f"3 Proposals ({open_})" if open_ else "3 Proposals",
                  "pressure": f"4 Pressure ({unseen}{new})" if unseen else "4 Pressure"}
        for tab_id, label in labels.items():
            relabel(tabs.get_tab(tab_id), label)

    def _sidebar(self, state: Any) -> None:
        if not self.has_class("-wide"):
            return
        for part, text in zip(SIDEBAR_PARTS, sidebar_parts(state), strict=True):
            static = self.query_one(f"#side-{part}", Static)
            shown = getattr(static, "_parley_text", None)
            static.display = bool(text)
            # as many lines as before (the sidebar's lines are short): repainted, not laid out
            set_text(static, text, fixed_size=shown is not None and shown.count("\n") == text.count("\n"))

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.show()
        if not self.writing:
            self._focus_tab(event.pane.id)

    # ------------------------------------------------------------ the writing mode

    @property
    def writing(self) -> bool:
        """Whether the message box has, or is about to get, the focus: read from the focus
        itself at each key, so that the mode ends the moment the focus leaves the box (a flag
        cleared by the Blur message came one message too late: keys queued behind Enter were
        still typed, into the next message)."""
        return self._write_asked or isinstance(self.focused, MessageBox)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.writing or action in WHILE_WRITING

    def _ask_to_write(self, asked: bool) -> None:
        if asked != self._write_asked:
            self._write_asked = asked
            self.refresh_bindings()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, MessageBox):
            self._ask_to_write(False)  # it has arrived
        self.refresh_bindings()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, MessageBox):
            self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        """The writing mode, key by key, in the order the keys were typed.

        A key reaches this handler (from the widget it was sent to) before Textual looks up its
        binding, which happens once it has bubbled up to the app; keys typed quickly all pass
        here first. So the write key opens the mode here, at once; a letter that was sent to
        another widget before the cursor reached the box goes in the box; Enter sends at once
        (it would otherwise go to the table that had the focus, or submit a box already left).
        After sending the focus is on the channel list, so the next key is a game key."""
        if isinstance(self.focused, Input) and not isinstance(self.focused, MessageBox):
            return
        if not self.writing:
            if event.key == WRITE_KEY and self.check_action("write", ()):
                self.action_write()
                event.stop()
                event.prevent_default()
            return
        box = self.query_one("#say", MessageBox)
        if event.key == "enter":
            self._ask_to_write(False)
            self.query_one(MessagesPanel).send(box)
        elif event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)  # the box did not get it (it keeps its own)
        else:
            return
        event.stop()
        event.prevent_default()

    def action_write(self) -> None:
        self._ask_to_write(True)
        tabs = self.query_one(TabbedContent)
        tabs.active = "messages"
        underline_now(tabs)
        self.show()  # before the layout that shows it (see action_tab)
        self._focus_when_shown(self.query_one("#say", MessageBox))

    def action_leave_text(self) -> None:
        """Escape from the message box, so that the single-key actions work again."""
        if isinstance(self.focused, Input) or self.writing:
            self._ask_to_write(False)
            self.query_one(MessagesPanel).stop_writing()

    # ------------------------------------------------------------ actions

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        underline_now(tabs)
        # Rendered now, before the layout that shows it: TabActivated comes after that layout's
        # frame, and what it rendered then (the Messages tab's new lines, read) took a frame more.
        self.show()
        if tabs.active == tab and not isinstance(self.focused, Input):
            self._focus_tab(tab)  # at once: see _focus_tab

    def _focus_tab(self, tab: str | None, tries: int = 40) -> None:
        """Keys act on what the tab shows: its table, list or text takes the focus.

        It is given at once, as the tab is switched (`Screen.set_focus`, not `focus()`, which
        waits for the next message): the widget losing it is hidden with its pane, and Textual
        hands a hidden widget's focus to a sibling — inside the same hidden pane, which then
        switched the tabs back and forth (two more tab switches and their frames on every key
        that left the Proposals tab). Until the pane is displayed its widgets cannot take the
        focus, so look again every 25 ms until it is seen inside the tab, for at most a second."""
        if tab is None or tab != self.active_tab or self.writing:
            return  # another tab was chosen meanwhile, or the message box is taking the focus
        targets = {"agenda": "#agenda-table", "compose": "#composer Select",
                   "proposals": "#proposal-table", "messages": "#channels",
                   "pressure": "#pressure-panel", "brief": "#brief-panel"}
        if self._focus_is_in(tab):
            return  # it arrived (or the player moved it within the tab: leave it there)
        found = self.query(targets[tab])
        if found and found.first().focusable:
            self.set_focus(found.first())
        if tries and not self._focus_is_in(tab):
            self.set_timer(0.025, lambda: self._focus_tab(tab, tries - 1))

    def _focus_is_in(self, tab: str) -> bool:
        focused = self.focused
        return focused is not None and any(node.id == tab for node in focused.ancestors_with_self)

    def _focus_when_shown(self, widget: Any, tries: int = 40) -> None:
        """Focus the message box once its tab is displayed (a hidden widget cannot take it)."""
        if isinstance(widget, MessageBox) and not self.writing:
            return  # sent or left meanwhile: a late retry must not put the cursor back in the box
        if widget.focusable and self.focused is not widget:
            self.set_focus(widget)  # at once, like a tab's focus (see _focus_tab)
        if self.focused is widget:
            self._ask_to_write(False)  # arrived: the mode now follows the focus
            return
        if tries:
            self.set_timer(0.025, lambda: self._focus_when_shown(widget, tries - 1))

    def _shown_proposal(self, verb: str) -> wire.ProposalView | None:
        """The proposal the Proposals tab shows selected; from any other tab, none (and it opens)."""
        self.show()  # a key can come before the tab's first rendering: render it first
        if self.active_tab != "proposals":
            self.action_tab("proposals")
            self.notify(f"Choose the proposal to {verb} (↑/↓), then press the key again.",
                        title="Which proposal?")
            return None
        proposal = self.query_one(Proposals).selected()
        if proposal is None:
            self.notify("There is no proposal on the table yet.", severity="warning")
        return proposal

    def _send(self, command: dict[str, Any]) -> None:
        self.post_message(Act(command))

    def _confirm(self, question: str, yes: str, command: dict[str, Any], danger: bool = True) -> None:
        team_action = _TEAM_ACTIONS.get(command["type"]) if self.state.team is not None else None
        if team_action is not None and not self.state.is_head:
            self._send(command)  # the head's to do: the server says so, naming the head
            return
        if team_action is not None:  # the team sees what its head is about to do
            self._share_intent(team_action, command.get("proposal"))

        def answered(sure: bool | None) -> None:
            if team_action is not None:
                self._share_intent(None, None)
            if sure:
                self._send(command)
        self.post_message(ShowScreen(ConfirmScreen(question, yes, danger, moment=moment), callback=answered))

    def _share_intent(self, action: str | None, proposal: str | None) -> None:
        async def send() -> None:
            await self.app.send_message(  # type: ignore[attr-defined]
                lambda id_: wire.ShareIntent(id=id_, action=action, proposal=proposal))  # type: ignore[arg-type]
        self.run_worker(send(), exclusive=False)

    def action_table(self) -> None:
        composer = self.query_one(Composer)
        if self.active_tab != "compose":
            self.action_tab("compose")
            self.notify("Check the package here, then press t to table it.", title="Table a package")
            return
        terms = composer.terms()
        if not terms:
            self.notify("Pick at least one option in the composer first.", severity="warning")
            return
        command: dict[str, Any] = {"type": "table_proposal", "terms": terms}
        if composer.amends:
            command["amends"] = composer.amends
        self._send(command)
        composer.clear_terms()
        self.action_tab("proposals")

    def action_amend(self) -> None:
        proposal = self._shown_proposal("amend")
        if proposal is not None:
            self.query_one(Composer).load(dict(proposal.terms), proposal.id)
            self.action_tab("compose")

    def action_clear(self) -> None:
        self.query_one(Composer).clear_terms()

    def action_support(self) -> None:
        proposal = self._shown_proposal("support")
        if proposal is not None:
            self._send({"type": "support_proposal", "proposal": proposal.id})

    def _voting(self, verb: str) -> bool:
        """Signing and declining are for the decision phase: before it, say so rather than ask a
        question the server would then refuse."""
        phase = self.state.phase
        if phase == "decision":
            return True
        self.notify(f"You {verb} in the decision phase; this is the {phase} phase. Mark yourself ready (r) "
                    "when you are done here.", title="Not yet", severity="warning")
        return False

    def action_sign(self) -> None:
        if not self._voting("sign"):
            return
        proposal = self._shown_proposal("sign")
        if proposal is not None:
            self._confirm(sign_question(self.state, proposal), "Sign",
                          {"type": "sign_proposal", "proposal": proposal.id})

    def action_decline(self) -> None:
        if not self._voting("decline"):
            return
        proposal = self._shown_proposal("decline")
        if proposal is not None:
            self._confirm(f"Decline [b]{proposal.id}[/b]? Your refusal is final for this vote.",
                          "Decline", {"type": "decline_proposal", "proposal": proposal.id})

    def action_withdraw(self) -> None:
        proposal = self._shown_proposal("withdraw")
        if proposal is not None:
            self._confirm(f"Withdraw [b]{proposal.id}[/b] from the table? It cannot be tabled "
                          "back; you would table a new one.", "Withdraw",
                          {"type": "withdraw_proposal", "proposal": proposal.id})

    def action_walk_out(self) -> None:
        you = self.state.view.you if self.state.view else None
        self._confirm(f"Walk out of the talks? You leave with no deal: your reservation value "
                      f"{number(you.reservation if you else 0)} less the war paid, {number(fmt.no_deal(you))}; a party "
                      "walking out ends the game "
                      "without an agreement for everyone.", "Walk out", {"type": "walk_out"})

    def action_hand_over(self) -> None:
        """The head of a team delegation makes another member who has joined the head."""
        team, state = self.state.team, self.state
        if team is None:
            self.notify("You play this seat alone: there is no lead to hand over.", severity="warning")
            return
        if not state.is_head:
            self._send({"type": "hand_over_head", "member": state.member})  # the server names the head
            return
        choices = [(str(m.number), m.name) for m in team.members if m.number != state.member]
        if not choices:
            self.notify("Nobody else of your team has joined yet.", severity="warning")
            return
        from client.screens.facilitator_modals import ChooseScreen

        def chosen(member: str | None) -> None:
            if member:
                self._send({"type": "hand_over_head", "member": int(member)})
        self.post_message(ShowScreen(ChooseScreen("Hand the lead (signing, declining, walking out) to:", choices),
                                     callback=chosen))

    def action_ready(self) -> None:
        self._send({"type": "mark_ready"})

    def action_outcome(self) -> None:
        if self.state.phase == "ended":
            self.post_message(GoTo("outcome"))

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("ready", "sign", "decline"):
            await self.run_action(event.button.id)
        elif event.button.id == "table-it":
            self.action_table()
        elif event.button.id == "clear":
            self.action_clear()


def underline_now(tabs: TabbedContent) -> None:
    """Put the tab bar's underline under the active tab at once, in the frame that shows the tab.

    Textual moves it after the next refresh (it may need the tab's new place): a frame of its
    own, on every tab key. The tabs keep their places when another is chosen, so the place is
    known now; Textual's own move, a frame later, then finds it done and paints nothing."""
    bar = tabs.query_one(ContentTabs)
    active = bar.active_tab
    if active is None or not active.virtual_region:
        return  # not laid out yet: Textual's own move will place it
    underline = bar.query_one(Underline)
    underline.show_highlight = True
    underline.highlight_start, underline.highlight_end = active.virtual_region.shrink(active.styles.gutter).column_span


def relabel(tab: Tab, label: str) -> None:
    """Give `tab` the label `label`, laying the tab bar out again only when its width changes.

    Textual's `Tab.label` lays the whole screen out and then moves the underline, a frame
    later: on every incoming message, the unread count in "5 Messages (n)" cost an update two
    frames and a layout (most of its time). A label as wide as the one shown ("(3)" becoming
    "(4)") is only repainted: the tab keeps its size and place, and so does the underline."""
    text = Content.from_markup(label)
    if tab.label == text:
        return
    if text.cell_length != tab.label.cell_length:
        tab.label = text  # a new width: the bar is laid out and the underline follows
        return
    tab._label = text  # what Tab.label reads; Tab's own setter would lay out
    Static.update(tab, text, layout=False)


def sign_question(state: ClientState, proposal: wire.ProposalView) -> str:
    """What signing `proposal` costs you, as the question to ask before it."""
    view = state.view
    figure = worth.figure_of(proposal)
    lines = [f"Sign [b]{proposal.id}[/b] by {fmt.delegation_name(view, proposal.author)}?"]
    warn = worth.crosses(figure) or worth.below_no_deal(figure)
    if figure is not None:
        lines += worth.red_line_lines(figure) + worth.absent_lines(figure)
        if worth.below_no_deal(figure):
            lines.append(f"[b yellow]Signed now it scores {number(figure.result or 0)} for you: "
                         f"{number(-(figure.margin or 0))} below what no deal would score you now "
                         f"({number(fmt.no_deal(figure))}).[/]")
        elif figure.complete:
            lines.append(f"Signed now it scores {number(figure.result or 0)} for you "
                         f"(no deal: {number(fmt.no_deal(figure))}).")
    lines.append("A signature cannot be taken back." + (" Sign anyway?" if warn else ""))
    return "\n".join(lines)


def turn_hint(state: ClientState) -> str:
    """One line saying what the phase expects of you (or what your team's head is about to do)."""
    view = state.view
    if view is None:
        return ""
    if state.intent:
        return f"[b magenta]{escape(fmt.intent_text(view, state.intent))}[/]"
    you = state.delegation
    ready = " [green](you are ready)[/]" if you in view.ready else ""
    if view.paused_remaining is not None:
        return "[yellow]Paused by the facilitator.[/]"
    phase = view.phase
    if phase == "negotiation":
        return f"Table, amend, talk (m); r when done.{ready}"
    if phase == "decision":
        waiting = [p.id for p in view.proposals if you in p.required
                   and you not in p.signatures and you not in p.declines and not p.withdrawn
                   and fmt.complete(view, p.terms)]
        if waiting and not state.is_head:
            return (f"Your head, {escape(state.head_name)}, signs or declines {', '.join(waiting)}; "
                    "tell them on the Team channel (5).")
        return (f"Vote on tab 3, s sign / d decline: {', '.join(waiting)}" if waiting
                else f"Votes cast; waiting for the others.{ready}")
    if phase == "pressure":
        return "New events this round — see Pressure (4)."
    if phase == "resolution":
        return "Another round of war is costing every side."
    return ""


SIDEBAR_PARTS = ("you", "proposals", "seats", "unread")


def sidebar_parts(state: ClientState) -> tuple[str, str, str, str]:
    """The sidebar's texts, one per part of SIDEBAR_PARTS (empty: the part is not shown)."""
    view = state.view
    if view is None:
        return "", "", "", ""
    you = view.you
    lines = [f"[b]{fmt.delegation_name(view, state.delegation)}[/b]",
             *([escape(fmt.member_line(state))] if state.team is not None else []),
             f"reservation {number(you.reservation if you else 0)}", f"war cost {number(you.war_cost if you else 0)}",
             f"no deal scores {number(fmt.no_deal(you))}", ""]
    scored = [(worth.figure_of(p), p) for p in view.proposals if not p.withdrawn]
    proposals = []
    if scored:
        proposals.append("[b]Proposals: worth to you[/b]")
        for figure, p in scored:
            proposals.append(f" {p.id} {worth.cell(figure).markup}")
        proposals.append("")
    seats = ["[b]Seats[/b]"]
    for d in view.seated:
        mark = "✔" if d in view.ready else "·"
        seats.append(f" {mark} {fmt.delegation_name(view, d)}")
    unread = [(c, state.unread(c)) for c in [PUBLIC, *view.seated] if c != state.delegation]
    unread_lines = []
    if any(n for _, n in unread):
        unread_lines = ["", "[b]Unread[/b]"] + [f" {('Everyone' if c == PUBLIC else fmt.delegation_name(view, c))}: {n}"
                                               for c, n in unread if n]
    # As many lines whatever is unread (blank ones at the sidebar's foot): a new message
    # repaints this part and never lays the sidebar out again.
    unread_lines += [""] * (2 + len(unread) - len(unread_lines))
    return "\n".join(lines), "\n".join(proposals), "\n".join(seats), "\n".join(unread_lines)


def moment(state: ClientState) -> tuple[object, ...]:
    """What a confirmation's figures and the move's legality depend on: the phase and round, the
    seat's reservation value and war cost, and who sits at the table (who must sign)."""
    view, you = state.view, state.view.you if state.view else None
    if view is None:
        return ()
    return (view.phase, view.round, you and (you.reservation, you.war_cost), tuple(view.seated),
            tuple(view.walked_out))
