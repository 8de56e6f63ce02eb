"""Write assessment data as a YAML file (``ita import``'s output).

Decimals are written as plain numbers, keys in order, Thai text unescaped and lines unwrapped;
a file is written atomically, and only after checking that the data loads.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import parse_assessment

__all__ = ["dump_assessment_yaml", "write_assessment_yaml", "write_new_file"]


class _Dumper(yaml.SafeDumper):
    """A safe YAML dumper that writes Decimals as plain numbers and keeps key order."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(MappingProxyType, lambda d, v: d.represent_dict(dict(v)))
_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))


def dump_assessment_yaml(data: Mapping[str, Any]) -> str:
    """Return assessment data as YAML text (keys in order, Thai text unescaped, no wrapping)."""
    header = "# Assessment file written by `ita import` (format: docs/assessment-format.md).\n"
    body = yaml.dump(
        dict(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )
    return header + body


def write_assessment_yaml(
    data: Mapping[str, Any], path: str | Path, *, overwrite: bool = False
) -> Path:
    """Write assessment data as a YAML file, atomically, after checking that it loads.

    Parameters
    ----------
    data
        Assessment data (:attr:`ImportResult.data`, possibly with findings attached).
    path
        The file to write.
    overwrite
        Replace an existing file. Without it an existing file is an error and is left as it is.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When the file exists (and ``overwrite`` is false), its folder does not exist, or the
        data would not load with :func:`ita_lib.model.assessment_file.load_assessment`.
    """
    target = Path(path)
    name = str(target)
    _check_target(target, overwrite)
    text = dump_assessment_yaml(data)
    parse_assessment(yaml.safe_load(text), source=name)
    return write_new_file(target, text.encode("utf-8"), overwrite=overwrite)


def write_new_file(path: str | Path, payload: bytes, *, overwrite: bool = False) -> Path:
    """Write ``payload`` to ``path`` atomically; never replace a file unless ``overwrite``.

    Raises
    ------
    InputError
        When the file exists (and ``overwrite`` is false) or its folder does not exist.
    """
    target = Path(path)
    name = str(target)
    _check_target(target, overwrite)
    with tempfile.NamedTemporaryFile(
        "wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    ) as handle:
        temp = Path(handle.name)
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        if overwrite:
            temp.replace(target)
        else:
            _link_new(temp, target, name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return target


def _check_target(target: Path, overwrite: bool) -> None:
    name = str(target)
    if target.exists() and not overwrite:
        raise InputError(
            "file exists",
            source=name,
            expected="a new file name, or --overwrite to replace it",
        )
    if not target.parent.is_dir():
        raise InputError("folder does not exist", source=name, expected="an existing folder")


def _link_new(temp: Path, target: Path, name: str) -> None:
    """Move ``temp`` to ``target`` without ever replacing a file that appeared meanwhile."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise InputError(
            "file exists", source=name, expected="a new file name, or --overwrite to replace it"
        ) from None
    except OSError:  # no hard links on this file system
        if target.exists():
            raise InputError(
                "file exists", source=name, expected="a new file name, or --overwrite"
            ) from None
        temp.replace(target)
