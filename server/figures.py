"""How every figure of points a person reads is written: one rule, in one place.

The engine scores to two decimals, so a figure is shown with exactly two, whole or not
("45.00" beside "39.25", never "45" beside "39.25"), and a negative one with the true minus
sign ("−177.96", never "-177.96" beside "(−215.96)"). A change or a margin always carries its
sign ("+7.00", "−215.96"). Every screen, export, report and reason string uses these two
functions (`number`, `signed_number`) for results, margins, reservation values, war costs,
points, gains, distances and durability, so that the figure on a screen is the figure that
is scored, written the same way everywhere. Meters (a gauge of 0–100) and counts are not
figures of points and are left whole; a meter's change is signed with the same minus
(`signed_meter`: "+5", "−8").

This module imports nothing, so every layer may use it: the engine's reason strings, the
replay's exports, the command line's reports and the client's screens.
"""

MINUS = "\u2212"


def number(value: float) -> str:
    """A figure of points: "45.00", "39.25", "−177.96" (−0.001 is "0.00", not "−0.00")."""
    rounded = round(float(value), 2)
    return f"{MINUS if rounded < 0 else ''}{abs(rounded):.2f}"


def signed_number(value: float) -> str:
    """A change or a margin, with its sign always shown: "+7.00", "−215.96", "+0.00"."""
    rounded = round(float(value), 2)
    return f"{MINUS if rounded < 0 else '+'}{abs(rounded):.2f}"


def signed_meter(value: float) -> str:
    """A meter's change: whole, signed, the same minus as the figures ("+5", "−8")."""
    return f"{MINUS if value < 0 else '+'}{abs(value):g}"
