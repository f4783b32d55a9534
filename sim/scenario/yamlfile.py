"""YAML as wgsim reads it: safe, bounded, and strict about what would silently mislead.

Every input file (scenarios, experiments, calibration specs, episodes) is read here. On
top of PyYAML's safe loader it refuses, with the line and column: impossible dates
(``2018-02-30``), a key given twice in one mapping, more aliases than any real file uses
(an "alias bomb" expands into gigabytes when its value is printed or copied), nesting
deeper than any real file (which would exhaust Python's stack), and files larger than a
scenario could sensibly be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

MAX_BYTES = 2_000_000
"""Largest input file read (bytes); the shipped scenario files are under 10 kB."""

MAX_ALIASES = 200
"""Most aliases (``*name``) in one file."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in one file."""

MAX_NODES = 100_000
"""Most values in one file counting each alias as the copy it stands for."""


class YamlProblem(Exception):
    """A file is not YAML wgsim accepts; the message says where and why."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the checks above."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise ConstructorError(
                    None, None, f"more than {MAX_ALIASES} aliases (*name) in one file", mark
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ConstructorError(
                    None,
                    None,
                    f"nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None and _expanded_size(node, {}) > MAX_NODES:
            raise ConstructorError(
                None, None, f"aliases expand to more than {MAX_NODES:,} values", node.start_mark
            )
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    raise ConstructorError(
                        None, None, f"the key {key!r} is given twice", key_node.start_mark
                    )
            except TypeError:  # an unhashable key: PyYAML's own message follows
                break
            seen[key] = True
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise ConstructorError(
                None, None, f"'{node.value}' is not a date ({exc})", node.start_mark
            ) from None


def _expanded_size(node: Node, sizes: dict[int, int]) -> int:
    """Values under ``node`` with every alias counted as a copy (memoised per node)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a node met again while being counted (a recursive alias)
    if isinstance(node, MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node.value, list):
        children = node.value
    else:
        children = []
    total = 1
    for child in children:
        total += _expanded_size(child, sizes)
        if total > MAX_NODES:
            break
    sizes[id(node)] = total
    return total


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{where}{problem}"


def parse_yaml(text: str) -> Any:
    """The data of a YAML document.

    Raises:
        YamlProblem: naming the line and column and what is wrong.
    """
    loader = None
    try:
        loader = _Loader(text)  # the reader already checks the characters
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML at {_message(exc)}") from None
    except RecursionError:
        raise YamlProblem(f"malformed YAML: nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(path: Path) -> Any:
    """The data of the YAML file at ``path`` (see :func:`parse_yaml`), size-checked first.

    Raises:
        YamlProblem: if the file is too large, not UTF-8 text, or not accepted YAML.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlProblem(f"the file is {size:,} bytes; files over {MAX_BYTES:,} are refused")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"not UTF-8 text ({exc.reason})") from None
    return parse_yaml(text)
