"""Reading rules the held-out documents of a fourth session needed (issue 12): a town
municipality whose total is only in prose, an educational service area office whose plan is on
landscape pages (scanned sideways), a sub-district organisation with remarks after its scores,
and tables of the items that scored nothing (tests/data/documents/libreoffice)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pdf_fixtures import FONTS, pdf_to_scan
from PIL import Image, ImageDraw, ImageFont

from ita_lib.documents.audit import audit
from ita_lib.documents.extract_analysis import codes_in
from ita_lib.documents.extract_front import (
    find_agency_name,
    find_claimed_rating,
    find_fiscal_years,
    find_prose_total,
)
from ita_lib.documents.extraction import Collector, cell_number, figure_remark, indicator_of
from ita_lib.documents.importer import import_document, import_parsed
from ita_lib.documents.page_layout import Page, Word, read_pages
from ita_lib.documents.reading import parse_text
from ita_lib.documents.sections import read_layout
from ita_lib.documents.table_reading import read_tables
from ita_lib.documents.terms import classify_header, load_document_terms
from ita_lib.model.framework_files import load_framework

TERMS = load_document_terms()
DOCUMENTS = Path(__file__).resolve().parents[1] / "data" / "documents"
LIBREOFFICE = DOCUMENTS / "libreoffice"
HAS_TESSERACT = shutil.which("tesseract") is not None


def _layout(text: str, *, scan: bool = False):
    document = parse_text(text)
    return read_layout(replace(document, format="scan") if scan else document, TERMS)


def _tables(text: str, year: int = 2569, *, scan: bool = False):
    build = Collector("doc.txt", TERMS, ocr=scan)
    return read_tables(_layout(text, scan=scan), load_framework(year), build), build


# -- An announcement before the results ---------------------------------------------------------


ANNOUNCEMENT = (
    "ประกาศสถานีตำรวจภูธรตัวอย่าง\n\n"
    "ตามที่สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ (สำนักงาน ป.ป.ช.) ได้ประเมิน"
    "คุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ และแจ้งผลการประเมินพร้อมข้อเสนอแนะ"
    "ให้หน่วยงานทราบแล้ว นั้น\n\n"
    "ส่วนที่ ๑ บทนำ\n\n"
    "ได้คะแนนรวม 87.39 คะแนน ผลการประเมินอยู่ในระดับผ่าน (คะแนนรวมเกินร้อยละ ๘๕)\n"
)


@pytest.mark.parametrize("scan", [False, True])
def test_an_announcements_preamble_naming_nacc_s_suggestions_does_not_open_them(scan):
    # OCR ran the results heading into the paragraph before it: nothing comes to undo a
    # suggestions section the preamble opened, and the level would be looked for nowhere
    layout = _layout(ANNOUNCEMENT, scan=scan)
    assert [s for s, _ in layout.headings] == []
    assert layout.suggestions == ()
    assert find_claimed_rating(layout, load_framework(2568))[0] == "ผ่าน"


def test_a_suggestions_intro_that_is_no_preamble_still_opens_them():
    layout = _layout(
        "๑. ผลการประเมิน\n\nได้คะแนน ๘๗.๓๙ คะแนน\n\n"
        "ทั้งนี้ สำนักงาน ป.ป.ช. ได้ให้ข้อเสนอแนะเพิ่มเติม ดังนี้\n\nข้อ O๑๐ ควรแสดงระบบ\n"
    )
    assert [s for s, _ in layout.headings] == ["results", "suggestions"]


# -- Tables of the items that scored nothing ----------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["ตัวชี้วัดย่อย", "จำนวนข้อ", "ข้อที่ไม่ได้คะแนน", "คะแนน"],
        ["ตัวชี้วัดย่อย", "ข้อ", "ผ่าน (ข้อ)", "ไม่ผ่าน", "คะแนน"],
        ["ตัวชี้วัดย่อย", "จำนวนข้อ", "ไม่ผ่าน", "ร้อยละ"],
    ],
)
def test_a_table_of_sub_indicators_listing_the_failed_items_is_of_its_own_kind(header):
    kind, roles = classify_header(header, TERMS)
    assert kind == "failed_items"
    assert header[roles["failed"]] in ("ข้อที่ไม่ได้คะแนน", "ไม่ผ่าน")


def test_a_column_counting_the_failed_items_lists_none():
    counts = "ผลการประเมิน\n\nตัวชี้วัดย่อย\tข้อ\tผ่าน\tไม่ผ่าน\tคะแนน\n๙.๑ ข้อมูลพื้นฐาน\tO1 – O4\t3\t1\t75.00\n"
    [(kind, _, roles)] = _layout(counts).tables
    assert (kind, roles) == (None, {})


def test_in_a_scan_the_column_that_lists_the_failed_items_wins_over_a_near_header():
    # OCR's tolerant match takes "ผ่าน (ข้อ)" for "ไม่ผ่าน"; its counts give way
    text = (
        "ผลการประเมิน\n\nตัวชีวัดย่อย\tข้อ\tผ่าน (ข้อ)\tไม่ผ่าน\tคะแนน\n"
        "9.1ข้อมูลพืนฐาน\t01.04\t3\t03\t75.00\n9.3 การจัดซื้อ\t012.013\t2\t\t100.00\n"
    )
    [(kind, _, roles)] = _layout(text, scan=True).tables
    assert (kind, roles["failed"]) == ("failed_items", 3)


def test_a_suggestions_table_headed_by_the_failed_items_is_still_suggestions():
    kind, roles = classify_header(["ข้อที่ไม่ได้คะแนน", "ข้อเสนอแนะ"], TERMS)
    assert (kind, roles) == ("suggestions", {"item": 0, "suggestion": 1})


def test_a_score_table_with_a_column_of_failed_items_reads_its_scores_and_items():
    kind, roles = classify_header(["ตัวชี้วัด", "ข้อที่ไม่ได้คะแนน", "คะแนน"], TERMS)
    assert kind == "score"
    assert (roles["failed"], roles["score"]) == (1, 2)


FAILED_TABLE = (
    "ผลการประเมิน\n\n"
    "ตัวชี้วัดย่อย\tจำนวนข้อ\tข้อที่ไม่ได้คะแนน\tคะแนน\n"
    "๙.๑ ข้อมูลพื้นฐาน\t๔\t-\t๑๐๐.๐๐\n"
    "๙.๒ การบริหารงาน\t๖\to ๖\t๘๓.๓๓\n"
    "๙.๔ การบริหารและพัฒนาทรัพยากรบุคคล\t๓\tO14, O15\t๓๓.๓๓\n"
)


def test_the_failed_items_a_table_lists_are_read_with_their_place():
    tables, build = _tables(FAILED_TABLE)
    assert tables.failed_items == ["o6", "o14", "o15"]  # "o ๖": a PDF spaced the letter
    assert tables.failed_items_at.ref == 3  # the table's header line in a text document
    assert ("document", "failed_items_table") in {tuple(k.split(".")) for k in build.positions}
    assert build.leftovers == []


def test_an_item_code_a_pdf_spaced_from_its_thai_digit_is_read():
    framework = load_framework(2569)
    assert codes_in("ข้อ O ๗, O ๑๔ และ o ๒๒ ยังไม่ครบ", framework) == ["o7", "o14", "o22"]
    assert codes_in("ปี 2569 มี 0 ข้อ", framework) == []


def test_a_table_of_unknown_kind_is_one_leftover_not_one_per_cell():
    _, build = _tables("ผลการประเมิน\n\nกิจกรรม\tจำนวนครั้ง\nอบรม\t๒\nประชุม\t๔\n")
    assert [(x.text, x.reason) for x in build.leftovers] == [
        ("กิจกรรม | จำนวนครั้ง (2 rows)", "table of unknown kind")
    ]


def _with_failed_table(items: str) -> str:
    text = (DOCUMENTS / "khok-sung-measures-2570.txt").read_text(encoding="utf-8")
    table = f"ตัวชี้วัดย่อย\tจำนวนข้อ\tข้อที่ไม่ได้คะแนน\n๙.๒ การบริหารงาน\t๖\t{items}\n\n"
    return text.replace("๒. ข้อเสนอแนะของสำนักงาน", table + "๒. ข้อเสนอแนะของสำนักงาน", 1)


def test_a_table_of_failed_items_other_than_nacc_s_suggestions_is_reported():
    # the suggestions name O๑๐, O๒๑ and O๒๕
    result = import_parsed(parse_text(_with_failed_table("O๑๐, O๒๒"), source="doc.txt"))
    assert result.data["oit"]["failed_items"] == ["o10", "o21", "o25"]  # NACC's, not the table's
    [finding] = [f for f in audit(result) if f.rule == "failed_items_mismatch"]
    assert "lists o22 that NACC's suggestions do not name" in finding.message
    assert "name o21, o25 that it does not list" in finding.message
    assert finding.line == 15
    agreeing = import_parsed(parse_text(_with_failed_table("O๑๐ O๒๑ O๒๕"), source="doc.txt"))
    assert "failed_items_mismatch" not in {f.rule for f in audit(agreeing)}


# -- Scores ------------------------------------------------------------------------------------


def test_a_remark_in_brackets_after_a_score_is_no_part_of_it():
    assert cell_number("๘๔.๖๒ (ต่ำสุดในกลุ่ม EIT)") == (Decimal("84.62"), "84.62")
    assert figure_remark("๘๓.๓๓(ลดลงจากปีก่อน)") == ("๘๓.๓๓", "ลดลงจากปีก่อน")
    assert figure_remark("(ร้อยละ ๓๐)") == ("(ร้อยละ ๓๐)", None)
    assert cell_number("การปฏิบัติหน้าที่ (IIT)") is None


SCORES_WITH_REMARKS = ["๙๖.๔๘", "๙๓.๑๕", "๙๕.๗๒", "๙๒.๘๖", "๙๔.๓๐", "๙๑.๒๗", "๘๖.๕๔",
                       "๘๔.๖๒ (ต่ำสุดในกลุ่ม EIT)", "๘๕.๐๐", "ส๘๓.๓๓(ลดลงจากปีก่อน)"]  # fmt: skip
REMARKS = "ผลการประเมิน\n\nลำดับ\tตัวชี้วัด\tคะแนน\n" + "".join(
    f"{n}\tตัวชี้วัดที่ {n}\t{score}\n" for n, score in enumerate(SCORES_WITH_REMARKS, 1)
)


@pytest.mark.parametrize("scan", [False, True])
def test_scores_with_remarks_and_a_letter_ocr_read_before_one(scan):
    tables, build = _tables(REMARKS, scan=scan)
    assert tables.scores[8] == Decimal("84.62")
    remarks = [x.text for x in build.leftovers if x.reason == "a remark beside a figure"]
    assert remarks[0] == "ต่ำสุดในกลุ่ม EIT"
    if scan:  # ``ส`` before ๘๓.๓๓: a speck read as a letter, reported
        assert tables.scores[10] == Decimal("83.33")
        [correction] = build.corrections
        assert (correction.read, correction.value) == ("ส๘๓.๓๓(ลดลงจากปีก่อน)", "83.33")
    else:  # typed text: a letter before a figure is no figure
        assert 10 not in tables.scores


def test_a_range_of_indicators_names_no_indicator():
    framework = load_framework(2568)
    assert indicator_of("1 – 5", framework) is None
    assert indicator_of("IIT (ตัวชี้วัดที่ ๑ – ๕)", framework) is None
    assert indicator_of("ตัวชี้วัดที่ 6-8", framework) is None
    assert indicator_of("ตัวชี้วัดที่ 6 - คุณภาพการดำเนินงาน", framework) == 6
    assert indicator_of("1 การปฏิบัติหน้าที่", framework) == 1


def test_an_instrument_table_with_ranges_then_an_indicator_table():
    text = (
        "ผลการประเมิน\n\n"
        "เครื่องมือการประเมิน\tตัวชี้วัด\tคะแนน\tน้ำหนัก\tคะแนนถ่วงน้ำหนัก\n"
        "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)\t1 – 5\t92.48\t30%\t27.74\n"
        "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)\t6 – 8\t86.89\t30%\t26.07\n"
        "แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)\t9 – 10\t86.49\t40%\t34.60\n"
        "คะแนนรวม\t\t\t\t88.41\n\n"
        "ที่\tตัวชี้วัด\tแบบวัด\tคะแนน\n"
        + "".join(f"{n}\tตัวชี้วัดที่ {n}\tIIT\t9{n - 1}.50\n" for n in range(1, 11))
    )
    tables, _ = _tables(text, 2568)
    assert [str(tables.scores[n]) for n in (1, 6, 9)] == ["90.50", "95.50", "98.50"]
    rows = tables.score_table["rows"]
    assert [r.get("instrument") for r in rows[:3]] == ["IIT", "EIT", "OIT"]


K_PROSE = (
    "๒. ผลการประเมิน\n\n"
    "เมื่อเฉลี่ยตามแบบวัด แบบวัด IIT ได้ 84.48 คะแนน (ถ่วงน้ำหนักแล้ว 25.34) แบบวัด EIT ได้ 78.60"
    " คะแนน (ถ่วงน้ำหนักแล้ว 23.58) และแบบวัด OIT ได้ 73.75 คะแนน (ถ่วงน้ำหนักแล้ว 29.50)"
    " คะแนนรวม 78.42 คะแนน ผลการประเมินอยู่ในระดับ “ต้องปรับปรุง”\n"
)


def test_the_total_in_prose_is_the_figure_after_its_label_not_a_weighted_part():
    assert find_prose_total(_layout(K_PROSE))[0] == Decimal("78.42")
    weighted_first = "๒. ผลการประเมิน\n\nได้คะแนน (ถ่วงน้ำหนัก 25.34) และได้คะแนน 78.42 ทั้งหมด\n"
    assert find_prose_total(_layout(weighted_first))[0] == Decimal("78.42")
    own_label = "๒. ผลการประเมิน\n\nคะแนนรวมของแบบวัด IIT 84.48 คะแนน และคะแนนรวม 78.42 คะแนน\n"
    assert find_prose_total(_layout(own_label))[0] == Decimal("78.42")


def test_a_pdf_line_closing_a_bracket_with_a_figure_is_no_list_number():
    def line(y: float, text: str, x1: float = 1500) -> Word:
        return Word(text, 100, y, x1, y + 24, 20)

    words = (
        line(300, "เมื่อเฉลี่ยตามแบบวัด แบบวัด IIT ได้ 84.48 คะแนน (ถ่วงน้ำหนักแล้ว"),
        line(330, "23.58) และแบบวัด OIT ได้ 73.75 คะแนน คะแนนรวม 78.42 คะแนน", x1=900),
        line(390, "2.1) แบบวัด IIT ควรพัฒนา", x1=700),
    )
    items, _ = read_pages([Page(1, 1654.0, 2339.0, words, ())])
    assert len(items) == 2
    assert items[1].text.startswith("2.1) แบบวัด IIT")
    assert items[0].text.endswith("คะแนนรวม 78.42 คะแนน")


def test_an_instrument_score_the_text_quotes_is_its_mean_not_a_mismatch():
    result = import_document(LIBREOFFICE / "khok-muang-ngam-2569.pdf")
    assert result.data["claimed_total"] == Decimal("78.42")
    assert "prose_score_mismatch" not in {f.rule for f in audit(result)}


# -- The front, as OCR reads it -----------------------------------------------------------------


def test_a_year_after_the_word_for_year_ocr_read_without_its_vowel():
    layout = _layout(
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน\n\nประจำปงบประมาณพ.ศ. ๒๕๖๙\n",
        scan=True,
    )
    assessed, measures, _, notes = find_fiscal_years(layout, "scan.pdf", {2568, 2569})
    assert (assessed, measures) == (2568, 2569)
    assert "not written" in notes[0]


def test_an_announcements_subject_word_ocr_ran_into_the_subject_in_a_scan():
    text = (
        "ประกาศสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาบุรีรักษ์เรืองมาตรการส่งเสริมคุณธรรมและความ"
        "โปร่งใสภายในหน่วยงาน\n\nส่วนที่ ๑ ผลการประเมิน\n"
    )
    found = find_agency_name(_layout(text, scan=True), TERMS, ocr=True)
    assert found[0] == "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาบุรีรักษ์"


def test_an_agency_type_followed_by_a_verb_names_no_other_agency():
    result = import_document(LIBREOFFICE / "don-makham-pom-2569.pdf")
    # "... เสนอนายกองค์การบริหารส่วนตำบลแล้วเผยแพร่ทางเว็บไซต์"
    rules = {f.rule for f in audit(result)}
    assert "foreign_agency_name" not in rules
    assert "analysis_flag_missing" not in rules  # "ข้อ O ๗, O ๑๔ ..." in the analysis


# -- Pages scanned sideways ---------------------------------------------------------------------


def _page_of_text() -> Image.Image:
    font = ImageFont.truetype(str(FONTS / "Sarabun-Regular.ttf"), 40)
    image = Image.new("L", (1654, 1200), 255)
    draw = ImageDraw.Draw(image)
    lines = [
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๙",
        "มาตรการที่ ๑ จัดทำรายงานผลการดำเนินงานประจำปีและเผยแพร่บนเว็บไซต์ของหน่วยงาน",
        "วิธีดำเนินการ รวบรวมข้อมูลจากทุกกลุ่มงาน สรุปผลและเสนอผู้บริหารลงนาม",
        "ระยะเวลา ตุลาคม ๒๕๖๘ ถึง กันยายน ๒๕๖๙ ผู้รับผิดชอบ กลุ่มอำนวยการ",
        "มาตรการที่ ๒ เปิดเผยข้อมูลการจัดซื้อจัดจ้างทุกเดือนให้ประชาชนตรวจสอบได้",
        "วิธีดำเนินการ จัดทำสรุปผลการจัดซื้อจัดจ้างรายเดือนและรายงานผลประจำปี",
    ]
    for n, text in enumerate(lines):
        draw.text((80, 100 + 120 * n), text, font=font, fill=0)
    return image


@pytest.mark.skipif(not HAS_TESSERACT, reason="Tesseract is not installed (.ci/run installs it)")
@pytest.mark.parametrize("turned", [90, 180, 270])
def test_a_page_scanned_turned_is_turned_upright(turned):
    from ita_lib.documents.ocr_orientation import upright

    page = _page_of_text()
    image, turn = upright(page.rotate(turned, expand=True))  # PIL turns anticlockwise
    assert turn == turned
    assert image.size == page.size
    assert upright(page)[1] == 0


@pytest.mark.slow
@pytest.mark.skipif(not HAS_TESSERACT, reason="Tesseract is not installed (.ci/run installs it)")
def test_a_plan_on_landscape_pages_scanned_sideways_imports_exactly(tmp_path):
    from test_other_layouts import fields, published

    pdf = LIBREOFFICE / "buri-rak-2568.pdf"
    scan = pdf_to_scan(pdf, tmp_path / "scan.pdf", dpi=200, angle=-0.6, sideways=True)
    result = import_document(scan)
    assert fields(result.data) == published("buri-rak-2568")
    turned = [n for n in result.data["source"]["notes"] if "was scanned turned" in n]
    assert len(turned) == 5
    assert turned[0].startswith("Page 7 was scanned turned; it was turned 90° clockwise")
