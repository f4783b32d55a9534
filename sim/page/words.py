"""The sliders in a class's words: a plain name, a plain value and a sentence for each.

The schema's own names and units ("Denunciation loss", "share of L", "1/week per
grievance") are a modeller's; a class sees these instead (issue 31). The bounds, the
scenario's value and the step still come from the schema (:mod:`sim.page.controls`); the
field paths, symbols and sources stay in ``wgsim parameters`` and docs/parameters.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plain:
    """How the page names and shows one slider.

    Attributes:
        label: A plain name.
        kind: How a value reads: ``percent`` (0.12 -> "12%"), ``weeks``, ``scale`` (a
            number on the field's range), ``rate`` (per week per grievance) or ``extra``
            (0.5 -> "+50%").
        explain: What it means, in a sentence a student follows.
        after: Words after a percent ("of what is left").
    """

    label: str
    kind: str
    explain: str
    after: str = ""


PLAIN: dict[str, Plain] = {
    "working_group.scope": Plain(
        "Ordinary items sent to the WG",
        "percent",
        "How often an inter-Korean item that needs no UN sanctions exemption is still "
        "taken to the working group.",
    ),
    "working_group.max_gap_weeks": Plain(
        "Longest gap between WG meetings",
        "weeks",
        "A working group that meets when needed meets at the latest after this many weeks.",
    ),
    "legitimacy.denunciation_loss": Plain(
        "Damage per DPRK denunciation",
        "percent",
        "Each North Korean denunciation takes this share of the working group's remaining "
        "standing (legitimacy), more when the pressure in Seoul is high.",
        "of its standing",
    ),
    "un.lag_cosponsored_weeks": Plain(
        "UN delay when the US backs a request",
        "weeks",
        "The average extra weeks the UN sanctions committee takes to grant an exemption "
        "that the US co-sponsors.",
    ),
    "us.win_set": Plain(
        "What the US readily approves",
        "scale",
        "The heaviest sanctions load (how far an item strains the UN sanctions: 0 not at "
        "all, 1 fully) that the State Department approves without a fight.",
    ),
    "us.nsc_passthrough": Plain(
        "White House passes news to State",
        "percent",
        "The chance that what the White House National Security Council hears from Seoul "
        "reaches the State Department.",
    ),
    "us.consent_prob": Plain(
        "US agrees to end the WG",
        "percent",
        "The chance that Washington agrees when Seoul asks to end the working group "
        "(events in the scenario can change it).",
    ),
    "rok.domestic_pressure": Plain(
        "Pressure in Seoul for engagement",
        "scale",
        "How hard South Korean opinion pushes for inter-Korean projects: more pressure, "
        "more proposals, and denunciations hurt the working group more.",
    ),
    "rok.violation_prob": Plain(
        "Seoul goes ahead alone",
        "percent",
        "The chance that Seoul carries out an item under UN sanctions without an exemption.",
    ),
    "information.disclosure": Plain(
        "Envoys tell Washington",
        "percent",
        "The chance that an item is mentioned to the US at each meeting of an informal "
        "channel (less when the allies disagree).",
    ),
    "dprk.denunciation_rate": Plain(
        "DPRK readiness to denounce",
        "rate",
        "Each occasion (the working group's launch, a public dispute in Seoul, failed "
        "talks) gives the DPRK a grievance; this is how fast grievances become "
        "denunciations.",
    ),
    "dprk.wedge_boost": Plain(
        "Extra denunciations in the wedge game",
        "extra",
        "How many more denunciations the DPRK makes while it plays the allies against each "
        "other (its 'wedge' strategy after the Hanoi summit).",
    ),
}
"""Every slider's plain name, reading and sentence (the keys are the page's sliders)."""


def reading(plain: Plain, value: float, integer: bool, hi: float) -> str:
    """A value as the page prints it: ``12% of its standing``, ``8 weeks``, ``+50%``."""
    if plain.kind == "percent":
        pct = value * 100
        text = f"{pct:.0f}%" if pct >= 10 or pct == int(pct) else f"{pct:.1f}%"
        return f"{text} {plain.after}".strip()
    if plain.kind == "weeks":
        number = f"{int(value)}" if integer else f"{value:.1f}"
        return f"{number} {'week' if number == '1' else 'weeks'}"
    if plain.kind == "rate":
        return f"{value:.2f} a week per grievance"
    if plain.kind == "extra":
        return f"+{value * 100:.0f}%"
    return f"{value:.2f} on a 0–{hi:g} scale"


def span(plain: Plain, lo: float, hi: float) -> str:
    """A slider's range in words: ``0% to 50%``, ``1 to 52 weeks``, ``0 to 2``."""
    if plain.kind == "percent":
        return f"{lo * 100:g}% to {hi * 100:g}%"
    if plain.kind == "extra":
        return f"+{lo * 100:g}% to +{hi * 100:g}%"
    if plain.kind == "weeks":
        return f"{lo:g} to {hi:g} weeks"
    return f"{lo:g} to {hi:g}"
