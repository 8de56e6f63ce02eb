"""What every audit rule shares: the rule registry, the catalogue, the context and findings.

A rule is a function of an :class:`AuditContext` (the assessment data, the parsed assessment,
its framework, and, for a document, its text) that yields
:class:`~ita_lib.model.findings.Finding` objects made with :func:`make_finding`. The rules
themselves are in :mod:`ita_lib.documents.data_rules` and :mod:`ita_lib.documents.text_rules`;
:mod:`ita_lib.documents.audit` runs them.

Catalogue data (placeholder phrases, level words, the phrases NACC uses for "should improve")
is in ``ita_lib/data/audit_terms.yaml``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict

from ita_lib.analysis.scoring import ScoreResult, score_assessment
from ita_lib.documents.layout import Position, TextUnit
from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Assessment
from ita_lib.model.findings import Finding
from ita_lib.model.framework import Framework
from ita_lib.model.packaged import load_catalogue
from ita_lib.model.structures import dotted_path
from ita_lib.text.digits import to_thai_digits
from ita_lib.text.numbers import parse_number

__all__ = [
    "RULES",
    "AuditContext",
    "AuditTerms",
    "Rule",
    "decimal_or_none",
    "field_path",
    "floor_note",
    "in_thai_digits",
    "load_audit_terms",
    "make_finding",
]


@dataclass(frozen=True)
class Rule:
    """An audit rule: id, severity, whether it needs the document's text, and a description."""

    id: str
    severity: str
    needs_document: bool
    description: str


def _rules(*rules: Rule) -> Mapping[str, Rule]:
    return MappingProxyType({r.id: r for r in rules})


RULES: Mapping[str, Rule] = _rules(
    Rule("foreign_agency_name", "error", False, "another agency's name in the document"),
    Rule("template_placeholder", "error", True, "a template placeholder left unfilled"),
    Rule("template_fill_dots", "info", True, "the template's fill-in dots left around a text"),
    Rule("own_name_misspelled", "warning", False, "the agency's own name or type misspelled"),
    Rule("prose_score_mismatch", "error", False, "a score in the text that the score table lacks"),
    Rule("prose_rating_mismatch", "error", False, "a level in the text other than the rating"),
    Rule("unplaced_text", "info", True, "text that fit no section of the document"),
    Rule("score_table_layout", "info", False, "the total written in another column"),
    Rule("instrument_mean_mismatch", "error", False, "an instrument mean that is not the mean"),
    Rule("weight_mismatch", "error", False, "an instrument weight other than the year's weight"),
    Rule("weighted_score_mismatch", "error", False, "a weighted score not mean x weight"),
    Rule("total_mismatch", "error", False, "a total that is not the sum of weighted scores"),
    Rule("rating_mismatch", "error", False, "a rating that is not the rating of the total"),
    Rule("item_name_mismatch", "warning", False, "an item named otherwise than in the year's list"),
    Rule("indicator_scores_missing", "warning", False, "a score table of instruments only"),
    Rule("oit_indicator_mismatch", "error", False, "indicator 9 or 10 against NACC's items"),
    Rule("failed_items_mismatch", "warning", False, "a table's failed items against NACC's"),
    Rule("fiscal_year_mismatch", "warning", False, "measures not for the year after the result"),
    Rule("suggestion_group_mismatch", "warning", False, "an item under another heading"),
    Rule("analysis_item_both_sides", "warning", False, "an item both a strength and a weakness"),
    Rule("analysis_flag_missing", "warning", False, "an item NACC flagged not a weakness"),
    Rule("analysis_unflagged_weakness", "warning", False, "a weakness NACC did not flag"),
    Rule("measure_numbering", "warning", False, "measures numbered out of sequence"),
    Rule("step_numbering", "warning", False, "steps or monitoring numbered out of sequence"),
    Rule("measure_missing_steps", "warning", False, "a measure without steps"),
    Rule("measure_missing_owner", "warning", False, "a measure without an owner"),
    Rule("measure_missing_period", "warning", False, "a measure without a period"),
    Rule("measure_missing_monitoring", "warning", False, "a measure without monitoring"),
    Rule("measure_period_outside_year", "warning", False, "a period outside the measures' year"),
    Rule("duplicated_word", "info", False, "a word written twice in a row"),
    Rule("ocr_low_confidence", "warning", True, "a figure OCR read with low confidence"),
    Rule("ocr_figure_mismatch", "error", True, "a figure OCR read that the arithmetic rejects"),
    Rule("ocr_unread", "warning", True, "an indicator, item or measure OCR could not read"),
    Rule("ocr_doubtful_item", "warning", True, "an item code OCR read under another heading"),
    Rule("ocr_corrected", "warning", True, "a number OCR misread, put right from its context"),
)
"""Every audit rule by id."""


def make_finding(
    rule: str, pos: Position | None, message: str, message_th: str, data_path: str | None = None
) -> Finding:
    """Return a finding of ``rule`` (with the rule's severity) at ``pos`` (about ``data_path``)."""
    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        line=None if pos is None else pos.ref,
        message=message,
        message_th=message_th,
        order=() if pos is None else pos.sort_key(),
        data_path=data_path,
    )


# -- Catalogue --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditTerms:
    """The auditor's catalogue (``ita_lib/data/audit_terms.yaml``)."""

    placeholders: tuple[str, ...]
    blank_min_dots: int
    level_words: Mapping[str, tuple[str, ...]]
    improve_phrases: tuple[str, ...]
    name_stop_words: tuple[str, ...]
    self_reference_words: tuple[str, ...]

    @property
    def name_starts(self) -> tuple[str, ...]:
        """Return the words no agency's name starts with (stop words, self-references)."""
        return (*self.name_stop_words, *self.self_reference_words)


class _LevelWordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    word: str
    grades: list[str] = []


class _AuditTermsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_version: int
    placeholders: list[str]
    blank_min_dots: int
    level_words: list[_LevelWordIn]
    improve_phrases: list[str]
    name_stop_words: list[str]
    self_reference_words: list[str]


@functools.cache
def load_audit_terms() -> AuditTerms:
    """Load the auditor's catalogue (cached).

    Raises
    ------
    ITAError
        If the data file shipped with ita_lib is invalid.
    """
    raw = load_catalogue(_AuditTermsIn, "audit_terms.yaml")
    return AuditTerms(
        placeholders=tuple(raw.placeholders),
        blank_min_dots=raw.blank_min_dots,
        level_words=MappingProxyType(
            {w.word: tuple(w.grades) for w in sorted(raw.level_words, key=lambda w: -len(w.word))}
        ),
        improve_phrases=tuple(raw.improve_phrases),
        name_stop_words=tuple(raw.name_stop_words),
        self_reference_words=tuple(raw.self_reference_words),
    )


# -- Context ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditContext:
    """What a rule reads.

    Attributes
    ----------
    data
        The assessment data (a mapping in the shape of docs/assessment-format.md).
    assessment, framework
        The data parsed, and its fiscal year's framework.
    locate
        Finds the position of a data path (``"measures[3].steps[0]"``) in the document or file.
    units
        The texts to scan: a document's paragraphs and cells, or an assessment's own texts
        (each unit then names its data path in ``data_path``).
    leftovers, has_document
        For a document: the text that fit no section (text, position, section, reason), and True.
    source_format
        How the document was read (``"scan"`` for OCR, ``"pdf"``, ``"docx"``, ``"text"``).
    corrections
        For a scan: the fields OCR misread that the import put right
        (:class:`~ita_lib.documents.extraction.Correction`).
    """

    data: Mapping[str, Any]
    assessment: Assessment
    framework: Framework
    locate: Callable[[str], Position | None]
    units: tuple[TextUnit, ...] = ()
    leftovers: tuple[tuple[str, Position, str, str], ...] = ()  # text, where, section, why
    has_document: bool = False
    source_format: str = ""
    corrections: tuple[Any, ...] = ()  # extraction.Correction: what OCR misread, put right

    @property
    def document(self) -> Mapping[str, Any]:
        """The ``document:`` section of the data (empty when there is none)."""
        return self.data.get("document") or {}

    @functools.cached_property
    def result(self) -> ScoreResult:
        """The assessment scored by its year's rules, once for all arithmetic rules."""
        return score_assessment(self.assessment, self.framework)


def field_path(*parts: str | int) -> str:
    """Return the dotted path of a field (``field_path("measures", 3)`` is ``measures[3]``)."""
    return dotted_path(parts)


# -- Helpers ----------------------------------------------------------------------------------------


def in_thai_digits(value: object) -> str:
    """Return ``str(value)`` with Thai digits, for the Thai messages."""
    return to_thai_digits(str(value))


def decimal_or_none(text: object) -> Decimal | None:
    """Return the number written in ``text``, or None when it is not a number."""
    try:
        return parse_number(str(text))
    except InputError:
        return None


def floor_note(framework: Framework, label: str, scores: Mapping[str, Decimal]) -> tuple[str, str]:
    """Return (English, Thai) words on the instruments under ``label``'s floor, or empty texts.

    >>> from ita_lib.model.framework_files import load_framework
    >>> floor_note(load_framework(2568), "ผ่านดี", {"IIT": Decimal("96.2"), "EIT": Decimal("84.08")})[0]
    ' (ผ่านดี needs every instrument at 85 or more: EIT is 84.08)'
    """
    band = next((b for b in framework.rating_bands if b.label == label), None)
    if band is None or band.min_each_instrument is None:
        return "", ""
    floor = band.min_each_instrument
    under = [(code, score) for code, score in scores.items() if score < floor]
    if not under:
        return "", ""
    listed = ", ".join(f"{code} is {score}" for code, score in under)
    listed_th = ", ".join(f"{code} ได้ {in_thai_digits(score)}" for code, score in under)
    return (
        f" ({label} needs every instrument at {floor} or more: {listed})",
        f" (ระดับ{label}ต้องได้คะแนนทุกเครื่องมือตั้งแต่ {in_thai_digits(floor)} ขึ้นไป แต่ {listed_th})",
    )
