"""Import an agency's measures document (text or .docx) as assessment data.

:func:`import_document` reads a document with :mod:`ita_lib.documents.reading` and extracts, in
the shape of ``docs/assessment-format.md``:

- the agency's name and type (from the title, else the first section heading), the assessment
  year and the measures' fiscal year;
- the score table, wherever its columns are (they are told apart by their headers, see
  ``ita_lib/data/document_terms.yaml``): the ten indicator scores, and, as written, the
  instrument means, weights, weighted scores, the claimed total and the rating;
- NACC's suggestions: the summary, the paragraph per instrument, and each item's suggestion
  with its code normalised (``0๑๑`` -> ``o11``), grouped under the indicator and
  sub-indicator headings it is written under;
- the agency's own analysis table: per row, what to keep and what is weak, with the item codes
  and indicators each side names;
- the measures: number, title, steps as a list, owner, period, monitoring as a list.

The assessment data is a plain dict that
:func:`ita_lib.model.assessment_file.parse_assessment` accepts; what the format has no field for
(the score table as written, the analysis table, where each suggestion was grouped, the section
texts, the page furniture and the text that fit no section) is kept under the optional
top-level ``document:`` key. Nothing is dropped: text that fits no
section is a :class:`Leftover`, reported and written out.

This module assembles and checks what the extractors find: :mod:`~ita_lib.documents.sections`
sorts the blocks into sections (with :mod:`~ita_lib.documents.terms`, the catalogue), and the
``extract_*`` modules read each part. :mod:`~ita_lib.documents.writer` writes the result
(:func:`write_assessment_yaml`, re-exported here).

All extraction is pure; :func:`import_document` and :func:`write_assessment_yaml` are the I/O
edges. Errors are :class:`ita_lib.exceptions.InputError` naming the file, the line (or table
cell) and what was expected.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ita_lib.documents.completeness import check_complete, check_kind
from ita_lib.documents.extract_front import (
    find_agency_name,
    find_claimed_rating,
    find_fiscal_years,
    find_prose_total,
)
from ita_lib.documents.extract_suggestions import read_suggestions
from ita_lib.documents.extraction import Collector, Correction, Leftover, step_number
from ita_lib.documents.layout import OCR_FORMATS, Document, Paragraph, Position
from ita_lib.documents.ocr_repair import repair_measure_numbers
from ita_lib.documents.reading import read_document
from ita_lib.documents.sections import Layout, read_layout, title_text
from ita_lib.documents.table_reading import Tables, read_tables
from ita_lib.documents.terms import (
    AgencyType,
    DocumentTerms,
    load_document_terms,
    split_agency_name,
)
from ita_lib.documents.writer import dump_assessment_yaml, write_assessment_yaml
from ita_lib.exceptions import InputError, UnknownFiscalYearError
from ita_lib.model.assessment_file import parse_assessment
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import available_fiscal_years, load_framework
from ita_lib.model.structures import freeze, thaw

__all__ = [
    "AgencyType",
    "DocumentTerms",
    "ImportResult",
    "Leftover",
    "dump_assessment_yaml",
    "import_document",
    "import_parsed",
    "load_document_terms",
    "split_agency_name",
    "step_number",
    "write_assessment_yaml",
]


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_document` read from a document.

    Attributes
    ----------
    source
        The document's file name.
    document
        The document as read (paragraphs and tables with positions).
    leftovers
        Text that fit no section, in document order.
    positions
        Where each extracted field came from, keyed by its path in :attr:`data`
        (``"measures[6].monitoring[1]"``, ``"scores.ind9"``).
    missing
        Required fields the document does not give (``scores.ind1`` ... ``scores.ind10`` when
        its score table lists only the instrument scores); :attr:`data` then has no
        ``scores`` and cannot be written as an assessment file until they are added.
    corrections
        Fields of a scan OCR misread that the document or the framework put right (the audit
        reports each, ``ocr_corrected``).
    """

    source: str
    document: Document
    frozen_data: Mapping[str, Any] = field(repr=False)
    leftovers: tuple[Leftover, ...] = ()
    positions: Mapping[str, Position] = field(default_factory=lambda: MappingProxyType({}))
    missing: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether the data is a whole assessment (False when the indicator scores are missing)."""
        return not self.missing

    @property
    def data(self) -> dict[str, Any]:
        """Return the assessment data: a fresh plain dict (see docs/assessment-format.md)."""
        return thaw(self.frozen_data)

    @property
    def score_table(self) -> Mapping[str, Any] | None:
        """Return the score table as written (``document.score_table``), if there is one."""
        return self.frozen_data.get("document", {}).get("score_table")

    @property
    def analysis(self) -> Mapping[str, Any] | None:
        """Return the agency's analysis table (``document.analysis``), if there is one."""
        return self.frozen_data.get("document", {}).get("analysis")

    def require_complete(self) -> None:
        """Raise InputError when the data cannot be an assessment file (indicator scores missing).

        The message gives the instrument scores and total that were read, so that nothing read
        is lost from view; :func:`ita_lib.documents.audit.audit` still audits such an import.
        """
        if self.complete:
            return
        table = self.score_table or {}
        written = [
            f"{r['instrument']} {r['mean']}"
            for r in table.get("rows") or ()
            if r.get("instrument") and r.get("mean")
        ]
        total = (table.get("total") or {}).get("value")
        found = ", ".join(written) + (f", total {total}" if total else "")
        raise InputError(
            "the score table gives only the instrument scores, not the ten indicator scores",
            source=self.source,
            location=f"the score table (line {table.get('line')})",
            expected="ตัวชี้วัดที่ 1 to 10 with their scores, to write an assessment file "
            "(ita audit reads the document as it is)",
            found=found,
        )

    def leftover_summary(self) -> str:
        """Return a one-line summary of the leftovers, for the command line."""
        if not self.leftovers:
            return "all text was placed in a section"
        where = ", ".join(str(x.pos) for x in self.leftovers[:5])
        more = ", ..." if len(self.leftovers) > 5 else ""
        count = len(self.leftovers)
        noun = "piece of text" if count == 1 else "pieces of text"
        return f"{count} {noun} fit no section ({where}{more}); kept under document.leftovers"


_MISSING_NOTE = (
    "The score table gives only the instrument scores (IIT, EIT, OIT) and the total: the ten "
    "indicator scores (scores.ind1 to scores.ind10) are missing. The instrument scores are kept "
    "under document.score_table; add the indicator scores from NACC's result to score the file."
)


# -- Measure numbers ---------------------------------------------------------------------------


def _unique_numbers(
    measures: list[dict[str, Any]], rows: list[dict[str, Any]], notes: list[str], build: Collector
) -> None:
    """Give a measure whose number is used twice the next free number, and say so in the notes.

    In a scan, the numbers OCR misread are first put right where their neighbours tell them
    (:func:`~ita_lib.documents.ocr_repair.repair_measure_numbers`, each one reported).
    """
    if build.ocr:
        repair_measure_numbers(measures, rows, build)
    seen: set[int] = set()
    highest = max((m["number"] for m in measures), default=0)
    for measure in measures:
        if measure["number"] in seen:
            highest += 1
            notes.append(
                f"Measure number {measure['number']} is used twice in the document; the second "
                f'one ("{measure["title"][:40]}") is stored as number {highest}.'
            )
            measure["number"] = highest
        seen.add(measure["number"])


# -- Checks --------------------------------------------------------------------------------------


def _framework_for(fiscal_year: int, where: Position | None, source: str) -> Framework:
    try:
        return load_framework(fiscal_year)
    except UnknownFiscalYearError as exc:
        raise UnknownFiscalYearError(
            "no framework data for the assessment year",
            source=source,
            location=str(where) if where else None,
            expected=exc.expected,
            found=fiscal_year,
        ) from None


def _validate(data: Mapping[str, Any], source: str, missing: Sequence[str] = ()) -> None:
    """Check that the extracted data loads; report a problem against the document.

    When the indicator scores are missing, the rest is checked with the scores set aside.
    """
    checked = copy.deepcopy(dict(data))
    if missing:
        checked["scores"] = {f"ind{n}": 0 for n in range(1, 11)}
    try:
        parse_assessment(checked, source=source)
    except InputError as exc:
        raise InputError(
            f"the data read from the document is not valid: {exc.message}",
            source=source,
            location=exc.location,
            expected=exc.expected,
            found=exc.found,
        ) from None


# -- Putting it together -------------------------------------------------------------------------


def import_document(path: str | Path) -> ImportResult:
    """Read a measures document (.docx or text) and extract its assessment data.

    Parameters
    ----------
    path
        The document.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        When the file cannot be read, is empty, binary or not a measures document, or a
        required part is missing (see :func:`import_parsed`).
    """
    return import_parsed(read_document(path))


def import_parsed(document: Document) -> ImportResult:
    """Extract assessment data from an already read :class:`~ita_lib.documents.layout.Document`.

    Parameters
    ----------
    document
        The document, from :func:`ita_lib.documents.reading.read_document` or ``parse_text``.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        When the document is not a measures document, or a required part (agency name,
        assessment year, the ten indicator scores, the measures table) is missing.
    """
    terms = load_document_terms()
    source = document.source
    build = Collector(source, terms, document.format in OCR_FORMATS, document.ocr_pages)
    layout = read_layout(document, terms)
    check_kind(layout, source)
    agency, agency_pos = _find_agency(layout, terms, source, ocr=build.ocr)
    build.at(agency_pos, "agency", "name")
    known = available_fiscal_years() if build.ocr else None
    fiscal_year, measures_fy, fy_pos, notes = find_fiscal_years(layout, source, known)
    build.at(fy_pos, "fiscal_year")
    framework = _framework_for(fiscal_year, fy_pos, source)
    tables = read_tables(layout, framework, build)
    missing = check_complete(
        tables.score_table, tables.scores, tables.measures, framework, layout, document
    )
    _unique_numbers(tables.measures, tables.measure_rows, notes, build)
    suggestions, groups, failed = read_suggestions(layout.suggestions, framework, build)
    failed = failed if failed is not None else tables.failed_items  # a table of verdicts
    data = _assessment_data(
        _agency_data(agency, terms),
        (fiscal_year, measures_fy),
        tables,
        _claims(tables, layout, framework, build),
        suggestions,
        failed,
    )
    leftovers = _leftovers(layout, build)
    data["source"] = _source_section(layout, agency, [*document.notes, *notes], leftovers, source)
    data["document"] = _document_section(document, layout, tables, groups, leftovers, build)
    if missing:
        data["source"]["notes"].append(_MISSING_NOTE)
        data["document"]["missing"] = list(missing)
    _validate(data, source, missing)
    return ImportResult(
        source=source,
        document=document,
        frozen_data=freeze(data),
        leftovers=leftovers,
        positions=MappingProxyType(dict(sorted(build.positions.items()))),
        missing=missing,
        corrections=tuple(build.corrections),
    )


def _find_agency(
    layout: Layout, terms: DocumentTerms, source: str, *, ocr: bool
) -> tuple[str, Position]:
    """Return the agency's name and where it is written; raise when there is none."""
    agency = find_agency_name(layout, terms, ocr=ocr)
    if agency is None:
        raise InputError(
            "cannot find the agency's name",
            source=source,
            location="title",
            expected="a title such as 'มาตรการ... ของ องค์การบริหารส่วนตำบล...'",
        )
    return agency


def _assessment_data(
    agency: dict[str, Any],
    years: tuple[int, int | None],
    tables: Tables,
    claims: Mapping[str, Any],
    suggestions: dict[str, Any],
    failed: list[str] | None,
) -> dict[str, Any]:
    """Return the assessment data up to the measures (see docs/assessment-format.md)."""
    fiscal_year, measures_fy = years
    data: dict[str, Any] = {
        "schema_version": 1,
        "agency": agency,
        "fiscal_year": fiscal_year,
    }
    if measures_fy is not None:
        data["measures_fiscal_year"] = measures_fy
    if tables.scores:  # all ten, or none when the table gives only instrument scores
        data["scores"] = {f"ind{n}": tables.scores[n] for n in range(1, 11)}
    data.update(claims)
    if failed is not None:
        data["oit"] = {"failed_items": failed}
    if suggestions:
        data["suggestions"] = suggestions
    data["measures"] = tables.measures
    return data


def _leftovers(layout: Layout, build: Collector) -> tuple[Leftover, ...]:
    """Return every leftover in document order, with the prose found after a section's table."""
    for section, paragraph, after_table in layout.prose:
        if after_table:
            build.leftover(paragraph.text, paragraph.pos, section, "after the section's table")
    return tuple(sorted(build.leftovers, key=lambda x: x.pos.sort_key()))


def _source_section(
    layout: Layout, agency: str, notes: list[str], leftovers: Sequence[Leftover], source: str
) -> dict[str, Any]:
    """Return the ``source:`` section: the document's title and the import's notes."""
    notes[:0] = [f"Imported from {Path(source).name} by ita import."]
    if leftovers:
        notes.append(
            f"{len(leftovers)} piece(s) of text fit no section; they are kept under "
            "document.leftovers."
        )
    return {"document": title_text(layout.front) or agency, "notes": notes}


def _agency_data(name: str, terms: DocumentTerms) -> dict[str, Any]:
    kind, core = split_agency_name(name, terms)
    out: dict[str, Any] = {"name": name}
    if kind is not None and core:
        out["short_name"] = f"{kind.short}{core}" if kind.short else name
        out["type"] = kind.name
    return out


def _claims(
    tables: Tables, layout: Layout, framework: Framework, build: Collector
) -> dict[str, Any]:
    """Return ``claimed_total`` and ``claimed_rating`` as the document writes them."""
    out: dict[str, Any] = {}
    total = tables.total or {}
    if "value_dec" in total:
        out["claimed_total"] = total["value_dec"]
    elif (prose_total := find_prose_total(layout)) is not None:
        out["claimed_total"] = prose_total[0]
        build.at(prose_total[1], "claimed_total")
    rating = find_claimed_rating(layout, framework)
    if total.get("rating"):
        out["claimed_rating"] = total["rating"]
        build.at(total.get("rating_pos", total["pos"]), "claimed_rating")
    elif rating is not None:
        out["claimed_rating"] = rating[0]
        build.at(rating[1], "claimed_rating")
    if rating is not None and tables.score_table is not None:
        tables.score_table["rating"] = {"value": rating[0], "line": rating[1].ref}
    return out


def _section_entry(section: str, paragraph: Paragraph) -> dict[str, Any]:
    """Return where a section's text is: its line (and page, for PDFs and scans) and text."""
    entry: dict[str, Any] = {"section": section, "line": paragraph.pos.ref}
    if paragraph.pos.page is not None:
        entry["page"] = paragraph.pos.page
    entry["text"] = paragraph.text
    return entry


def _document_section(
    document: Document,
    layout: Layout,
    tables: Tables,
    groups: list[dict[str, Any]],
    leftovers: Sequence[Leftover],
    build: Collector,
) -> dict[str, Any]:
    section_texts = [(s, p) for s, p in layout.headings]
    section_texts += [(s, p) for s, p, after in layout.prose if not after]
    section_texts.sort(key=lambda sp: sp[1].pos.sort_key())
    out: dict[str, Any] = {
        "file": Path(document.source).name,
        "format": document.format,
        "title": title_text(layout.front),
        "sections": [_section_entry(s, p) for s, p in section_texts],
        "score_table": tables.score_table,
    }
    if groups:
        out["suggestion_groups"] = groups
    if tables.failed_items is not None and tables.failed_items_at is not None:
        out["failed_items_table"] = {
            "line": tables.failed_items_at.ref,
            "items": list(tables.failed_items),
        }
    if tables.analysis is not None:
        out["analysis"] = tables.analysis
    out["measures"] = tables.measure_rows
    if document.furniture:
        out["page_furniture"] = [{"line": p.pos.ref, "text": p.text} for p in document.furniture]
    out["leftovers"] = [x.to_dict() for x in leftovers]
    if build.corrections:
        out["ocr_corrections"] = [c.to_dict() for c in build.corrections]
    return out
