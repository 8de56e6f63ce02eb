"""Find, read, merge and validate the per-year framework data files.

The facts of each fiscal year (Buddhist Era) live in ``ita_lib/data/frameworks/fyNNNN.yaml``.
:func:`load_framework` loads a year's file, resolves its ``inherits`` chain, validates it
(:mod:`ita_lib.model.framework_schema`) and returns an immutable
:class:`~ita_lib.model.framework.Framework`.

Adding a year whose rules are those of an existing year needs only a new data file: it can
say ``inherits: 2565`` and override what differs. The named year's file is deep-merged under
the inheriting file: mappings merge key by key, any other value (lists included) replaces the
inherited one.

Examples
--------
>>> fw = load_framework(2565)
>>> fw.files
('fy2565.yaml', 'fy2564.yaml')
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from ita_lib.exceptions import FrameworkError, UnknownFiscalYearError
from ita_lib.model.framework import Framework
from ita_lib.model.framework_entries import (
    Indicator,
    Instrument,
    Item,
    RatingBand,
    ScoringRules,
    Source,
    SubIndicator,
)
from ita_lib.model.framework_schema import FileSchema, validate_file_data
from ita_lib.model.packaged import packaged_data
from ita_lib.text.digits import to_arabic_digits

__all__ = ["available_fiscal_years", "load_framework", "load_framework_file"]

_FILE_NAME = re.compile(r"^fy(\d{4})\.yaml$")


# --------------------------------------------------------------------------------------------
# Finding and loading
# --------------------------------------------------------------------------------------------


def _packaged_dir() -> Traversable:
    return packaged_data("frameworks")


def _years_in(directory: Traversable, label: str) -> tuple[int, ...]:
    try:
        entries = list(directory.iterdir())
    except OSError as exc:
        msg = f"{label}: cannot list framework files: {exc.strerror or exc}"
        raise FrameworkError(msg) from None
    years = []
    for entry in entries:
        match = _FILE_NAME.match(entry.name)
        if match and entry.is_file():
            years.append(int(match.group(1)))
    return tuple(sorted(years))


def available_fiscal_years(directory: str | os.PathLike[str] | None = None) -> tuple[int, ...]:
    """Return the fiscal years that have a framework data file, in ascending order.

    Parameters
    ----------
    directory
        A directory of ``fyNNNN.yaml`` files; by default the files shipped with ita_lib.

    Raises
    ------
    FrameworkError
        If ``directory`` cannot be listed.
    """
    if directory is None:
        return _years_in(_packaged_dir(), "ita_lib/data/frameworks")
    return _years_in(Path(directory), str(directory))


def _parse_fiscal_year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        msg = f"a fiscal year is an int or a string of digits, not {type(value).__name__}"
        raise TypeError(msg)
    if isinstance(value, int):
        return value
    text = to_arabic_digits(value.strip())
    if not (text.isascii() and text.isdigit()):
        msg = "not a fiscal year"
        raise UnknownFiscalYearError(msg, expected="a Buddhist-Era year such as 2565", found=value)
    return int(text)


def load_framework(
    fiscal_year: int | str, directory: str | os.PathLike[str] | None = None
) -> Framework:
    """Return the ITA framework of a fiscal year.

    Parameters
    ----------
    fiscal_year
        Buddhist-Era fiscal year: ``2565``, ``"2565"`` or ``"๒๕๖๕"``.
    directory
        A directory of ``fyNNNN.yaml`` files to load from instead of the files shipped with
        ita_lib (inheritance is resolved within it). Frameworks from the shipped files are
        cached; frameworks from a directory are read afresh on every call.

    Returns
    -------
    Framework
        The validated, immutable framework.

    Raises
    ------
    UnknownFiscalYearError
        If there is no data file for the year.
    FrameworkError
        If the data file (or one it inherits from) is invalid.
    TypeError
        If ``fiscal_year`` is neither an int nor a string.
    """
    year = _parse_fiscal_year(fiscal_year)
    if directory is None:
        return _load_packaged(year)
    return _load_year(year, Path(directory), packaged=False)


@functools.cache  # functools.lru_cache without a size limit
def _load_packaged(year: int) -> Framework:
    return _load_year(year, _packaged_dir(), packaged=True)


def _load_year(year: int, directory: Traversable, *, packaged: bool) -> Framework:
    label = "ita_lib/data/frameworks" if packaged else str(directory)
    years = _years_in(directory, label)
    if year not in years:
        message = f"no ITA framework data for fiscal year {year}"
        if 1900 <= year < 2400:  # a Common Era year such as 2022
            message += f" (fiscal years are Buddhist Era: {year} CE is {year + 543})"
        expected = (
            "one of " + ", ".join(str(y) for y in years)
            if years
            else f"a fyNNNN.yaml file in {label}"
        )
        raise UnknownFiscalYearError(message, expected=expected, found=year)
    return _build(directory / f"fy{year}.yaml", directory, packaged=packaged)


def load_framework_file(
    path: str | os.PathLike[str], *, search_dir: str | os.PathLike[str] | None = None
) -> Framework:
    """Load and validate one framework data file.

    Parameters
    ----------
    path
        The YAML file. When it is named ``fyNNNN.yaml`` its ``fiscal_year`` must be NNNN.
    search_dir
        Where to find the ``fyNNNN.yaml`` file named by ``inherits``; by default the
        directory of ``path``.

    Returns
    -------
    Framework
        The validated, immutable framework (not cached).

    Raises
    ------
    FrameworkError
        If the file (or one it inherits from) is missing or invalid; the one-line message
        names the file and the field, e.g. ``fy2565.yaml: sub_indicators[2].items[0]: ...``.
    """
    file = Path(path)
    directory = Path(search_dir) if search_dir is not None else file.parent
    return _build(file, directory, packaged=False)


def _label(file: Traversable, *, packaged: bool) -> str:
    return file.name if packaged else str(file)


def _build(file: Traversable, directory: Traversable, *, packaged: bool) -> Framework:
    label = _label(file, packaged=packaged)
    merged, files = _merged_data(file, directory, packaged=packaged, chain=())
    model = validate_file_data(merged, label)
    return _to_framework(model, files)


# --------------------------------------------------------------------------------------------
# Reading and merging the inheritance chain
# --------------------------------------------------------------------------------------------


def _merged_data(
    file: Traversable, directory: Traversable, *, packaged: bool, chain: tuple[str, ...]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Read ``file`` and deep-merge it over the files it inherits from (validating each)."""
    label = _label(file, packaged=packaged)
    data = _read_yaml(file, label)
    if "fiscal_year" not in data:
        msg = f"{label}: fiscal_year: missing (every file states its own fiscal year)"
        raise FrameworkError(msg)
    match = _FILE_NAME.match(file.name)
    if match and data["fiscal_year"] != int(match.group(1)):
        msg = (
            f"{label}: fiscal_year: does not match the file name "
            f"(expected {int(match.group(1))}, found {data['fiscal_year']!r})"
        )
        raise FrameworkError(msg)
    parent_year = data.get("inherits")
    if parent_year is None:
        return data, (file.name,)
    if isinstance(parent_year, bool) or not isinstance(parent_year, int):
        msg = f"{label}: inherits: expected a fiscal year such as 2564 (found {parent_year!r})"
        raise FrameworkError(msg)
    parent = directory / f"fy{parent_year}.yaml"
    if parent.name == file.name or parent.name in chain:
        cycle = " -> ".join((*chain, file.name, parent.name))
        msg = f"{label}: inherits: inheritance cycle {cycle}"
        raise FrameworkError(msg)
    if not parent.is_file():
        where = "ita_lib/data/frameworks" if packaged else str(directory)
        msg = f"{label}: inherits: no file {parent.name} in {where}"
        raise FrameworkError(msg)
    base, base_files = _merged_data(parent, directory, packaged=packaged, chain=(*chain, file.name))
    validate_file_data(base, _label(parent, packaged=packaged))
    return _deep_merge(base, data), (file.name, *base_files)


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``override`` over ``base``: mappings merge key by key, other values replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects duplicate mapping keys (PyYAML keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in mapping
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "unhashable mapping key", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def _read_yaml(file: Traversable, label: str) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{label}: file not found"
        raise FrameworkError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{label}: not UTF-8 text (byte {exc.start})"
        raise FrameworkError(msg) from None
    except OSError as exc:
        msg = f"{label}: cannot read: {exc.strerror or exc}"
        raise FrameworkError(msg) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{label}: {where}invalid YAML: {' '.join(str(problem).split())}"
        raise FrameworkError(msg) from None
    if not isinstance(data, dict):
        msg = f"{label}: expected a YAML mapping at the top level (found {type(data).__name__})"
        raise FrameworkError(msg)
    return data


# --------------------------------------------------------------------------------------------
# From validated data to a Framework
# --------------------------------------------------------------------------------------------


def _to_framework(model: FileSchema, files: tuple[str, ...]) -> Framework:
    """Build the immutable framework of validated file data."""
    owner = {n: ins.code for ins in model.instruments for n in ins.indicators}
    return Framework(
        fiscal_year=model.fiscal_year,
        instruments=_instruments(model),
        indicators=_indicators(model, owner),
        sub_indicators=_sub_indicators(model),
        items=_items(model, owner),
        rating_bands=_rating_bands(model),
        pass_mark=model.rating.pass_mark,
        rating_scheme=model.rating.scheme,
        scoring=ScoringRules(
            total=model.scoring.total,
            instrument_score=model.scoring.instrument_score,
            oit_rollup=model.scoring.oit_rollup,
            status=model.scoring.status,
        ),
        status_notes=model.status_notes,
        sources=tuple(
            Source(key=key, url=src.url, note=src.note) for key, src in model.sources.items()
        ),
        files=files,
    )


def _instruments(model: FileSchema) -> tuple[Instrument, ...]:
    return tuple(
        Instrument(
            code=ins.code,
            name_th=ins.name_th,
            name_en=ins.name_en,
            weight=ins.weight,
            indicators=tuple(ins.indicators),
            status=ins.status,
            sources=tuple(ins.sources),
        )
        for ins in model.instruments
    )


def _indicators(model: FileSchema, owner: Mapping[int, str]) -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            number=ind.number,
            code=f"ind{ind.number}",
            name_th=ind.name_th,
            name_en=ind.name_en,
            instrument=owner[ind.number],
            status=ind.status,
            name_en_psu=ind.name_en_psu,
            aliases_th=tuple(ind.aliases_th),
        )
        for ind in model.indicators
    )


def _sub_indicators(model: FileSchema) -> tuple[SubIndicator, ...]:
    return tuple(
        SubIndicator(
            code=sub.code,
            indicator=sub.indicator,
            name_th=sub.name_th,
            name_en=sub.name_en,
            items=tuple(sub.items),
            status=sub.status,
            sources=tuple(sub.sources),
        )
        for sub in model.sub_indicators
    )


def _items(model: FileSchema, owner: Mapping[int, str]) -> tuple[Item, ...]:
    """Place each item in its sub-indicator, indicator and instrument; default its status."""
    member_of = {code: sub for sub in model.sub_indicators for code in sub.items}
    items = []
    for item in model.items:
        sub = member_of.get(item.code)
        # validate_file_data guarantees that an item outside sub-indicators names its indicator.
        indicator = sub.indicator if sub is not None else int(item.indicator or 0)
        instrument = owner[indicator]
        items.append(
            Item(
                code=item.code,
                instrument=instrument,
                indicator=indicator,
                sub_indicator=None if sub is None else sub.code,
                name_th=item.name_th,
                name_en=item.name_en,
                status=item.status or model.default_item_status.get(instrument, "verified"),
                sources=tuple(item.sources),
            )
        )
    return tuple(items)


def _rating_bands(model: FileSchema) -> tuple[RatingBand, ...]:
    return tuple(
        RatingBand(
            label=band.label,
            min_total=band.min_total,
            min_each_instrument=band.min_each_instrument,
            description_th=band.description_th,
            status=band.status,
            sources=tuple(band.sources),
        )
        for band in model.rating.bands
    )
