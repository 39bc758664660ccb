"""What bots say: short public statements that fit what they just did, and brief replies.

Lines are picked with the bot's own seeded generator, so the same seed says the same things.
Nothing here reveals a seat's hidden table: a bot talks about proposals, never its numbers.
"""

from __future__ import annotations

import random

from server.engine.view_models import SeatView

TABLED = {
    "firm": ("{me} tables {p}. This is the basis for any agreement.",
             "{me} puts {p} on the table and will not bargain against itself."),
    "steady": ("{me} tables {p}: a serious package that answers the other side's concerns.",
               "{me} offers {p} as a step towards an agreement."),
    "soft": ("{me} tables {p}. We are ready to meet our partners halfway.",
             "{me} proposes {p} in a spirit of compromise; let us close this quickly."),
    "mediator": ("The chair tables {p}, a compromise drawn from the parties' own proposals.",
                 "The chair offers {p} as a bridge between the positions on the table."),
}
SUPPORTED = ("{me} supports {p}.", "{me} can work with {p}.")
SIGNED = ("{me} signs {p}.", "{me} is ready to put its name to {p}.")
DECLINED = ("{me} cannot sign {p} as it stands.", "{me} declines {p}: it does not meet our needs.")
HOLDING = ("{me} stands by its position; nothing on the table meets our needs yet.",
           "{me} is listening, but the packages on the table are not acceptable.")
REPLIES = ("{me} thanks {to} for its message; our position is on the table.",
           "{me} has noted {to}'s message and will answer through its proposals.",
           "Message received. {me} is ready to talk on the basis of the proposals tabled.")


def name_of(view: SeatView, delegation: str) -> str:
    """A delegation's name in the scenario's words (bots never say an id to a person)."""
    for d in view.scenario.delegations if view.scenario else ():
        if d.id == delegation:
            return d.name or delegation
    return delegation


def say(lines: tuple[str, ...], rng: random.Random, **names: str) -> str:
    return rng.choice(lines).format(**names)


def tabled(temper: str, rng: random.Random, me: str, amends: str | None) -> str:
    """The new proposal's id is the engine's to give, so the line names what it amends."""
    package = f"an amendment to {amends}" if amends else "a new package"
    return say(TABLED.get(temper, TABLED["steady"]), rng, me=me, p=package)
