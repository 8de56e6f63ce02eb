"""Compare across fiscal years: comparable items, and ratings translated between scales.

Item codes and rating scales change between years (FY2565 o17 E-Service is FY2568 O10; AA..F
became "ผ่าน…" levels in FY2566). A rating is a function of the total and, from FY2566, of
every instrument's score, so with the scores it can always be re-rated by another year's rules.
A rating *label* alone translates only when the rule allows exactly one answer: F (below 50)
is ต้องปรับปรุงโดยด่วน, but A (85-94.99) may be ผ่านดี or ผ่าน depending on the instruments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ita_lib.analysis.scoring import ScoreResult
from ita_lib.model.framework import Framework, RatingBand
from ita_lib.model.packaged import load_catalogue
from ita_lib.text.decimals import round_half_up

__all__ = [
    "ComparableItem",
    "ItemFamily",
    "TranslatedRating",
    "comparable_items",
    "item_families",
    "rerate",
    "translate_label",
    "translations",
]

_INFINITY = Decimal(1000)


@dataclass(frozen=True)
class ComparableItem:
    """An item of another fiscal year that is comparable to a given item."""

    fiscal_year: int
    item: str
    status: str
    note: str


@dataclass(frozen=True)
class TranslatedRating:
    """A rating expressed on another year's scale, labelled as a translation."""

    label: str
    scale_year: int
    note_th: str


class _FamilyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    name_th: str
    status: Literal["verified", "corroborated", "unverified"]
    years: dict[int, str | list[str]]


class _CrosswalkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[2]
    unresolved_years: list[int] = []
    families: list[_FamilyIn]


@dataclass(frozen=True)
class ItemFamily:
    """Items that play the same part across fiscal years (e.g. E-Service: 2565 o17, 2568 o10).

    Attributes
    ----------
    key, name_th
        A stable English key and a Thai name.
    status
        The weakest evidence status of the family's memberships.
    members
        Fiscal year → the item codes of that year in the family (usually one).
    """

    key: str
    name_th: str
    status: str
    members: Mapping[int, tuple[str, ...]]

    def items_in(self, fiscal_year: int) -> tuple[str, ...]:
        """Return the family's item codes in ``fiscal_year`` (empty when it has none)."""
        return self.members.get(fiscal_year, ())


@cache
def _crosswalk() -> tuple[tuple[ItemFamily, ...], frozenset[int]]:
    data = load_catalogue(_CrosswalkIn, "item_crosswalk.yaml")
    families = tuple(
        ItemFamily(
            key=f.key,
            name_th=f.name_th,
            status=f.status,
            members=MappingProxyType(
                {int(y): (c,) if isinstance(c, str) else tuple(c) for y, c in f.years.items()}
            ),
        )
        for f in data.families
    )
    return families, frozenset(data.unresolved_years)


def item_families(
    fiscal_year: int | None = None, item: str | None = None
) -> tuple[ItemFamily, ...]:
    """Return the item families, or those holding ``item`` of ``fiscal_year``.

    >>> [f.key for f in item_families(2568, "o10")]
    ['e_service']
    """
    families, _ = _crosswalk()
    if item is None:
        return families
    return tuple(f for f in families if item in f.items_in(fiscal_year or 0))


def comparable_items(fiscal_year: int, item: str, to_year: int) -> tuple[ComparableItem, ...]:
    """Return the items of ``to_year`` comparable to ``item`` of ``fiscal_year`` (both ways).

    Items are comparable when an item family holds both. A comparison involving a year whose
    item list is unresolved (FY2567) is at most ``unverified``.

    >>> [c.item for c in comparable_items(2565, "o17", 2568)]
    ['o10']
    >>> [c.item for c in comparable_items(2568, "o10", 2565)]
    ['o17']
    """
    _, unresolved = _crosswalk()
    found: dict[str, ComparableItem] = {}
    for family in item_families(fiscal_year, item):
        status = family.status
        if unresolved & {fiscal_year, to_year}:
            status = "unverified"
        for code in family.items_in(to_year):
            found.setdefault(code, ComparableItem(to_year, code, status, family.name_th))
    return tuple(found.values())


def rerate(result: ScoreResult, framework: Framework) -> TranslatedRating:
    """Rate a scored assessment by another year's rules (its scale and its conditions).

    The total and the instrument scores stay as they are; only the rule changes, so the
    translation is always allowed. The note says it is a translation.
    """
    scores = {i.code: i.score_2dp for i in result.instruments}
    band = framework.rate(round_half_up(result.total), scores)
    note = (
        f"ระดับตามเกณฑ์ปีงบประมาณ {framework.fiscal_year} คำนวณจากคะแนนปี {result.fiscal_year} "
        "(เทียบเคียง ไม่ใช่ผลที่ประกาศ)"
    )
    return TranslatedRating(band.label, framework.fiscal_year, note)


def _total_interval(band: RatingBand, bands: tuple[RatingBand, ...]) -> tuple[Decimal, Decimal]:
    """Totals for which ``band`` may apply: from its minimum up to the next unconditional band."""
    upper = min(
        (
            b.min_total
            for b in bands
            if b.min_each_instrument is None and b.min_total > band.min_total
        ),
        default=_INFINITY,
    )
    return band.min_total, upper


def translate_label(label: str, source: Framework, target: Framework) -> TranslatedRating | None:
    """Translate a rating label to another year's scale when only one answer is possible.

    Parameters
    ----------
    label
        A rating of ``source``'s scale (``"A"``, ``"ผ่านดีเยี่ยม"``).
    source, target
        The frameworks of the label's year and of the wanted scale.

    Returns
    -------
    TranslatedRating or None
        None when the label is compatible with more than one target level (for example A,
        85-94.99, may be ผ่านดี or ผ่าน, depending on the instrument scores).

    Raises
    ------
    KeyError
        If ``label`` is not a rating of ``source``.
    """
    bands = {b.label: b for b in source.rating_bands}
    low, high = _total_interval(bands[label], source.rating_bands)
    candidates = []
    for band in target.rating_bands:
        b_low, b_high = _total_interval(band, target.rating_bands)
        if b_low < high and low < b_high:
            candidates.append(band)
    if len(candidates) != 1:
        return None
    note = f"เทียบระดับ {label} (ปี {source.fiscal_year}) เป็นเกณฑ์ปี {target.fiscal_year}"
    return TranslatedRating(candidates[0].label, target.fiscal_year, note)


def translations(source: Framework, target: Framework) -> Mapping[str, str | None]:
    """Return every label of ``source`` with its translation to ``target`` (None: ambiguous)."""
    return {
        band.label: (t.label if (t := translate_label(band.label, source, target)) else None)
        for band in source.rating_bands
    }
