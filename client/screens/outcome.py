"""The outcome: the terms (or none), your result against your reservation, durability and why,
rounds lost, and what really happened; once the debrief is open, every delegation's result and
the debrief's analysis (fetched once: the deal against the frontier and the Nash point, the
trades missed, the concession curves). "Review this game" (v) opens the replay viewer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from client import format as fmt
from client.messages import GoTo
from client.screens.review import LogReview
from client.state import ClientState
from client.widgets.debrief import DebriefView
from client.widgets.footer import KeysFooter
from client.widgets.status import StatusBar
from server.figures import number, signed_number
from server.protocol import wire

REASONS = {
    "agreement": "An agreement was signed.",
    "walkout": "A party walked out: no agreement.",
    "last_round": "The last round ended without an agreement.",
    "facilitator": "The facilitator ended the game.",
}


class OutcomeScreen(Screen[None]):
    # Side by side when wide, each column scrolling; stacked when narrow (parley.tcss), where
    # the body itself scrolls: arrows that the main column cannot use pass on to it.
    BINDINGS = [Binding("escape", "back", "Back to the table"),
                Binding("o", "open_debrief", "Open the debrief"),
                Binding("v", "review", "Review this game"),
                Binding("r", "reflect", "Reflect"),
                Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.review = LogReview(self, "state", facilitator=False)
        self.asked = False  # the debrief was asked for (before its Requested reaches the state)

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with ScrollableContainer(id="outcome-body", can_focus=False):
            with VerticalScroll(id="outcome-main"):
                yield Static("", id="outcome-text")
                yield Static("", id="debrief-status")
            with VerticalScroll(id="outcome-history"):
                yield Static("", id="history-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "state", self.show)
        self.watch(self.app, "state", self.review.check)

    async def action_review(self) -> None:
        await self.review.start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a class the facilitator opens the debrief; in the demo the player may.
        if action == "open_debrief":
            demo = self.app.demo  # type: ignore[attr-defined]
            view: wire.SeatView | None = self.app.state.view  # type: ignore[attr-defined]
            return demo is not None and not (view and view.debrief_open)
        if action == "reflect":
            view = self.app.state.view  # type: ignore[attr-defined]
            return bool(view and view.debrief_open and view.reflection_questions and not view.reflections_closed)
        return True

    def action_reflect(self) -> None:
        from client.screens.reflection import ReflectionScreen

        app: Any = self.app
        questions = list(app.state.view.reflection_questions if app.state.view else [])

        async def handed(answers: list[str] | None) -> None:
            if answers is None:
                return
            app.reflection_draft = answers
            await app.send({"type": "submit_reflection", "answers": answers})
            app.reflection_handed_in = True
            app.notify("Reflection handed in. You may revise it (r) until the facilitator closes the class.",
                       title="Reflection")

        self.app.push_screen(ReflectionScreen(questions, app.reflection_draft, app.reflection_handed_in),
                             handed)

    async def action_open_debrief(self) -> None:
        await self.app.demo.open_debrief()  # type: ignore[attr-defined]
        self.refresh_bindings()

    def action_back(self) -> None:
        self.post_message(GoTo("table"))

    def show(self, state: ClientState) -> None:
        view = state.view
        if not view or not view.ending:
            return
        demo = self.app.demo is not None  # type: ignore[attr-defined]
        self.query_one("#outcome-text", Static).update(outcome_text(view, state.delegation, demo))
        self.query_one("#history-text", Static).update(history_text(view))
        if view.debrief_open:
            self.show_debrief(state)
        self.refresh_bindings()

    def show_debrief(self, state: Any) -> None:
        """Ask for the debrief once; show it when it comes (or why it did not)."""
        fetch = state.fetch_of("debrief")
        status = self.query_one("#debrief-status", Static)
        if fetch is None:
            if not self.asked:
                self.asked = True
                self.run_worker(self.app.fetch("debrief"), group="debrief")  # type: ignore[attr-defined]
            status.update("[dim]Fetching the debrief's analysis…[/]")
        elif fetch.refused is not None:
            status.update(f"[red]The debrief's analysis is not available: {fetch.refused}[/]")
        elif fetch.result is not None and not self.query(DebriefView):
            status.update("")
            self.query_one("#outcome-main").mount(DebriefView(fetch.result.debrief, id="debrief"))


def terms_lines(view: wire.SeatView, terms: Mapping[str, str] | None) -> list[str]:
    if not terms:
        return ["  [dim]no terms[/]"]
    return [f"  {fmt.issue_title(view, i)}: [b]{fmt.option_label(view, i, o)}[/b]" for i, o in terms.items()]


def outcome_text(view: wire.SeatView, you: str | None, demo: bool = False) -> str:
    ending = view.ending
    if ending is None:
        return ""
    lines = [f"[b reverse] The outcome [/]  {REASONS.get(ending.reason, ending.reason)}", ""]
    if ending.terms:
        signed = ", ".join(fmt.delegation_name(view, d) for d in ending.signatories)
        lines += ["[b]The agreement[/b]" + (f" (signed by {signed})" if signed else ""),
                  *terms_lines(view, ending.terms)]
    else:
        lines.append("[b]No agreement.[/b] Each side is left with its reservation value.")
    mine = view.results.get(you or "")
    if mine:
        if view.agreement is None:
            verdict = "no deal"
        elif mine.surplus >= 0:
            verdict = "[green]better than no deal[/]"
        else:
            verdict = "[red]worse than no deal[/]"
        worth = mine.worth if mine.worth is not None else mine.result + mine.war_cost
        lines += ["", "[b]Your result[/b]",
                  f"  {number(mine.result)} against {number(fmt.no_deal(mine))} for no deal: "
                  f"{signed_number(mine.surplus)}, {verdict}",
                  f"  result = worth {number(worth)} − war cost {number(mine.war_cost)}; no deal = reservation value "
                  f"{number(mine.reservation)} − the same war cost"]
        if view.agreement is not None:  # no deal has no points: "points on your table 0.00" misled
            lines.append(f"  points on your table {number(mine.points)}")
        if mine.red_lines_crossed:
            crossed = "; ".join(fmt.red_line_label(view.you, r) for r in mine.red_lines_crossed)
            lines.append(f"  [red]red lines crossed: {escape(crossed)}[/]")
    durability = ending.durability
    if durability:
        lines += ["", f"[b]Durability[/b] {number(durability.score)} — {durability.label}"]
        for r in durability.reasons:
            lines.append(f"  {signed_number(r.effect)}  [i]{r.lesson}[/i]: {r.reason}")
    lines += ["", f"[b]Rounds lost[/b] {ending.rounds_lost}"
              + (f" — {ending.delay_reason}" if ending.delay_reason else "")]
    lines += ["", results_text(view, demo)]
    return "\n".join(lines)


def results_text(view: wire.SeatView, demo: bool = False) -> str:
    if not view.debrief_open:
        who = "you open (key o)" if demo else "the facilitator opens"
        return (f"[dim]Every delegation's result appears here when {who} the debrief, with the "
                f"analysis of the deals that were possible.[/]")
    names = {d: fmt.delegation_name(view, d) for d in view.results}
    width = max([22, *(len(n) + 1 for n in names.values())])  # a long name pushed its figures out of line
    lines = ["[b]Every delegation's result[/b]",
             f"  {'delegation':<{width}}{'result':>8}{'no deal':>9}{'surplus':>9}"]
    for d, r in view.results.items():
        lines.append(f"  {escape(names[d].ljust(width))}{number(r.result):>8}{number(fmt.no_deal(r)):>9}"
                     f"{signed_number(r.surplus):>9}")
    return "\n".join(lines)


def history_text(view: wire.SeatView) -> str:
    history = view.scenario.history if view.scenario else None
    if not history:
        return ""
    lines = ["[b reverse] What really happened [/]", "", escape(fmt.reflow(history.summary))]
    if history.terms:
        lines += ["", "[b]Historical terms[/b]", *terms_lines(view, history.terms)]
    lines.append("\nAn agreement was signed." if history.agreement_signed else "\nNo agreement was signed.")
    if history.durability_note:
        lines += ["", escape(fmt.reflow(history.durability_note))]
    return "\n".join(lines)
