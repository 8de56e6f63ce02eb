"""OCR findings: figures read with low confidence, figures the document's arithmetic rejects."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from ita_lib.documents.audit import audit_import
from ita_lib.documents.importer import import_parsed
from ita_lib.documents.layout import Cell, CellFragment, Table
from ita_lib.documents.ocr_rules import fitting_values
from ita_lib.documents.reading import parse_text
from ita_lib.exceptions import InputError

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


def _as_scanned(*changes: tuple[str, str]):
    """The sample with some of its text as OCR misreads it, read as a scan."""
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    return _document(text, "scan")


_MISREAD_TABLE = (
    ("ตัวชี้วัด\tคะแนน ITA", "wv av ' ตวชวด '\tคะนแนน ITA"),  # the bold header cell
    ("น้ำหนัก (ร้อยละ)", "นั้วหนัก . (ร้อยละ )"),
    ("ตัวชี้วัดที่ ๖ คุณภาพ", "ตัวชีวัดที๐ คุณภาพ"),  # ๖ read as ๐
    ("ตัวชี้วัดที่ ๗ ประสิทธิภาพ", "ตัวชีวัดทีซ ประสิทธิภาพ"),  # ๗ read as ซ
    ("ตัวชี้วัดที่ ๘ การปรับปรุงระบบ", "ตัวชีวัดที๕ การปรับปรุงระบบ"),  # ๘ read as ๕
)


def test_a_scanned_score_table_with_misread_header_and_labels_imports_like_the_text():
    typed = import_parsed(parse_text(SAMPLE.read_text(encoding="utf-8"))).data
    scanned = import_parsed(_as_scanned(*_MISREAD_TABLE)).data
    assert scanned["scores"] == typed["scores"]
    assert scanned["claimed_total"] == typed["claimed_total"]  # from the น้ำหนัก column
    assert (
        scanned["document"]["score_table"]["columns"] == typed["document"]["score_table"]["columns"]
    )


def test_misread_headers_are_matched_only_in_scans():
    document = replace(_as_scanned(*_MISREAD_TABLE), format="text")
    with pytest.raises(InputError, match="no score table"):  # as typed text it is none
        import_parsed(document)


def test_a_misread_year_in_a_scan_is_passed_over():
    heading = "จากผลการประเมิน ITA ในปีงบประมาณ พ.ศ. ๒๕๖๕"
    scanned = import_parsed(_as_scanned((heading, heading.replace("๒๕๖๕", "๒๕๒๕")))).data
    assert (scanned["fiscal_year"], scanned["measures_fiscal_year"]) == (2565, 2566)


def test_an_eit_item_read_with_a_zero_is_the_eit_item():
    scanned = import_parsed(_as_scanned(("ข้อ e๑๒", "ข้อ 0๑๒"))).data
    assert scanned["suggestions"]["by_item"][0]["item"] == "e12"


def test_unread_item_codes_and_measure_numbers_are_ocr_findings_at_their_place():
    document = _as_scanned(
        ("ข้อ e๑๔", "ข้อ eae ."),
        ("๑๘.\tมาตรการ NO Gift", "AB\tมาตรการ NO Gift"),
        ("๑๙.\tมาตรการปรับปรุง", "CD\tมาตรการปรับปรุง"),
        # and the next read as 25: the gap (17 to 25) is no two numbers' only: no doubt-free fix
        ("๒๐.\tมาตรการแสดงเจตนา", "๒๕.\tมาตรการแสดงเจตนา"),
    )
    result = import_parsed(document)
    assert "e14" not in [s["item"] for s in result.data["suggestions"]["by_item"]]
    assert not {18, 19} & {m["number"] for m in result.data["measures"]}
    unread = [f for f in _ocr_findings(document) if f.rule == "ocr_unread"]
    assert [f.line for f in unread] == [36, 136, 137]
    assert "item code" in unread[0].message
    assert "number of this measure" in unread[1].message
    assert "OCR อ่าน" in unread[1].message_th


def test_a_measure_number_its_neighbours_fix_is_put_right_and_reported():
    document = _as_scanned(("๑๘.\tมาตรการ NO Gift", "AB\tมาตรการ NO Gift"), ("๒๗.\t", "๒๖.\t"))
    result = import_parsed(document)
    numbers = [m["number"] for m in result.data["measures"]]
    assert numbers == list(range(1, 28))
    assert [m["title"] for m in result.data["measures"]] == [
        m["title"] for m in import_parsed(_as_scanned()).data["measures"]
    ]
    corrected = [f for f in _ocr_findings(document) if f.rule == "ocr_corrected"]
    assert [f.line for f in corrected] == [136, 160]
    assert "read the measure number here as AB" in corrected[0].message
    assert "imported as 18" in corrected[0].message
    assert "as 26." in corrected[1].message
    assert "imported as 27" in corrected[1].message
    assert [c["value"] for c in result.data["document"]["ocr_corrections"]] == ["18", "27"]
    findings = audit_import(result)
    assert "measure_numbering" not in {f.rule for f in findings}


def test_measure_numbers_of_a_text_document_are_never_put_right():
    text = SAMPLE.read_text(encoding="utf-8").replace("๒๗.\t", "๒๖.\t", 1)
    result = import_parsed(_document(text, "text"))
    assert not result.corrections
    assert "measure_numbering" in {f.rule for f in audit_import(result)}


def test_a_sub_indicator_heading_misread_is_put_right_by_its_name_and_reported():
    document = _as_scanned(
        ("ตัวชี้วัดย่อยที่ ๙.๒ การบริหารงาน", "ตัวชีวัดย่อยที ๓.๒ การบริหารงาน"),
        ("ตัวชี้วัดย่อยที่ ๙.๓ การบริหารเงินงบประมาณ", "ตัวซีวัดย่อยที่ ๙.๓ การบริหารงาน"),
    )
    groups = import_parsed(document).data["document"]["suggestion_groups"]
    assert [g["sub_indicator"] for g in groups if g["item"] in ("o11", "o20")] == ["9.2", "9.2"]
    findings = _ocr_findings(document)
    corrected = [f for f in findings if f.rule == "ocr_corrected"]
    assert len(corrected) == 2  # 3.2 is 9.2 by its name; 9.3 named การบริหารงาน is 9.2
    assert "sub-indicator here as 3.2" in corrected[0].message
    assert "as 9.2" in corrected[0].message
    assert "ตัวชี้วัดย่อย" in corrected[0].message_th
    doubtful = [f for f in findings if f.rule == "ocr_doubtful_item"]
    assert [f.line for f in doubtful] == [58]  # o20 now under 9.2: the code or the name is wrong


def test_a_sub_indicator_heading_run_into_the_paragraph_before_still_opens_its_group():
    before = "ข้อ 0๑๗ หน่วยงานต้องแสดงระบบจองคิวออนไลน์/การให้บริการดาวโหลดแบบฟอร์ม ไม่ใช่ E-Service"
    document = _as_scanned(
        (before, before + " ตัวชีวัดย่อยที ๙.๓ การบริหารเงินงบประมาณ"),
        ("ตัวชี้วัดย่อยที่ ๙.๓ การบริหารเงินงบประมาณ\n", "\n"),
    )
    groups = import_parsed(document).data["document"]["suggestion_groups"]
    assert [g["sub_indicator"] for g in groups if g["item"] in ("o17", "o20")] == ["9.2", "9.3"]


def test_an_item_code_under_another_heading_in_a_scan_is_doubtful():
    assert [f for f in _ocr_findings(_as_scanned()) if f.rule == "ocr_doubtful_item"] == []
    document = _as_scanned(("ข้อ 0๒๘", "ข้อ 0๕"))  # under 9.4; o5 belongs to 9.1
    (finding,) = [f for f in _ocr_findings(document) if f.rule == "ocr_doubtful_item"]
    assert finding.line == 62
    assert "o5" in finding.message
    assert "9.1" in finding.message


def test_a_section_heading_whose_marks_ocr_lost_still_opens_its_section():
    source = SAMPLE.parent / "documents" / "rim-nam-measures-2569.txt"
    heading = "ส่วนที่ 2 ข้อเสนอแนะจากสำนักงาน ป.ป.ช."
    text = source.read_text(encoding="utf-8").replace(heading, "ส่วนที2 ข้อเสนอแนะจากสำนักงาน ป.ป.ชซ.")
    scanned = import_parsed(_document(text, "scan")).data
    assert [s["item"] for s in scanned["suggestions"]["by_item"]] == ["o6", "o15", "o27"]
    typed = import_parsed(_document(text, "text")).data
    # as typed text the heading is none, but the short line under it (แบบวัด OIT ผู้ตรวจประเมิน
    # มีข้อเสนอแนะ...) heads the suggestions as an unnumbered heading does
    assert [s["item"] for s in typed["suggestions"]["by_item"]] == ["o6", "o15", "o27"]


def test_an_analysis_code_its_name_shows_misread_is_put_right_only_in_a_scan():
    written = "<p>0๑๕ ข้อมูลเชิงสถิติการให้บริการ</p>"
    document = _as_scanned((written, "<p>0๑ ข้อมูลเชิงสถิติการให้บริการ</p>"))
    result = import_parsed(document)
    keep = result.data["document"]["analysis"]["rows"]
    assert any("o15" in row["keep_items"] for row in keep)
    (corrected,) = [
        c for c in result.data["document"]["ocr_corrections"] if c["what"] == "item code"
    ]
    assert (corrected["read"], corrected["value"]) == ("0๑", "o15")
    rules = {f.rule for f in audit_import(result)}
    assert "ocr_corrected" in rules
    assert "item_name_mismatch" not in rules
    typed = replace(document, format="text")
    assert "item_name_mismatch" in {f.rule for f in audit_import(import_parsed(typed))}


def test_a_level_ocr_misread_is_the_one_level_of_its_consonants_and_reported():
    text = (SAMPLE.parent / "documents" / "nong-bua-measures-2569.txt").read_text(encoding="utf-8")
    text = text.replace("ระดับผลการประเมิน\tผ่าน\t", "ระดับผลการประเมิน\tผาน\t", 1)
    scanned = import_parsed(_document(text, "scan"))
    assert scanned.data["claimed_rating"] == "ผ่าน"
    (correction,) = scanned.data["document"]["ocr_corrections"]
    assert (correction["what"], correction["read"], correction["value"]) == ("level", "ผาน", "ผ่าน")
    assert "ocr_corrected" in {f.rule for f in audit_import(scanned)}
    typed = import_parsed(_document(text, "text"))  # a text document is never put right
    assert not typed.corrections
    assert typed.data["claimed_rating"] == "ผ่านดี"  # the prose's level, the table's unread
