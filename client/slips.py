"""Printable code slips: one per human seat, to cut out and hand to each student.

A slip has the scenario, the room and delegation, the first lines of its public brief, the
join code, the browser address with a QR code of it (segno, inline SVG: the page needs nothing
from the network) and the terminal command for those who prefer it. Bot seats and absent
delegations get none. Everything shown is HTML-escaped: names and briefs come from scenario
files, which anyone may write.

`slips_from_rooms` takes what both `parley host` (the class's state, as JSON) and the console
(its `RoomState`s) hold: each room's seats (delegation, code, controller) and its view.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import segno

from server.protocol import wire

BRIEF_CHARACTERS = 260  # the brief's opening, enough to know who you are


@dataclass(frozen=True)
class Slip:
    room: str
    delegation: str  # its name, as the scenario spells it
    brief: str  # the public brief's first lines
    code: str


def slips_from_rooms(rooms: Iterable[tuple[str, Sequence[wire.SeatInfo], wire.SeatView | None]]
                     ) -> list[Slip]:
    """A slip for every seated seat a person plays (each member of a team), room by room, in seat order."""
    slips = []
    for room, seats, view in rooms:
        delegations = {d.id: d for d in view.scenario.delegations} if view and view.scenario else {}
        seated = set(view.seated) if view else set(delegations)
        controllers = view.controllers if view else {}
        for seat in seats:
            d = seat.delegation
            if controllers.get(d, seat.controller) != "human" or d not in seated:
                continue
            info = delegations.get(d)
            name = info.name if info else d
            if not seat.members:
                slips.append(Slip(room, name, opening(info.brief if info else ""), seat.code))
            for member in seat.members:  # a team: a slip, and a code, per member
                slips.append(Slip(room, f"{name} — member {member.number} of {len(seat.members)}",
                                  opening(info.brief if info else ""), member.code))
    return slips


def default_web_url(server: str) -> str:
    """Where `parley web` is when nobody said: the game server's host, port 8000."""
    from urllib.parse import urlsplit

    parts = urlsplit(server if "://" in server else "ws://" + server)
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.hostname or '127.0.0.1'}:8000/"


def trust_hint(server_url: str) -> str:
    """What a student must add for a TLS server (wss://) whose certificate a school's own
    authority signed: the client trusts only the usual authorities unless given `--cafile`.
    Empty for a ws:// server."""
    if not server_url.startswith("wss://"):
        return ""
    return ("This server uses TLS (wss://): if its certificate comes from the school's own authority, "
            "add --cafile FILE with the certificate file your facilitator gives you.")


def opening(brief: str) -> str:
    """The brief's first lines, cut at a word near BRIEF_CHARACTERS."""
    text = " ".join(brief.split())
    if len(text) <= BRIEF_CHARACTERS:
        return text
    return text[:BRIEF_CHARACTERS].rsplit(" ", 1)[0] + " …"


def slips_html(title: str, slips: Sequence[Slip], web_url: str, server_url: str) -> str:
    """The printable page: slips two to a row, each one kept whole on a page."""
    qr = segno.make(web_url, error="m").svg_inline(scale=3, dark="#000", light="#fff")
    body = "\n".join(_slip(title, slip, web_url, server_url, qr) for slip in slips) or (
        "<p>No seat of this class is played by a person: there is no slip to print.</p>")
    return PAGE.format(title=html.escape(title), count=len(slips), body=body)


def _slip(title: str, slip: Slip, web_url: str, server_url: str, qr: str) -> str:
    e = html.escape
    command = f"parley play --server {server_url} --code {slip.code}"
    trust = f'\n      <div class="label">{e(trust_hint(server_url))}</div>' if trust_hint(server_url) else ""
    return f"""<section class="slip">
  <div class="head"><span class="scenario">{e(title)}</span><span class="room">room {e(slip.room)}</span></div>
  <h2>{e(slip.delegation)}</h2>
  <p class="brief">{e(slip.brief)}</p>
  <div class="join">
    <div><div class="label">Your join code</div><div class="code">{e(slip.code)}</div>
      <div class="label">Open in a browser</div><div class="url">{e(web_url)}</div>
      <div class="label">or in a terminal</div><code>{e(command)}</code>{trust}</div>
    <div class="qr">{qr}</div>
  </div>
  <p class="keep">The code works once. After joining, write down the rejoin code the game shows you.</p>
</section>"""


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Code slips: {title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1cm; color: #111; }}
  h1 {{ font-size: 14pt; }}
  .slips {{ display: grid; grid-template-columns: 1fr 1fr; gap: 0.5cm; }}
  .slip {{ border: 1px dashed #555; padding: 0.4cm; break-inside: avoid; page-break-inside: avoid; }}
  .head {{ display: flex; justify-content: space-between; gap: 0.3cm; font-size: 9pt; color: #444; }}
  .room {{ white-space: nowrap; }}
  h2 {{ margin: 0.15cm 0; font-size: 15pt; }}
  .brief {{ font-size: 9pt; margin: 0 0 0.2cm; }}
  .join {{ display: flex; justify-content: space-between; align-items: center; gap: 0.3cm; }}
  .label {{ font-size: 8pt; color: #555; margin-top: 0.1cm; }}
  .code {{ font: bold 22pt ui-monospace, monospace; letter-spacing: 0.08em; }}
  .url {{ font: 11pt ui-monospace, monospace; }}
  code {{ font-size: 8pt; }}
  .keep {{ font-size: 8pt; color: #444; margin: 0.2cm 0 0; }}
  @media print {{ body {{ margin: 0.6cm; }} h1 {{ display: none; }} }}
</style></head>
<body><h1>Code slips: {title} ({count})</h1>
<div class="slips">
{body}
</div></body></html>
"""
