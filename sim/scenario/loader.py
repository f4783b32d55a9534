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
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.fields import parse_path
from sim.scenario.messages import format_validation
from sim.scenario.schema import Scenario
from sim.scenario.yamlfile import YamlProblem, parse_yaml, read_yaml

TOP_LEVEL_KEYS = ("extends", "scenario", "calibrated", "variants")
VARIANT_KEYS = ("description", "overrides")
BASE_VARIANT = "base"


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

    @property
    def digest(self) -> str:
        """A short hash of the resolved content of every variant (for resuming batches)."""
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
    raw = _read_yaml(path)
    if not raw:
        raise ScenarioError(
            str(path), ["the file is empty: a scenario file needs 'scenario:' or 'extends:'"]
        )
    base, text = _resolve_base(path, raw, seen=())
    variants_raw = raw.get("variants", {BASE_VARIANT: {}})
    if not isinstance(variants_raw, dict) or not variants_raw:
        raise ScenarioError(
            str(path),
            [
                f"variants: expected a mapping of name -> variant, got {variants_raw!r} "
                "(leave the key out for a single scenario)"
            ],
        )
    unnamed = [n for n in variants_raw if not isinstance(n, str)]
    if unnamed:
        raise ScenarioError(
            str(path),
            [
                f"variants: the name {n!r} is read as a {type(n).__name__}, not text (YAML "
                "reads on, off, yes and no as booleans); put the name in quotes"
                for n in unnamed
            ],
        )
    variants: dict[str, Scenario] = {}
    descriptions: dict[str, str] = {}
    problems: list[str] = []
    for name, spec in variants_raw.items():
        overrides, desc, errs = _variant_spec(str(name), spec)
        problems += errs
        if errs:
            continue
        try:
            variants[str(name)] = build_scenario(deep_merge(base, overrides))
        except ValidationError as exc:
            prefix = "" if "variants" not in raw else f"variant '{name}': "
            problems += [prefix + p for p in format_validation(exc)]
        descriptions[str(name)] = desc
    if problems:
        raise ScenarioError(str(path), problems)
    return ScenarioFile(str(path), text, variants, descriptions)


def load_scenario(path: str | Path, variant: str | None = None) -> Scenario:
    """Load one variant of a scenario file (the baseline when ``variant`` is None)."""
    return load_file(path).variant(variant)


def build_scenario(data: dict[str, Any]) -> Scenario:
    """Validate ``data`` merged onto the schema's defaults (raises ValidationError)."""
    defaults = Scenario().model_dump(mode="python")
    return Scenario.model_validate(deep_merge(defaults, data))


def _kind_of(data: Any) -> str:
    """What a YAML document is, in words, without echoing its content."""
    match data:
        case str():
            return "text"
        case list():
            return "a list"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case _:
            return type(data).__name__


def _linked_file(path: Path, key: str, name: str, suffixes: tuple[str, ...]) -> Path:
    """The file ``key: name`` names: relative to ``path``'s folder, with a YAML suffix."""
    linked = Path(name)
    if linked.is_absolute() or linked.suffix not in suffixes:
        raise ScenarioError(
            str(path),
            [f"{key}: '{name}' must be a path relative to this file's folder, to a .yaml file"],
        )
    return (path.parent / linked).resolve()


MAX_EXTENDS = 20
"""Longest chain of files extending one another."""


def _read_yaml(path: Path) -> dict[str, Any]:
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
        data = read_yaml(path)
    except YamlProblem as exc:
        raise ScenarioError(str(path), [str(exc)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path),
            [
                f"top level: expected a mapping with keys {', '.join(TOP_LEVEL_KEYS)}, "
                f"got {_kind_of(data)}"
            ],
        )
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise ScenarioError(
            str(path),
            [f"unknown top-level key '{k}'; allowed: {', '.join(TOP_LEVEL_KEYS)}" for k in unknown],
        )
    return data


def _resolve_base(
    path: Path, raw: dict[str, Any], seen: tuple[Path, ...]
) -> tuple[dict[str, Any], str]:
    """The base scenario mapping of ``raw``: its ``extends`` chain, own values, calibration."""
    text = path.read_text(encoding="utf-8")
    scenario = raw.get("scenario") or {}
    if not isinstance(scenario, dict):
        raise ScenarioError(str(path), [f"scenario: expected a mapping, got {scenario!r}"])
    base: dict[str, Any] = {}
    parent = raw.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(str(path), [f"extends: expected a file name, got {parent!r}"])
        parent_path = _linked_file(path, "extends", parent, (".yaml", ".yml"))
        if parent_path in seen or parent_path == path.resolve():
            raise ScenarioError(str(path), [f"extends: '{parent}' leads to a cycle"])
        if len(seen) >= MAX_EXTENDS:
            raise ScenarioError(
                str(path), [f"extends: more than {MAX_EXTENDS} files extend one another"]
            )
        try:
            base, parent_text = _resolve_base(
                parent_path, _read_yaml(parent_path), (*seen, path.resolve())
            )
        except ScenarioError as exc:
            problems = [f"extends {exc.source}: {p}" for p in exc.problems]
            raise ScenarioError(str(path), problems) from None
        text = parent_text + "\n---\n" + text
    base = deep_merge(base, scenario)
    calibrated = raw.get("calibrated")
    if calibrated is not None:
        base, cal_text = _apply_calibrated(path, calibrated, base, scenario)
        text += "\n---\n" + cal_text
    return base, text


def _apply_calibrated(
    path: Path, name: Any, base: dict[str, Any], own: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Set every calibrated parameter's posterior median (``calibrated: FILE``).

    A value the file itself writes under ``scenario:`` (``own``) wins over the calibrated
    one, and is validated with the rest of the scenario like any value; the word
    ``calibrated`` written as a value asks for the calibrated one (needed where a list
    entry such as a channel or a shock's effect must be written out in full).
    """
    if not isinstance(name, str):
        raise ScenarioError(str(path), [f"calibrated: expected a file name, got {name!r}"])
    cal_path = _linked_file(path, "calibrated", name, (".yaml", ".yml"))
    if not cal_path.is_file():
        raise ScenarioError(str(path), [f"calibrated: file not found: {cal_path}"])
    cal_text = cal_path.read_text(encoding="utf-8")
    try:
        doc = parse_yaml(cal_text)
        params = doc["parameters"]
        values = {p: spec["median"] for p, spec in params.items()}
    except (YamlProblem, KeyError, TypeError, AttributeError) as exc:
        raise ScenarioError(
            str(path), [f"calibrated: {cal_path} is not a calibration result ({exc})"]
        ) from None
    out = copy.deepcopy(base)
    for p, value in values.items():
        tokens = parse_path(p)
        if _is_set(own, tokens) and _value_at(own, tokens) != CALIBRATED:
            continue
        try:
            _set_partial(out, tokens, value)
        except (KeyError, IndexError, TypeError):
            if any(_is_set(own, tokens[:i]) for i in range(1, len(tokens))):
                continue  # the file replaced what holds it (channels: null, say): its value wins
            raise ScenarioError(
                str(path), [f"calibrated: {cal_path}: cannot set '{p}' in this scenario"]
            ) from None
    return out, cal_text


CALIBRATED = "calibrated"
"""Written as a value in a file with ``calibrated:``, it takes the calibrated median."""


def _value_at(data: Any, tokens: list[str | int]) -> Any:
    """The value at ``tokens`` of a partial mapping (which :func:`_is_set` says is there)."""
    for tok in tokens:
        data = data[tok]
    return data


def _is_set(data: Any, tokens: list[str | int]) -> bool:
    """Whether a partial scenario mapping gives a value at ``tokens``."""
    node = data
    for tok in tokens:
        if isinstance(tok, int):
            if not isinstance(node, list) or not -len(node) <= tok < len(node):
                return False
        elif not isinstance(node, dict) or tok not in node:
            return False
        node = node[tok]
    return True


def _set_partial(data: dict[str, Any], tokens: list[str | int], value: Any) -> None:
    """Set ``value`` at ``tokens`` in a partial scenario mapping, creating mappings."""
    node: Any = data
    for tok, nxt in itertools.pairwise(tokens):
        if isinstance(tok, int):
            node = node[tok]
        else:
            node = node.setdefault(tok, [] if isinstance(nxt, int) else {})
    node[tokens[-1]] = value


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
                f"variants.{name}: unknown key '{k}'; allowed: {', '.join(VARIANT_KEYS)}"
                for k in unknown
            ],
        )
    overrides = spec.get("overrides") or {}
    if not isinstance(overrides, dict):
        return {}, "", [f"variants.{name}.overrides: expected a mapping, got {overrides!r}"]
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
            "extends": {"type": "string", "description": "Another scenario file to start from."},
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
