r"""YAML as wgsim reads it: safe, bounded, and strict about what would silently mislead.

Every input file (scenarios, experiments, calibration specs, episodes) is read here. On
top of PyYAML's safe loader it refuses, with the line and column: impossible dates
(``2018-02-30``), a key given twice in one mapping, more aliases than any real file uses
(an "alias bomb" expands into gigabytes when its value is printed or copied), nesting
deeper than any real file (which would exhaust Python's stack), files larger than a
scenario could sensibly be, merge keys (``<<:``), binary data (``!!binary``) and text
no output can hold (an unpaired surrogate such as ``"\ud800"``).

Plain scalars are read the same way by YAML 1.1 and 1.2 readers or not at all: ``y``,
``n``, ``yes``, ``no``, ``on`` and ``off`` are booleans, ``1e3`` is a number, and numbers
that the two versions read differently (``0x10``, ``017``, ``1_000``, ``1:30``) are
refused with a request to write them in plain decimal (or quote them as text).
"""

from __future__ import annotations

import re
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


QUOTE_LIMIT = 200
"""Most characters of a value any message quotes (a longer one is cut, its length named)."""


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


class YamlProblem(Exception):
    """A file is not YAML wgsim accepts; the message says where and why.

    Args:
        message: What is wrong, with the line and column.
        where: Only the line and column (empty if unknown): what may be said of a file
            whose content must not be shown.
    """

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_AMBIGUOUS = "tag:wgsim,2024:ambiguous-number"
_DIGITS = list("-+0123456789")
_BOOL_WORDS = {"y": True, "yes": True, "true": True, "on": True}
_BOOL_WORDS |= {"n": False, "no": False, "false": False, "off": False}


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the checks above."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._nodes += 1
        if self._nodes > MAX_NODES:  # without aliases: refused before the rest is read
            raise ConstructorError(None, None, _too_many(), self.peek_event().start_mark)
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
            raise ConstructorError(None, None, _too_many(), node.start_mark)
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ConstructorError(
                    None,
                    None,
                    "merge keys ('<<:') are not accepted; write the values out, or put the "
                    "shared values in a base file and start from it with 'extends:'",
                    key_node.start_mark,
                )
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

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        return _BOOL_WORDS[str(self.construct_scalar(node)).lower()]

    def construct_yaml_str(self, node: ScalarNode) -> str:
        value = str(self.construct_scalar(node))
        if any("\ud800" <= c <= "\udfff" for c in value):
            raise ConstructorError(
                None,
                None,
                "text with an unpaired surrogate (an escape such as \\ud800) cannot be "
                "written to any output file; use a real character",
                node.start_mark,
            )
        return value

    def construct_binary(self, node: Node) -> Any:
        raise ConstructorError(
            None, None, "binary data (!!binary) is not accepted; write text", node.start_mark
        )

    def construct_ambiguous(self, node: ScalarNode) -> Any:
        raise ConstructorError(
            None,
            None,
            f"'{shorten(str(node.value))}' is a number that YAML 1.1 and 1.2 read differently "
            "(hexadecimal, octal, binary, a leading zero, '_' or ':'); write it in plain "
            "decimal, or quote it for text",
            node.start_mark,
        )

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise ConstructorError(
                None, None, f"'{node.value}' is not a date ({exc})", node.start_mark
            ) from None


def _too_many() -> str:
    return (
        f"the file holds more than {MAX_NODES:,} values (numbers, names, mappings and lists, "
        f"each alias counted as the copy it stands for); at most {MAX_NODES:,} are read"
    )


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
_Loader.add_constructor(_BOOL, _Loader.construct_yaml_bool)
_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_yaml_str)
_Loader.add_constructor("tag:yaml.org,2002:binary", _Loader.construct_binary)
_Loader.add_constructor(_AMBIGUOUS, _Loader.construct_ambiguous)

# The implicit types of plain scalars, replacing PyYAML's YAML 1.1 ones for booleans and
# numbers (a copy: yaml.SafeLoader itself is left as it is). Order matters: the first
# pattern that matches decides.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL,
    re.compile(
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
        r"|on|On|ON|off|Off|OFF)$"
    ),
    list("yYnNtTfFoO"),
)
_Loader.add_implicit_resolver(
    _AMBIGUOUS,
    re.compile(
        r"^[-+]?(?:0[0-9]+(?:\.[0-9]*)?|0[xX][0-9a-fA-F_]*|0[oO][0-7_]*|0[bB][01_]*"
        r"|[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?"
        r"|[0-9.]*_[0-9_.]*(?:[eE][-+]?[0-9_]+)?)$"
    ),
    [*_DIGITS, "."],
)
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), _DIGITS)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    [*_DIGITS, "."],
)


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def _message(exc: yaml.YAMLError) -> str:
    where = _where(exc)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{where}: {shorten(problem)}" if where else shorten(problem)


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
        kind = (
            "YAML wgsim does not accept" if isinstance(exc, ConstructorError) else "malformed YAML"
        )
        raise YamlProblem(f"{kind} at {_message(exc)}", _where(exc)) from None
    except RecursionError:
        raise YamlProblem(f"malformed YAML: nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_text(path: Path) -> str:
    """The text of the file at ``path``, read only up to the size limit.

    Raises:
        YamlProblem: if the file is too large, cannot be read, or is not UTF-8 text.
    """
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlProblem(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_BYTES:
        try:
            size = f"{path.stat().st_size:,} bytes"
        except OSError:
            size = "larger than that"
        raise YamlProblem(f"the file is {size}; files over {MAX_BYTES:,} bytes are refused")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"not UTF-8 text ({exc.reason})") from None


def read_yaml(path: Path) -> Any:
    """The data of the YAML file at ``path`` (see :func:`parse_yaml`), size-checked first.

    Raises:
        YamlProblem: if the file is too large, cannot be read, is not UTF-8 text, or not
            accepted YAML.
    """
    return parse_yaml(read_text(path))
