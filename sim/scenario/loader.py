"""Reading scenario files: YAML, inheritance, named variants, and helpful errors.

A scenario file has up to three top-level keys::

    extends: historical.yaml      # optional: start from another file's base scenario
    scenario: {...}               # the base: any subset of the schema's fields
    variants:                     # optional: named overrides of the base, in order
      historical: {description: "...", overrides: {}}
      no-group: {description: "...", overrides: {working_group: {establishment: never}}}

Values are merged onto the schema's defaults, so a file states only what differs;
mappings merge key by key, lists (channels, shocks) are replaced whole. The first variant
is the baseline of comparisons. Every problem is reported as a :class:`ScenarioError`
naming the file, the field path, the offending value and what is allowed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.linked import apply_calibrated, kind_of, linked_file
from sim.scenario.messages import format_validation, quote, strict_problems
from sim.scenario.schema import MAX_NAME, Scenario
from sim.scenario.yamlfile import YamlProblem, parse_yaml, read_text

TOP_LEVEL_KEYS = ("extends", "scenario", "calibrated", "variants")
VARIANT_KEYS = ("description", "overrides")
BASE_VARIANT = "base"
MAX_VARIANTS = 100
"""Most variants in one file (the shipped files have two to five)."""


@dataclass(frozen=True)
class ScenarioFile:
    """A loaded scenario file: its validated variants, in order, and its provenance."""

    path: str
    text: str
    variants: dict[str, Scenario]
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        """Name of the first (baseline) variant."""
        return next(iter(self.variants))

    @functools.cached_property
    def digest(self) -> str:
        """A short hash of the resolved content of every variant (for resuming batches).

        Computed once per file (a batch names it in every one of its jobs).
        """
        payload = json.dumps(
            {k: v.model_dump(mode="json") for k, v in self.variants.items()}, sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def variant(self, name: str | None) -> Scenario:
        """The scenario of variant ``name`` (the baseline when None).

        Raises:
            ScenarioError: if the file has no such variant.
        """
        if name is None:
            return self.variants[self.baseline]
        if name not in self.variants:
            raise ScenarioError(
                self.path,
                [f"unknown variant '{name}'; available: {', '.join(self.variants)}"],
            )
        return self.variants[name]


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` updated by ``overrides``: mappings merge recursively, others replace."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_file(path: str | Path) -> ScenarioFile:
    """Load and validate a scenario file with all its variants.

    Args:
        path: The YAML file.

    Raises:
        ScenarioError: if the file is missing, malformed or invalid in any variant.
    """
    path = Path(path)
    raw, own_text = _read_yaml(path)
    if not raw:
        raise ScenarioError(
            str(path), ["the file is empty: a scenario file needs 'scenario:' or 'extends:'"]
        )
    base, text = _resolve_base(path, raw, (), own_text)
    variants_raw = raw.get("variants", {BASE_VARIANT: {}})
    if not isinstance(variants_raw, dict) or not variants_raw:
        raise ScenarioError(
            str(path),
            [
                f"variants: expected a mapping of name -> variant, got {quote(variants_raw)} "
                "(leave the key out for a single scenario)"
            ],
        )
    _check_names(path, list(variants_raw))
    variants: dict[str, Scenario] = {}
    descriptions: dict[str, str] = {}
    problems: list[str] = []
    for name, spec in variants_raw.items():
        overrides, desc, errs = _variant_spec(str(name), spec)
        problems += errs
        if errs:
            continue
        prefix = "" if "variants" not in raw else f"variant '{name}': "
        try:
            variants[str(name)] = validate_data(deep_merge(base, overrides))
        except _Invalid as exc:
            problems += [prefix + p for p in exc.problems]
        descriptions[str(name)] = desc
    if problems:
        raise ScenarioError(str(path), problems)
    return ScenarioFile(str(path), text, variants, descriptions)


def _check_names(path: Path, names: list[Any]) -> None:
    """Variant names: text, not too many, not too long."""
    unnamed = [n for n in names if not isinstance(n, str)]
    if unnamed:
        raise ScenarioError(
            str(path),
            [
                f"variants: the name {quote(n)} is read as a {type(n).__name__}, not text "
                "(YAML reads on, off, yes, no, y and n as booleans, and 1e3 as a number); "
                "put the name in quotes"
                for n in unnamed
            ],
        )
    if len(names) > MAX_VARIANTS:
        raise ScenarioError(
            str(path), [f"variants: {len(names):,} variants; at most {MAX_VARIANTS} are allowed"]
        )
    long = [n for n in names if len(n) > MAX_NAME or not n.strip()]
    if long:
        raise ScenarioError(
            str(path),
            [
                f"variants: the name {quote(n)} has {len(n):,} characters; a name has 1 to "
                f"{MAX_NAME} characters, not all blank"
                for n in long
            ],
        )


class _Invalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_data(data: dict[str, Any]) -> Scenario:
    """A file's scenario mapping, merged onto the defaults and validated.

    On top of the schema's checks, a number or a boolean must be written as one: ``true``
    or ``"0.5"`` where a number belongs, or ``"yes"`` where a boolean does, is refused
    (pydantic's lax mode would convert them silently).
    """
    try:
        scenario = build_scenario(data)
    except ValidationError as exc:
        raise _Invalid(format_validation(exc)) from None
    try:
        Scenario.model_validate(deep_merge(_defaults(), data), strict=True)
    except ValidationError as exc:
        wrong = strict_problems(exc)
        if wrong:
            raise _Invalid(wrong) from None
    return scenario


def load_scenario(path: str | Path, variant: str | None = None) -> Scenario:
    """Load one variant of a scenario file (the baseline when ``variant`` is None)."""
    return load_file(path).variant(variant)


def build_scenario(data: dict[str, Any]) -> Scenario:
    """Validate ``data`` merged onto the schema's defaults (raises ValidationError)."""
    return Scenario.model_validate(deep_merge(_defaults(), data))


@functools.cache
def _defaults() -> dict[str, Any]:
    """The schema's defaults as a mapping (never changed: :func:`deep_merge` copies)."""
    return Scenario().model_dump(mode="python")


MAX_EXTENDS = 20
"""Longest chain of files extending one another."""


def _read_yaml(path: Path, linked: bool = False) -> tuple[dict[str, Any], str]:
    """The top-level mapping of a scenario file and its text.

    With ``linked`` (a file named by ``extends:``), no message quotes its content.
    """
    if path.is_symlink() and not path.exists():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python's word for a loop of symbolic links
            raise ScenarioError(str(path), ["a loop of symbolic links"]) from None
        except OSError:
            raise ScenarioError(str(path), ["a symbolic link to a missing file"]) from None
    if not path.exists():
        raise ScenarioError(str(path), ["file not found"])
    if not path.is_file():
        raise ScenarioError(str(path), ["not a file"])
    try:
        text = read_text(path)
        data = parse_yaml(text)
    except YamlProblem as exc:
        if linked and exc.where:
            reason = f"YAML wgsim does not accept at {exc.where} (wgsim validate on it says why)"
        else:
            reason = str(exc)
        raise ScenarioError(str(path), [reason]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path),
            [
                f"top level: expected a mapping with keys {', '.join(TOP_LEVEL_KEYS)}, "
                f"got {kind_of(data)}"
            ],
        )
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
    if unknown and linked:
        raise ScenarioError(
            str(path),
            [
                f"not a scenario file: {len(unknown)} top-level keys other than "
                f"{', '.join(TOP_LEVEL_KEYS)}"
            ],
        )
    if unknown:
        raise ScenarioError(
            str(path),
            [
                f"unknown top-level key {quote(k)}; allowed: {', '.join(TOP_LEVEL_KEYS)}"
                for k in unknown
            ],
        )
    return data, text


def _resolve_base(
    path: Path, raw: dict[str, Any], seen: tuple[Path, ...], text: str
) -> tuple[dict[str, Any], str]:
    """The base scenario mapping of ``raw``: its ``extends`` chain, own values, calibration.

    ``text`` is the file's text, to which the texts of the files it names are added.
    """
    scenario = raw.get("scenario") or {}
    if not isinstance(scenario, dict):
        shown = kind_of(scenario) if seen else quote(scenario)  # another file's: not shown
        raise ScenarioError(str(path), [f"scenario: expected a mapping, got {shown}"])
    base: dict[str, Any] = {}
    parent = raw.get("extends")
    if parent is not None:
        parent_path = linked_file(path, "extends", parent, shown=not seen)
        if parent_path in seen or parent_path == path.resolve():
            raise ScenarioError(str(path), ["extends: the files extend one another in a cycle"])
        if len(seen) >= MAX_EXTENDS:
            raise ScenarioError(
                str(path), [f"extends: more than {MAX_EXTENDS} files extend one another"]
            )
        try:
            parent_raw, parent_text = _read_yaml(parent_path, linked=True)
            base, parent_text = _resolve_base(
                parent_path, parent_raw, (*seen, path.resolve()), parent_text
            )
        except ScenarioError as exc:
            source = exc.source if not seen else "(the file it extends)"  # named by a link
            raise ScenarioError(
                str(path), [f"extends {source}: {p}" for p in exc.problems]
            ) from None
        try:
            validate_data(base)
        except _Invalid as exc:
            named = f"{parent_path} is" if not seen else "the file it extends is"
            check = f"'wgsim validate {parent_path}'" if not seen else "'wgsim validate' on it"
            raise ScenarioError(
                str(path),
                [
                    f"extends: {named} not a valid scenario on its own "
                    f"({len(exc.problems)} problem(s); {check} lists them)"
                ],
            ) from None
        text = parent_text + "\n---\n" + text
    base = deep_merge(base, scenario)
    calibrated = raw.get("calibrated")
    if calibrated is not None:
        base, cal_text = apply_calibrated(path, calibrated, base, scenario, shown=not seen)
        text += "\n---\n" + cal_text
    return base, text


def _variant_spec(name: str, spec: Any) -> tuple[dict[str, Any], str, list[str]]:
    if spec is None:
        return {}, "", []
    if not isinstance(spec, dict):
        return {}, "", [f"variants.{name}: expected a mapping with keys {VARIANT_KEYS}"]
    unknown = [k for k in spec if k not in VARIANT_KEYS]
    if unknown:
        return (
            {},
            "",
            [
                f"variants.{name}: unknown key {quote(k)}; allowed: {', '.join(VARIANT_KEYS)}"
                for k in unknown
            ],
        )
    overrides = spec.get("overrides") or {}
    if not isinstance(overrides, dict):
        return {}, "", [f"variants.{name}.overrides: expected a mapping, got {quote(overrides)}"]
    return overrides, str(spec.get("description") or ""), []


def file_json_schema() -> dict[str, Any]:
    """JSON Schema of a scenario file, for editors' completion and checking."""
    scenario = Scenario.model_json_schema()
    defs = scenario.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "wgsim scenario file",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "extends": {
                "type": "string",
                "description": "Another scenario file to start from: a .yaml path relative to "
                "this file's folder, or a shipped scenario's name.",
            },
            "calibrated": {
                "type": "string",
                "description": "A calibration result (calibrated.yaml) whose posterior medians "
                "this file's parameters take; a .yaml path relative to this file's folder.",
            },
            "scenario": scenario,
            "variants": {
                "type": "object",
                "description": "Named overrides of the base scenario; the first is the baseline.",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "description": {"type": "string"},
                        "overrides": {"type": "object"},
                    },
                },
            },
        },
        "$defs": defs,
    }
