"""Audit a measures document (or an assessment file) for faults an agency should fix.

:func:`audit` takes a document (``.docx`` or text, read with :mod:`ita_lib.documents.importer`), an
:class:`~ita_lib.documents.importer.ImportResult`, or an assessment YAML file, and returns
:class:`Finding` objects sorted by where they are. Every rule has a stable snake_case id
(:data:`RULES`); docs/importing-and-auditing.md describes each with an example.

Rules that read the document's text (another agency's name, template placeholders,
misspellings of the agency's own name, scores and levels quoted in prose, text that fit no
section) apply to documents only. The others work on the assessment data and so apply to an
assessment YAML file too; their findings then point at the file's lines.

Catalogue data (placeholder phrases, level words, the phrases NACC uses for "should improve")
is in ``ita_lib/data/audit_terms.yaml``; agency types and their misspellings are in
``ita_lib/data/document_terms.yaml``.

Everything but :func:`audit`'s reading of files is pure.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ita_lib.analysis.scoring import ScoreResult, score_assessment
from ita_lib.documents.importer import (
    DocumentTerms,
    ImportResult,
    import_document,
    load_document_terms,
    split_agency_name,
    step_number,
)
from ita_lib.documents.layout import Position, TextUnit
from ita_lib.exceptions import InputError
from ita_lib.model.assessment import (
    BUNDLED_PREFIX,
    Assessment,
    load_assessment,
    parse_assessment,
    resolve_assessment_path,
)
from ita_lib.model.framework import Framework, load_framework
from ita_lib.model.packaged import load_catalogue
from ita_lib.model.structures import dotted_path
from ita_lib.text.decimals import round_half_up
from ita_lib.text.thai import fiscal_year_bounds, parse_number, to_arabic_digits, to_thai_digits

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
    "audit_import",
    "document_findings",
    "load_audit_terms",
]

SEVERITIES = ("error", "warning", "info")
"""Severities, most serious first: error (the document states something false or foreign),
warning (an inconsistency to look at), info (a blemish)."""

SEVERITY_TH: Mapping[str, str] = MappingProxyType(
    {"error": "ข้อผิดพลาด", "warning": "ข้อควรตรวจสอบ", "info": "ข้อสังเกต"}
)
"""Thai labels of the severities, for the briefing."""


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
    Rule("foreign_agency_name", "error", True, "another agency's name in the document"),
    Rule("template_placeholder", "error", True, "a template placeholder left unfilled"),
    Rule("template_fill_dots", "info", True, "the template's fill-in dots left around a text"),
    Rule("own_name_misspelled", "warning", True, "the agency's own name or type misspelled"),
    Rule("prose_score_mismatch", "error", True, "a score in the text that the score table lacks"),
    Rule("prose_rating_mismatch", "error", True, "a level in the text other than the rating"),
    Rule("unplaced_text", "info", True, "text that fit no section of the document"),
    Rule("score_table_layout", "info", False, "the total written in another column"),
    Rule("instrument_mean_mismatch", "error", False, "an instrument mean that is not the mean"),
    Rule("weight_mismatch", "error", False, "an instrument weight other than the year's weight"),
    Rule("weighted_score_mismatch", "error", False, "a weighted score not mean x weight"),
    Rule("total_mismatch", "error", False, "a total that is not the sum of weighted scores"),
    Rule("rating_mismatch", "error", False, "a rating that is not the rating of the total"),
    Rule("oit_indicator_mismatch", "error", False, "indicator 9 or 10 against NACC's items"),
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
)
"""Every audit rule by id."""

_TOLERANCE = Decimal("0.01")


# -- Findings ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One fault found by the audit.

    Attributes
    ----------
    rule
        The rule's id (see :data:`RULES`).
    severity
        ``"error"``, ``"warning"`` or ``"info"``.
    line
        Where: a line number (text documents and YAML files), a ``"table 2, row 3, cell 4"``
        or ``"paragraph 7"`` text (.docx), or None when the place is unknown.
    message, message_th
        What is wrong, in English and in Thai.
    """

    rule: str
    severity: str
    line: int | str | None
    message: str
    message_th: str
    order: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as printed by ``ita audit --json``."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "line": self.line,
            "message": self.message,
        }


def _finding(rule: str, pos: Position | None, message: str, message_th: str) -> Finding:
    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        line=None if pos is None else pos.ref,
        message=message,
        message_th=message_th,
        order=() if pos is None else pos.sort_key(),
    )


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


# -- Catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditTerms:
    """The auditor's catalogue (``ita_lib/data/audit_terms.yaml``)."""

    placeholders: tuple[str, ...]
    blank_min_dots: int
    level_words: Mapping[str, tuple[str, ...]]
    improve_phrases: tuple[str, ...]
    name_stop_words: tuple[str, ...]


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
    )


# -- Context -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    data: Mapping[str, Any]
    assessment: Assessment
    framework: Framework
    locate: Callable[[str], Position | None]
    units: tuple[TextUnit, ...] = ()
    leftovers: tuple[tuple[str, Position, str], ...] = ()
    has_document: bool = False

    @property
    def document(self) -> Mapping[str, Any]:
        return self.data.get("document") or {}

    @functools.cached_property
    def result(self) -> ScoreResult:
        """The assessment scored by its year's rules, once for all arithmetic rules."""
        return score_assessment(self.assessment, self.framework)


def _field_path(*parts: str | int) -> str:
    return dotted_path(parts)


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


def _yaml_locator(root: yaml.Node | None) -> Callable[[str], Position | None]:
    def locate(path: str) -> Position | None:
        node = root
        line = None
        for part in _parts(path):
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == part:
                        line, node = key.start_mark.line + 1, value
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return None if line is None else Position(line=line, order=(line, 0))

    return locate


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
    """Audit what was imported from a document: every rule applies (see :data:`RULES`)."""
    data = result.data
    assessment = parse_assessment(data, source=result.source)
    context = _Context(
        data=data,
        assessment=assessment,
        framework=load_framework(assessment.fiscal_year),
        locate=_locator(result.positions),
        units=tuple(result.document.text_units()),
        leftovers=tuple((x.text, x.pos, x.section) for x in result.leftovers),
        has_document=True,
    )
    return _run(context)


def audit_assessment_file(reference: str | Path) -> tuple[Finding, ...]:
    """Audit an assessment YAML file: only the rules that need no document text apply.

    Findings point at the file's lines.

    Raises
    ------
    InputError
        When the file is missing or not a valid assessment file.
    """
    assessment = load_assessment(reference)
    path = resolve_assessment_path(reference)
    text = path.read_text(encoding="utf-8-sig")
    data = yaml.safe_load(text)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    _check_document_section(data, str(reference), _yaml_locator(root))
    context = _Context(
        data=data,
        assessment=assessment,
        framework=load_framework(assessment.fiscal_year),
        locate=_yaml_locator(root),
    )
    return _run(context)


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
        field_path = _field_path("document", *error["loc"])
        position = locate(field_path)
        where = field_path + (f" (line {position.line})" if position is not None else "")
        raise InputError(
            f"the document section is not as ita import writes it: {error['msg']}",
            source=source,
            location=where,
            expected="the document section described in docs/assessment-format.md",
            found=error.get("input"),
        ) from None


def _run(context: _Context) -> tuple[Finding, ...]:
    rules: list[Callable[[_Context], Iterable[Finding]]] = [
        _score_table_layout,
        _arithmetic,
        _oit_indicators,
        _fiscal_years,
        _suggestion_groups,
        _analysis,
        _measure_numbering,
        _step_numbering,
        _measure_completeness,
        _measure_periods,
    ]
    if context.has_document:
        rules += [_agency_names, _placeholders, _prose_claims, _unplaced, _duplicated_words]
    else:
        rules.append(_duplicated_words_in_data)
    return _sorted(f for rule in rules for f in rule(context))


# -- Briefing data ---------------------------------------------------------------------------------------


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


def document_findings(assessment: Assessment) -> tuple[Finding, ...]:
    """Return the findings stored in an assessment imported from a document, for the briefing.

    Parameters
    ----------
    assessment
        A loaded assessment. Its ``document.findings`` section is written by ``ita import``.

    Returns
    -------
    tuple of Finding
        Empty when the assessment did not come from a document (or has no findings), else
        the stored findings, most serious first and then in document order. Show
        ``SEVERITY_TH[f.severity]``, ``f.line`` and ``f.message_th``.
    """
    document = assessment.document or {}
    out = []
    for entry in document.get("findings") or ():
        rule = str(entry.get("rule", ""))
        severity = str(entry.get("severity", "info"))
        out.append(
            Finding(
                rule=rule,
                severity=severity if severity in SEVERITIES else "info",
                line=entry.get("line"),
                message=str(entry.get("message", "")),
                message_th=str(entry.get("message_th") or entry.get("message", "")),
            )
        )
    return tuple(
        f for _, f in sorted(enumerate(out), key=lambda x: (SEVERITIES.index(x[1].severity), x[0]))
    )


# -- Helpers ------------------------------------------------------------------------------------------


def _th(value: object) -> str:
    return to_thai_digits(str(value))


def _decimal(text: object) -> Decimal | None:
    try:
        return parse_number(str(text))
    except InputError:
        return None


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# -- Rules on the score table ----------------------------------------------------------------------------


def _score_table_layout(context: _Context) -> Iterator[Finding]:
    table = context.document.get("score_table") or {}
    total = table.get("total") or {}
    column = total.get("column")
    if column and column != "weighted" and "weighted" in (table.get("columns") or {}):
        name_en = {"weight": "weight", "mean": "instrument mean", "score": "indicator score"}
        name_th = {"weight": "น้ำหนัก", "mean": "คะแนนที่ได้", "score": "คะแนนตัวชี้วัด"}
        yield _finding(
            "score_table_layout",
            context.locate(_field_path("document", "score_table", "total")),
            f"the total {total.get('value')} is written in the {name_en.get(column, column)} "
            "column, not in the weighted-score column",
            f"คะแนนรวม {_th(total.get('value'))} อยู่ในช่อง{name_th.get(column, column)} "
            "แทนที่จะอยู่ในช่องคะแนนถ่วงน้ำหนัก",
        )


def _written_by_instrument(
    context: _Context,
) -> dict[str, dict[str, tuple[Decimal, str, str]]]:
    """Map instrument -> role -> (value, text, path) for the first value written per role."""
    rows = (context.document.get("score_table") or {}).get("rows") or []
    out: dict[str, dict[str, tuple[Decimal, str, str]]] = {}
    for index, row in enumerate(rows):
        if row.get("indicator") is not None:
            try:
                code = context.framework.instrument_of(int(row["indicator"])).code
            except KeyError:
                continue
        else:
            code = row.get("instrument")
        if code is None:
            continue
        for role in ("mean", "weight", "weighted"):
            value = _decimal(row.get(role)) if row.get(role) is not None else None
            if value is not None and role not in out.setdefault(code, {}):
                path = _field_path("document", "score_table", "rows", index, role)
                out[code][role] = (value, str(row[role]), path)
    return out


def _arithmetic(context: _Context) -> Iterator[Finding]:
    framework = context.framework
    exact = {i.code: i.score for i in context.result.instruments}
    written = _written_by_instrument(context)
    weighted_exact = {i.code: i.weighted for i in context.result.instruments}
    for instrument in framework.instruments:
        code = instrument.code
        values = written.get(code, {})
        if "mean" in values:
            value, text, path = values["mean"]
            expected = round_half_up(exact[code])
            if abs(value - expected) >= _TOLERANCE:
                yield _finding(
                    "instrument_mean_mismatch",
                    context.locate(path),
                    f"{code} mean is written {text} but the mean of its indicators is {expected}",
                    f"คะแนน {code} ระบุไว้ {_th(text)} แต่ค่าเฉลี่ยของตัวชี้วัดได้ {_th(expected)}",
                )
        if "weight" in values:
            value, text, path = values["weight"]
            share = value / 100 if value > 1 else value
            if share != instrument.weight:
                percent = format((instrument.weight * 100).normalize(), "f")
                yield _finding(
                    "weight_mismatch",
                    context.locate(path),
                    f"{code} weight is written {text} but FY{framework.fiscal_year} weighs it "
                    f"{percent}%",
                    f"น้ำหนัก {code} ระบุไว้ {_th(text)} แต่ปีงบประมาณ "
                    f"{_th(framework.fiscal_year)} กำหนดร้อยละ {_th(percent)}",
                )
        if "weighted" in values:
            value, text, path = values["weighted"]
            allowed = {round_half_up(weighted_exact[code])}
            if "mean" in values:
                allowed.add(round_half_up(values["mean"][0] * instrument.weight))
            if all(abs(value - a) >= _TOLERANCE for a in allowed):
                expected = round_half_up(weighted_exact[code])
                yield _finding(
                    "weighted_score_mismatch",
                    context.locate(path),
                    f"{code} weighted score is written {text} but mean x weight is {expected}",
                    f"คะแนนถ่วงน้ำหนัก {code} ระบุไว้ {_th(text)} แต่คะแนนคูณน้ำหนักได้ {_th(expected)}",
                )
    yield from _total_and_rating(context, written)


def _total_and_rating(
    context: _Context, written: Mapping[str, Mapping[str, tuple[Decimal, str, str]]]
) -> Iterator[Finding]:
    framework = context.framework
    total = context.result.total_2dp
    allowed = {total}
    codes = [i.code for i in framework.instruments]
    if all("weighted" in written.get(c, {}) for c in codes):
        allowed.add(sum((written[c]["weighted"][0] for c in codes), Decimal(0)))
    claimed = context.assessment.claimed_total
    if claimed is not None and all(abs(claimed - a) >= _TOLERANCE for a in allowed):
        yield _finding(
            "total_mismatch",
            context.locate("claimed_total"),
            f"the total is written {claimed} but the weighted scores add up to {total}",
            f"คะแนนรวมระบุไว้ {_th(claimed)} แต่ผลรวมคะแนนถ่วงน้ำหนักได้ {_th(total)}",
        )
    rating = context.result.rating
    claimed_rating = context.assessment.claimed_rating
    if claimed_rating is not None and claimed_rating.strip() != rating:
        yield _finding(
            "rating_mismatch",
            context.locate("claimed_rating"),
            f"the rating is written {claimed_rating} but a total of {total} is rated {rating}",
            f"ระดับผลการประเมินระบุไว้ {claimed_rating} แต่คะแนนรวม {_th(total)} อยู่ในระดับ {rating}",
        )


def _oit_indicators(context: _Context) -> Iterator[Finding]:
    failed = context.assessment.failed_items
    if failed is None:
        return
    items = ", ".join(failed) or "none"
    for number, exact in sorted((context.result.recomputed or {}).items()):
        given = context.assessment.scores[number]
        shown = round_half_up(exact)
        if abs(shown - given) >= _TOLERANCE:
            yield _finding(
                "oit_indicator_mismatch",
                context.locate(_field_path("scores", f"ind{number}")),
                f"indicator {number} is {given} but the items NACC flagged ({items}) give {shown}",
                f"ตัวชี้วัดที่ {_th(number)} ได้ {_th(given)} แต่ข้อที่ ป.ป.ช. ให้ข้อเสนอแนะ "
                f"({items}) ให้คะแนน {_th(shown)}",
            )


def _fiscal_years(context: _Context) -> Iterator[Finding]:
    assessed = context.assessment.fiscal_year
    measures = context.assessment.measures_fiscal_year
    if measures is not None and measures != assessed + 1:
        yield _finding(
            "fiscal_year_mismatch",
            context.locate("measures_fiscal_year"),
            f"the measures are for FY{measures}, not for FY{assessed + 1} after the FY{assessed} "
            "result",
            f"มาตรการเป็นของปีงบประมาณ {_th(measures)} ไม่ใช่ปี {_th(assessed + 1)} "
            f"ที่ต่อจากผลการประเมินปี {_th(assessed)}",
        )


def _suggestion_groups(context: _Context) -> Iterator[Finding]:
    framework = context.framework
    for index, group in enumerate(context.document.get("suggestion_groups") or ()):
        code = group.get("item")
        if not code or not framework.has_item(code):
            continue
        item = framework.item(code)
        written_sub = group.get("sub_indicator")
        written_ind = group.get("indicator")
        wrong_sub = written_sub is not None and item.sub_indicator not in (None, str(written_sub))
        wrong_ind = written_ind is not None and int(written_ind) != item.indicator
        if wrong_sub or wrong_ind:
            where_en = f"sub-indicator {written_sub}" if wrong_sub else f"indicator {written_ind}"
            where_th = (
                f"ตัวชี้วัดย่อยที่ {_th(written_sub)}" if wrong_sub else (f"ตัวชี้วัดที่ {_th(written_ind)}")
            )
            belongs = item.sub_indicator or str(item.indicator)
            yield _finding(
                "suggestion_group_mismatch",
                context.locate(_field_path("suggestions", "by_item", index)),
                f"the suggestion on {code} is under {where_en}, but {code} belongs to {belongs}",
                f"ข้อเสนอแนะข้อ {code} อยู่ใต้{where_th} แต่ข้อ {code} อยู่ในตัวชี้วัด {_th(belongs)}",
            )


# -- Rules on the agency's analysis -------------------------------------------------------------------------


def _improve_indicators(text: str, phrases: Sequence[str]) -> set[int]:
    positions = [text.find(p) for p in phrases if p in text]
    if not positions:
        return set()
    tail = to_arabic_digits(text[min(positions) :])
    return {int(m[1]) for m in re.finditer(r"ตัวชี้วัดที่\s*(\d{1,2})(?!\s*\.\s*\d)", tail)}


def _flags(context: _Context) -> tuple[list[str], set[int]]:
    """Return the items NACC flagged (in order) and the indicators it flagged."""
    framework = context.framework
    items = list(context.assessment.failed_items or ())
    for suggestion in context.assessment.suggestions.by_item:
        if framework.has_item(suggestion.item) and suggestion.item not in items:
            items.append(suggestion.item)
    indicators = {framework.item(c).indicator for c in items}
    phrases = load_audit_terms().improve_phrases
    for text in context.assessment.suggestions.by_instrument.values():
        indicators |= _improve_indicators(text, phrases)
    return items, indicators


def _analysis(context: _Context) -> Iterator[Finding]:
    table = context.document.get("analysis")
    if not table:
        return
    rows = list(table.get("rows") or ())
    framework = context.framework
    flagged_items, flagged_indicators = _flags(context)
    keep: dict[str, str] = {}
    weak: dict[str, str] = {}
    weak_named: dict[int, str] = {}
    for r, row in enumerate(rows):
        for j, code in enumerate(row.get("keep_items") or ()):
            keep.setdefault(code, _field_path("document", "analysis", "rows", r, "keep_items", j))
        for j, code in enumerate(row.get("weak_items") or ()):
            weak.setdefault(code, _field_path("document", "analysis", "rows", r, "weak_items", j))
        for number in row.get("weak_indicators") or ():
            weak_named.setdefault(
                int(number), _field_path("document", "analysis", "rows", r, "weak")
            )
    for code, path in weak.items():
        if code in keep:
            yield _finding(
                "analysis_item_both_sides",
                context.locate(path),
                f"{code} is listed both as a strength and as a weakness",
                f"ข้อ {code} อยู่ทั้งในประเด็นที่ควรรักษามาตรฐานและในประเด็นที่เป็นจุดอ่อน",
            )
    row_of = {}
    for r, row in enumerate(rows):
        if row.get("indicator") is not None:
            row_of.setdefault(int(row["indicator"]), _field_path("document", "analysis", "rows", r))
    table_path = _field_path("document", "analysis")
    for code in flagged_items:
        item = framework.item(code)
        covered = code in weak or (item.instrument != "OIT" and item.indicator in weak_named)
        if covered:
            continue
        also = " (it is listed as a strength)" if code in keep else ""
        also_th = " (แต่อยู่ในประเด็นที่ควรรักษามาตรฐาน)" if code in keep else ""
        yield _finding(
            "analysis_flag_missing",
            context.locate(row_of.get(item.indicator, table_path)),
            f"NACC flagged {code} but the analysis does not list it as a weakness{also}",
            f"ป.ป.ช. ให้ข้อเสนอแนะข้อ {code} แต่การวิเคราะห์ไม่ได้ระบุเป็นจุดอ่อน{also_th}",
        )
    for number, path in sorted(weak_named.items()):
        if number not in flagged_indicators:
            yield _finding(
                "analysis_unflagged_weakness",
                context.locate(path),
                f"the analysis calls indicator {number} weak but NACC flagged nothing in it",
                f"การวิเคราะห์ระบุตัวชี้วัดที่ {_th(number)} เป็นจุดอ่อน แต่ ป.ป.ช. ไม่ได้ให้ข้อเสนอแนะในตัวชี้วัดนี้",
            )
    for code, path in weak.items():
        if code not in flagged_items:
            yield _finding(
                "analysis_unflagged_weakness",
                context.locate(path),
                f"the analysis calls {code} weak but NACC did not flag it",
                f"การวิเคราะห์ระบุข้อ {code} เป็นจุดอ่อน แต่ ป.ป.ช. ไม่ได้ให้ข้อเสนอแนะข้อนี้",
            )


# -- Rules on the measures ------------------------------------------------------------------------------


def _sequence_faults(numbers: Sequence[int]) -> Iterator[tuple[int, str, str]]:
    """Yield (index, message, Thai message) for each fault in a list's numbering."""
    expected = 1
    seen: set[int] = set()
    for index, number in enumerate(numbers):
        if index == 0 and number != 1:
            yield index, f"starts at {number}", f"เริ่มที่ {_th(number)}"
        elif number in seen:
            yield index, f"repeats {number}", f"ใช้เลข {_th(number)} ซ้ำ"
        elif number > expected:
            missing = ", ".join(str(n) for n in range(expected, number))
            yield (
                index,
                f"skips {missing} (goes to {number})",
                f"ข้ามเลข {_th(missing)} (ไปที่ {_th(number)})",
            )
        elif number < expected:
            yield index, f"goes back to {number}", f"ย้อนกลับไปเลข {_th(number)}"
        seen.add(number)
        expected = max(expected, number + 1)


def _measure_numbering(context: _Context) -> Iterator[Finding]:
    written = context.document.get("measures")
    measures = context.data.get("measures") or []
    if written and len(written) == len(measures):
        numbers = [_decimal(str(w.get("number", "")).strip(" .)")) for w in written]
        if any(n is None for n in numbers):
            return
        values = [int(n) for n in numbers if n is not None]
    else:
        values = [int(m["number"]) for m in measures]
    for index, message, message_th in _sequence_faults(values):
        yield _finding(
            "measure_numbering",
            context.locate(_field_path("measures", index)),
            f"the measures' numbering {message}",
            f"ลำดับมาตรการ{message_th}",
        )


def _step_numbering(context: _Context) -> Iterator[Finding]:
    names = {"steps": ("steps", "วิธีดำเนินการ"), "monitoring": ("monitoring", "การติดตามประเมินผล")}
    for m, measure in enumerate(context.data.get("measures") or []):
        for role, (name_en, name_th) in names.items():
            items = measure.get(role) or []
            numbered = [(j, step_number(text)) for j, text in enumerate(items)]
            numbered = [(j, n) for j, n in numbered if n is not None]
            faults = _sequence_faults([n for _, n in numbered])
            for index, message, message_th in faults:
                j = numbered[index][0]
                yield _finding(
                    "step_numbering",
                    context.locate(_field_path("measures", m, role, j)),
                    f"measure {measure['number']}: the {name_en} numbering {message}",
                    f"มาตรการที่ {_th(measure['number'])}: ลำดับ{name_th}{message_th}",
                )


_MISSING = {
    "steps": ("measure_missing_steps", "steps (วิธีดำเนินการ)", "วิธีดำเนินการ"),
    "owner": ("measure_missing_owner", "owner (ผู้รับผิดชอบ)", "ผู้รับผิดชอบ"),
    "period": ("measure_missing_period", "period (ระยะเวลาดำเนินการ)", "ระยะเวลาดำเนินการ"),
    "monitoring": (
        "measure_missing_monitoring",
        "monitoring (การติดตามประเมินผล)",
        "การติดตามประเมินผล",
    ),
}


def _measure_completeness(context: _Context) -> Iterator[Finding]:
    for m, measure in enumerate(context.data.get("measures") or []):
        for key, (rule, what_en, what_th) in _MISSING.items():
            if not measure.get(key):
                yield _finding(
                    rule,
                    context.locate(_field_path("measures", m)),
                    f"measure {measure['number']} has no {what_en}",
                    f"มาตรการที่ {_th(measure['number'])} ไม่มี{what_th}",
                )


def _measure_periods(context: _Context) -> Iterator[Finding]:
    year = context.assessment.measures_fiscal_year
    if year is None:
        return
    start, end = fiscal_year_bounds(year)
    for m, measure in enumerate(context.assessment.measures):
        period = measure.period
        if period is None:
            continue
        if period.start < start or period.end > end:
            yield _finding(
                "measure_period_outside_year",
                context.locate(_field_path("measures", m, "period")),
                f"measure {measure.number}: the period {measure.period_text} is not within "
                f"FY{year}",
                f"มาตรการที่ {_th(measure.number)}: ระยะเวลา {measure.period_text} "
                f"ไม่อยู่ในปีงบประมาณ {_th(year)}",
            )


# -- Rules on the document's text --------------------------------------------------------------------------

_THAI_LETTERS = "\u0e01-\u0e4e"


def _type_spellings(terms: DocumentTerms) -> dict[str, tuple[str, bool]]:
    """Map each spelling of an agency type to (the type's name, spelled correctly)."""
    out: dict[str, tuple[str, bool]] = {}
    for kind in terms.agency_types:
        out[kind.name] = (kind.name, True)
        for wrong in kind.misspellings:
            out.setdefault(wrong, (kind.name, False))
    return out


def _trim_name(name: str, stop_words: Sequence[str]) -> str:
    cut = len(name)
    for word in stop_words:
        index = name.find(word, 3)
        if 0 <= index < cut:
            cut = index
    return name[:cut]


def _is_own(candidate: str, core: str) -> bool:
    if not core:
        return False
    if candidate.startswith(core):
        return True
    limit = 2 if len(core) >= 6 else 1
    return _levenshtein(candidate[: len(core)], core) <= limit


def _agency_names(context: _Context) -> Iterator[Finding]:
    doc_terms = load_document_terms()
    terms = load_audit_terms()
    own_name = context.assessment.agency.name
    own_type, core = split_agency_name(own_name, doc_terms)
    spellings = _type_spellings(doc_terms)
    alternation = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    pattern = re.compile(rf"({alternation})\s?([{_THAI_LETTERS}][{_THAI_LETTERS}\-]*)?")
    foreign: dict[str, str] = {}  # core -> full name
    hits: list[tuple[str, str, TextUnit]] = []
    for unit in context.units:
        for match in pattern.finditer(unit.text):
            type_name, correct = spellings[match[1]]
            candidate = _trim_name(match[2] or "", terms.name_stop_words)
            generic = not candidate or any(candidate.startswith(w) for w in terms.name_stop_words)
            if not generic and _is_own(candidate, core):
                wrong_type = own_type is not None and type_name != own_type.name
                if not correct or wrong_type:
                    yield _misspelled_type(context, unit, match[1], own_type, own_name)
                continue
            if generic:
                continue
            hits.append((type_name, candidate, unit))
    cores = sorted({c for _, c, _ in hits}, key=len)
    for type_name, candidate, _ in hits:
        shortest = next((c for c in cores if candidate.startswith(c) and len(c) >= 3), candidate)
        foreign.setdefault(shortest, type_name + shortest)
    reported: set[tuple[str, Any]] = set()
    for unit in context.units:
        for name_core, full in foreign.items():
            if name_core in unit.text and (name_core, unit.pos.ref) not in reported:
                reported.add((name_core, unit.pos.ref))
                yield _finding(
                    "foreign_agency_name",
                    unit.pos,
                    f"another agency's name, {full}, in a document of {own_name}",
                    f"มีชื่อหน่วยงานอื่น ({full}) ในเอกสารของ{own_name}",
                )
    yield from _near_misses(context, core, own_name)


def _misspelled_type(
    context: _Context, unit: TextUnit, written: str, own_type: Any, own_name: str
) -> Finding:
    right = own_type.name if own_type is not None else own_name
    return _finding(
        "own_name_misspelled",
        unit.pos,
        f"the agency type is written {written} instead of {right}",
        f"ประเภทหน่วยงานเขียนเป็น {written} แทนที่จะเป็น {right}",
    )


def _near_misses(context: _Context, core: str, own_name: str) -> Iterator[Finding]:
    if len(core) < 4:
        return
    for unit in context.units:
        text = unit.text
        exact = [m.span() for m in re.finditer(re.escape(core), text)]
        found: dict[str, None] = {}
        last_end = -1
        for i in range(len(text)):
            if i < last_end or any(a - 1 <= i < b for a, b in exact):
                continue
            best = None
            for length in (len(core), len(core) - 1, len(core) + 1):
                window = text[i : i + length]
                if len(window) < length or window[:3] != core[:3]:
                    continue
                if any(i < b and a < i + length for a, b in exact):
                    continue
                if _levenshtein(window, core) == 1:
                    best = window
                    break
            if best is not None:
                found[best] = None
                last_end = i + len(best)
        for word in found:
            yield _finding(
                "own_name_misspelled",
                unit.pos,
                f"the agency's name is misspelled {word} (its name is {own_name})",
                f"ชื่อหน่วยงานสะกดผิดเป็น {word} (ชื่อที่ถูกคือ {own_name})",
            )


def _compact(text: str) -> tuple[str, list[int]]:
    """Return ``text`` without white space and the index in ``text`` of each kept character."""
    kept = [(i, c) for i, c in enumerate(text) if not c.isspace()]
    return "".join(c for _, c in kept), [i for i, _ in kept]


def _placeholder_spans(text: str, phrases: Sequence[str]) -> list[str]:
    """Return the placeholder texts in ``text`` (overlapping matches merged), as written."""
    compact, index = _compact(text)
    lowered = compact.lower()
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        key = "".join(phrase.split())
        haystack, needle = (lowered, key.lower()) if key.isascii() else (compact, key)
        start = haystack.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = haystack.find(needle, start + 1)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[index[a] : index[b - 1] + 1] for a, b in merged]


def _placeholders(context: _Context) -> Iterator[Finding]:
    terms = load_audit_terms()
    blank = re.compile(r"(?<!\S)[.…]{2,}(?!\S)")
    glued = re.compile(r"(?<=\S)[.…]{3,}|[.…]{3,}(?=\S)")
    for unit in context.units:
        text = unit.text
        for phrase in _placeholder_spans(text, terms.placeholders):
            yield _finding(
                "template_placeholder",
                unit.pos,
                f"a template placeholder is left unfilled: '{phrase}'",
                f"ข้อความแม่แบบยังไม่ได้กรอก: '{phrase}'",
            )
        for match in blank.finditer(text):
            dots = match[0].count(".") + 3 * match[0].count("…")
            if dots >= terms.blank_min_dots:
                yield _finding(
                    "template_placeholder",
                    unit.pos,
                    "a blank of the template is left unfilled (a row of dots)",
                    "ช่องว่างของแม่แบบยังไม่ได้กรอก (มีแต่จุดไข่ปลา)",
                )
                break
        if glued.search(text):
            yield _finding(
                "template_fill_dots",
                unit.pos,
                "the template's fill-in dots are left around the text ('...')",
                "ยังมีจุดไข่ปลาของแม่แบบ ('...') ติดอยู่กับข้อความ",
            )


def _table_numbers(context: _Context) -> set[Decimal]:
    numbers = {Decimal(100)}
    numbers |= set(context.assessment.scores.values())
    if context.assessment.claimed_total is not None:
        numbers.add(context.assessment.claimed_total)
    table = context.document.get("score_table") or {}
    for row in table.get("rows") or ():
        for role in ("score", "mean", "weighted"):
            value = _decimal(row.get(role)) if row.get(role) is not None else None
            if value is not None:
                numbers.add(value)
    total = _decimal((table.get("total") or {}).get("value", ""))
    if total is not None:
        numbers.add(total)
    return numbers


_PROSE_SCORE = re.compile(
    r"คะแนน(?:อยู่ที่|ที่ได้|รวม|เฉลี่ย)?\s*[.…]*\s*(\d{1,3}\.\d{1,2})"
    r"|(\d{1,3}\.\d{1,2})\s*[.…]*\s*คะแนน"
)
_YEAR = re.compile(r"(?<!\d)(2[45]\d\d)(?!\d)")


def _prose_claims(context: _Context) -> Iterator[Finding]:
    known = _table_numbers(context)
    total = context.assessment.claimed_total
    reference = context.assessment.claimed_rating or context.result.rating
    words = load_audit_terms().level_words
    labels = [b.label for b in context.framework.rating_bands]
    alternation = "|".join(re.escape(w) for w in sorted([*labels, *words], key=len, reverse=True))
    level = re.compile(rf"ระดับ\s*(?:ที่)?\s*({alternation})(?![A-Za-z{_THAI_LETTERS}])")
    for unit in context.units:
        if unit.in_table:
            continue
        text = to_arabic_digits(unit.text)
        years = {int(y) for y in _YEAR.findall(text)}
        if years and context.assessment.fiscal_year not in years:
            continue
        for match in _PROSE_SCORE.finditer(text):
            value = Decimal(match[1] or match[2])
            if value not in known:
                shown = total if total is not None else "its own total"
                yield _finding(
                    "prose_score_mismatch",
                    unit.pos,
                    f"the text quotes a score of {value} but the score table gives {shown}",
                    f"ข้อความระบุคะแนน {_th(value)} แต่ตารางคะแนนระบุ {_th(shown)}",
                )
        for match in level.finditer(unit.text):
            word = match[1]
            if word == reference or reference in words.get(word, ()):
                continue
            yield _finding(
                "prose_rating_mismatch",
                unit.pos,
                f"the text gives the level '{word}' but the score table's rating is {reference}",
                f"ข้อความระบุระดับ '{word}' แต่ผลการประเมินตามตารางคะแนนอยู่ในระดับ {reference}",
            )


def _unplaced(context: _Context) -> Iterator[Finding]:
    for text, pos, section in context.leftovers:
        short = text if len(text) <= 60 else text[:57] + "..."
        yield _finding(
            "unplaced_text",
            pos,
            f"text that fits no part of the {section} section: '{short}'",
            f"ข้อความที่ไม่เข้ากับส่วนใดของเอกสาร: '{short}'",
        )


# A Thai word repeated after a space: the first copy ends a space-free run of Thai text
# ("มาตรฐานไว้ ไว้"); it starts at a consonant or a leading vowel, not inside a syllable.
_SPACED_REPEAT = re.compile(
    r"(?<![\u0e40-\u0e44])([\u0e01-\u0e2e\u0e40-\u0e44][\u0e01-\u0e4e]+)\s+\1(?!\S)"
)
_GLUED_REPEAT = re.compile(
    r"([\u0e01-\u0e2e][\u0e01-\u0e4e]{3,})\1(?![\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])"
)


def _repeats(text: str) -> list[str]:
    found = [m[1] for m in _SPACED_REPEAT.finditer(text)]
    found += [m[1] for m in _GLUED_REPEAT.finditer(text)]
    return list(dict.fromkeys(found))


def _repeat_finding(word: str, pos: Position | None) -> Finding:
    return _finding(
        "duplicated_word",
        pos,
        f"'{word}' is written twice in a row",
        f"คำว่า '{word}' ซ้ำกันสองครั้งติดกัน",
    )


def _duplicated_words(context: _Context) -> Iterator[Finding]:
    for unit in context.units:
        for word in _repeats(unit.text):
            yield _repeat_finding(word, unit.pos)


def _data_texts(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    suggestions = data.get("suggestions") or {}
    if suggestions.get("summary"):
        yield suggestions["summary"], "suggestions.summary"
    for code, text in (suggestions.get("by_instrument") or {}).items():
        yield text, _field_path("suggestions", "by_instrument", code)
    for i, entry in enumerate(suggestions.get("by_item") or ()):
        yield entry.get("text", ""), _field_path("suggestions", "by_item", i, "text")
    for m, measure in enumerate(data.get("measures") or ()):
        for key in ("title", "owner"):
            if measure.get(key):
                yield measure[key], _field_path("measures", m, key)
        for key in ("steps", "monitoring"):
            for j, text in enumerate(measure.get(key) or ()):
                yield text, _field_path("measures", m, key, j)
    analysis = (data.get("document") or {}).get("analysis") or {}
    for r, row in enumerate(analysis.get("rows") or ()):
        for side in ("keep", "weak"):
            for j, text in enumerate(row.get(side) or ()):
                yield text, _field_path("document", "analysis", "rows", r, side, j)


def _duplicated_words_in_data(context: _Context) -> Iterator[Finding]:
    for text, path in _data_texts(context.data):
        for word in _repeats(str(text)):
            yield _repeat_finding(word, context.locate(path))
