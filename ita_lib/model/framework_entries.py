"""The entries of a fiscal year's ITA framework: instruments, indicators, items, rating bands.

Immutable records, gathered by :class:`ita_lib.model.framework.Framework` (and importable from
there). Every entry carries an evidence ``status``: ``"verified"`` (labels [V] and [V-calc] of
the framework reference), ``"corroborated"`` ([C]) or ``"unverified"`` ([U]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "EVIDENCE_LABELS",
    "OIT",
    "STATUSES",
    "Indicator",
    "Instrument",
    "Item",
    "RatingBand",
    "ScoringRules",
    "Source",
    "SubIndicator",
]

STATUSES: tuple[str, ...] = ("verified", "corroborated", "unverified")
"""Evidence statuses, strongest first."""

EVIDENCE_LABELS: Mapping[str, str] = MappingProxyType(
    {"[V]": "verified", "[V-calc]": "verified", "[C]": "corroborated", "[U]": "unverified"}
)
"""Evidence labels of the framework reference and the status each maps to."""

OIT = "OIT"
"""Code of the instrument whose indicators roll up from binary items via sub-indicators."""


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
    sources
        Keys of the framework's ``sources`` that support the entry.
    """

    code: str
    name_th: str
    name_en: str
    weight: Decimal
    indicators: tuple[int, ...]
    status: str = "verified"
    sources: tuple[str, ...] = ()


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
    sources
        Keys of the framework's ``sources`` that support the entry.
    """

    code: str
    indicator: int
    name_th: str
    name_en: str | None
    items: tuple[str, ...]
    status: str = "verified"
    sources: tuple[str, ...] = ()


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
    sources
        Keys of the framework's ``sources`` that support the entry.
    """

    code: str
    instrument: str
    indicator: int
    sub_indicator: str | None
    name_th: str | None
    name_en: str | None
    status: str = "verified"
    sources: tuple[str, ...] = ()


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
    sources
        Keys of the framework's ``sources`` that support the entry.
    """

    label: str
    min_total: Decimal
    min_each_instrument: Decimal | None = None
    description_th: str | None = None
    status: str = "verified"
    sources: tuple[str, ...] = ()


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
