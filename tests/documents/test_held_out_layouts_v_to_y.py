"""Layouts met in the held-out documents V to Y (see the fixtures' READMEs for their first
contact): a total row labelled with the assessment's result, and the prose of a scan whose
total OCR misread inside."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ita_lib.documents.extract_front import find_prose_total
from ita_lib.documents.extraction import Collector
from ita_lib.documents.reading import parse_text
from ita_lib.documents.sections import read_layout
from ita_lib.documents.table_reading import read_tables
from ita_lib.documents.terms import load_document_terms
from ita_lib.model.framework_files import load_framework

TERMS = load_document_terms()


def _layout(text: str, *, scan: bool = False):
    document = parse_text(text)
    return read_layout(replace(document, format="scan") if scan else document, TERMS)


_RESULTS = (
    "ส่วนที่ ๑ ผลการประเมิน\n\n"
    "แบบวัด\tคะแนนที่ได้\tน้ำหนัก\tคะแนนถ่วงน้ำหนัก\n"
    "การรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)\t91.61\tร้อยละ 30\t27.48\n"
    "การรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)\t83.85\tร้อยละ 30\t25.16\n"
    "การเปิดเผยข้อมูลสาธารณะ (OIT)\t86.25\tร้อยละ 40\t34.50\n"
    "คะแนนผลการประเมิน ITA\t87.14 (ผ่าน)\t\t\n"
)


def test_a_row_labelled_with_the_assessments_score_is_the_total():
    """``คะแนนผลการประเมิน ITA | 87.14 (ผ่าน)``: the agency's ITA score."""
    for scan in (False, True):
        build = Collector("doc.txt", TERMS, ocr=scan)
        tables = read_tables(_layout(_RESULTS, scan=scan), load_framework(2569), build)
        assert tables.total["value_dec"] == Decimal("87.14")


def test_a_figure_ocr_misread_inside_and_a_bar_are_no_total_in_prose():
    garbled = "ส่วนที่ ๑ ผลการประเมิน\n\nกรมได้คะแนนรวม ๕๓ฒ.๑๔ คะแนน ผลการประเมิน “ผ่าน”\n"
    assert find_prose_total(_layout(garbled, scan=True)) is None  # not 53
    bars = (
        "ส่วนที่ ๑ ผลการประเมิน\n\n"
        "ผลการประเมิน “ผ่าน” เนื่องจากคะแนนรวมไม่ต่ำกว่า ๘๕ คะแนน แต่คะแนนแบบวัด EIT ต่ำกว่า ๘๕ คะแนน\n"
    )
    assert find_prose_total(_layout(bars)) is None  # 85 is the bar, not the total
    stated = "ส่วนที่ ๑ ผลการประเมิน\n\nได้คะแนนรวม ๘๗.๑๔ คะแนน ไม่ต่ำกว่าเกณฑ์ ๘๕ คะแนน\n"
    assert find_prose_total(_layout(stated))[0] == Decimal("87.14")
    compared = "ส่วนที่ ๑ ผลการประเมิน\n\nปีนี้ได้คะแนนสูงกว่าปีที่แล้ว คือ ๙๒.๔๕ คะแนน\n"
    assert find_prose_total(_layout(compared))[0] == Decimal("92.45")  # กว่า earlier: no bar


_MEASURES = [
    "มาตรการที่๓ จัดทำและเผยแพร่รายงานสรุปผลการจัดซื้อจัดจ้างประจำปี",
    "วิธีการดำเนินการ",
    "๓.๑ สรุปผลการจัดซื้อจัดจ้างประจำปี",
    "ระยะเวลาดำเนินการ : ต.ค. ๖๙ - พ.ย. ๖๙ ผู้รับผิดชอบ : กองคลัง",
    "มาตรการที ๕กำกับติดตามการดำเนินการตามแผนบริหารจัดการความเสี่ยงการทุจริต",  # ๔ misread
    "วิธีการดำเนินการ",
    "๔.๑ แต่งตั้งคณะทำงานประเมินความเสี่ยงการทุจริต",
    "๔.๒ ติดตามผลการดำเนินการตามแผนรายไตรมาส",
    "๕,๓ เผยแพร่รายงานผลบนเว็บไซต์ของหน่วยงาน",  # ๔.๓ misread
    "ระยะเวลาดำเนินการ: ต.ค. ๖๙ - ก.ย. ๗๐ ผู้รับผิดชอบ : สำนักปลัด มาตรการที่๕ยกระดับการสื่อสาร",
    "วิธีการดำเนินการ",
    "๕.๑ เผยแพร่ข้อมูลโครงการผ่านเพจ",
]


def test_a_scanned_measure_whose_steps_give_its_number_lets_the_next_one_start():
    """Measure ๔ read ``๕``: its steps, ``๔.๑``, ``๔.๒``, say it is the fourth, so the real
    ``มาตรการที่๕``, run into the line before it, starts the fifth (the fourth is put right)."""
    from ita_lib.documents.extract_measure_paragraphs import read_measure_paragraphs
    from ita_lib.documents.layout import Paragraph, Position
    from ita_lib.documents.ocr_repair import repair_measure_numbers

    paragraphs = [Paragraph(t, Position(page=6, line=n)) for n, t in enumerate(_MEASURES, 1)]
    build = Collector("s", TERMS, ocr=True)
    measures, written = read_measure_paragraphs(paragraphs, build, load_framework(2569))
    assert [m["number"] for m in measures] == [3, 5, 5]
    assert measures[2]["title"].startswith("ยกระดับการสื่อสาร")
    repair_measure_numbers(measures, written, build)
    assert [m["number"] for m in measures] == [3, 4, 5]
    assert [(c.read, c.value) for c in build.corrections] == [("5", "4")]
