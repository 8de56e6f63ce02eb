"""ITA framework facts per fiscal year: instruments, indicators, items, scoring and rating.

The facts live in data files, one per fiscal year (Buddhist Era), in
``ita_lib/data/frameworks/fyNNNN.yaml``. This module loads a file, resolves its
``inherits`` chain, validates it and returns an immutable :class:`Framework`.

Adding a year whose rules are those of an existing year needs only a new data file: it can
say ``inherits: 2565`` and override what differs. The named year's file is deep-merged under
the inheriting file: mappings merge key by key, any other value (lists included) replaces the
inherited one.

Every entry carries an evidence ``status``: ``"verified"`` (labels [V] and [V-calc] of the
framework reference), ``"corroborated"`` ([C]) or ``"unverified"`` ([U]). An entry's status is
the weakest label among its fields; :attr:`Framework.status_notes` says which fields those are.

Examples
--------
>>> fw = load_framework(2565)
>>> fw.item("o17").name_th, fw.item("o17").sub_indicator
('E-Service', '9.2')
>>> fw.rate(Decimal("92.56")).label
'A'
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ita_lib.exceptions import FrameworkError, UnknownFiscalYearError
from ita_lib.model.packaged import packaged_data
from ita_lib.model.structures import dotted_path
from ita_lib.text.decimals import to_decimal
from ita_lib.text.thai import to_arabic_digits

__all__ = [
    "EVIDENCE_LABELS",
    "STATUSES",
    "Framework",
    "Indicator",
    "Instrument",
    "Item",
    "RatingBand",
    "ScoringRules",
    "Source",
    "SubIndicator",
    "available_fiscal_years",
    "load_framework",
    "load_framework_file",
]

STATUSES: tuple[str, ...] = ("verified", "corroborated", "unverified")
"""Evidence statuses, strongest first."""

EVIDENCE_LABELS: Mapping[str, str] = MappingProxyType(
    {"[V]": "verified", "[V-calc]": "verified", "[C]": "corroborated", "[U]": "unverified"}
)
"""Evidence labels of the framework reference and the status each maps to."""

OIT = "OIT"
"""Code of the instrument whose indicators roll up from binary items via sub-indicators."""

_FILE_NAME = re.compile(r"^fy(\d{4})\.yaml$")


# --------------------------------------------------------------------------------------------
# Public immutable records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Instrument:
    """An assessment instrument (IIT, EIT or OIT) and its weight in the total.

    Attributes
    ----------
    code
        ``"IIT"``, ``"EIT"`` or ``"OIT"``.
    name_th, name_en
        The instrument's name in Thai and in English.
    weight
        The instrument's share of the total score, e.g. ``Decimal("0.30")``.
    indicators
        Numbers of the indicators that make up the instrument, in order.
    status
        Evidence status of the entry.
    """

    code: str
    name_th: str
    name_en: str
    weight: Decimal
    indicators: tuple[int, ...]
    status: str = "verified"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One of the numbered indicators (ตัวชี้วัด) 1-10.

    Attributes
    ----------
    number
        The indicator number, 1-10.
    code
        ``"ind<number>"``, the column name used in score tables.
    name_th
        The Thai name as NACC writes it.
    name_en
        An English name (the unofficial "NACC-style" translation in FY2564/2565).
    instrument
        Code of the instrument the indicator belongs to.
    status
        Evidence status: the weakest of the entry's fields (``name_en`` is unverified).
    name_en_psu
        The English label used in the PSU consultant report for ITA 2564, if any.
    aliases_th
        Other Thai spellings seen in agency documents.
    """

    number: int
    code: str
    name_th: str
    name_en: str | None
    instrument: str
    status: str = "verified"
    name_en_psu: str | None = None
    aliases_th: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubIndicator:
    """A sub-indicator (ตัวชี้วัดย่อย) of an OIT indicator, e.g. ``9.1``.

    Attributes
    ----------
    code
        ``"<indicator>.<n>"``, e.g. ``"9.1"``.
    indicator
        The indicator number it belongs to.
    name_th, name_en
        Its name in Thai and in English.
    items
        Codes of its items, in order (``("o1", ..., "o9")``).
    status
        Evidence status: the weakest of the entry's fields.
    """

    code: str
    indicator: int
    name_th: str
    name_en: str | None
    items: tuple[str, ...]
    status: str = "verified"


@dataclass(frozen=True, slots=True)
class Item:
    """A question (IIT ``i``, EIT ``e``) or a disclosure item (OIT ``o``) of one fiscal year.

    Item codes are year-specific: always look them up in the framework of the right year.

    Attributes
    ----------
    code
        Lower-case code, e.g. ``"o3"``, ``"i12"``, ``"e11"``.
    instrument
        Code of the instrument.
    indicator
        Number of the indicator.
    sub_indicator
        Code of the sub-indicator (OIT items only), else None.
    name_th, name_en
        Name or short description in Thai and English; None when not sourced.
    status
        Evidence status of the entry.
    """

    code: str
    instrument: str
    indicator: int
    sub_indicator: str | None
    name_th: str | None
    name_en: str | None
    status: str = "verified"


@dataclass(frozen=True, slots=True)
class RatingBand:
    """One band of a rating scale (``AA`` ... ``F``, or ``ผ่านดีเยี่ยม`` ... in later years).

    A score gets the first band, from the highest down, whose ``min_total`` it reaches and, when
    ``min_each_instrument`` is set, whose minimum every instrument score reaches.

    Attributes
    ----------
    label
        The rating as published, e.g. ``"AA"``.
    min_total
        Lowest total score in the band.
    min_each_instrument
        Lowest score every instrument must reach, or None for no such condition.
    description_th
        A Thai description of the band, when one is sourced.
    status
        Evidence status of the entry.
    """

    label: str
    min_total: Decimal
    min_each_instrument: Decimal | None = None
    description_th: str | None = None
    status: str = "verified"


@dataclass(frozen=True, slots=True)
class ScoringRules:
    """How scores combine, as named rules (see :mod:`ita_lib.analysis.scoring`).

    Attributes
    ----------
    total
        ``"weighted_sum_of_instruments"``: total = sum of instrument score x weight.
    instrument_score
        ``"mean_of_indicators"``: an instrument's score is the unweighted mean of its indicators.
    oit_rollup
        ``"item_binary_subindicator_mean"``: OIT items score 100 or 0, a sub-indicator is the
        mean of its items, an OIT indicator the unweighted mean of its sub-indicators.
        ``"unknown"``: the year's OIT item catalogue or its grouping is not known, so OIT
        indicators cannot be recomputed from items (and no what-if is possible).
    status
        Evidence status of the rules.
    """

    total: str = "weighted_sum_of_instruments"
    instrument_score: str = "mean_of_indicators"
    oit_rollup: str = "item_binary_subindicator_mean"
    status: str = "verified"


@dataclass(frozen=True, slots=True)
class Source:
    """A source the data file cites.

    Attributes
    ----------
    key
        Short identifier used in the data file, e.g. ``"sample_document"``.
    url
        Web address, or None for a document without one.
    note
        What the source is and what it supports.
    """

    key: str
    url: str | None
    note: str


def _frozen_mapping(value: Mapping[Any, Any] | None = None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True, slots=True)
class Framework:
    """The ITA framework of one fiscal year.

    Build it with :func:`load_framework`; the loader validates the data, this class does not.

    Attributes
    ----------
    fiscal_year
        Buddhist-Era fiscal year, e.g. 2565.
    instruments, indicators, sub_indicators, items, rating_bands
        The catalogue, in data-file order (rating bands from the highest down).
    pass_mark
        Lowest total that passes (85 in FY2564/2565).
    rating_scheme
        Name of the rating scale, e.g. ``"letter_grade"``.
    scoring
        The scoring rules.
    status_notes
        Read-only mapping from a topic (``"indicators"``, ``"oit_items"``, ...) to a note on the
        evidence behind it.
    sources
        The sources the data file cites.
    files
        Names of the data files merged into this framework, the inheriting file first.
    """

    fiscal_year: int
    instruments: tuple[Instrument, ...]
    indicators: tuple[Indicator, ...]
    sub_indicators: tuple[SubIndicator, ...]
    items: tuple[Item, ...]
    rating_bands: tuple[RatingBand, ...]
    pass_mark: Decimal
    rating_scheme: str = "letter_grade"
    scoring: ScoringRules = ScoringRules()
    status_notes: Mapping[str, str] = field(default_factory=_frozen_mapping, hash=False)
    sources: tuple[Source, ...] = ()
    files: tuple[str, ...] = ()
    _by_instrument: Mapping[str, Instrument] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _by_indicator: Mapping[int, Indicator] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _by_sub_indicator: Mapping[str, SubIndicator] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _by_item: Mapping[str, Item] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "status_notes", _frozen_mapping(self.status_notes))
        setattr_(self, "_by_instrument", _frozen_mapping({i.code: i for i in self.instruments}))
        setattr_(self, "_by_indicator", _frozen_mapping({i.number: i for i in self.indicators}))
        setattr_(
            self, "_by_sub_indicator", _frozen_mapping({s.code: s for s in self.sub_indicators})
        )
        setattr_(self, "_by_item", _frozen_mapping({i.code: i for i in self.items}))

    # -- look-ups ----------------------------------------------------------------------------

    def instrument(self, code: str) -> Instrument:
        """Return the instrument with this code (``"IIT"``, ``"eit"``: case does not matter).

        Raises
        ------
        KeyError
            If the year has no such instrument.
        """
        key = code.strip().upper() if isinstance(code, str) else code
        try:
            return self._by_instrument[key]
        except KeyError:
            msg = f"no instrument {code!r} in the FY{self.fiscal_year} framework"
            raise KeyError(msg) from None

    def indicator(self, number: int) -> Indicator:
        """Return indicator ``number`` (1-10).

        Raises
        ------
        KeyError
            If the year has no such indicator.
        """
        try:
            return self._by_indicator[number]
        except (KeyError, TypeError):
            msg = f"no indicator {number!r} in the FY{self.fiscal_year} framework"
            raise KeyError(msg) from None

    def instrument_of(self, indicator_number: int) -> Instrument:
        """Return the instrument that indicator ``indicator_number`` belongs to.

        Raises
        ------
        KeyError
            If the year has no such indicator.
        """
        return self._by_instrument[self.indicator(indicator_number).instrument]

    def indicators_of(self, instrument_code: str) -> tuple[Indicator, ...]:
        """Return the indicators of an instrument, in order.

        Raises
        ------
        KeyError
            If the year has no such instrument.
        """
        return tuple(self._by_indicator[n] for n in self.instrument(instrument_code).indicators)

    def sub_indicator(self, code: str) -> SubIndicator:
        """Return the sub-indicator with this code, e.g. ``"9.1"``.

        Raises
        ------
        KeyError
            If the year has no such sub-indicator.
        """
        key = code.strip() if isinstance(code, str) else code
        try:
            return self._by_sub_indicator[key]
        except (KeyError, TypeError):
            msg = f"no sub-indicator {code!r} in the FY{self.fiscal_year} framework"
            raise KeyError(msg) from None

    def sub_indicators_of(self, indicator_number: int) -> tuple[SubIndicator, ...]:
        """Return the sub-indicators of an indicator, in order (empty for IIT/EIT indicators).

        Raises
        ------
        KeyError
            If the year has no such indicator.
        """
        number = self.indicator(indicator_number).number
        return tuple(s for s in self.sub_indicators if s.indicator == number)

    def item(self, code: str) -> Item:
        """Return the item with this code (``"o3"``; ``"O3"`` works too).

        Codes written as agencies write them (``"0๓"``) must be normalised first, see
        :func:`ita_lib.text.codes.normalize_item_code`.

        Raises
        ------
        KeyError
            If the year has no such item.
        """
        key = code.strip().lower() if isinstance(code, str) else code
        try:
            return self._by_item[key]
        except (KeyError, TypeError):
            msg = f"no item {code!r} in the FY{self.fiscal_year} framework"
            raise KeyError(msg) from None

    def has_item(self, code: str) -> bool:
        """Return whether the year has an item with this code (case does not matter)."""
        return isinstance(code, str) and code.strip().lower() in self._by_item

    def items_of(self, sub_indicator_code: str) -> tuple[Item, ...]:
        """Return the items of a sub-indicator, in order.

        Raises
        ------
        KeyError
            If the year has no such sub-indicator.
        """
        return tuple(self._by_item[c] for c in self.sub_indicator(sub_indicator_code).items)

    def items_of_indicator(self, indicator_number: int) -> tuple[Item, ...]:
        """Return the items of an indicator (via its sub-indicators for OIT), in order.

        Raises
        ------
        KeyError
            If the year has no such indicator.
        """
        number = self.indicator(indicator_number).number
        return tuple(i for i in self.items if i.indicator == number)

    def oit_items(self) -> tuple[Item, ...]:
        """Return the OIT items (o1, o2, ...) in catalogue order."""
        return tuple(i for i in self.items if i.instrument == OIT)

    # -- rating ------------------------------------------------------------------------------

    def rate(
        self, total: object, instrument_scores: Mapping[str, object] | None = None
    ) -> RatingBand:
        """Return the rating band of a total score.

        Parameters
        ----------
        total
            The total score, 0-100, as published (rounded to two decimals).
        instrument_scores
            Score of each instrument by code (``{"IIT": ..., "EIT": ..., "OIT": ...}``).
            Needed only when a band has a per-instrument minimum (FY2566+ style scales).

        Returns
        -------
        RatingBand
            The first band, from the highest down, whose ``min_total`` is at most ``total``
            and, when set, whose ``min_each_instrument`` every instrument score reaches.

        Raises
        ------
        ValueError
            If a score is not a number from 0 to 100, an instrument code is unknown, or a band
            that has to be checked needs instrument scores that were not given.
        """
        value = _score(total, "total")
        scores: dict[str, Decimal] = {}
        for code, score in (instrument_scores or {}).items():
            key = code.strip().upper() if isinstance(code, str) else code
            if key not in self._by_instrument:
                msg = (
                    f"unknown instrument {code!r} in instrument_scores; "
                    f"expected {', '.join(self._by_instrument)}"
                )
                raise ValueError(msg)
            scores[key] = _score(score, f"instrument_scores[{code!r}]")
        for band in self.rating_bands:
            if value < band.min_total:
                continue
            if band.min_each_instrument is None:
                return band
            missing = [code for code in self._by_instrument if code not in scores]
            if missing:
                msg = (
                    f"band {band.label!r} needs every instrument's score; "
                    f"missing {', '.join(missing)}"
                )
                raise ValueError(msg)
            if all(s >= band.min_each_instrument for s in scores.values()):
                return band
        msg = f"no rating band for total {value} in the FY{self.fiscal_year} framework"
        raise ValueError(msg)  # unreachable for validated data: the last band starts at 0

    def passes(self, total: object) -> bool:
        """Return whether a total score reaches the pass mark (85 in FY2564/2565).

        Raises
        ------
        ValueError
            If ``total`` is not a number from 0 to 100.
        """
        return _score(total, "total") >= self.pass_mark

    @property
    def oit_rollup_known(self) -> bool:
        """Return whether OIT indicators can be recomputed from item results this year."""
        return self.scoring.oit_rollup != "unknown" and bool(self.sub_indicators)

    @property
    def rating_status(self) -> str:
        """Return the weakest evidence status among the rating bands and the weights."""
        order = {"verified": 0, "corroborated": 1, "unverified": 2}
        statuses = [band.status for band in self.rating_bands]
        statuses += [ins.status for ins in self.instruments]
        return max(statuses, key=order.__getitem__)


def _score(value: object, what: str) -> Decimal:
    try:
        result = to_decimal(value)
    except (TypeError, ValueError) as exc:
        msg = f"{what}: {exc}"
        raise ValueError(msg) from None
    if not Decimal(0) <= result <= Decimal(100):
        msg = f"{what}: a score must be from 0 to 100, got {result}"
        raise ValueError(msg)
    return result


# --------------------------------------------------------------------------------------------
# Data-file schema (pydantic); cross-field rules are checked in _check()
# --------------------------------------------------------------------------------------------


def _to_decimal_field(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc)) from None


def _clean_text(value: str) -> str:
    if value != value.strip():
        msg = "must not start or end with whitespace"
        raise ValueError(msg)
    if "\u0e4d\u0e32" in value:
        msg = "contains ํ + า (nikhahit + sara aa); write sara am ำ (U+0E33)"
        raise ValueError(msg)
    return value


_Dec = Annotated[Decimal, BeforeValidator(_to_decimal_field)]
_Text = Annotated[str, Field(min_length=1), AfterValidator(_clean_text)]
_Status = Literal["verified", "corroborated", "unverified"]
_InstrumentCode = Annotated[str, Field(pattern=r"^[A-Z]{2,6}$")]
_ItemCode = Annotated[str, Field(pattern=r"^[a-z]+[1-9][0-9]*$")]
_Number = Annotated[int, Field(ge=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _SourceIn(_Model):
    url: _Text | None = None
    note: _Text


class _ScoringIn(_Model):
    total: Literal["weighted_sum_of_instruments"]
    instrument_score: Literal["mean_of_indicators"]
    oit_rollup: Literal["item_binary_subindicator_mean", "unknown"]
    status: _Status = "verified"


class _InstrumentIn(_Model):
    code: _InstrumentCode
    name_th: _Text
    name_en: _Text
    weight: Annotated[_Dec, Field(gt=0, le=1)]
    indicators: Annotated[list[_Number], Field(min_length=1)]
    status: _Status = "verified"


class _IndicatorIn(_Model):
    number: _Number
    name_th: _Text
    name_en: _Text | None = None
    name_en_psu: _Text | None = None
    aliases_th: list[_Text] = []
    status: _Status = "verified"


class _SubIndicatorIn(_Model):
    code: Annotated[str, Field(pattern=r"^[1-9][0-9]*\.[1-9][0-9]*$")]
    indicator: _Number
    name_th: _Text
    name_en: _Text | None = None
    items: Annotated[list[_ItemCode], Field(min_length=1)]
    status: _Status = "verified"


class _ItemIn(_Model):
    code: _ItemCode
    indicator: _Number | None = None
    name_th: _Text | None = None
    name_en: _Text | None = None
    status: _Status | None = None


class _BandIn(_Model):
    label: _Text
    min_total: Annotated[_Dec, Field(ge=0, le=100)]
    min_each_instrument: Annotated[_Dec, Field(ge=0, le=100)] | None = None
    description_th: _Text | None = None
    status: _Status = "verified"


class _RatingIn(_Model):
    scheme: _Text
    pass_mark: Annotated[_Dec, Field(ge=0, le=100)]
    bands: Annotated[list[_BandIn], Field(min_length=1)]


class _FileIn(_Model):
    schema_version: Literal[1]
    fiscal_year: Annotated[int, Field(ge=2500, le=2999)]
    inherits: Annotated[int, Field(ge=2500, le=2999)] | None = None
    sources: dict[str, _SourceIn] = {}
    status_notes: dict[str, _Text] = {}
    scoring: _ScoringIn
    instruments: Annotated[list[_InstrumentIn], Field(min_length=1)]
    indicators: Annotated[list[_IndicatorIn], Field(min_length=1)]
    sub_indicators: list[_SubIndicatorIn] = []
    default_item_status: dict[str, _Status] = {}
    items: list[_ItemIn] = []
    rating: _RatingIn


# --------------------------------------------------------------------------------------------
# Loading
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
    model = _validate(merged, label)
    return _to_framework(model, files)


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
    _validate(base, _label(parent, packaged=packaged))
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


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _validate(data: Mapping[str, Any], label: str) -> _FileIn:
    """Validate merged file data; raise FrameworkError naming the first problem."""
    try:
        model = _FileIn.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        if first["type"] == "value_error" and "error" in first.get("ctx", {}):
            message = str(first["ctx"]["error"])
        else:
            message = first["msg"]
        if first["type"] != "missing" and not isinstance(first.get("input"), dict | list):
            message += f" (found {_short(first.get('input'))})"
        raise FrameworkError(
            f"{label}: {dotted_path(first['loc']) or '(top level)'}: {message}"
            + _more(len(errors) - 1)
        ) from None
    problems = _check(model)
    if problems:
        where, message = problems[0]
        raise FrameworkError(f"{label}: {where}: {message}" + _more(len(problems) - 1))
    return model


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return f" (and {count} more problem{'s' if count > 1 else ''})"


def _first_positions(
    keys: list[Any], section: str, field: str, what: str, fail: Callable[[str, str], None]
) -> dict[Any, int]:
    """Map each key to the index of its first entry, reporting every repeated key."""
    first: dict[Any, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            shown = repr(key) if isinstance(key, str) else key
            fail(
                f"{section}[{index}].{field}",
                f"duplicate {what} {shown} (first at {section}[{first[key]}])",
            )
        first.setdefault(key, index)
    return first


def _check(model: _FileIn) -> list[tuple[str, str]]:
    """Return the cross-field problems of a file, as (field path, message), in file order."""
    problems: list[tuple[str, str]] = []

    def fail(where: str, message: str) -> None:
        problems.append((where, message))

    # Instruments: unique codes, weights summing to 1, the OIT instrument present.
    seen_instruments = _first_positions(
        [ins.code for ins in model.instruments], "instruments", "code", "instrument", fail
    )
    total_weight = sum((ins.weight for ins in model.instruments), Decimal(0))
    if total_weight != 1:
        fail("instruments", f"weights sum to {total_weight}, expected 1")
    if OIT not in seen_instruments:
        fail("instruments", f"no {OIT} instrument, which the rule oit_rollup needs")

    # Indicators: unique numbers, each in exactly one instrument.
    indicator_at = _first_positions(
        [ind.number for ind in model.indicators], "indicators", "number", "indicator", fail
    )
    owner: dict[int, str] = {}
    for i, ins in enumerate(model.instruments):
        for j, number in enumerate(ins.indicators):
            where = f"instruments[{i}].indicators[{j}]"
            if number not in indicator_at:
                fail(where, f"unknown indicator {number}")
            elif number in owner:
                fail(where, f"indicator {number} is already listed under {owner[number]}")
            else:
                owner[number] = ins.code
    for number, k in indicator_at.items():
        if number not in owner:
            fail(f"indicators[{k}]", f"indicator {number} belongs to no instrument")
    oit_indicators = [n for n, code in owner.items() if code == OIT]

    # Sub-indicators: unique codes, of an existing OIT indicator, numbered after it.
    _first_positions(
        [sub.code for sub in model.sub_indicators], "sub_indicators", "code", "sub-indicator", fail
    )
    for s, sub in enumerate(model.sub_indicators):
        if sub.indicator not in indicator_at:
            fail(f"sub_indicators[{s}].indicator", f"unknown indicator {sub.indicator}")
        elif owner.get(sub.indicator) != OIT:
            fail(
                f"sub_indicators[{s}].indicator",
                f"indicator {sub.indicator} is not an {OIT} indicator; only {OIT} indicators "
                "have sub-indicators",
            )
        if sub.code.split(".")[0] != str(sub.indicator):
            fail(
                f"sub_indicators[{s}].code",
                f"{sub.code!r} does not start with its indicator number {sub.indicator}",
            )
    rollup_known = model.scoring.oit_rollup != "unknown"
    for number in oit_indicators if rollup_known else ():
        if not any(sub.indicator == number for sub in model.sub_indicators):
            fail("sub_indicators", f"indicator {number} ({OIT}) has no sub-indicators")

    # Items: unique codes; sub-indicator members exist, once each; the rest name an indicator.
    item_at = _first_positions(
        [item.code for item in model.items], "items", "code", "item code", fail
    )
    member_of: dict[str, _SubIndicatorIn] = {}
    for s, sub in enumerate(model.sub_indicators):
        for j, code in enumerate(sub.items):
            where = f"sub_indicators[{s}].items[{j}]"
            if code not in item_at:
                fail(where, f"unknown item {code!r} (not in items)")
            elif code in member_of:
                fail(
                    where,
                    f"item {code!r} is already listed under sub-indicator {member_of[code].code}",
                )
            else:
                member_of[code] = sub
    for k, item in enumerate(model.items):
        if item.code in member_of:
            sub = member_of[item.code]
            if item.indicator is not None and item.indicator != sub.indicator:
                fail(
                    f"items[{k}].indicator",
                    f"item {item.code!r} is in sub-indicator {sub.code}, which belongs to "
                    f"indicator {sub.indicator}, not {item.indicator}",
                )
        elif item.indicator is None:
            fail(
                f"items[{k}]",
                f"item {item.code!r} is in no sub-indicator and names no indicator "
                f"(an {OIT} item must be listed under sub_indicators[].items)",
            )
        elif item.indicator not in indicator_at:
            fail(f"items[{k}].indicator", f"unknown indicator {item.indicator}")
        elif owner.get(item.indicator) == OIT and rollup_known:
            fail(
                f"items[{k}]",
                f"{OIT} item {item.code!r} belongs to no sub-indicator of indicator "
                f"{item.indicator}",
            )
    for code in model.default_item_status:
        if code not in seen_instruments:
            fail(f"default_item_status.{code}", f"unknown instrument {code!r}")

    # Rating: unique labels, ordered high to low, a catch-all last band, pass mark a threshold.
    bands = model.rating.bands
    labels: dict[str, int] = {}
    for b, band in enumerate(bands):
        if band.label in labels:
            fail(
                f"rating.bands[{b}].label",
                f"duplicate label {band.label!r} (first at rating.bands[{labels[band.label]}])",
            )
        labels.setdefault(band.label, b)

    def strictness(band: _BandIn) -> tuple[Decimal, Decimal]:
        each = band.min_each_instrument
        return band.min_total, Decimal(-1) if each is None else each

    for b in range(1, len(bands)):
        previous, band = bands[b - 1], bands[b]
        if strictness(band) >= strictness(previous):
            fail(
                f"rating.bands[{b}].min_total",
                f"bands must go from highest to lowest: {band.label!r} (min_total "
                f"{band.min_total}) is not below {previous.label!r} (min_total "
                f"{previous.min_total}) and has no lower min_each_instrument",
            )
    last = bands[-1]
    if last.min_total != 0 or last.min_each_instrument is not None:
        fail(
            f"rating.bands[{len(bands) - 1}]",
            f"the last band ({last.label!r}) must have min_total 0 and no min_each_instrument, "
            "so that every score gets a band",
        )
    thresholds = [band.min_total for band in bands]
    if model.rating.pass_mark not in thresholds:
        fail(
            "rating.pass_mark",
            f"{model.rating.pass_mark} is not a band threshold "
            f"(expected one of {', '.join(str(t) for t in thresholds)})",
        )
    return problems


def _to_framework(model: _FileIn, files: tuple[str, ...]) -> Framework:
    owner = {n: ins.code for ins in model.instruments for n in ins.indicators}
    member_of = {code: sub for sub in model.sub_indicators for code in sub.items}
    items = []
    for item in model.items:
        sub = member_of.get(item.code)
        # _check guarantees that an item outside sub-indicators names its indicator.
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
            )
        )
    return Framework(
        fiscal_year=model.fiscal_year,
        instruments=tuple(
            Instrument(
                code=ins.code,
                name_th=ins.name_th,
                name_en=ins.name_en,
                weight=ins.weight,
                indicators=tuple(ins.indicators),
                status=ins.status,
            )
            for ins in model.instruments
        ),
        indicators=tuple(
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
        ),
        sub_indicators=tuple(
            SubIndicator(
                code=sub.code,
                indicator=sub.indicator,
                name_th=sub.name_th,
                name_en=sub.name_en,
                items=tuple(sub.items),
                status=sub.status,
            )
            for sub in model.sub_indicators
        ),
        items=tuple(items),
        rating_bands=tuple(
            RatingBand(
                label=band.label,
                min_total=band.min_total,
                min_each_instrument=band.min_each_instrument,
                description_th=band.description_th,
                status=band.status,
            )
            for band in model.rating.bands
        ),
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
