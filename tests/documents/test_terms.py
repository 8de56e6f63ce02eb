"""The importer's catalogue: table headers matched as written and, for scans, by consonants."""

from ita_lib.documents.extraction import indicator_of
from ita_lib.documents.layout import Cell, CellFragment, Paragraph, Position, Row, Table
from ita_lib.documents.terms import (
    classify_header,
    classify_table,
    headers_alike,
    load_document_terms,
    near_in,
)
from ita_lib.model.framework_files import load_framework

TERMS = load_document_terms()
SCANNED = ("wv av ' ตวชวด '", "คะนแนน ITA", "คะแนนที่ได้ (๐๐๐ ALU น)", "นั้วหนัก . (ร้อยละ )",
           "คะแนนถ่วงนำหนัก")  # fmt: skip


def _table(header):
    pos = Position(line=1)
    cells = tuple(Cell((CellFragment((Paragraph(t, pos),), pos),)) for t in header)
    return Table(header=cells, rows=(Row(cells, pos),), pos=pos)


def test_a_scanned_score_header_is_classified_only_when_tolerant():
    kind, roles = classify_header(SCANNED, TERMS, tolerant=True)
    assert kind == "score"
    assert roles == {"indicator": 0, "score": 1, "mean": 2, "weight": 3, "weighted": 4}
    assert classify_header(SCANNED, TERMS) == (None, {})


def test_a_short_header_word_read_with_one_consonant_wrong_is_still_its_column():
    """``คะแนน`` has three consonants: as a whole cell, one of them may be misread (``กะแนน``);
    a cell of fewer or other consonants is no score column."""
    header = ("a ay ตวชวด", "กะแนน", "a a เครองมอ")
    assert classify_header(header, TERMS, tolerant=True) == (
        "score",
        {"indicator": 0, "score": 1, "instrument": 2},
    )
    assert classify_header(header, TERMS) == (None, {})
    for cell in ("คน", "กะแนนรวม", "กะแกน"):  # too short, more than the word, two misread
        assert classify_header(("ตัวชี้วัด", cell), TERMS, tolerant=True)[0] is None


def test_classify_table_reads_the_header_row():
    assert classify_table(_table(SCANNED), TERMS, tolerant=True)[0] == "score"


def test_near_in_allows_one_consonant_misread():
    assert near_in("นหนก", "นวหนกรอยล")
    assert near_in("ลดบ", "สดบ")
    assert not near_in("ถวงนหนก", "นวหนกรอยล")


def test_a_repeated_header_read_differently_is_alike():
    first = ("ลำดับ", "มาตรการ/แนวทาง", "วิธีดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ")
    again = ("สำดับ", "มาตรการ/แนวทาง", "วิธีดำเนินการ ก _", "ผู้รับผิตซอบ", "ระยะเ วลาดๆเนิน 0] nis")
    assert headers_alike(first, again)
    assert not headers_alike(first, again[:4])
    assert not headers_alike(first, ("๑.", "มาตรการ NO Gift Policy", "๑) ผู้บริหาร", "อบต.", "ต.ค."))


def test_in_a_scan_the_indicator_name_wins_over_a_misread_digit():
    framework = load_framework(2565)
    assert indicator_of("ตัวชีวัดที๐ คุณภาพการดำเนินงาน |", framework, ocr=True) == 6
    assert indicator_of("ตัวชี้วัดที่ ๕ การปรับปรุงระบบการทำงาน", framework, ocr=True) == 8
    assert indicator_of("ตัวชี้วัดที่ ๕ การปรับปรุงระบบการทำงาน", framework) == 5  # typed text
    assert indicator_of("ตวชวดท๙การเปดเผยข้อมูล", framework, ocr=True) == 9  # by consonants
    assert indicator_of("ตัวชีวัดที ๑๐ การปอกนการทจรต", framework, ocr=True) == 10  # alike
    assert indicator_of("ตัวชี้วัดที่ ๓ ??", framework, ocr=True) == 3  # no name: the digit
