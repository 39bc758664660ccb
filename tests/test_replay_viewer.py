"""The Textual replay viewer, driven with App.run_test(): navigation, filter, search, seats."""

from __future__ import annotations

from functools import cache

from rich.text import Text
from textual.app import App
from textual.widgets import Static

from client.replay.app import ReplayApp
from client.replay.chart import ConcessionChart
from client.replay.screen import ReplayScreen
from client.replay.timeline_view import TimelineView
from server.engine import FACILITATOR
from server.engine import events as ev
from server.replay import Replay
from test_replay_games import record_game

SIZE = (150, 45)


@cache
def log() -> tuple[ev.EventBase, ...]:
    return tuple(record_game("istanbul-2022", seed=9, chatter=24))


def panel(screen: ReplayScreen) -> str:
    return Text.from_markup(str(screen.query_one("#state-text", Static).content)).plain


def status(screen: ReplayScreen) -> str:
    return Text.from_markup(str(screen.query_one("#replay-status", Static).content)).plain


async def test_keys_step_jump_and_reach_both_ends() -> None:
    """n/p step, r jumps to the next round, o to the next proposal, G/g to the end and start."""
    app = ReplayApp(Replay(log(), seat="ukraine"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        visible = [e.index for e in screen.replay.visible]
        assert screen.cursor.index == visible[0]
        await pilot.press("n", "n")
        assert screen.cursor.index == visible[2]
        await pilot.press("p")
        assert screen.cursor.index == visible[1]
        await pilot.press("r")
        entry = screen.cursor.entry
        assert entry is not None and entry.round == 2 and entry.type == "phase_started"
        await pilot.press("o")
        assert screen.cursor.entry is not None and screen.cursor.entry.type == "proposal_tabled"
        assert screen.cursor.text(screen.cursor.entry) in panel(screen)
        await pilot.press("G")
        assert screen.cursor.index == visible[-1]
        assert f"event {visible[-1] + 1} of {len(log())}" in status(screen)
        await pilot.press("g")
        assert screen.cursor.index == visible[0]
        timeline = screen.query_one("#timeline", TimelineView)
        assert timeline.rows[timeline.cursor_row].group is not None


async def test_chosen_delegation_filter_and_search() -> None:
    """c chooses a delegation for d; t and a filter the timeline; / finds text; x clears."""
    app = ReplayApp(Replay(log()))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await pilot.press("c", "d")  # first choice: the scenario's first delegation
        first = screen.replay.delegations[0]
        assert screen.cursor.entry is not None and first in screen.cursor.entry.actors
        await pilot.press("t", "t", "t", "t", "t")  # all -> phases -> pressure -> proposals -> statements -> messages
        assert screen.cursor.group == "messages"
        assert screen.cursor.shown and all(e.type == "message_sent" for e in screen.cursor.shown)
        await pilot.press("a")
        assert screen.cursor.delegation == first
        assert all(first in e.actors for e in screen.cursor.shown)
        assert "filter: messages" in status(screen)
        await pilot.press("x", "slash")
        await pilot.press(*"PRIVATE", "space", *"word", "space", "1", "1", "enter")
        entry = screen.cursor.entry
        assert entry is not None and "Private word 11 " in screen.cursor.text(entry)
        assert "search: PRIVATE word 11" in status(screen)
        assert len(screen.cursor.shown) == len(log())


async def test_as_a_delegation_the_panel_shows_its_worth_and_no_secret() -> None:
    """As Russia the panel shows 'worth to you', and stepping through every event never shows a private text of others."""
    replay = Replay(log(), seat="russia")
    secrets = {e.text for e in log() if isinstance(e, ev.MessageSent) and "russia" not in (e.sender, e.to)}
    app = ReplayApp(replay)
    async with app.run_test(size=SIZE):
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        seen_worth = False
        for _ in range(len(replay.visible)):
            text = panel(screen)
            assert not any(s in text for s in secrets)
            seen_worth = seen_worth or "worth to you" in text
            screen.action_step(1)
        assert seen_worth and "As Russian Federation" in text
        assert screen.query_one("#chart", ConcessionChart).plotted() == ["russia"]


async def test_switching_seat_needs_permission() -> None:
    """v changes the seat only when allowed, and keeps the cursor at the same point of the game."""
    app = ReplayApp(Replay(log(), seat="ukraine"), can_switch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "v")
        assert isinstance(app.screen, ReplayScreen) and app.screen.replay.seat == "ukraine"
    app = ReplayApp(Replay(log(), seat=FACILITATOR), can_switch=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "r")
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        here = screen.cursor.index
        await pilot.press("v")
        assert screen.replay.seat == screen.replay.delegations[0]
        assert screen.cursor.index == here  # a phase start: every seat saw it
        assert "As " in panel(screen)


class Host(App[None]):
    """Stands in for the player's app: something underneath the pushed replay screen."""

    def on_mount(self) -> None:
        self.push_screen(ReplayScreen(Replay(log(), seat="turkey")))


async def test_pushed_screen_closes_back_to_the_caller() -> None:
    """Pushed by another app (the outcome screen's "Review this game"), escape pops it and the app goes on."""
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReplayScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ReplayScreen) and app.is_running
    standalone = ReplayApp(Replay(log()))
    async with standalone.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        assert standalone._exit


async def test_end_home_and_the_page_keys_move_the_cursor_at_80x24() -> None:
    """At 80x24 End goes to the last event (status and panel with it), Home back to the first, PageDown 20 on: the timeline's own scroll keys do not take them."""
    app = ReplayApp(Replay(log(), seat="ukraine"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        visible = [e.index for e in screen.replay.visible]
        await pilot.press("end")
        assert screen.cursor.index == visible[-1]
        assert f"event {visible[-1] + 1} of {len(log())}" in status(screen)
        timeline = screen.query_one("#timeline", TimelineView)
        assert timeline.scroll_offset.y <= timeline.cursor_row < timeline.scroll_offset.y + timeline.size.height
        await pilot.press("home")
        assert screen.cursor.index == visible[0]
        await pilot.press("pagedown")
        assert screen.cursor.index == visible[20]
        await pilot.press("pageup", "down")
        assert screen.cursor.index == visible[1]
