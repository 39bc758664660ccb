"""Messages: the public channel (statements, announcements) and a private one per delegation.

Writing is a mode (see `client.screens.table`): the channel list always highlights the channel
you write to, Enter on it (or the write key, m) puts the cursor in the message box, Enter
there sends and gives the focus back to the list, Escape leaves without sending. A message
longer than the server accepts is refused here, with the limit, and stays in the box.

The log only appends: a new note in the channel shown is written at the end; switching
channels rewrites the log once. Reading a channel is a local happening posted to the app,
never a change of state made while rendering.
"""

from __future__ import annotations

from typing import Any, Self

from rich.markup import escape
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, OptionList, RichLog
from textual.widgets.option_list import Option

from client import format as fmt
from client.messages import Act, Happened
from client.state import PUBLIC, TEAM, ChannelRead, ClientState
from client.widgets.kept_table import StyleOncePerRender, same_size_kept
from client.widgets.layout_frame import hidden
from server.protocol import wire
from server.protocol.wire import TEXT_CHARS

SHOWN = 150  # the latest messages of a channel; the log scrolls back this far

class MessageBox(Input):
    """The box you write in; while it has the focus, only these keys are offered.

    Once Enter has sent it, it takes no more text until it is focused again: keys that were
    already on their way to it (typed quickly after Enter, on a loaded machine) are dropped,
    never typed into the next message, while the focus goes back to the channel list."""

    BINDINGS = [Binding("enter", "submit", "Send"), Binding("escape", "leave", "Stop writing")]

    class Left(Message):
        """Escape: leave the box without sending."""

    closed = False  # sent: drop keys until focused again

    async def action_submit(self) -> None:
        self.closed = True
        await super().action_submit()

    def on_focus(self, event: events.Focus) -> None:
        self.closed = False

    def on_key(self, event: events.Key) -> None:
        if self.closed and (event.is_printable or event.key in ("backspace", "delete")):
            event.stop()
            event.prevent_default()  # Input's own handler would type it

    def action_leave(self) -> None:
        self.post_message(self.Left())


class ChannelLog(StyleOncePerRender, RichLog):
    """The channel's log; a line written while its tab is hidden lays nothing out; its style is
    worked out once a repaint, not once a line (StyleOncePerRender).

    The log appends each message as it comes, shown or not. RichLog's new length asks for a
    layout of the whole screen, which a hidden log does not need: showing its tab lays the
    screen out anyway, with the log's length as it is then."""

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if layout and not self.region:  # not on the screen (its tab is hidden)
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class ChannelList(OptionList):
    """The channels; shown again with its tab, it keeps the lines it rendered."""

    def _on_resize(self, event: events.Resize | None = None) -> None:  # OptionList's takes no event
        same_size_kept(self, event)


class MessagesPanel(Horizontal):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channel = PUBLIC
        self._entries: list[tuple[str, str]] = []
        self._logged: tuple[str, int] = ("", 0)  # (channel, notes written) in the log
        self._width = 60  # the log's width its lines were wrapped at (until it is laid out)
        self._unscrolled = False  # lines were written while hidden: scroll to the end when shown

    def compose(self) -> ComposeResult:
        yield ChannelList(id="channels")
        with Vertical(id="channel-pane"):
            yield ChannelLog(id="channel-log", wrap=True, markup=True, auto_scroll=True, min_width=20)
            yield MessageBox(placeholder="To everyone: m or Enter to write", id="say")

    def on_resize(self) -> None:
        if self.app.state.view:  # type: ignore[attr-defined]
            self.show(self.app.state)  # type: ignore[attr-defined]  # rewraps the log to its width

    def channels(self, state: ClientState) -> list[str]:
        return list(state.channels())

    def channel_name(self, view: wire.SeatView | None, channel: str) -> str:
        if channel == TEAM:
            return "Team (yours only)"
        return "Everyone" if channel == PUBLIC else fmt.delegation_name(view, channel)

    def show(self, state: ClientState) -> None:
        if not state.view:
            return
        self._show_channels(state)
        self._show_log(state)

    def _show_channels(self, state: ClientState) -> None:
        entries = []
        for channel in self.channels(state):
            unread = state.unread(channel) if channel != self.channel else 0
            mark = f" [b yellow]({unread})[/]" if unread else ""
            entries.append((f"{escape(self.channel_name(state.view, channel))}{mark}", channel))
        if entries == self._entries:  # rebuilding the list costs a layout: only when it changes
            return
        self._entries = entries
        options = self.query_one("#channels", OptionList)
        options.clear_options()
        options.add_options([Option(text, id=channel) for text, channel in entries])
        ids = [channel for _, channel in entries]
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = ids.index(self.channel) if self.channel in ids else 0

    def _show_log(self, state: ClientState) -> None:
        view = state.view
        notes = state.channel_notes(self.channel)
        log = self.query_one("#channel-log", RichLog)
        # Lines are wrapped once, as they are written, at the log's own width (RichLog's default
        # is at least 78 columns, wider than the log at 80x24, which cut every long line off);
        # a new width rewrites the log.
        width = log.scrollable_content_region.width or self._width
        channel, written = self._logged
        shown = self.is_on_screen
        if (channel != self.channel or written > len(notes) or (written == 0 and notes)
                or width != self._width):
            self._width = width
            log.clear()  # another channel or width, or the "no messages" line to replace
            written = max(0, len(notes) - SHOWN)
            if written:
                log.write(f"[dim]… {written} earlier messages[/]", width=width)
            elif not notes:
                log.write("[dim]No messages here yet.[/]", width=width)
            self._set_placeholder(view)
        for note in notes[written:]:
            who = fmt.delegation_name(view, note.sender)
            if note.member:  # a team member's words: say whose
                who = f"{who} ({note.member})" if note.kind != "team" else note.member
            style = "magenta" if note.kind == "announcement" else "b"
            # Hidden, the log does not scroll (each scroll asked for a frame): it scrolls to
            # its end once, when its tab is shown.
            log.write(f"[dim]R{note.round}[/] [{style}]{escape(who)}[/]: {escape(note.text)}",
                      width=width, scroll_end=None if shown else False)
            self._unscrolled = not shown
        if shown and self._unscrolled:
            self._unscrolled = False
            log.scroll_end(animate=False, immediate=True)  # clamped to the end by the layout showing it
        self._logged = (self.channel, len(notes))
        if state.unread(self.channel) and shown:
            self.app.post_message(Happened(ChannelRead(self.channel)))  # to the app: see PressurePanel.show

    @property
    def is_on_screen(self) -> bool:
        """Shown, or about to be: its tab is the one displayed (the layout that places it may
        not have come yet: a tab key renders the tab before it, so that one frame shows it all)."""
        return not hidden(self)

    def _set_placeholder(self, view: wire.SeatView | None) -> None:
        target = ("everyone" if self.channel == PUBLIC else "your team only" if self.channel == TEAM
                  else self.channel_name(view, self.channel) + " (private)")
        self.query_one("#say", Input).placeholder = f"To {target}: m or Enter to write, Enter sends, Esc leaves"

    # ------------------------------------------------------------ choosing and writing

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The highlighted channel is the one shown and written to, from the first key."""
        if event.option.id and event.option.id != self.channel:
            self.channel = event.option.id
            self.show(self.app.state)  # type: ignore[attr-defined]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.write()

    def write(self) -> None:
        """Put the cursor in the message box (the table screen turns the game keys off)."""
        self.screen.set_focus(self.query_one("#say", Input))

    def stop_writing(self) -> None:
        """The focus back to the channel list, at once: the next key is a game key."""
        self.screen.set_focus(self.query_one("#channels", OptionList))

    def on_message_box_left(self, event: MessageBox.Left) -> None:
        self.stop_writing()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(event.input, MessageBox):
            self.send(event.input)

    def send(self, box: MessageBox) -> None:
        """Send what the box holds to the channel shown, empty the box and leave it."""
        text = box.value.strip()
        if len(text) > TEXT_CHARS:
            box.closed = False
            self.screen.set_focus(box)
            self.notify(f"A message may have at most {TEXT_CHARS:,} characters; this one has "
                        f"{len(text):,}. Shorten it and press Enter again.",
                        title="Not sent", severity="error")
            return  # the text stays in the box
        if text:
            command = ({"type": "make_statement", "text": text} if self.channel == PUBLIC
                       else {"type": "send_team_message", "text": text} if self.channel == TEAM
                       else {"type": "send_message", "to": self.channel, "text": text})
            # Sent by this panel even when the table screen's key handler calls this: a message
            # whose sender is the screen stops bubbling at the screen and never reaches the app.
            self.post_message(Act(command).set_sender(self))
        box.value = ""
        self.stop_writing()
