"""Read YAML written by people, within bounds: one loader for every YAML file a user gives.

PyYAML's safe loader is safe from code execution, not from the rest. This one also:

- rejects duplicate keys in a mapping (PyYAML keeps the last one silently);
- bounds the work: the text's size, its nesting depth (a deeply nested file would exhaust
  Python's stack), the number of aliases and the size of the data once aliases are expanded
  (a one-kilobyte "billion laughs" file expands to billions of nodes);
- reads as integers only plain decimal numbers: YAML 1.1's ``0x50``, ``0o17``, ``017``,
  ``0b101``, ``1_000`` and sexagesimal ``1:30`` stay text, so a score written that way is
  reported instead of silently becoming 80;
- optionally leaves dates as text (parameters files).

Exceeding a bound or breaking a rule raises :class:`~ita_lib.exceptions.InputError` naming the
file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ita_lib.exceptions import InputError

__all__ = ["YamlLimits", "load_yaml", "parse_yaml"]


@dataclass(frozen=True)
class YamlLimits:
    """Bounds on one YAML document (defaults fit any real assessment or parameters file)."""

    max_chars: int = 20_000_000
    max_depth: int = 64
    max_aliases: int = 100
    max_nodes: int = 1_000_000  # after expanding aliases


DEFAULT_LIMITS = YamlLimits()
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _strict_resolvers(dates: bool) -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's implicit resolvers with ints and floats narrowed (and dates optionally off)."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in {_INT_TAG, _FLOAT_TAG} and (dates or tag != _TIMESTAMP_TAG)
        ]
        if kept:
            table[first] = kept
    for first in "-+0123456789.":
        table.setdefault(first, [])
        table[first] = [(_INT_TAG, _INT), (_FLOAT_TAG, _FLOAT), *table[first]]
    return table


class _Loader(yaml.SafeLoader):
    """A safe loader that counts aliases and depth while composing."""

    limits: YamlLimits = DEFAULT_LIMITS
    yaml_implicit_resolvers = _strict_resolvers(dates=True)

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                mark = self.peek_event().start_mark
                raise _Bound(f"more than {self.limits.max_aliases} aliases", mark)
        self._depth += 1
        if self._depth > self.limits.max_depth:
            raise _Bound(f"nested more than {self.limits.max_depth} levels deep", None)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _NoDatesLoader(_Loader):
    yaml_implicit_resolvers = _strict_resolvers(dates=False)


_C_LOADERS: dict[bool, type] = {}
if getattr(yaml, "__with_libyaml__", False):  # libyaml (C): compose fast, then check bounds

    class _CLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        yaml_implicit_resolvers = _strict_resolvers(dates=True)

    class _CNoDatesLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        yaml_implicit_resolvers = _strict_resolvers(dates=False)

    _C_LOADERS = {True: _CLoader, False: _CNoDatesLoader}


class _Bound(Exception):
    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem)
        self.problem, self.mark = problem, mark


def _check_tree(root: yaml.Node, limits: YamlLimits) -> None:
    """Reject duplicate keys and a tree too large once its aliases are expanded."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # post-order without recursion; a shared (aliased) node is sized once
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not done:
            if isinstance(node, yaml.MappingNode):
                _check_keys(node)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
        if sizes[id(node)] > limits.max_nodes:
            raise _Bound(
                f"more than {limits.max_nodes:,} values once aliases are expanded", node.start_mark
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_keys(node: yaml.MappingNode) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.value == "<<":
            continue
        ident = (key.tag, key.value)
        if ident in seen:
            raise _Bound(
                f"duplicate key {key.value!r} (first at line {seen[ident]})", key.start_mark
            )
        seen[ident] = key.start_mark.line + 1


def parse_yaml(
    text: str,
    *,
    source: str,
    expected: str,
    dates: bool = True,
    limits: YamlLimits = DEFAULT_LIMITS,
    error: type[InputError] = InputError,
) -> tuple[yaml.Node | None, object]:
    """Parse one YAML document within ``limits``: its node tree (for error lines) and its data.

    Parameters
    ----------
    text
        The YAML text.
    source
        The file name, for error messages.
    expected
        What the file should be, for error messages (``"an assessment YAML mapping"``).
    dates
        Read ``2023-10-01`` as a date (True) or leave it as text (False).
    limits
        The bounds to enforce.
    error
        The exception class to raise (:class:`InputError` or a subclass).

    Returns
    -------
    tuple
        The root node (None for an empty document) and the data built from it.

    Raises
    ------
    InputError
        When the text is not YAML, has a duplicate key or exceeds a bound.
    """
    if len(text) > limits.max_chars:
        raise error(
            f"file too large ({len(text):,} characters)",
            source=source,
            expected=f"at most {limits.max_chars:,} characters",
        )
    fast = _parse_fast(text, dates, limits)
    if fast is not None:
        return fast
    loader_class = _Loader if dates else _NoDatesLoader
    loader = type("_Bounded", (loader_class,), {"limits": limits})(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_tree(root, limits)
        return root, loader.construct_document(root)
    except (yaml.YAMLError, _Bound, RecursionError) as exc:
        raise _input_error(exc, source, expected, loader, error) from None
    finally:
        loader.dispose()


def _plainly_within_bounds(root: yaml.Node, limits: YamlLimits) -> bool:
    """One walk: True when the tree has no duplicate key, depth and aliases are in bounds
    (counted as the pure loader counts them while composing: every node counts, the root is
    1) and its values, aliases expanded, are at most ``limits.max_nodes``."""
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    seen: set[int] = {id(root)}
    aliases = nodes = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > limits.max_depth:
            return False
        kind = type(node)
        if kind is mapping:
            pairs = node.value
            keys = [
                (k.tag, k.value) for k, _ in pairs if type(k) is yaml.ScalarNode and k.value != "<<"
            ]
            if len(set(keys)) != len(keys):
                return False  # a duplicate key: the pure loader reports its line
            children = [part for pair in pairs for part in pair]
        elif kind is sequence:
            children = node.value
        else:
            continue
        for child in children:
            if id(child) in seen:
                aliases += 1
                if aliases > limits.max_aliases or depth + 1 > limits.max_depth:
                    return False
                continue
            seen.add(id(child))
            stack.append((child, depth + 1))
    if aliases:  # sizes with shared nodes expanded
        try:
            _check_tree(root, limits)
        except _Bound:
            return False
        return True
    return nodes <= limits.max_nodes


def _parse_fast(
    text: str, dates: bool, limits: YamlLimits
) -> tuple[yaml.Node | None, object] | None:
    """Parse with libyaml when it is there and the text breaks no rule; None otherwise, so
    that the pure loader parses it again to report the problem with its line."""
    loader_class = _C_LOADERS.get(dates)
    if loader_class is None:
        return None
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        if not _plainly_within_bounds(root, limits):
            return None
        return root, loader.construct_document(root)
    except (yaml.YAMLError, _Bound, RecursionError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()


def _input_error(
    exc: BaseException,
    source: str,
    expected: str,
    loader: yaml.SafeLoader,
    error: type[InputError],
) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
    if mark is None and isinstance(exc, _Bound | RecursionError):
        mark = _next_mark(loader)
    if isinstance(exc, RecursionError):
        problem = "nested too deeply"
    else:
        problem = getattr(exc, "problem", None) or "cannot be parsed"
    prefix = "" if isinstance(exc, _Bound | RecursionError) else "not valid YAML: "
    return error(
        prefix + str(problem),
        source=source,
        location=f"line {mark.line + 1}" if mark is not None else None,
        expected=expected,
    )


def _next_mark(loader: yaml.SafeLoader) -> yaml.Mark | None:
    """Where the loader stopped, when it can tell."""
    try:
        return loader.peek_event().start_mark
    except Exception:  # noqa: BLE001 - only a line number for the message is at stake
        return None


def load_yaml(text: str, **options: Any) -> object:
    """Return the data of one YAML document read as :func:`parse_yaml` reads it (same options)."""
    return parse_yaml(text, **options)[1]
