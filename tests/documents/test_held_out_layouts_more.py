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
from ita_lib.documents.extract_measure_paragraphs import read_measure_paragraphs
from ita_lib.documents.extraction import Collector, cell_number, figure_remark, indicator_of
from ita_lib.documents.importer import import_document, import_parsed
from ita_lib.documents.page_layout import Page, Word, read_pages
from ita_lib.documents.reading import parse_text
from ita_lib.documents.sections import read_layout
from ita_lib.documents.table_reading import read_tables
from ita_lib.documents.terms import classify_header, load_document_terms
from ita_lib.exceptions import InputError
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


def test_a_scanned_score_with_a_third_decimal_is_cut_and_reported_and_typed_is_an_error():
    text = (DOCUMENTS / "nong-bua-measures-2569.txt").read_text(encoding="utf-8")
    text = text.replace("ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่\t๙๖.๕๐", "ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่\t๙๖.๕๐๑", 1)
    scanned = import_parsed(replace(parse_text(text, source="scan.pdf"), format="scan"))
    assert scanned.data["scores"]["ind1"] == Decimal("96.50")
    [finding] = [f for f in audit(scanned) if f.rule == "ocr_corrected"]
    assert "๙๖.๕๐๑" in finding.message
    assert "imported as 96.50" in finding.message
    with pytest.raises(InputError, match="too many decimals"):
        import_parsed(parse_text(text, source="doc.txt"))


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


# -- The fourth session's second round: a hospital, a provincial office, a top-rated office -----


def test_an_announcement_naming_nacc_s_suggestions_before_the_results_opens_nothing():
    # "...ได้วิเคราะห์ผลการประเมินและข้อเสนอแนะของสำนักงาน ป.ป.ช. แล้ว จึงประกาศ..." (no ตามที่)
    layout = _layout(
        "ประกาศสำนักงานพลังงานจังหวัดตัวอย่าง\n\n"
        "สำนักงานได้วิเคราะห์ผลการประเมินและข้อเสนอแนะของสำนักงาน ป.ป.ช. แล้ว จึงประกาศมาตรการ\n\n"
        "๒. สรุปผลการประเมิน ITA ปีงบประมาณ พ.ศ. ๒๕๖๘\n"
    )
    assert [s for s, _ in layout.headings] == ["results"]


def test_a_heading_a_pdf_ran_into_its_paragraph_heads_its_part_and_keeps_the_total():
    text = (
        "๑. หลักการและเหตุผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
        "เป็นเครื่องมือตามยุทธศาสตร์ชาติ ซึ่งสำนักงานให้ความสำคัญและนำมาใช้ปรับปรุงการทำงานทุกปี"
        "อย่างต่อเนื่องและเป็นระบบ โดยมีคณะทำงานติดตามผล\n\n"
        "๒. สรุปผลการประเมิน ITA ปีงบประมาณ พ.ศ. ๒๕๖๘ ในปีงบประมาณ พ.ศ. ๒๕๖๘ สำนักงานได้รับคะแนน"
        "ผลการประเมินภาพรวม ๘๙.๘๔ คะแนน อยู่ในระดับผ่านดี เมื่อพิจารณาตามแบบวัดพบว่าแบบวัด IIT"
        " สูงที่สุด รองลงมาคือแบบวัด EIT และแบบวัด OIT ตามลำดับ\n\n"
        "ผลคะแนนรายตัวชี้วัดแสดงในตารางที่ ๑ (คะแนนเต็ม ๑๐๐ คะแนน) ตัวชี้วัดที่ได้คะแนนสูงสุดคือ"
        "ตัวชี้วัดที่ ๑\n"
    )
    document = replace(parse_text(text), format="pdf")
    layout = read_layout(document, TERMS)
    # เหตุผลการประเมิน is no ผลการประเมิน: the first part is no results heading
    assert [(s, p.text[:2]) for s, p in layout.headings] == [("results", "๒.")]
    assert find_prose_total(layout)[0] == Decimal("89.84")  # not ๑๐๐ (full marks) nor ๑
    typed = read_layout(parse_text(text), TERMS)  # a typed heading is a line of its own
    assert typed.headings == ()


def test_labels_enumerated_with_thai_letters_and_no_colon():
    build = Collector("doc.pdf", TERMS)
    paragraphs = parse_text(
        "มาตรการที่ ๑ มาตรการจัดทำรายงานผลการบริหารทรัพยากรบุคคล\n\n"
        "ก. วัตถุประสงค์ เพื่อให้รายงานเป็นของปีที่ผ่านมา\n\n"
        "ข. วิธีดำเนินการ\n\n(๑) รวบรวมผลการฝึกอบรม\n\n"
        "(๒) เผยแพร่บนเว็บไซต์ ค. ระยะเวลา ต.ค. – พ.ย. ๖๘ ง. ผู้รับผิดชอบ ฝ่ายบริหารทั่วไป"
        "ร่วมกับผู้ดูแลเว็บไซต์ จ. ตัวชี้วัดความสำเร็จ รายงานเผยแพร่ภายในกำหนด\n\n"
        "มาตรการที่ ๒ เผยแพร่ข้อมูลตามข้อเสนอแนะของ ป.ป.ช. ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล\n"
    ).paragraphs()
    [measure, second], _ = read_measure_paragraphs(paragraphs, build, load_framework(2568))
    # ป.ป.ช. ตัวชี้วัดที่ ...: the ช of an abbreviation starts no label
    assert second["title"] == "เผยแพร่ข้อมูลตามข้อเสนอแนะของ ป.ป.ช. ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล"
    assert measure["steps"] == ["(๑) รวบรวมผลการฝึกอบรม", "(๒) เผยแพร่บนเว็บไซต์"]
    assert measure["period"] == "ต.ค. – พ.ย. ๖๘"
    assert measure["owner"] == "ฝ่ายบริหารทั่วไปร่วมกับผู้ดูแลเว็บไซต์"  # joined with no space
    assert measure["monitoring"] == ["รายงานเผยแพร่ภายในกำหนด"]


@pytest.mark.parametrize("scan", [False, True])
def test_the_ten_indicators_laid_across_are_read_as_rows(scan):
    corner = "ตัวชีวัด 4 ท" if scan else "ตัวชี้วัดที่"  # OCR: its marks lost, a speck read
    scores = [
        "96.84",
        "93.27",
        "95.12",
        "94.05",
        "92.61",
        "91.74",
        "88.36",
        "86.92",
        "81.67",
        "83.33",
    ]
    text = (
        "ผลการประเมิน\n\n"
        + "\t".join([corner, *map(str, range(1, 11))])
        + "\n"
        + "\t".join(["คะแนน", *scores])
        + "\n"
    )
    tables, _ = _tables(text, scan=scan)
    assert [str(tables.scores[n]) for n in range(1, 11)] == scores


def test_a_measure_per_table_with_its_heading_across_the_first_row():
    def table(number: int, extra: str = "") -> str:
        return (
            f"มาตรการที่ {number} ปรับปรุงการให้บริการ {number}\t{extra}\n"
            "วัตถุประสงค์\tให้ผู้รับบริการเข้าถึงข้อมูล\n"
            "ประเด็น ITA\tO3 / ตัวชี้วัดที่ 7\n"
            "วิธีการดำเนินงาน\t1) ปรับหน้าเว็บไซต์ 2) เพิ่มช่องทางถาม-ตอบ\n"
            "ระยะเวลา\tต.ค. 69 – ธ.ค. 69\n"
            "ผู้รับผิดชอบ\tงานเทคโนโลยีสารสนเทศ\n"
            "ตัวชี้วัดความสำเร็จ\tมีช่องทางถาม-ตอบภายใน ธ.ค. 69\n"
        )

    # the third measure's table joined to the second's over a page, its heading a row
    joined = table(2) + table(3).replace("\t\n", "\t\n", 1)
    text = "ส่วนที่ 5 มาตรการส่งเสริมคุณธรรม\n\n" + table(1) + "\n" + joined
    result = import_parsed(parse_text(_SCORES_2569 + text, source="doc.txt"))
    measures = result.data["measures"]
    assert [m["number"] for m in measures] == [1, 2, 3]
    assert measures[2]["period"] == "ต.ค. 69 – ธ.ค. 69"
    assert measures[2]["addresses"] == ["o3"]


_SCORES_2569 = (
    "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. 2570 ของโรงพยาบาลตัวอย่าง\n\n"
    "ส่วนที่ 2 ผลการประเมิน ITA ปี 2569\n\n"
    "ตัวชี้วัด\tคะแนน\n" + "".join(f"ตัวชี้วัดที่ {n}\t9{n - 1}.00\n" for n in range(1, 11)) + "\n"
)


def test_a_heading_across_a_scanned_table_after_a_stamp_s_specks():
    from ita_lib.documents.extract_measure_paragraphs import label_table_paragraphs

    text = (
        "«A J a ณ์ มาตรการท 11 นำผลการประเมิน ITA สู่การพัฒนาองค์กร\t\t\n"
        "วัตถุประสงค์\tให้มาตรการถูกนำไปปฏิบัติ\tและติดตามผลได้จริง\n"
        "ระยะเวลา\tต.ค. 69 - ก.ย. 70\t\n"
        "ผู้รับผิดชอบ\tคณะทำงาน ITA โรงพยาบาล\t\n"
    )
    [table] = parse_text(text).tables()
    paragraphs = label_table_paragraphs(table, TERMS, ocr=True)
    assert paragraphs[0].text.startswith("มาตรการท 11 นำผลการประเมิน")
    assert paragraphs[1].text == "วัตถุประสงค์ : ให้มาตรการถูกนำไปปฏิบัติ และติดตามผลได้จริง"
    typed = label_table_paragraphs(table, TERMS, ocr=False)  # typed: the signs are no specks
    assert not any(p.text.startswith(("«", "มาตรการ")) for p in typed)


def test_a_scanned_instrument_row_its_code_misread_is_told_by_its_range():
    text = (
        "ผลการประเมิน\n\n"
        "เครื่องมือ\tตัวชี้วัดที่\tคะแนนเฉลี่ย\tค่าน้ำหนัก\tคะแนนถ่วงน้ำหนัก\n"
        "1\t1.5\t94.38\tร้อยละ30\t28.31\n"
        "EIT\t6.8\t89.01\tร้อยละ30\t26.70\n"
        "OIT\t9.10\t82.50\tร้อยละ40\t33.00\n"
    )
    tables, _ = _tables(text, scan=True)
    rows = tables.score_table["rows"]
    assert [(r["instrument"], r["mean"]) for r in rows] == [
        ("IIT", "94.38"),
        ("EIT", "89.01"),
        ("OIT", "82.50"),
    ]


def test_a_row_of_figures_under_a_header_of_numbers_is_no_repeated_header():
    from ita_lib.documents.terms import headers_alike

    assert not headers_alike(["ตัวชี้วัด", "1", "2", "3"], ["คะแนน", "96.84", "93.27", "95.12"])
    assert headers_alike(["ลำดับ", "มาตรการ", "ระยะเวลา"], ["สำดับ", "มาตรการ", "ระยะเวลา"])


def test_strengths_and_points_to_develop_make_an_analysis_table():
    kind, roles = classify_header(["เครื่องมือ", "จุดแข็ง", "จุดที่ต้องพัฒนา"], TERMS)
    assert (kind, roles["keep"], roles["weak"]) == ("analysis", 1, 2)


def test_an_item_named_before_its_code_in_brackets_is_named_right():
    from ita_lib.documents.catalogue_rules import _named_codes

    text = "ข้อมูลการติดต่อ (O3), E-Service (O10) และรายงานผลการจัดการความเสี่ยง (O22)"
    assert [(code, name) for code, _, name in _named_codes(text, load_framework(2569))] == [
        ("o3", "ข้อมูลการติดต่อ"),
        ("o10", "E-Service"),
        ("o22", "รายงานผลการจัดการความเสี่ยง"),
    ]
    listed = "ข้อ O11 O15 O19 และ O22ไม่ได้คะแนน เนื่องจากข้อมูลไม่ครบ"  # a list: no names
    assert list(_named_codes(listed, load_framework(2568))) == []


def test_a_hospital_that_calls_itself_by_its_type_names_no_other_agency():
    result = import_document(LIBREOFFICE / "phu-pha-daeng-hospital-2569.pdf")
    # "... ให้โรงพยาบาลเผยแพร่ผลงาน ...", "... ข้อมูลการติดต่อของโรงพยาบาลไว้บนหน้าเว็บไซต์"
    rules = {f.rule for f in audit(result)}
    assert "foreign_agency_name" not in rules
    assert "item_name_mismatch" in rules  # O12 written as a shortened name: real, reported
    assert result.data["document"]["analysis"]["rows"][2]["weak_items"] == [
        "o3",
        "o10",
        "o12",
        "o22",
    ]


def test_an_instrument_code_ocr_misread_after_its_word_for_test():
    from ita_lib.documents.extraction import instrument_of, instruments_named

    assert instruments_named("(๓)แบบวัด 017ข้อที่ไม่ได้รับคะแนน") == ["OIT"]
    assert instrument_of("แบบวัด E1T ควรพัฒนา", load_framework(2569)) == "EIT"
    assert instruments_named("ข้อ 017 ข้อมูลสถิติ") == []  # an item code, not an instrument


def test_a_level_ocr_read_without_its_marks_is_that_level():
    layout = _layout("ส่วนที่ ๒ ผลการประเมิน\n\nคะแนนรวม ๙๗.๐๖ คะแนน ผลการประเมินอยู่ในระดับ ผ่านดีเยียม\n")
    assert find_claimed_rating(layout, load_framework(2569))[0] == "ผ่านดีเยี่ยม"


def _ruled_page(broken: bool) -> Image.Image:
    """A table of three rows and two columns, its thin rules broken as a photocopy breaks them
    (gaps of 3 to 9 pixels), with a line of text in each cell."""
    import numpy as np

    rng = np.random.default_rng(3)
    image = Image.new("L", (1654, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONTS / "Sarabun-Regular.ttf"), 40)
    ys, xs = [200, 270, 340, 410], [260, 850, 1460]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=1)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=1)
    for n, y in enumerate(ys[:-1]):
        draw.text((280, y + 8), f"{n + 1}. การปฏิบัติหน้าที่ของบุคลากร", font=font, fill=0)
        draw.text((1200, y + 8), f"9{n}.50", font=font, fill=0)
    pixels = np.asarray(image).copy()
    if broken:  # white gaps every 12 to 30 pixels along each rule
        for y in ys:
            x = xs[0]
            while x < xs[-1]:
                x += int(rng.integers(12, 30))
                pixels[y, x : x + int(rng.integers(3, 7))] = 255
        for x in xs:
            y = ys[0]
            while y < ys[-1]:
                y += int(rng.integers(12, 30))
                pixels[y : y + int(rng.integers(3, 10)), x] = 255
    return Image.fromarray(pixels)


@pytest.mark.parametrize("broken", [False, True])
def test_thin_rules_a_photocopy_broke_still_make_the_grid_and_text_is_no_rule(broken):
    import numpy as np

    from ita_lib.documents.ocr_ruling import find_rules

    rules, mask = find_rules(np.asarray(_ruled_page(broken)) < 128)
    across = sorted({round(r.y0) for r in rules if r.y0 == r.y1 and r.x1 - r.x0 > 150})
    down = sorted({round(r.x0) for r in rules if r.x0 == r.x1})
    assert across == [200, 270, 340, 410]  # no text baseline among them
    assert down == [260, 850, 1460]
    assert not mask[240, 300:800].any()  # the text of a cell is not erased


# -- A review of the session's changes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("ผลคะแนนรวม (คะแนนเต็ม ๑๐๐ คะแนน) เท่ากับ ๘๕.๒๐", "85.20"),
        ("คะแนนรวมอยู่ในลำดับที่ 12 ได้คะแนน 85.20", "85.20"),
        ("ผลคะแนน ITA ปี 68 ได้ 85.20 คะแนน", None),  # a year is no score; none is read
        ("ได้คะแนน 85.20 คะแนน แบบวัด IIT มีคะแนนรวม 92.48", "85.20"),  # IIT's own total
        ("คะแนนรวมทั้ง ๓ แบบวัด เฉลี่ยได้ ๘๕.๒๐ คะแนน", None),  # ๓ counts instruments
    ],
)
def test_counts_years_full_marks_and_instruments_totals_are_no_total(text, total):
    found = find_prose_total(_layout(f"๒. ผลการประเมิน\n\n{text}\n"))
    assert (found and str(found[0])) == total


def test_a_long_numbered_suggestion_in_a_pdf_opens_no_part():
    text = (
        "๑. ผลการประเมิน ITA\n\nได้คะแนนรวม ๘๗.๓๙ คะแนน\n\n๒. ข้อเสนอแนะของสำนักงาน ป.ป.ช.\n\n"
        "1) ควรกำหนดมาตรการในการเผยแพร่ข้อมูลสาธารณะให้ครบถ้วนและเป็นปัจจุบัน โดยมอบหมาย"
        "ผู้รับผิดชอบรายข้อ จัดทำปฏิทินการเผยแพร่ และตรวจสอบความครบถ้วนก่อนส่งแบบวัดทุกครั้ง"
        "เพื่อให้ผ่านเกณฑ์การประเมินทุกข้อในปีต่อไป และรายงานผลต่อผู้บริหารทุกไตรมาส\n\n"
        "2) ควรเปิดเผยข้อมูลการจัดซื้อจัดจ้างรายเดือน\n"
    )
    layout = read_layout(replace(parse_text(text), format="pdf"), TERMS)
    assert [s for s, _ in layout.headings] == ["results", "suggestions"]
    assert len(layout.suggestions) == 2


def test_a_table_of_failed_items_under_the_suggestions_keeps_them_there():
    layout = _layout(
        "๑. ผลการประเมิน\n\nได้คะแนน ๘๗.๓๙ คะแนน\n\n๒. ข้อเสนอแนะ\n\n"
        "ตัวชี้วัดย่อย\tจำนวนข้อ\tข้อที่ไม่ได้คะแนน\n๙.๒ การบริหารงาน\t๖\tO๑๑\n\n"
        "ข้อ O๑๑ ควรเผยแพร่ข้อมูลสถิติ\n"
    )
    assert [p.text for p in layout.suggestions] == ["ข้อ O๑๑ ควรเผยแพร่ข้อมูลสถิติ"]


def test_the_analysis_naming_nacc_s_suggestions_opens_no_suggestions():
    layout = _layout(
        "๑. ผลการประเมิน\n\nได้คะแนน ๘๗.๓๙ คะแนน\n\n๒. การวิเคราะห์ผลการประเมิน\n\n"
        "หน่วยงานได้นำข้อเสนอแนะของ ป.ป.ช. มาวิเคราะห์ ดังนี้\n"
    )
    assert [s for s, _ in layout.headings] == ["results", "analysis"]


def test_a_range_in_the_failed_items_column_is_every_item_in_it_and_the_next_column_only():
    tables, build = _tables(
        "ผลการประเมิน\n\nตัวชี้วัดย่อย\tไม่ได้คะแนน (ข้อ)\tหมายเหตุ\tอื่น ๆ\n"
        "๙.๓ การจัดซื้อจัดจ้าง\tO๑๑ - O๑๓\t\tยกเว้น O20\n",
        2568,
    )
    assert tables.failed_items == ["o11", "o12", "o13"]
    assert build.leftovers == [] or all("O๑๑" not in x.text for x in build.leftovers)
    _, counts = _tables(
        "ผลการประเมิน\n\nตัวชี้วัดย่อย\tไม่ได้คะแนน (ข้อ)\tอื่น ๆ\tหมายเหตุ\n"
        "๙.๓ การจัดซื้อจัดจ้าง\t1\t\tดำเนินการแล้ว ยกเว้น O12\n",
        2568,
    )
    assert [x.reason for x in counts.leftovers] == ["table of unknown kind"]


def test_a_score_tables_failed_items_column_is_read_not_left_over():
    tables, build = _tables(
        "ผลการประเมิน\n\nตัวชี้วัด\tคะแนน\tข้อที่ไม่ได้คะแนน\n"
        + "".join(f"ตัวชี้วัดที่ {n}\t9{n - 1}.00\t{'O3 O11' if n == 9 else ''}\n" for n in range(1, 11)),
        2568,
    )
    assert tables.failed_items == ["o3", "o11"]
    assert not [x for x in build.leftovers if "O3" in x.text]


def test_a_word_bullet_o_before_arabic_digits_is_no_item_code():
    assert codes_in("ดำเนินการ o 12 ครั้งต่อปี และ o 3 ช่องทาง", load_framework(2568)) == []


def test_a_sub_indicator_or_another_instruments_range_is_no_instrument_row():
    text = (
        "ผลการประเมิน\n\nแบบวัด\tตัวชี้วัด\tคะแนน\n"
        "OIT\t9.1\t88.00\nIIT\t9 – 10\t90.00\nEIT\t6 – 8\t89.01\n"
    )
    tables, _ = _tables(text, 2568)
    assert [r.get("instrument") for r in tables.score_table["rows"]] == ["EIT"]


def test_the_ten_indicators_laid_across_with_the_total_and_level_after_them():
    text = (
        "ผลการประเมิน\n\n"
        + "\t".join(["ตัวชี้วัดที่", *map(str, range(1, 11)), "คะแนนรวม", "ระดับ"])
        + "\n"
        + "\t".join(["คะแนน", *[f"9{n}.00" for n in range(10)], "94.50", "ผ่านดี"])
        + "\n"
    )
    tables, _ = _tables(text)
    assert (tables.total["value"], tables.total["rating"]) == ("94.50", "ผ่านดี")


def test_a_label_row_after_a_heading_row_in_a_joined_table_is_no_crash():
    from ita_lib.documents.extract_measure_paragraphs import label_table_paragraphs

    text = (
        "มาตรการที่ ๑ ปรับปรุงเว็บไซต์\t\nระยะเวลา\tต.ค. 69\nผู้รับผิดชอบ\tงานไอที\n"
        "มาตรการที่ ๒ ส่งเสริมคุณธรรม\t\nรายละเอียดมาตรการ\t\nระยะเวลา\tพ.ย. 69\n"
    )
    [table] = parse_text(text).tables()
    texts = [p.text for p in label_table_paragraphs(table, TERMS)]
    assert texts[0].startswith("มาตรการที่ ๑")
    assert "มาตรการที่ ๒ ส่งเสริมคุณธรรม" in texts


def test_a_single_code_in_brackets_after_a_sentence_takes_no_name_from_it():
    from ita_lib.documents.catalogue_rules import _name_key, _named_codes

    text = "ยังไม่ได้เผยแพร่ช่องทางการติดต่อหน่วยงาน (O3)"
    assert [_name_key(name) for _, _, name in _named_codes(text, load_framework(2569))] == [""]
