"""OCR findings: figures read with low confidence, figures the document's arithmetic rejects."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ita_lib.documents.audit import audit_import
from ita_lib.documents.importer import import_parsed
from ita_lib.documents.layout import Cell, CellFragment, Table
from ita_lib.documents.ocr_rules import fitting_values
from ita_lib.documents.reading import parse_text

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "bueng-krachap-measures-2566.txt"


def _document(text: str, fmt: str):
    return replace(parse_text(text, source="scan.pdf"), format=fmt)


def _with_confidence(document, row: int, cell: int, conf: float):
    """Give one cell of the first table an OCR confidence, as the OCR reader does."""
    table = document.tables()[0]
    target = table.rows[row].cells[cell]
    fragment = target.fragments[0]
    paragraphs = tuple(replace(p, conf=conf) for p in fragment.paragraphs)
    cells = list(table.rows[row].cells)
    cells[cell] = Cell((CellFragment(paragraphs, fragment.pos), *target.fragments[1:]))
    rows = list(table.rows)
    rows[row] = replace(rows[row], cells=tuple(cells))
    blocks = tuple(replace(table, rows=tuple(rows)) if b is table else b for b in document.blocks)
    return replace(document, blocks=blocks)


def _ocr_findings(document):
    return [f for f in audit_import(import_parsed(document)) if f.rule.startswith("ocr_")]


def test_a_slip_any_indicator_could_explain_names_the_instrument_and_every_fit():
    text = SAMPLE.read_text(encoding="utf-8").replace("๙๔.๑๓", "๙๔.๑๘", 1)  # indicator 2
    (finding,) = _ocr_findings(_document(text, "scan"))
    assert finding.rule == "ocr_figure_mismatch"
    assert finding.line == 12  # the IIT mean's row: the reading alone cannot tell which
    assert "indicator 2 would fit 94.10–94.14" in finding.message
    assert "indicator 1 would fit 96.98–97.02" in finding.message


def test_a_misread_indicator_read_unsure_is_named_with_what_the_arithmetic_fits():
    text = SAMPLE.read_text(encoding="utf-8").replace("๙๔.๑๓", "๙๔.๑๘", 1)  # indicator 2
    document = _with_confidence(_document(text, "scan"), 1, 1, 60)
    findings = _ocr_findings(document)
    assert sorted(f.rule for f in findings) == ["ocr_figure_mismatch", "ocr_low_confidence"]
    findings = [f for f in findings if f.rule == "ocr_figure_mismatch"]
    (finding,) = findings
    assert finding.line == 13  # the row of indicator 2 in the text form
    assert "indicator 2 read as 94.18" in finding.message
    assert "94.10–94.14" in finding.message
    assert "ตัวชี้วัดที่ ๒" in finding.message_th


def test_a_nine_read_as_five_is_named_at_its_row():
    text = SAMPLE.read_text(encoding="utf-8").replace("๙๔.๑๓", "๕๔.๑๓", 1)  # ๙ read as ๕
    (finding,) = _ocr_findings(_document(text, "scan"))
    assert finding.rule == "ocr_figure_mismatch"
    assert finding.line == 13
    assert "indicator 2 read as 54.13" in finding.message
    assert "fit 94.10–94.14" in finding.message


def test_two_misread_indicators_name_the_instrument_row():
    text = SAMPLE.read_text(encoding="utf-8").replace("๙๔.๑๓", "๕๔.๑๓", 1)
    text = text.replace("๙๖.๘๕", "๕๖.๘๕", 1)
    (finding,) = _ocr_findings(_document(text, "scan"))
    assert finding.rule == "ocr_figure_mismatch"
    assert "IIT mean 95.50" in finding.message
    assert "indicators 1, 2, 3, 4, 5" in finding.message
    assert finding.line == 12  # the row that holds the IIT mean


def test_low_confidence_figure_is_a_finding_with_its_place():
    document = _with_confidence(_document(SAMPLE.read_text(encoding="utf-8"), "scan"), 1, 1, 55)
    findings = _ocr_findings(document)
    assert [f.rule for f in findings] == ["ocr_low_confidence"]
    assert findings[0].line == 13
    assert "94.13" in findings[0].message
    assert "55 of 100" in findings[0].message


def test_ocr_rules_leave_typed_documents_alone():
    text = SAMPLE.read_text(encoding="utf-8").replace("๙๔.๑๓", "๙๔.๑๘", 1)
    document = _with_confidence(_document(text, "text"), 1, 1, 10)
    assert _ocr_findings(document) == []
    assert isinstance(document.tables()[0], Table)


def test_fitting_values_hold_the_mean():
    others, mean = Decimal("383.38"), Decimal("95.50")
    values = fitting_values(Decimal("94.18"), others, 5, mean)
    assert Decimal("94.13") in values
    assert all(Decimal(str(round((others + v) / 5, 2))) == mean for v in values)
