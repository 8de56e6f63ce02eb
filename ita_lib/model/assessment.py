"""One agency's assessment: the frozen objects an assessment file is read into.

:class:`Assessment` and its parts are immutable; everything downstream (scoring, rendering) is
pure. Reading and validating assessment files (format in docs/assessment-format.md) is
:mod:`ita_lib.model.assessment_file`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ita_lib.files import safe_component
from ita_lib.text.periods import Period

__all__ = [
    "INDICATOR_KEYS",
    "INSTRUMENT_CODES",
    "Agency",
    "Assessment",
    "ItemSuggestion",
    "Measure",
    "Suggestions",
    "slugify",
]

INDICATOR_KEYS = tuple(f"ind{n}" for n in range(1, 11))
INSTRUMENT_CODES = ("IIT", "EIT", "OIT")


# -- Domain objects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    """The assessed agency (หน่วยงาน)."""

    name: str
    short_name: str | None = None
    type: str | None = None
    province: str | None = None
    district: str | None = None
    itas_code: str | None = None
    slug: str | None = None

    @property
    def display_name(self) -> str:
        """Return the short name when there is one, else the full name."""
        return self.short_name or self.name

    @property
    def folder_name(self) -> str:
        """Return the output folder name: the slug, else the ITAS code, else the name.

        It is one safe path component (see :func:`ita_lib.files.safe_component`); a slug or
        ITAS code that is not (``..``, a path) raises :class:`~ita_lib.exceptions.InputError`.
        """
        if self.slug or self.itas_code:
            field_name = "agency.slug" if self.slug else "agency.itas_code"
            return safe_component(self.slug or self.itas_code or "", location=field_name)
        return slugify(self.name)


@dataclass(frozen=True)
class ItemSuggestion:
    """NACC's suggestion (ข้อเสนอแนะ) on one item, verbatim.

    ``known`` is False when ``item`` is not in the fiscal year's catalogue: such a suggestion
    is kept (and shown) rather than rejected, since it is NACC's text, not the agency's data.
    """

    item: str
    text: str
    known: bool = True


@dataclass(frozen=True)
class Suggestions:
    """NACC's suggestions: a summary, one paragraph per instrument, and per-item texts."""

    summary: str | None = None
    by_instrument: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    by_item: tuple[ItemSuggestion, ...] = ()

    def for_item(self, code: str) -> tuple[str, ...]:
        """Return the suggestion texts given for item ``code`` (in document order)."""
        return tuple(s.text for s in self.by_item if s.item == code)


@dataclass(frozen=True)
class Measure:
    """One of the agency's improvement measures (มาตรการ)."""

    number: int
    title: str
    steps: tuple[str, ...] = ()
    owner: str | None = None
    period_text: str | None = None
    period: Period | None = None
    monitoring: tuple[str, ...] = ()
    addresses: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Assessment:
    """One agency's ITA result for one fiscal year, with suggestions and measures.

    ``scores`` maps indicator number (1-10) to its published score. ``failed_items`` is
    None when the file gives no OIT item results, else the OIT items that scored 0.
    ``document`` is the read-only ``document:`` section of a file written by ``ita import``
    (the source document as written: score table, analysis table, findings...), else None.
    """

    agency: Agency
    fiscal_year: int
    scores: MappingProxyType[int, Decimal]
    measures_fiscal_year: int | None = None
    claimed_total: Decimal | None = None
    claimed_rating: str | None = None
    failed_items: tuple[str, ...] | None = None
    suggestions: Suggestions = field(default_factory=Suggestions)
    measures: tuple[Measure, ...] = ()
    source_document: str | None = None
    source_notes: tuple[str, ...] = ()
    source_path: str | None = None
    document: MappingProxyType[str, Any] | None = None


def slugify(name: str) -> str:
    """Make a folder name from an agency name (Thai letters are kept).

    >>> slugify("องค์การบริหารส่วนตำบล บึงกระจับ")
    'องค์การบริหารส่วนตำบล-บึงกระจับ'
    """
    text = unicodedata.normalize("NFC", name).strip()
    text = re.sub(r"[\\/:*?\"<>|.\x00-\x1f\x7f]+", "", text)
    text = re.sub(r"\s+", "-", text)
    return safe_component(text or "agency")
