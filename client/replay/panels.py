"""The state beside the cursor, as Rich markup, from one seat's view and nothing else.

Pure functions of a view (what `view_for` gave the replay's seat after the cursor's event):
the round and phase, the proposals on the table with what each is worth on the seat's own
table against its reservation value at that moment (every delegation's, in the facilitator's
view), the pressure meters and cards, the messages the seat could read, and the results.
Worth is the engine's figure carried by the view (`worth`, or every delegation's `worths` in
the facilitator's), shown as the player's screens show it (`client.worth`).
"""

from __future__ import annotations

from rich.markup import escape

from client import format as fmt
from client import worth
from client.widgets.pressure import meter_bar
from server.figures import number, signed_number
from server.protocol import wire

View = wire.SeatView
MESSAGES_SHOWN = 12
PROPOSALS_SHOWN = 8


def tables_of(view: View) -> dict[str, wire.YouView]:
    """delegation -> its hidden constraints, as far as this view holds any."""
    if view.you:
        return {view.you.delegation: view.you}
    return dict(view.hidden or {})


def proposals_text(view: View) -> list[str]:
    open_ = [p for p in view.proposals if not p.withdrawn]
    lines = [f"[b]Proposals on the table[/b] [dim]({len(open_)} open, "
             f"{len(view.proposals) - len(open_)} withdrawn; latest first)[/]"]
    for p in open_[::-1][:PROPOSALS_SHOWN]:
        status = fmt.proposal_status(view, p)
        style = "dim" if p.withdrawn else "b"
        amends = f" amends {p.amends}" if p.amends else ""
        lines.append(f" [{style}]{p.id}[/] by {escape(fmt.delegation_name(view, p.author))}"
                     f"{amends} · R{p.round} · {status}")
        terms = "; ".join(escape(fmt.option_label(view, i, o)) for i, o in p.terms.items())
        lines.append(f"   [dim]{terms}[/]")
        figures = p.worths or ({view.you.delegation: p.worth} if p.worth and view.you else {})
        for delegation, figure in figures.items():
            who = "worth to you" if len(figures) == 1 and view.you else fmt.delegation_name(view, delegation)
            lines.append(f"   {escape(who)}: {worth.cell(figure).markup}")
    if not open_:
        lines.append(" [dim]nothing on the table[/]")
    elif len(open_) > PROPOSALS_SHOWN:
        lines.append(f" [dim]… and {len(open_) - PROPOSALS_SHOWN} earlier ones[/]")
    return lines


def pressure_text(view: View) -> list[str]:
    lines = ["[b]Pressure[/b]"]
    for meter in view.scenario.meters if view.scenario else ():
        value = view.meters.get(meter.id, meter.start)
        lines.append(f" {escape(meter.label):<26} {meter_bar(value, meter.min, meter.max)} {value:g}")
    for card in view.pressure[-4:]:
        lines.append(f" R{card.round} [b]{escape(card.title)}[/b]: {escape(card.text)}")
    for delegation, table in tables_of(view).items():
        lines.append(f" {escape(fmt.delegation_name(view, delegation))}: reservation "
                     f"{number(table.reservation)} (started {number(table.starting_reservation)}), "
                     f"war cost {number(table.war_cost)}")
    return lines


def messages_text(view: View) -> list[str]:
    notes = view.notes or []
    lines = [f"[b]What it could read[/b] [dim]({len(notes)} in all, latest last)[/]"]
    for note in notes[-MESSAGES_SHOWN:]:
        sender = fmt.delegation_name(view, note.sender) if note.sender else "intelligence"
        where = "public" if note.to is None else "private" if note.kind == "message" else "to you"
        lines.append(f" [dim]R{note.round} {where}[/] [b]{escape(sender)}[/]: {escape(note.text)}")
    return lines


def results_text(view: View) -> list[str]:
    ending = view.ending
    if not ending:
        return []
    lines = [f"[b]Outcome[/b]: {escape(ending.reason.replace('_', ' '))}"]
    if ending.durability:
        lines.append(f" durability {number(ending.durability.score)}: {escape(ending.durability.label)}")
    for d, r in view.results.items():
        lines.append(f" {escape(fmt.delegation_name(view, d))}: {number(r.result)} against "
                     f"{number(r.reservation)} ({signed_number(r.surplus)})"
                     + (f" [red]red lines: {', '.join(r.red_lines_crossed)}[/]" if r.red_lines_crossed else ""))
    return lines


def state_markup(view: View, seat_name: str) -> str:
    """The whole panel for one view."""
    head = (f"[b]{escape(seat_name)}[/b] · {fmt.round_text(view)} · {view.phase}"
            + (" · [yellow]paused[/]" if view.paused_remaining is not None else ""))
    parts = [[head], proposals_text(view), pressure_text(view), messages_text(view), results_text(view)]
    return "\n\n".join("\n".join(p) for p in parts if p)
