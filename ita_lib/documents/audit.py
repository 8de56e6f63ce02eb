"""Audit a measures document (or an assessment file) for faults an agency should fix.

:func:`audit` takes a document (``.docx`` or text, read with :mod:`ita_lib.documents.importer`), an
:class:`~ita_lib.documents.importer.ImportResult`, or an assessment YAML file, and returns
:class:`~ita_lib.model.findings.Finding` objects sorted by where they are. Every rule has a
stable snake_case id (:data:`RULES`); docs/importing-and-auditing.md describes each with an
example.

Rules that read text (:mod:`ita_lib.documents.text_rules`) apply to a document's text; another
agency's name, misspellings of the agency's own name, scores and levels quoted in prose and
duplicated words also apply to an assessment's own texts (NACC's suggestions, the measures), in
an assessment file and in the briefing (:func:`audit_assessment_texts`). Template placeholders
and text that fit no section need the document. The others work on the
assessment data (:mod:`ita_lib.documents.data_rules`) and so apply to an assessment YAML file
too; their findings then point at the file's lines. This module runs them: it builds the
:class:`~ita_lib.documents.audit_context.AuditContext` (with a locator from a data path to a
document position or a file line) and sorts what the rules find.

Everything but :func:`audit`'s reading of files is pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ita_lib.documents.audit_context import (
    RULES,
    AuditContext,
    AuditTerms,
    Rule,
    field_path,
    load_audit_terms,
)
from ita_lib.documents.catalogue_rules import CATALOGUE_RULES, PARTIAL_RULES
from ita_lib.documents.data_rules import DATA_RULES, SCORE_RULES
from ita_lib.documents.importer import ImportResult, import_document
from ita_lib.documents.layout import Position
from ita_lib.documents.ocr_rules import OCR_RULES
from ita_lib.documents.text_rules import (
    DATA_TEXT_RULES,
    SCORE_TEXT_RULES,
    TEXT_RULES,
    assessment_text_units,
)
from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Assessment
from ita_lib.model.assessment_file import (
    BUNDLED_PREFIX,
    AssessmentFile,
    parse_assessment,
    read_assessment_file,
)
from ita_lib.model.findings import SEVERITIES, SEVERITY_TH, Finding, document_findings
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.model.structures import dotted_path

__all__ = [
    "RULES",
    "SEVERITIES",
    "SEVERITY_TH",
    "AuditTerms",
    "Finding",
    "Rule",
    "attach_findings",
    "audit",
    "audit_assessment_file",
    "audit_assessment_texts",
    "audit_import",
    "document_findings",
    "load_audit_terms",
]


_INDICATORS = tuple(f"ind{n}" for n in range(1, 11))

# -- Entry points --------------------------------------------------------------------------------------


def audit(source: str | Path | ImportResult) -> tuple[Finding, ...]:
    """Audit a measures document, an import result or an assessment YAML file.

    Parameters
    ----------
    source
        A ``.docx`` or text document, an :class:`~ita_lib.documents.importer.ImportResult`, or an
        assessment file (``.yaml``/``.yml`` or ``bundled:<name>``).

    Returns
    -------
    tuple of Finding
        Sorted by place (line, or table/row/cell), then rule.

    Raises
    ------
    InputError
        When the file cannot be read or is not a measures document / valid assessment file.
    """
    if isinstance(source, ImportResult):
        return audit_import(source)
    text = str(source)
    if text.startswith(BUNDLED_PREFIX) or Path(text).suffix.lower() in (".yaml", ".yml"):
        return audit_assessment_file(text)
    return audit_import(import_document(text))


def audit_import(result: ImportResult) -> tuple[Finding, ...]:
    """Audit what was imported from a document: every rule applies (see :data:`RULES`).

    When the document gives only the instrument scores (``result.missing``), the rules that need
    indicator scores are replaced by the level checks on the instrument scores.
    """
    data = result.data
    checked = data if result.complete else {**data, "scores": dict.fromkeys(_INDICATORS, 0)}
    assessment = parse_assessment(checked, source=result.source)
    context = AuditContext(
        data=data,
        assessment=assessment,
        framework=load_framework(assessment.fiscal_year),
        locate=_locator(result.positions),
        units=tuple(result.document.text_units()),
        leftovers=tuple((x.text, x.pos, x.section, x.reason) for x in result.leftovers),
        has_document=True,
        source_format=result.document.format,
        corrections=result.corrections,
    )
    return _run(context, complete=result.complete)


def audit_assessment_file(reference: str | Path) -> tuple[Finding, ...]:
    """Audit an assessment YAML file: only the rules that need no document text apply.

    The file is read and parsed once; findings point at its lines.

    Parameters
    ----------
    reference
        A path to a YAML assessment file, or ``"bundled:<name>"``.

    Returns
    -------
    tuple of Finding
        Sorted by line, then rule.

    Raises
    ------
    InputError
        When the file is missing or not a valid assessment file.
    """
    file = read_assessment_file(reference)
    locate = _file_locator(file)
    _check_document_section(file.data, str(reference), locate)
    context = AuditContext(
        data=file.data,
        assessment=file.assessment,
        framework=load_framework(file.assessment.fiscal_year),
        locate=locate,
        units=assessment_text_units(file.assessment, locate),
    )
    return _run(context)


def audit_assessment_texts(assessment: Assessment, framework: Framework) -> tuple[Finding, ...]:
    """Run the text rules on an assessment's own texts, for the briefing that shows them.

    Pure: nothing is read. Another agency's name, the agency's own name misspelled, scores and
    levels in prose that the scores do not give, and words written twice; each finding names
    the text it is about in ``data_path`` (``"suggestions.summary"``), so that the briefing can
    mark that text where it shows it.

    Parameters
    ----------
    assessment
        The assessment, however it was loaded.
    framework
        Its fiscal year's framework.

    Returns
    -------
    tuple of Finding
        In the order of the assessment's texts, then rule; ``line`` is None.
    """
    context = AuditContext(
        data={},
        assessment=assessment,
        framework=framework,
        locate=lambda _path: None,
        units=assessment_text_units(assessment),
    )
    paths = [unit.data_path for unit in context.units]
    found = {(f.rule, f.data_path, f.message): f for rule in DATA_TEXT_RULES for f in rule(context)}
    return tuple(
        sorted(found.values(), key=lambda f: (paths.index(f.data_path), list(RULES).index(f.rule)))
    )


def _run(context: AuditContext, *, complete: bool = True) -> tuple[Finding, ...]:
    """Run the rules that apply to the context and sort what they find."""
    rules = (
        *DATA_RULES,
        *CATALOGUE_RULES,
        *(TEXT_RULES if context.has_document else DATA_TEXT_RULES),
        *(OCR_RULES if context.has_document else ()),
    )
    if not complete:
        rules = (*(r for r in rules if r not in (*SCORE_RULES, *SCORE_TEXT_RULES)), *PARTIAL_RULES)
    return _sorted(f for rule in rules for f in rule(context))


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    unique = dict.fromkeys(findings)
    return tuple(
        sorted(
            unique,
            key=lambda f: (
                f.order == (),
                f.order,
                list(RULES).index(f.rule),
                f.message,
            ),
        )
    )


# -- Locators ---------------------------------------------------------------------------------------


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(path: str) -> list[str | int]:
    return [int(m[2]) if m[2] is not None else m[1] for m in _PATH_PART.finditer(path)]


def _locator(positions: Mapping[str, Position]) -> Callable[[str], Position | None]:
    """Return a function finding a path's position, falling back to its nearest parent."""

    def locate(path: str) -> Position | None:
        parts = _parts(path)
        while parts:
            found = positions.get(dotted_path(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    return locate


def _file_locator(file: AssessmentFile) -> Callable[[str], Position | None]:
    """Return a function finding a path's line in the file, falling back to its nearest parent."""

    def locate(path: str) -> Position | None:
        line = file.line_of(tuple(_parts(path)))
        return None if line is None else Position(line=line, order=(line, 0))

    return locate


# -- The document section of an assessment file ----------------------------------------------------


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


_Number = str | int | float | None


class _ScoreRowIn(_Loose):
    indicator: int | None = None
    instrument: str | None = None
    score: _Number = None
    mean: _Number = None
    weight: _Number = None
    weighted: _Number = None


class _TotalIn(_Loose):
    value: _Number = None
    column: str | None = None


class _ScoreTableIn(_Loose):
    columns: dict[str, int] = {}
    rows: list[_ScoreRowIn] = []
    total: _TotalIn | None = None


class _GroupIn(_Loose):
    item: str | None = None
    indicator: int | None = None
    sub_indicator: str | float | None = None


class _AnalysisRowIn(_Loose):
    indicator: int | None = None
    keep: list[str] = []
    weak: list[str] = []
    keep_items: list[str] = []
    weak_items: list[str] = []
    keep_indicators: list[int] = []
    weak_indicators: list[int] = []


class _AnalysisIn(_Loose):
    rows: list[_AnalysisRowIn] = []


class _MeasureRowIn(_Loose):
    number: str | int | None = None


class _DocumentIn(_Loose):
    score_table: _ScoreTableIn | None = None
    suggestion_groups: list[_GroupIn] = []
    analysis: _AnalysisIn | None = None
    measures: list[_MeasureRowIn] = []


def _check_document_section(
    data: Mapping[str, Any], source: str, locate: Callable[[str], Position | None]
) -> None:
    """Check the parts of a file's ``document:`` section that the audit reads.

    Raises
    ------
    InputError
        Naming the field (and its line) that does not have the shape ``ita import`` writes.
    """
    section = data.get("document")
    if section is None:
        return
    try:
        _DocumentIn.model_validate(section)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = field_path("document", *error["loc"])
        position = locate(path)
        where = path + (f" (line {position.line})" if position is not None else "")
        raise InputError(
            f"the document section is not as ita import writes it: {error['msg']}",
            source=source,
            location=where,
            expected="the document section described in docs/assessment-format.md",
            found=error.get("input"),
        ) from None


# -- Briefing data ----------------------------------------------------------------------------------


def attach_findings(data: Mapping[str, Any], findings: Iterable[Finding]) -> dict[str, Any]:
    """Return a copy of assessment data with ``document.findings`` set (for ``ita import``).

    Each finding is stored with ``rule``, ``severity``, ``line``, ``message`` and
    ``message_th``; the briefing lists them (see :func:`document_findings`).
    """
    out = dict(data)
    document = dict(out.get("document") or {})
    document["findings"] = [{**f.to_dict(), "message_th": f.message_th} for f in findings]
    out["document"] = document
    return out
