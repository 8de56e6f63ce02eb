"""The ITA framework of one fiscal year: its catalogue, look-ups, scoring rules and rating.

Immutable records and pure look-ups only. The facts come from per-year data files, which
:mod:`ita_lib.model.framework_files` finds, reads, merges and validates into a
:class:`Framework`; its entries are defined in :mod:`ita_lib.model.framework_entries` and
importable from here.

Every entry carries an evidence ``status``: ``"verified"`` (labels [V] and [V-calc] of the
framework reference), ``"corroborated"`` ([C]) or ``"unverified"`` ([U]). An entry's status is
the weakest label among its fields; :attr:`Framework.status_notes` says which fields those are.

Examples
--------
>>> from ita_lib.model.framework_files import load_framework
>>> fw = load_framework(2565)
>>> fw.item("o17").name_th, fw.item("o17").sub_indicator
('E-Service', '9.2')
>>> fw.rate(Decimal("92.56")).label
'A'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ita_lib.model.framework_entries import (
    EVIDENCE_LABELS,
    OIT,
    STATUSES,
    Indicator,
    Instrument,
    Item,
    RatingBand,
    ScoringRules,
    Source,
    SubIndicator,
)
from ita_lib.text.decimals import to_decimal

__all__ = [
    "EVIDENCE_LABELS",
    "OIT",
    "STATUSES",
    "Framework",
    "Indicator",
    "Instrument",
    "Item",
    "RatingBand",
    "ScoringRules",
    "Source",
    "SubIndicator",
]


def _frozen_mapping(value: Mapping[Any, Any] | None = None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True, slots=True)
class Framework:
    """The ITA framework of one fiscal year.

    Build it with :func:`~ita_lib.model.framework_files.load_framework`; the loader validates the data, this class does not.

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
    scoring: ScoringRules = ScoringRules()  # noqa: RUF009 - a frozen dataclass
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

    def rating_rules(self) -> tuple[tuple[str, Decimal, Decimal | None], ...]:
        """Return the rating scale as rules only (label, minimum total, minimum per instrument).

        Two years rate alike when their rules are equal, whatever their evidence says.
        """
        return tuple((b.label, b.min_total, b.min_each_instrument) for b in self.rating_bands)

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
