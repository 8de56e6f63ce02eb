"""Write assessment data as a YAML file (``ita import``'s output).

Decimals are written as plain numbers, keys in order, Thai text unescaped and lines unwrapped;
a file is written atomically, and only after checking that the data loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ita_lib.exceptions import InputError
from ita_lib.files import check_replaceable, write_atomic
from ita_lib.model.assessment_file import parse_assessment
from ita_lib.model.safe_yaml import load_yaml

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
    parse_assessment(load_yaml(text, source=name, expected="assessment data"), source=name)
    return write_new_file(target, text.encode("utf-8"), overwrite=overwrite)


def write_new_file(path: str | Path, payload: bytes, *, overwrite: bool = False) -> Path:
    """Write ``payload`` to ``path`` atomically; never replace a file unless ``overwrite``.

    Only a regular file is ever replaced (see :func:`ita_lib.files.write_atomic`).

    Raises
    ------
    InputError
        When the file exists (and ``overwrite`` is false), is not a regular file, or its
        folder does not exist.
    """
    target = Path(path)
    _check_target(target, overwrite)
    write_atomic(target, payload, overwrite=overwrite)
    return target


def _check_target(target: Path, overwrite: bool) -> None:
    name = str(target)
    check_replaceable(target)
    if target.exists() and not overwrite:
        raise InputError(
            "file exists",
            source=name,
            expected="a new file name, or --overwrite to replace it",
        )
    if not target.parent.is_dir():
        raise InputError("folder does not exist", source=name, expected="an existing folder")
