"""Files a scenario file names: ``extends:`` and ``calibrated:``.

:func:`linked_file` finds the file (a path relative to the naming file's folder, a
shipped file, a shipped scenario's name) and refuses what may not be read;
:func:`apply_calibrated` sets a calibration result's posterior medians. Neither ever
quotes the named file's content in a message: a link may point anywhere.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError, WgsimError
from sim.scenario.fields import effect_classes, field_info, parse_path
from sim.scenario.messages import quote
from sim.scenario.schema import Scenario
from sim.scenario.shipped import FOLDERS, data_root, is_name, shipped
from sim.scenario.yamlfile import YamlProblem, parse_yaml, read_text


def kind_of(data: Any) -> str:
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


def linked_file(path: Path, key: str, name: Any, shown: bool = True) -> Path:
    """The file ``key: name`` names, checked to be a YAML file that may be read.

    ``name`` is a path relative to ``path``'s folder ending in ``.yaml`` (or ``.yml``);
    where no such file is there, the same path from the shipped scenarios' folder (so a
    copy of a shipped scenario keeps its ``calibrated:``); with ``extends:``, a bare name
    is a shipped scenario (``extends: historical``). A symbolic link is followed only to a
    YAML file. No message says anything of the file's content; without ``shown`` (``path``
    is itself a linked file) none quotes ``name`` either, nor the file it leads to.
    """
    label = quote(name) if shown else "the file it names"
    if not isinstance(name, str):
        got = quote(name) if shown else kind_of(name)
        raise ScenarioError(str(path), [f"{key}: expected a file name, got {got}"])
    if key == "extends" and is_name(name) and not Path(name).suffix:
        candidate = data_root() / FOLDERS["scenario"] / f"{name}.yaml"
        if not candidate.is_file():
            names = ", ".join(p.stem for p in shipped("scenario"))
            raise ScenarioError(
                str(path),
                [f"extends: {label} is no shipped scenario; shipped: {names}"],
            )
        return candidate
    linked = Path(name)
    if linked.is_absolute() or linked.suffix not in SUFFIXES:
        raise ScenarioError(
            str(path),
            [f"{key}: {label} must be a path relative to this file's folder, to a .yaml file"],
        )
    candidate = path.parent / linked
    if not candidate.is_symlink() and not candidate.exists():
        try:
            root = data_root()
        except WgsimError:
            root = None
        if root is not None:
            fallback = (root / FOLDERS["scenario"] / linked).resolve()
            if fallback.is_file() and fallback.is_relative_to(root.resolve()):
                return fallback
    try:
        target = candidate.resolve(strict=True)
    except RuntimeError:  # Python's word for a loop of symbolic links
        raise ScenarioError(str(path), [f"{key}: {label} is a loop of symbolic links"]) from None
    except OSError:
        missing = candidate if shown else label
        raise ScenarioError(str(path), [f"{key}: file not found: {missing}"]) from None
    if target.suffix not in SUFFIXES:
        raise ScenarioError(
            str(path), [f"{key}: {label} is a symbolic link to a file that is not a .yaml file"]
        )
    if not target.is_file():
        raise ScenarioError(str(path), [f"{key}: {label} is not a file"])
    return target


SUFFIXES = (".yaml", ".yml")
"""What a linked file's name ends with."""


def apply_calibrated(
    path: Path, name: Any, base: dict[str, Any], own: dict[str, Any], shown: bool = True
) -> tuple[dict[str, Any], str]:
    """Set every calibrated parameter's posterior median (``calibrated: FILE``).

    A value the file itself writes under ``scenario:`` (``own``) wins over the calibrated
    one, and is validated with the rest of the scenario like any value; the word
    ``calibrated`` written as a value asks for the calibrated one (needed where a list
    entry such as a channel or a shock's effect must be written out in full).
    """
    cal_path = linked_file(path, "calibrated", name, shown)
    where = f"calibrated: {cal_path if shown else 'the file it names'}"
    try:
        cal_text = read_text(cal_path)
        doc = parse_yaml(cal_text)
    except YamlProblem as exc:
        reason = f"YAML wgsim does not accept at {exc.where}" if exc.where else str(exc)
        raise ScenarioError(str(path), [f"{where}: {reason}"]) from None
    params = doc.get("parameters") if isinstance(doc, dict) else None
    if not isinstance(params, dict) or not all(
        isinstance(p, str) and isinstance(spec, dict) and "median" in spec
        for p, spec in params.items()
    ):
        raise ScenarioError(
            str(path),
            [
                f"{where} is not a calibration result (a mapping 'parameters' of field "
                "paths, each with its 'median')"
            ],
        )
    if len(params) > MAX_CALIBRATED:
        raise ScenarioError(
            str(path),
            [f"{where}: {len(params):,} parameters; at most {MAX_CALIBRATED} are read"],
        )
    out = copy.deepcopy(base)
    for i, (p, spec) in enumerate(params.items(), start=1):
        try:
            tokens = parse_path(p)
        except ScenarioError:
            raise ScenarioError(
                str(path), [f"{where}: parameter {i} is not a field path (such as us.win_set)"]
            ) from None
        median = spec["median"]
        if isinstance(median, bool) or not isinstance(median, int | float):
            raise ScenarioError(
                str(path), [f"{where}: the median of {_named(i, tokens, p)} is not a number"]
            )
        if not _names_a_field(base, tokens, p):
            raise ScenarioError(
                str(path), [f"{where}: {_named(i, tokens, p)} is not a field of this scenario"]
            )
        if _is_set(own, tokens) and _value_at(own, tokens) != CALIBRATED:
            continue
        try:
            _set_partial(out, tokens, median)
        except (KeyError, IndexError, TypeError, AttributeError):
            if any(_is_set(own, tokens[:j]) for j in range(1, len(tokens))):
                continue  # the file replaced what holds it (channels: null, say): its value wins
            raise ScenarioError(
                str(path), [f"{where}: cannot set {_named(i, tokens, p)} in this scenario"]
            ) from None
    return out, cal_text


def _named(i: int, tokens: list[str | int], path: str) -> str:
    """A calibrated parameter in a message: its number, and its path if that starts at a section.

    A path such as ``us.nope`` (a field renamed, say) is shown; any other key only by
    number, since a file that is no calibration result must not be quoted.
    """
    if tokens and tokens[0] in Scenario.model_fields and len(path) <= 100:
        return f"parameter {i} ('{path}')"
    return f"parameter {i}"


def _names_a_field(base: dict[str, Any], tokens: list[str | int], path: str) -> bool:
    """Whether ``path`` names a field, so no other key reaches a message.

    A path into a shock's effect (``shocks[10].effects[0].value``) names a field of the
    effect class its ``kind`` in ``base`` picks.
    """
    try:
        field_info(path)
    except ScenarioError:
        pass
    else:
        return True
    if len(tokens) != 5 or tokens[0] != "shocks" or tokens[2] != "effects":
        return False
    try:
        kind = _value_at(base, [*tokens[:4], "kind"])
    except (KeyError, IndexError, TypeError):
        return False
    cls = effect_classes().get(kind) if isinstance(kind, str) else None
    return cls is not None and tokens[4] in cls.model_fields


MAX_CALIBRATED = 1000
"""Most parameters a calibration result may set."""


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
