"""Messages: the public channel (statements, announcements) and a private one per delegation."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from client import format as fmt
from client.state import PUBLIC, ChannelRead

SHOWN = 150  # the latest messages of a channel; a longer log only slows the screen down


class MessagesPanel(Horizontal):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channel = PUBLIC
        self._entries: list[tuple[str, str]] = []
        self._log_key: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield OptionList(id="channels")
        with Vertical(id="channel-pane"):
            with VerticalScroll(id="channel-scroll"):
                yield Static("", id="channel-log")
            yield Input(placeholder="Write to everyone; Enter sends", id="say")

    def channels(self, state: Any) -> list[str]:
        view = state.view
        others = [d for d in view["seated"] if d != state.delegation]
        return [PUBLIC, *others]

    def show(self, state: Any) -> None:
        view = state.view
        if not view:
            return
        entries = []
        for channel in self.channels(state):
            name = "Everyone" if channel == PUBLIC else fmt.delegation_name(view, channel)
            unread = state.unread(channel) if channel != self.channel else 0
            mark = f" [b yellow]({unread})[/]" if unread else ""
            current = "▸ " if channel == self.channel else "  "
            entries.append((f"{current}{name}{mark}", channel))
        if entries != self._entries:  # rebuilding the list costs a layout: only when it changes
            self._entries = entries
            options = self.query_one("#channels", OptionList)
            highlighted = options.highlighted
            options.clear_options()
            options.add_options([Option(text, id=channel) for text, channel in entries])
            if highlighted is not None and highlighted < options.option_count:
                options.highlighted = highlighted
        self._show_log(state)

    def _show_log(self, state: Any) -> None:
        view = state.view
        notes = state.channel_notes(self.channel)
        key = (self.channel, len(notes), view.get("seq"))
        if key == self._log_key:
            return
        self._log_key = key
        lines = [f"[dim]… {len(notes) - SHOWN} earlier messages[/]"] if len(notes) > SHOWN else []
        for note in notes[-SHOWN:]:
            who = fmt.delegation_name(view, note.get("sender"))
            style = "magenta" if note["kind"] == "announcement" else "b"
            lines.append(f"[dim]R{note.get('round', '')}[/] [{style}]{escape(who)}[/]: {escape(note['text'])}")
        log = self.query_one("#channel-log", Static)
        log.update("\n".join(lines) or "[dim]No messages here yet.[/]")
        self.query_one("#channel-scroll", VerticalScroll).scroll_end(animate=False)
        if state.unread(self.channel):
            self.app.apply(ChannelRead(self.channel))  # type: ignore[attr-defined]
        target = "everyone" if self.channel == PUBLIC else fmt.delegation_name(view, self.channel) + " (private)"
        self.query_one("#say", Input).placeholder = f"To {target}: Enter sends, Esc leaves"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.channel = event.option.id
            self.show(self.app.state)  # type: ignore[attr-defined]
            self.query_one("#say", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        event.input.value = ""
        command = ({"type": "make_statement", "text": text} if self.channel == PUBLIC
                   else {"type": "send_message", "to": self.channel, "text": text})
        await self.app.send(command)  # type: ignore[attr-defined]
