"""The client's debrief, review and class report: pure reducers, then the real app on a real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Markdown, Static

from client.app import ParleyApp
from client.console_state import ConsoleState, reduce_console
from client.replay.screen import ReplayScreen
from client.screens.facilitator_modals import DebriefScreen, ReportScreen
from client.screens.outcome import OutcomeScreen
from client.screens.table import TableScreen
from client.state import ClientState, Forget, Requested, reduce
from client.widgets.concessions import ConcessionPlot
from client.widgets.debrief import DebriefView
from client_helpers import facilitate, open_room, player_app, to_phase, wait_until
from server.analysis.debrief import debrief_report
from server.engine import FACILITATOR
from server.engine import commands as c
from server.figures import number
from server.net.server import ParleyServer
from server.protocol import wire
from server_helpers import AGREEABLE_TUTORIAL_TERMS

# ---------------------------------------------------------------- pure reducers


def game_log(part: int, parts: int, seqs: list[int], reply_to: str = "f1") -> wire.GameLog:
    return wire.GameLog(reply_to=reply_to, room="R1", seat="upland", part=part, parts=parts,
                        events=[{"seq": n} for n in seqs])


def test_game_log_parts_join_in_part_order_whatever_order_they_arrive() -> None:
    """A log's parts are held until all are in, then joined by part number; other ids are ignored."""
    state = reduce(ClientState(), Requested("log", "f1"))
    state = reduce(state, game_log(3, 3, [5]))
    state = reduce(state, game_log(1, 3, [1, 2]))
    state = reduce(state, game_log(2, 3, [3, 4], reply_to="someone-else"))
    assert not state.fetches["f1"].finished
    state = reduce(state, game_log(2, 3, [3, 4]))
    fetch = state.fetches["f1"]
    assert fetch.finished and fetch.room == "R1"
    assert [e["seq"] for e in fetch.result["events"]] == [1, 2, 3, 4, 5]
    assert fetch.result["seat"] == "upland" and fetch.parts == {}
    assert "f1" not in reduce(state, Forget("f1")).fetches


def _a_debrief() -> wire.Debrief:
    """The debrief of a whole bot game of the tutorial."""
    from server.bots.tournament import default_seated, play_game
    from server.scenario import bundled_scenarios

    scenario = bundled_scenarios()["tutorial"]
    return debrief_report(play_game(scenario, {}, seed=1, seated=default_seated(scenario)).log)


def test_debrief_report_and_a_refused_fetch_fold_into_their_requests() -> None:
    """A debrief report fills its fetch; a refusal naming a fetch marks it, not the general error."""
    state = reduce(ClientState(), Requested("debrief", "f1"))
    report = wire.DebriefReport(reply_to="f1", room="R1", debrief=_a_debrief(), text="# D")
    state = reduce(state, report)
    assert state.fetch_of("debrief").result == report
    state = reduce(state, Requested("log", "f2"))
    state = reduce(state, wire.Error(reply_to="f2", code="review_not_open", message="Not yet."))
    refused = state.fetch_of("log")
    assert (refused.refused_code, refused.refused, refused.result) == ("review_not_open", "Not yet.", None)
    assert state.error is None and state.errors_seen == 0
    assert reduce(state, wire.Error(reply_to="x9", code="bad_message", message="Bad.")).error == "Bad."


def test_facilitator_fetches_are_kept_per_room_and_the_report_by_id() -> None:
    """The class state folds a room's debrief (fetch_of by room) and the class report."""
    cls = reduce_console(ConsoleState(), Requested("debrief", "f1", "R1"))
    cls = reduce_console(cls, Requested("debrief", "f2", "R2"))
    debriefed = _a_debrief()
    cls = reduce_console(cls, wire.DebriefReport(reply_to="f2", room="R2", debrief=debriefed, text=""))
    assert cls.fetch_of("debrief", "R2").result.debrief == debriefed
    assert not cls.fetch_of("debrief", "R1").finished
    cls = reduce_console(cls, Requested("report", "f3"))
    cls = reduce_console(cls, wire.ClassReport.model_validate(
        {"reply_to": "f3", "class": "C1", "report": {"rooms": []}, "markdown": "# Class C1"}))
    assert cls.fetches["f3"].result.markdown == "# Class C1"


# ---------------------------------------------------------------- the app on a real server




async def agreed_room(srv: ParleyServer) -> tuple[Any, dict[str, str]]:
    """A tutorial room whose game ended with Lowland's package signed by both parties."""
    room, codes = await open_room(srv)
    await to_phase(room, "negotiation")
    await room.submit("lowland", c.TableProposal(terms=AGREEABLE_TUTORIAL_TERMS))
    await facilitate(room, c.AdvancePhase())
    for party in ("lowland", "upland"):
        await room.submit(party, c.SignProposal(proposal="P1"))
    assert room.game.ended
    return room, codes


def text_of(app: ParleyApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def offered(app: ParleyApp) -> set[str]:
    """The actions the screen's footer offers now (a command's name for `command('x')`)."""
    return {a.binding.action.removeprefix("command('").rstrip("')")
            for a in app.screen.active_bindings.values() if a.enabled}


def notices(app: ParleyApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def test_outcome_shows_the_analysis_once_the_debrief_opens(srv: ParleyServer, tmp_path: Path) -> None:
    """Before the debrief: one line saying when the analysis comes; after: the server's numbers and curves."""
    room, codes = await agreed_room(srv)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen) and app.screen.query("#outcome-text")
                         and "analysis" in text_of(app, "#outcome-text"), what="the outcome")
        assert "when the facilitator opens the debrief" in text_of(app, "#outcome-text")
        assert not app.screen.query(DebriefView) and app.state.fetch_of("debrief") is None
        await facilitate(room, c.OpenDebrief())
        await wait_until(pilot, lambda: app.screen.query(DebriefView), what="the debrief's analysis")
        await pilot.pause()
        expected = debrief_report(room.log)
        assert expected.analysis is not None and expected.analysis.agreement is not None
        placed = expected.analysis.agreement
        shown = text_of(app, "#debrief-analysis")
        assert "What was possible" in shown and "The Nash point" in shown
        assert f"Joint gain left on the table: {number(placed.joint_gain_left)}" in shown
        if placed.trades:  # a missed trade names the options by their labels
            assert "Reduced height" in shown or "Seasonal minimum flow" in shown
        plots = app.screen.query(ConcessionPlot)
        assert [p.plot_title for p in plots] == ["Lowland"]  # the only one to table a whole package
        assert plots.first().points == [p for p in expected.concessions["lowland"] if p.complete]
        rounds = expected.rounds_played  # the x axis names the rounds played, then the game's end
        assert plots.first().tick_labels() == [f"round {r}" for r in range(1, rounds + 1)] + ["end"]


async def test_review_this_game_opens_the_replay_as_the_players_seat(srv: ParleyServer, tmp_path: Path) -> None:
    """v is refused with a reason before the debrief opens; after, it opens the replay as Upland."""
    room, codes = await agreed_room(srv)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen), what="the outcome")
        await pilot.press("v")
        await wait_until(pilot, lambda: "opens for review" in notices(app), what="the refusal")
        assert isinstance(app.screen, OutcomeScreen)
        await facilitate(room, c.OpenDebrief())
        await wait_until(pilot, lambda: app.state.view.debrief_open, what="the debrief")
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen), what="the replay viewer")
        replay = app.screen.replay
        assert replay.seat == "upland" and len(replay) == len(room.log) and app.screen.can_switch
        assert app.state.fetch_of("log") is None  # the log lives in the replay, not twice
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen), what="the outcome again")


async def test_facilitator_console_shows_the_report_the_debrief_and_a_review(srv: ParleyServer, tmp_path: Path) -> None:
    """Debrief keys appear once the room ends; then t shows the class report, d the room's debrief, l the replay as facilitator."""
    app = ParleyApp(server=srv.url, role="facilitator", config_file=tmp_path / "client.json",
                    key=srv.instructor_key)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#open")
        await wait_until(pilot, lambda: app.class_state.rooms and type(app.screen).__name__ == "ConsoleScreen",
                         what="the console")
        room_id = app.class_state.room_ids()[0]
        assert offered(app) >= {"review", "report"} and "show_debrief" not in offered(app)
        room = srv.runtime.room(room_id)
        await to_phase(room, "negotiation")
        await facilitate(room, c.EndGame())
        await wait_until(pilot, lambda: "show_debrief" in offered(app), what="the ended room's keys")
        assert "pause" not in offered(app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.query(Markdown),
                         what="the class report")
        report = app.screen.query_one(Markdown).source
        assert room_id in report and app.class_state.class_id in report
        await pilot.press("escape", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DebriefScreen) and app.screen.query(DebriefView),
                         what="the room's debrief")
        shown = text_of(app, "#debrief-analysis")
        assert "No agreement" in shown and "Every delegation's result" in shown and "Joint gain lost" in shown
        await pilot.press("escape", "l")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen), what="the replay viewer")
        assert app.screen.replay.seat == FACILITATOR and app.screen.can_switch


async def test_escape_goes_back_to_the_table_and_o_to_the_outcome(srv: ParleyServer, tmp_path: Path) -> None:
    """From the outcome, escape shows the table (the game's last state) and o the outcome again, through the app."""
    _, codes = await agreed_room(srv)
    app = player_app(srv, tmp_path, codes["upland"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen), what="the outcome")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table")
        await pilot.pause(0.2)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen), what="the outcome again")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TableScreen), what="the table again")
