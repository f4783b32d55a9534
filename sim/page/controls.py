"""The page's controls as plain data: scenario choices, sliders, presets, the seed box.

Slider bounds, steps and meanings come from the scenario schema through
:mod:`sim.scenario.fields`, their values from the chosen scenario variant; what a class
reads (a plain name, the value in plain units, a sentence) from :mod:`sim.page.words`.
A run is built from a file's variant exactly as chosen: the variant picker decides whether
there is a working group; the page's comparison mode removes it from a copy.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError, WgsimError
from sim.page.words import PLAIN, Plain, reading, span
from sim.scenario import Scenario, fields
from sim.scenario.loader import load_file
from sim.scenario.paths import apply_overrides, get_value

GROUPS: dict[str, tuple[str, ...]] = {
    "The working group": (
        "working_group.scope",
        "working_group.max_gap_weeks",
        "legitimacy.denunciation_loss",
        "un.lag_cosponsored_weeks",
    ),
    "The US": ("us.win_set", "us.nsc_passthrough", "us.consent_prob"),
    "The ROK": ("rok.domestic_pressure", "rok.violation_prob", "information.disclosure"),
    "The DPRK": ("dprk.denunciation_rate", "dprk.wedge_boost"),
}
"""The sliders by actor: which schema fields the page lets students move."""

PAGE_PARAMETERS = tuple(p for paths in GROUPS.values() for p in paths)
"""Every slider's field path, in the order shown."""

PRESETS: dict[str, dict[str, float]] = {
    "Denunciations cost the WG nothing (§3)": {"legitimacy.denunciation_loss": 0.0},
    "A louder DPRK (§3)": {"dprk.denunciation_rate": 1.5},
    "High pressure in Seoul (§3)": {"rok.domestic_pressure": 1.5},
    "Low pressure in Seoul (§3)": {"rok.domestic_pressure": 0.0},
    "The WG meets at least every 4 weeks (§2)": {"working_group.max_gap_weeks": 4},
    "The NSC passes everything on (exercise 2)": {"us.nsc_passthrough": 1.0},
}
"""Slider settings for the tutorial's exercises (docs/tutorial.md); the rest keep the
scenario's values."""


@dataclass(frozen=True)
class SliderSpec:
    """A slider generated from a schema field.

    Attributes:
        path: The field's path (``legitimacy.denunciation_loss``).
        label: Its plain name (:data:`~sim.page.words.PLAIN`; else the schema's).
        unit: The schema's unit ("" when it states none).
        meaning: What it means, in a sentence (the plain one when there is one).
        tooltip: The explanation shown on demand: the meaning and the slider's range.
        value: The chosen scenario's value.
        min: Lowest slider position.
        max: Highest slider position.
        step: The slider's step.
        integer: Whether the field holds whole numbers.
    """

    path: str
    label: str
    unit: str
    meaning: str
    tooltip: str
    value: float
    min: float
    max: float
    step: float
    integer: bool
    words: Plain | None = None

    def shown(self, value: float) -> str:
        """A value as the page prints it, in plain units: ``35%``, ``8 weeks``, ``+50%``."""
        if self.words is not None:
            return reading(self.words, value, self.integer, self.max)
        number = f"{int(value)}" if self.integer else f"{value:.3g}"
        return f"{number} {self.unit}".strip()


def slider_specs(scenario: Scenario, paths: tuple[str, ...] = PAGE_PARAMETERS) -> list[SliderSpec]:
    """Sliders for ``paths``: names, bounds, units, meanings from the schema; values from it.

    ``scenario`` gives the values.

    A slider moves in 200 steps (integer fields: steps of 1) between the field's bounds;
    an exclusive bound (``gt``/``lt``) is nudged one step inside, so every position of the
    slider is a value the schema accepts.

    Raises:
        ScenarioError: if a path is unknown or its field lacks a lower or upper bound.
    """
    specs = []
    for path in paths:
        info = fields.field_info(path, scenario)
        r = fields.slider_range(info)
        if r is None:
            raise ScenarioError("page", [f"'{path}': a slider needs both bounds in the schema"])
        integer = r.integer
        unit = fields.unit(info)
        value = get_value(scenario, path)
        words = PLAIN.get(path)
        spec = SliderSpec(
            path=path,
            label=words.label if words else fields.label(path, scenario),
            unit=unit,
            meaning=words.explain if words else fields.meaning(info),
            tooltip="",
            value=int(value) if integer else float(value),
            min=r.min,
            max=r.max,
            step=r.step,
            integer=integer,
            words=words,
        )
        lo_hi = span(words, spec.min, spec.max) if words else f"{spec.min:g} to {spec.max:g}"
        tooltip = f"{spec.meaning} The slider runs from {lo_hi}."
        specs.append(dataclasses.replace(spec, tooltip=tooltip))
    return specs


# --- scenario files -------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """The scenario picker's entries.

    Attributes:
        entries: ``"file / variant"`` -> (file, variant name), for every file that loads.
        skipped: ``"file.yaml: why"`` for every file that does not load.
    """

    entries: dict[str, tuple[Path, str]]
    skipped: tuple[str, ...]


def scenario_choices(folder: Path) -> Choices:
    """Every ``file / variant`` of the scenario files in ``folder``.

    A file that does not load is skipped and named with the reason (issue 18: one bad file
    must not take the page down).
    """
    entries: dict[str, tuple[Path, str]] = {}
    skipped = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            sf = load_file(path)
        except (WgsimError, OSError, ValueError) as exc:
            lines = [line.strip(" -") for line in str(exc).splitlines() if line.strip()]
            reason = lines[1] if len(lines) > 1 else (lines[0] if lines else type(exc).__name__)
            skipped.append(f"{path.name}: {reason}")
            continue
        for variant in sf.variants:
            entries[f"{path.stem} / {variant}"] = (path, variant)
    return Choices(entries, tuple(skipped))


@functools.lru_cache(maxsize=128)
def _variant(path: str, mtime_ns: int, variant: str | None) -> Scenario:
    return load_file(Path(path)).variant(variant)


def variant_of(file: Path, variant: str | None) -> Scenario:
    """A file's variant, read once per version of the file (the page asks at every render).

    Raises:
        ScenarioError: on a bad file or variant.
    """
    return _variant(str(file.resolve()), file.stat().st_mtime_ns, variant)


@functools.lru_cache(maxsize=64)
def _descriptions(path: str, mtime_ns: int) -> tuple[str, dict[str, str]]:
    sf = load_file(Path(path))
    return sf.variant(None).description, dict(sf.descriptions)


def describe(file: Path, variant: str | None) -> str:
    """The variant's description from its file (else the scenario's), as written there."""
    try:
        about, variants = _descriptions(str(file.resolve()), file.stat().st_mtime_ns)
    except (WgsimError, OSError):  # changed on disk since it was listed: nothing to say
        return ""
    return variants.get(variant or "", "") or about


def has_group(file: Path, variant: str | None) -> bool:
    """Whether the variant has a working group (scheduled or endogenous)."""
    return variant_of(file, variant).working_group.establishment != "never"


def build_scenario(
    file: Path,
    variant: str | None,
    *,
    working_group: bool = True,
    overrides: dict[str, Any] | None = None,
) -> Scenario:
    """The scenario a page run uses: a file's variant and the sliders' values.

    Args:
        file: Scenario file.
        variant: Variant name (the baseline when None).
        working_group: False removes the WG (``establishment: never``: the comparison's
            no-group run); True keeps the variant exactly as it is (a no-group variant stays
            without a WG: the variant picker decides).
        overrides: Field path -> value (from the sliders).

    Raises:
        ScenarioError: on a bad file, variant, path or value.
    """
    scenario = variant_of(file, variant)
    values = dict(overrides or {})
    if not working_group:
        values["working_group.establishment"] = "never"
        values["working_group.agreed_on"] = None
    return apply_overrides(scenario, values)


def changed(values: dict[str, float], specs: list[SliderSpec]) -> dict[str, float]:
    """The slider values that differ from the scenario's own (the run's overrides).

    A slider shows the scenario's value rounded to its step; a value within half a step of
    the scenario's own is that value, not a change.
    """
    out = {}
    for s in specs:
        if s.path in values and abs(values[s.path] - s.value) > s.step / 2:
            out[s.path] = values[s.path]
    return out


def parse_seed(text: str | None) -> tuple[int | None, str]:
    """The seed box's text as a seed, or None and what is wrong with it.

    >>> parse_seed(" 7 ")
    (7, '')
    >>> parse_seed("abc")[1]
    "'abc' is not a whole number: type 0, 1, 2 ..."
    """
    stripped = (text or "").strip()  # a cleared box may hold None
    if not stripped:
        return None, "type a seed: a whole number, 0 or more"
    try:
        seed = int(stripped)
    except ValueError:
        return None, f"'{stripped}' is not a whole number: type 0, 1, 2 ..."
    if seed < 0:
        return None, f"{seed} is negative: type 0 or more"
    if seed >= 2**32:
        return None, f"{seed} is too large: use a seed below {2**32}"
    return seed, ""
