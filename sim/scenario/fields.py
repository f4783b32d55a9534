"""The scenario's fields: how a path names one, and what the schema declares about it.

This is the one module that reads pydantic's field metadata; the page's sliders, the
parameter reference (:mod:`sim.scenario.reference`), validation messages
(:mod:`sim.scenario.messages`) and overrides (:mod:`sim.scenario.paths`) all go through it.

- Paths: :func:`parse_path` splits ``shocks[4].effects[2].scale`` into tokens and
  :func:`format_path` joins them again.
- Lookup: :func:`field_info` finds the ``FieldInfo`` a path names; :func:`locate` follows a
  pydantic error location (which carries discriminator tags) to the section it points at.
- What a field declares: :func:`bounds` (``ge``/``gt``/``le``/``lt`` as a :class:`Bounds`),
  :func:`unit`, :func:`prior`, :func:`description`, :func:`type_name`; in plain words for
  readers (the page's sliders): :func:`label` and :func:`meaning`.
- What a field holds: :func:`model_of` (a section), :func:`models_in` and :func:`slot`
  (sections inside lists and unions), :func:`effect_classes` and :func:`effect_kinds`
  (the shock effects, keyed by their ``kind`` tag).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.errors import ScenarioError
from sim.scenario.schema import Scenario
from sim.scenario.shocks import Effect

Token = str | int
"""One step of a path: a field name or a list index."""

Slot = type[BaseModel] | dict[str, type[BaseModel]] | None
"""What a field's values are made of (see :func:`slot`)."""

TAG = "kind"
"""The discriminator field of a tagged union of sections (the shock effects)."""

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


# --- paths ----------------------------------------------------------------------------------


def parse_path(path: str) -> list[Token]:
    """Split ``a.b[2].c`` into ``["a", "b", 2, "c"]``.

    Raises:
        ScenarioError: if the path is not of that form.
    """
    tokens: list[Token] = []
    for part in path.split("."):
        if not part:
            raise ScenarioError("override", [f"'{path}': empty path component"])
        matches = list(_TOKEN.finditer(part))
        if (
            not matches
            or "".join(m.group(0) for m in matches) != part
            or matches[0].group(2)
            or any(m.group(1) for m in matches[1:])  # a name may not follow an index: a[1]b
        ):
            raise ScenarioError("override", [f"'{path}': malformed path component '{part}'"])
        for m in matches:
            tokens.append(m.group(1) if m.group(1) else int(m.group(2)))
    return tokens


def format_path(tokens: Sequence[Token]) -> str:
    """Join tokens into a path: ``["a", "b", 2, "c"]`` becomes ``a.b[2].c``."""
    out = ""
    for tok in tokens:
        if isinstance(tok, int):
            out += f"[{tok}]"
        else:
            out += f".{tok}" if out else tok
    return out


# --- what a field holds ---------------------------------------------------------------------


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The section class when a field's annotation is one (not a list or union of them)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every section class inside an annotation: ``Model``, ``list[Model]``, unions, etc."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def _tag(model: type[BaseModel]) -> str:
    """The ``kind`` literal that tags ``model`` in a discriminated union."""
    return str(typing.get_args(model.model_fields[TAG].annotation)[0])


def slot(annotation: Any) -> Slot:
    """What a field's values are made of.

    Returns:
        The one section class inside the annotation (``Model``, ``list[Model]``,
        ``Model | None``); for a tagged union of sections (the shock effects), a mapping
        of tag to class; None for plain values.
    """
    models = models_in(annotation)
    if len(models) == 1:
        return models[0]
    if models:
        return {_tag(m): m for m in models}
    return None


def effect_classes() -> dict[str, type[BaseModel]]:
    """Every shock effect class the schema accepts, keyed by its ``kind``, in declaration order."""
    return {_tag(m): m for m in models_in(Effect)}


def effect_kinds() -> list[str]:
    """The ``kind`` of every shock effect the schema accepts, in declaration order."""
    return list(effect_classes())


# --- lookup ---------------------------------------------------------------------------------


def field_info(path: str, scenario: BaseModel | None = None) -> FieldInfo:
    """The pydantic ``FieldInfo`` of the field a path names.

    Sections are walked by name and lists of sections by index (``channels[0].name``).
    Which effect class an entry of ``effects`` is depends on the data, so paths through
    a shock's effects need the ``scenario`` whose entries they index.

    Args:
        path: A field path such as ``us.win_set`` or ``shocks[4].effects[0].scale``.
        scenario: The scenario whose list entries the path's indexes pick (optional for
            paths without indexes into the shocks' effects).

    Raises:
        ScenarioError: if the path does not name a field of the schema.
    """
    tokens = parse_path(path)

    def fail(why: str) -> ScenarioError:
        return ScenarioError(
            "field path", [f"'{path}': not a field of the scenario schema ({why})"]
        )

    node: Slot = Scenario
    value: Any = scenario
    info: FieldInfo | None = None
    for tok in tokens:
        if isinstance(tok, int):
            if info is None or typing.get_origin(info.annotation) is not list or node is None:
                raise fail(f"[{tok}] indexes no list of sections")
            if value is not None:
                if not 0 <= tok < len(value):
                    raise fail(f"index [{tok}] out of range")
                value = value[tok]
            if isinstance(node, dict):
                if value is None:
                    raise fail(f"the class of entry [{tok}] depends on the scenario; pass it")
                node = type(value)
            info = None
            continue
        if not isinstance(node, type) or tok not in node.model_fields:
            raise fail(f"no field '{tok}' here")
        info = node.model_fields[tok]
        node = slot(info.annotation)
        if value is not None:
            value = getattr(value, tok)
    if info is None:
        raise fail("it names a list entry, not a field")
    return info


@dataclass(frozen=True)
class Location:
    """Where a pydantic error location points in the schema.

    Attributes:
        path: The location without discriminator tags (pydantic inserts the effect's
            ``kind`` after ``effects[<n>]``; it is not a field).
        model: The section class the location ends at, or None (a plain field, a tagged
            union, or a name the schema does not have).
    """

    path: tuple[Token, ...]
    model: type[BaseModel] | None


def locate(loc: Sequence[Token], root: type[BaseModel] = Scenario) -> Location:
    """Follow a pydantic error location from ``root``; list indexes keep the section."""
    node: Slot = root
    path: list[Token] = []
    for part in loc:
        if isinstance(part, int):
            path.append(part)
        elif isinstance(node, dict):
            if part in node:
                node = node[part]  # a discriminator tag picks the union's member
            else:
                node = None
                path.append(part)
        else:
            info = node.model_fields.get(part) if node is not None else None
            node = slot(info.annotation) if info is not None else None
            path.append(part)
    return Location(tuple(path), node if isinstance(node, type) else None)


# --- what a field declares ------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """A field's numeric bounds as the schema declares them (``ge``/``gt``/``le``/``lt``).

    Attributes:
        lo: Lower bound (None for none).
        hi: Upper bound (None for none).
        lo_inclusive: True for ``ge``, False for ``gt``.
        hi_inclusive: True for ``le``, False for ``lt``.
    """

    lo: float | None = None
    hi: float | None = None
    lo_inclusive: bool = True
    hi_inclusive: bool = True

    def contains(self, value: Any) -> bool:
        """Whether ``value`` satisfies both bounds."""
        if self.lo is not None and not (value >= self.lo if self.lo_inclusive else value > self.lo):
            return False
        return self.hi is None or (value <= self.hi if self.hi_inclusive else value < self.hi)

    def __str__(self) -> str:
        """Interval notation, ``[0, 1]`` or ``(0, 2]``; empty without bounds."""
        if self.lo is None and self.hi is None:
            return ""
        lo = "" if self.lo is None else self.lo
        hi = "" if self.hi is None else self.hi
        left = "[" if self.lo_inclusive else "("
        right = "]" if self.hi_inclusive else ")"
        return f"{left}{lo}, {hi}{right}"


def bounds(info: FieldInfo) -> Bounds:
    """The bounds a field declares; a later constraint replaces an earlier one on its side."""
    lo = hi = None
    lo_inclusive = hi_inclusive = True
    for m in info.metadata:
        for name, inclusive in (("ge", True), ("gt", False)):
            if (limit := getattr(m, name, None)) is not None:
                lo, lo_inclusive = limit, inclusive
        for name, inclusive in (("le", True), ("lt", False)):
            if (limit := getattr(m, name, None)) is not None:
                hi, hi_inclusive = limit, inclusive
    return Bounds(lo, hi, lo_inclusive, hi_inclusive)


@dataclass(frozen=True)
class SliderRange:
    """The positions a slider offers for a number field: every one a value the schema accepts.

    Attributes:
        min: First position (an exclusive bound nudged one step inside).
        max: Last position (likewise).
        step: Distance between positions: 1 for an integer field, else 1/200 of the range.
        integer: Whether the field holds integers.
    """

    min: float
    max: float
    step: float
    integer: bool


SLIDER_STEPS = 200
"""Positions of a slider over a float field's range."""


def slider_range(info: FieldInfo) -> SliderRange | None:
    """The slider positions of a number field with both bounds; None for any other field."""
    b = bounds(info)
    if info.annotation not in (int, float) or b.lo is None or b.hi is None:
        return None
    integer = info.annotation is int
    lo, hi = (int(b.lo), int(b.hi)) if integer else (float(b.lo), float(b.hi))
    step = 1 if integer else (hi - lo) / SLIDER_STEPS
    return SliderRange(
        lo if b.lo_inclusive else lo + step, hi if b.hi_inclusive else hi - step, step, integer
    )


def _extra(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def unit(info: FieldInfo) -> str:
    """The field's unit (``weeks``, ``probability``, ...); empty when it states none."""
    return str(_extra(info).get("unit", ""))


def prior(info: FieldInfo) -> str:
    """Why the field's default has its value; empty when it states no reason."""
    return str(_extra(info).get("prior", ""))


def description(info: FieldInfo) -> str:
    """What the field means in the model; empty when it has no description."""
    return info.description or ""


def type_name(annotation: Any) -> str:
    """A short name of a field's type: ``float``, ``int | None``, ``date``."""
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("datetime.", "")


# Abbreviations in field names, spelled out for readers (acronyms upper-cased).
_WORDS = {
    "prob": "probability",
    "max": "maximum",
    "min": "minimum",
    "nsc": "NSC",
    "un": "UN",
    "us": "US",
    "rok": "ROK",
    "dprk": "DPRK",
    "wg": "WG",
    "mou": "MOU",
    "mofa": "MOFA",
    "dg": "DG",
}


def label(path: str, scenario: BaseModel | None = None) -> str:
    """A readable name of the field ``path`` names: its schema title, else its name in words.

    ``legitimacy.denunciation_loss`` becomes "Denunciation loss" and ``us.consent_prob``
    "Consent probability"; a trailing unit word (``_weeks``) is left to the unit. Paths
    into lists (``shocks[0]...``) need the ``scenario`` that holds them.
    """
    info = field_info(path, scenario)
    if info.title:
        return info.title
    name = str(parse_path(path)[-1])
    words = name.split("_")
    if len(words) > 1 and words[-1] == unit(info):
        words = words[:-1]
    text = " ".join(_WORDS.get(w, w) for w in words)
    return text[:1].upper() + text[1:]


def meaning(info: FieldInfo) -> str:
    """The description without its leading symbol: ``s_WG: chance ...`` -> ``Chance ...``."""
    text = description(info)
    head, sep, rest = text.partition(": ")
    if sep and " " not in head:
        text = rest
    return text[:1].upper() + text[1:]
