"""Read-only data and field paths: the helpers every loader shares.

Loaded data (assessment ``document`` sections, import results) is kept as read-only mappings and
tuples, and a field is named in messages by its dotted path (``measures[3].steps[0]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["dotted_path", "freeze", "thaw"]


def freeze(value: Any) -> Any:
    """Return a read-only copy: mappings as ``MappingProxyType``, lists and tuples as tuples.

    Examples
    --------
    >>> frozen = freeze({"a": [1, {"b": 2}]})
    >>> frozen["a"]
    (1, mappingproxy({'b': 2}))
    """
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """Return a plain, mutable copy of :func:`freeze`'s output (dicts and lists).

    Examples
    --------
    >>> thaw(freeze({"a": [1, 2]}))
    {'a': [1, 2]}
    """
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    return value


def dotted_path(parts: Iterable[str | int]) -> str:
    """Name a field by its path: keys joined by dots, list indexes in brackets.

    Examples
    --------
    >>> dotted_path(["measures", 3, "steps", 0])
    'measures[3].steps[0]'
    >>> dotted_path([])
    ''
    """
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
