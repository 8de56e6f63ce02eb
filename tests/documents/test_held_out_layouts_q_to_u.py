"""Layouts met in the held-out documents Q to U (see the fixtures' README for their first contact).

Each test builds the layout in a few lines of text: a results table comparing two years and
named in its first column, and NACC's suggestions introduced by a paragraph naming every
instrument (in a document read by OCR, in whole or in part).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from ita_lib.documents.audit import audit
from ita_lib.documents.extract_front import find_prose_total
from ita_lib.documents.extract_measure_paragraphs import (
    label_table_paragraphs,
    read_measure_paragraphs,
)
from ita_lib.documents.extract_measures import PERIOD_AS_SPAN, read_period
from ita_lib.documents.extract_suggestions import read_suggestions
from ita_lib.documents.extraction import UNREAD_BY_OCR, Collector
from ita_lib.documents.importer import import_parsed
from ita_lib.documents.layout import Paragraph, Position, Table
from ita_lib.documents.ocr_repair import repair_measure_numbers
from ita_lib.documents.page_layout import Page, Rule, Word, read_pages
from ita_lib.documents.reading import parse_text
from ita_lib.documents.score_lines import _score_line, score_lines_as_table
from ita_lib.documents.sections import read_layout
from ita_lib.documents.table_reading import read_tables
from ita_lib.documents.terms import classify_header, load_document_terms
from ita_lib.model.framework_files import load_framework

TERMS = load_document_terms()
DOCUMENTS = Path(__file__).resolve().parents[1] / "data" / "documents"

_NAMES = {i.number: i.name_th for i in load_framework(2569).indicators}
_TWO_YEARS = (
    "ผลการประเมิน\n\n"
    "ประเด็นการประเมิน\tITA 2568\tITA 2569\tเพิ่ม/ลด\n"
    "การรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)\t\t\t\n"
    + "".join(f"({n}) {_NAMES[n]}\t8{n}.10\t9{n}.20\t+10.10\n" for n in range(1, 6))
    + "คะแนนเฉลี่ย IIT\t83.10\t93.20\t+10.10\n"
    + "".join(f"({n}) {_NAMES[n]}\t8{n - 5}.10\t9{n - 5}.20\t+10.10\n" for n in range(6, 11))
    + "คะแนนรวมถ่วงน้ำหนัก\t82.88\t86.91\t+4.03\n"
)


def test_a_table_of_two_years_named_by_its_first_column_is_the_score_table():
    header = ("ประเด็นการประเมิน", "ITA 2568", "ITA 2569", "เพิ่ม/ลด")
    kind, roles = classify_header(header, TERMS)
    assert kind == "score"
    assert (roles["indicator"], roles["score"], roles["year_2568"], roles["change"]) == (0, 2, 1, 3)
    # a first column with a role of its own is not taken for the names
    kind, roles = classify_header(("ลำดับ", "ตัวชี้วัด", "ปี 2568", "ปี 2569"), TERMS)
    assert (kind, roles["indicator"], roles["score"]) == ("score", 1, 3)


def test_a_table_of_two_years_imports_the_latest_years_scores():
    document = parse_text(
        _TWO_YEARS + "\nมาตรการ\n\nลำดับ\tมาตรการ\tวิธีการ\tระยะเวลา\n1\tก\tข\tต.ค. 68\n"
    )
    build = Collector(source="t", terms=TERMS)
    tables = read_tables(read_layout(document, TERMS), load_framework(2569), build)
    assert tables.scores[1] == Decimal("91.20")
    assert tables.scores[10] == Decimal("95.20")


def _suggested(texts: list[str], year: int, *, ocr: bool):
    """Read paragraphs (page 5, lines 1, 2, ...) as a suggestions section."""
    paragraphs = [Paragraph(t, Position(page=5, line=n)) for n, t in enumerate(texts, 1)]
    build = Collector(source="s", terms=TERMS, ocr=ocr)
    return read_suggestions(paragraphs, load_framework(year), build), build


@pytest.mark.parametrize("ocr", [False, True])
def test_items_after_a_paragraph_naming_every_instrument_are_of_the_last_named(ocr):
    """The OCR reading of an item code takes its letter from the instrument it is under: here
    OIT, which the paragraph names last, not IIT, which it names first."""
    texts = [
        (
            "ผู้ตรวจประเมินให้ข้อเสนอแนะว่า แบบวัด IIT อยู่ในเกณฑ์ดี สำหรับแบบวัด EIT ควรพัฒนาการ"
            "สื่อสาร ส่วนแบบวัด OIT มีข้อที่ไม่ผ่านเกณฑ์ ดังนี้"
        ),
        "O3 ข้อมูลการติดต่อ หน่วยงานต้องแสดงข้อมูลการติดต่อให้ครบถ้วน",
        "O11 ข้อมูลสถิติการให้บริการ หน่วยงานต้องแสดงข้อมูลเชิงสถิติ",
    ]
    (suggestions, _, failed), _ = _suggested(texts, 2568, ocr=ocr)
    assert [s["item"] for s in suggestions["by_item"]] == ["o3", "o11"]
    assert failed == ["o3", "o11"]


@pytest.mark.parametrize("ocr", [False, True])
def test_items_after_a_paragraph_comparing_instruments_are_of_the_first_named(ocr):
    """Only an instrument named as a part of the paragraph (ส่วนแบบวัด OIT) leads into the items
    after it; one named in a comparison does not."""
    texts = [
        "แบบวัด EIT ผู้รับบริการยังให้คะแนนต่ำกว่าแบบวัด IIT ควรปรับปรุงการสื่อสาร",
        f"{'o' if ocr else 'e'}6 คุณภาพการดำเนินงาน ควรปรับปรุงขั้นตอน",
    ]
    (_, groups, _), _ = _suggested(texts, 2568, ocr=ocr)
    assert [(g["item"], g["instrument"]) for g in groups] == [("e6", "EIT")]


def test_a_paragraph_naming_several_instruments_goes_on_in_the_next():
    texts = [
        "แบบวัด IIT อยู่ในเกณฑ์ดี สำหรับแบบวัด EIT ควรพัฒนาการสื่อสาร",
        "และเผยแพร่ผลการปรับปรุงการให้บริการให้ผู้รับบริการทราบ",
    ]
    (suggestions, _, _), _ = _suggested(texts, 2568, ocr=True)
    assert suggestions["by_instrument"] == {"IIT": " ".join(texts)}


# -- Q: the results as a screenshot (a table drawn without rules, cards) ---------------------------


def _word(text: str, x0: float, y: float, *, width: float | None = None) -> Word:
    return Word(text, x0, y, x0 + (width or 12.0 * len(text)), y + 14.0, 14.0)


def test_rows_of_columns_are_not_joined_as_wrapped_text():
    rows = [("1", "ตัวชี้วัดที่ 1", "IIT", "96.42"), ("2", "ตัวชี้วัดที่ 2", "IIT", "92.18")]
    words = [
        w
        for n, (number, label, instrument, score) in enumerate(rows)
        for w in (
            _word(number, 60.0, 100.0 + 20 * n),
            _word(label, 90.0, 100.0 + 20 * n),
            _word(instrument, 330.0, 100.0 + 20 * n),
            _word(score, 470.0, 100.0 + 20 * n, width=60.0),
        )
    ]
    items, _ = read_pages([Page(1, 595.0, 842.0, tuple(words))])
    assert [p.text for p in items] == ["1 ตัวชี้วัดที่ 1 IIT 96.42", "2 ตัวชี้วัดที่ 2 IIT 92.18"]


def test_a_number_wrapped_in_a_narrow_column_is_one_number():
    rules = (
        Rule(50.0, 100.0, 200.0, 100.0), Rule(50.0, 160.0, 200.0, 160.0),
        Rule(50.0, 100.0, 50.0, 160.0), Rule(80.0, 100.0, 80.0, 160.0),
        Rule(200.0, 100.0, 200.0, 160.0),
    )  # fmt: skip
    words = (_word("๑", 58.0, 110.0, width=10.0), _word("๐.", 58.0, 128.0, width=14.0),
             _word("มาตรการ", 90.0, 110.0))  # fmt: skip
    [table], _ = read_pages([Page(1, 595.0, 842.0, words, rules)])
    assert [c.text for c in table.rows[0].cells] == ["๑๐.", "มาตรการ"]


_NAMES_2569 = {i.number: i.name_th for i in load_framework(2569).indicators}
_MEASURES = (
    "\nมาตรการส่งเสริมคุณธรรม ประจำปีงบประมาณ พ.ศ. 2570\n\n"
    "ลำดับ\tมาตรการ\tวิธีการ\tระยะเวลา\tผู้รับผิดชอบ\n"
    "1\tเผยแพร่ข้อมูล\tจัดทำรายงาน\tต.ค. 69 - ก.ย. 70\tสำนักปลัด\n"
)


def test_scores_listed_line_by_line_are_the_score_table():
    lines = "".join(
        f"{n} ตัวชี้วัดที่ {n} {_NAMES_2569[n]} {'IIT' if n < 6 else 'EIT'} {80 + n}.{n:02d}\n\n"
        for n in range(1, 11)
    )
    text = "เทศบาลตำบลทดสอบ\n\nผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2569\n\n" + lines + _MEASURES
    layout = read_layout(parse_text(text, source="t.txt"), TERMS)
    [table] = [t for kind, t, _ in layout.tables if kind == "score"]
    assert table.header_texts == ("ตัวชี้วัด", "คะแนน")
    assert str(table.rows[0].cells[0].pos) == "line 5"  # each row keeps its line
    build = Collector(source="t", terms=TERMS)
    tables = read_tables(layout, load_framework(2569), build)
    assert [str(tables.scores[n]) for n in (1, 5, 10)] == ["81.01", "85.05", "90.10"]


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่ ได้ ๙๖.๔๒ คะแนน", ("ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่", "๙๖.๔๒")),
        ("10 ตัวชี้วัดที่10การป้องกันการทุจริต 0เท 87.50", ("10 ตัวชี้วัดที่10การป้องกันการทุจริต 0เท", "87.50")),
        ("ตัวชี้วัดที่ 10 การป้องกันการทุจริต : 100", ("ตัวชี้วัดที่ 10 การป้องกันการทุจริต", "100")),
        ("ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล ยังต่ำกว่า 85 คะแนน", None),  # a threshold, no score
        ("ตัวชี้วัดที่ 9 ได้คะแนน 80.00 ต่ำที่สุด", None),  # a score inside prose
    ],
)
def test_a_score_line(line, read):
    assert _score_line(Paragraph(line, Position(line=1))) == read


def test_a_score_line_read_by_ocr():
    line = Paragraph(") คัวชี้วัดที่1การปฏิบัติหน้าที่ |] 96.42", Position(page=4, line=8))
    assert _score_line(line) is None
    assert _score_line(line, tolerant=True) == (") คัวชี้วัดที่1การปฏิบัติหน้าที่ |]", "96.42")


def test_fewer_score_lines_than_a_run_or_two_years_of_them_stay_prose():
    lines = [Paragraph(f"ตัวชี้วัดที่ {n} ได้ 9{n - 1}.00 คะแนน", Position(line=n)) for n in range(1, 11)]
    assert score_lines_as_table(lines[:7]) == lines[:7]  # an analysis quoting seven
    assert isinstance(score_lines_as_table(lines[:8])[0], Table)
    again = [
        Paragraph(f"ตัวชี้วัดที่ {n} ได้ 8{n - 1}.00 คะแนน", Position(line=10 + n)) for n in range(1, 11)
    ]
    assert score_lines_as_table([*again, *lines]) == [*again, *lines]  # ITA 2568, then 2569


def _prose_total(results: str) -> tuple[str, str] | None:
    """The total the results' prose states, before the measures, and its line."""
    found = find_prose_total(read_layout(parse_text(results + _MEASURES, source="t.txt"), TERMS))
    return (str(found[0]), str(found[1])) if found else None


def test_a_total_on_a_card_and_no_weight_of_a_formula_is_the_prose_total():
    text = (
        "ส่วนที่ 2 ผลการประเมิน ITA\n\nคะแนนรวม = (IIT x 0.30) + (EIT x 0.30) + (OIT x 0.40)\n\n"
        "คะแนนรวม (ITA)\n\n88.58\n\n"
    )
    assert _prose_total(text) == ("88.58", "line 5")
    assert _prose_total("") is None


def test_cards_side_by_side_give_the_total_the_figure_under_its_label():
    """Q's scan: the total's card and the level's card side by side, read as one line of labels
    over the total's figure; and a sentence below quoting the total OCR misread."""
    text = (
        "ส่วนที่ 2 ผลการประเมิน ITA\n\nคะแนนรวม(ITA) ระดับผลการประเมิน\n\n88.58\n\n"
        "จากภาพเทศบาลได้คะแนนรวม\n\n๕๕.๕๕ คะแนน ผลการประเมินอยู่ในระดับ “ผ่าน”\n\n"
    )
    assert _prose_total(text) == ("88.58", "line 3")
    instrument = (
        "ส่วนที่ 2 ผลการประเมิน\n\nคะแนนรวมของแบบวัด EIT\n\n85.00\n\nคะแนนรวม (ITA)\n\n88.58\n\n"
    )
    assert _prose_total(instrument) == ("88.58", "line 7")  # an instrument's card is not the total


def test_a_scanned_measure_card_whose_number_ocr_read_as_no_digit_is_kept_and_numbered():
    """Q's scan: cards (a table per measure, its heading across the top) stitched into one
    table; ``มาตรการที่ซ`` (๗) and ``มาตรการที «`` (๙) are measures whose number is put right."""
    cards = "".join(
        f"{heading} มาตรการเรื่องที่ {n}\t\nวิธีการดำเนินการ\t(๑) ดำเนินการเรื่องที่ {n}\n"
        f"ระยะเวลา\tต.ค. ๖๙ - ก.ย. ๗๐\nผู้รับผิดชอบ\tสำนักปลัดเทศบาล\n"
        for n, heading in [(6, "มาตรการที๖"), (7, "มาตรการที่ซ"), (8, "มาตรการที๘"),
                           (9, "มาตรการที «"), (10, "มาตรการที๑๐")]
    )  # fmt: skip
    document = parse_text("ส่วนที่ ๔ มาตรการ\n\n" + cards, source="q.txt")
    layout = read_layout(replace(document, format="scan"), TERMS)
    [(_, table, _)] = layout.tables
    paragraphs = label_table_paragraphs(table, TERMS, ocr=True)
    build = Collector(source="q", terms=TERMS, ocr=True)
    measures, written = read_measure_paragraphs(paragraphs, build, load_framework(2569))
    repair_measure_numbers(measures, written, build)
    assert [m["number"] for m in measures] == [6, 7, 8, 9, 10]
    texts = [p.text for p in paragraphs]
    assert [t for t in texts if t.startswith("มาตรการ")] == [
        f"{h} มาตรการเรื่องที่ {n}"
        for n, h in [(6, "มาตรการที๖"), (7, "มาตรการที่ซ"), (8, "มาตรการที๘"), (9, "มาตรการที «"),
                     (10, "มาตรการที๑๐")]
    ]  # fmt: skip


# -- S: a university writing of itself and of last year; measures written as paragraphs -----------

_NONG_BUA = DOCUMENTS / "nong-bua-measures-2569.txt"
_RESULTS = "อยู่ในระดับผ่านดี โดยมีรายละเอียดผลคะแนน"


def test_last_years_level_a_level_not_reached_and_the_agency_by_its_type_are_no_faults():
    text = _NONG_BUA.read_text(encoding="utf-8").replace(
        _RESULTS,
        "อยู่ในระดับผ่านดี สูงขึ้นจากปีงบประมาณ พ.ศ. ๒๕๖๗ ซึ่งได้ ๘๒.๘๘ คะแนน (ระดับ ต้องปรับปรุง) "
        "แต่องค์การบริหารส่วนตำบลยังไม่ได้รับผลการประเมินในระดับผ่านดีเยี่ยม ตามพระราชบัญญัติสภาตำบล"
        "และองค์การบริหารส่วนตำบลพ.ศ. ๒๕๓๗ โดยมีรายละเอียดผลคะแนน",
        1,
    )
    findings = audit(import_parsed(parse_text(text, source="nong-bua.txt")))
    assert not [f for f in findings if f.rule == "foreign_agency_name"]
    # only the document's own fault: ผ่านดี where EIT's 84.08 gives ผ่าน
    levels = [f.message.split("'")[1] for f in findings if f.rule == "prose_rating_mismatch"]
    assert levels == ["ผ่านดี"]
    # another agency's name is still one
    text = text.replace("ตามพระราชบัญญัติ", "เช่นเดียวกับองค์การบริหารส่วนตำบลโคกสูง ตามพระราชบัญญัติ")
    rules = {f.rule for f in audit(import_parsed(parse_text(text, source="nong-bua.txt")))}
    assert "foreign_agency_name" in rules


_PARAGRAPH_MEASURES = """ส่วนที่ 4 มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๗๐

มาตรการที่ 1 จัดทำฐานข้อมูลเรื่องร้องเรียน
วัตถุประสงค์ : ให้มีข้อมูลเชิงสถิติเรื่องร้องเรียนที่เผยแพร่ได้ต่อเนื่องวิธีดำเนินการ
1.1 จัดทำทะเบียนเรื่องร้องเรียนกลาง
1.2 สรุปจำนวนเรื่องทุกสิ้นไตรมาส
ระยะเวลาดำเนินการ : รายไตรมาส (ธ.ค. 2569, มี.ค. 2570, มิ.ย. 2570, ก.ย. 2570)
ผู้รับผิดชอบ : ศูนย์รับเรื่องร้องเรียน

มาตรการที่ 2 ติดตามแผนปฏิบัติการป้องกันการทุจริต
วัตถุประสงค์ : ให้มีรายงานที่ครบองค์ประกอบวิธีดำเนินการ 2.1 รวบรวมผลการดำเนินงาน
ระยะเวลาดำเนินการ : ต.ค. 2569 – มี.ค. 2570 (ประเมิน) และ เม.ย. – ก.ย. 2570 (ติดตาม)
ผู้รับผิดชอบ : กองนโยบายและแผน
"""


def test_measure_labels_a_pdf_ran_into_the_line_before_and_periods_written_as_spans():
    document = parse_text(_PARAGRAPH_MEASURES.replace("\n", "\n\n"), source="m.txt")
    build = Collector(source="m", terms=TERMS)
    prose = [p for section, p, _ in read_layout(document, TERMS).prose if section == "measures"]
    measures, _ = read_measure_paragraphs(prose, build, load_framework(2569))
    assert [" ".join(m["steps"]) for m in measures] == [
        "1.1 จัดทำทะเบียนเรื่องร้องเรียนกลาง 1.2 สรุปจำนวนเรื่องทุกสิ้นไตรมาส",
        "2.1 รวบรวมผลการดำเนินงาน",
    ]
    assert [m["period"] for m in measures] == ["ธ.ค. 2569 – ก.ย. 2570", "ต.ค. 2569 – ก.ย. 2570"]
    spans = [x.text for x in build.leftovers if x.reason == PERIOD_AS_SPAN]
    assert spans[1] == "ต.ค. 2569 – มี.ค. 2570 (ประเมิน) และ เม.ย. – ก.ย. 2570 (ติดตาม)"


def test_a_scanned_item_code_one_digit_off_the_name_before_its_bracket_is_put_right():
    texts = [
        "ตัวชี้วัดที่ ๙ การเปิดเผยข้อมูล",
        "O ๑๕ รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล (ตัวชี้วัดย่อยที่ ๙.๔)",
        "ข้อเสนอแนะ : รายงานไม่แสดงผลการดำเนินการตามแผน",
    ]
    (suggestions, _, _), build = _suggested(texts, 2569, ocr=True)
    assert [s["item"] for s in suggestions["by_item"]] == ["o14"]
    [correction] = build.corrections
    assert (correction.read, correction.value) == ("O ๑๕", "o14")


# -- The review's cases: what the new readings must leave alone ------------------------------------


@pytest.mark.parametrize(
    "below",
    ["1) หน่วยงานได้คะแนน 85.20 คะแนน", "30 กันยายน 2568 สำนักงาน ป.ป.ช. แจ้งผล"],
)
def test_no_list_number_or_day_below_a_total_label_is_the_total(below):
    text = f"ส่วนที่ 2 ผลการประเมิน ITA\n\nผลการประเมินในภาพรวม\n\n{below}\n\n"
    found = find_prose_total(read_layout(parse_text(text + _MEASURES, source="t.txt"), TERMS))
    assert found is None or str(found[0]) == "85.20"


@pytest.mark.parametrize(
    "steps",
    [
        ["(1) จัดทำคู่มือเพื่อลดระยะเวลาดำเนินการ", "(2) ประชาสัมพันธ์ช่องทางออนไลน์"],
        ["วัตถุประสงค์ : เพื่อลดระยะเวลาดำเนินการ", "(1) จัดทำคู่มือ"],
        ["(1) ชี้แจงวิธีดำเนินการ", "(2) จัดทำคู่มือ"],
    ],
)
def test_a_steps_label_inside_a_sentence_cuts_nothing(steps):
    text = (
        "ส่วนที่ 4 มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๗๐\n\n"
        "มาตรการที่ 1 ลดขั้นตอนการให้บริการ\n\nวิธีดำเนินการ\n\n"
        + "\n\n".join(steps)
        + "\n\nระยะเวลา : ต.ค. 2569 – ก.ย. 2570\n"
    )
    prose = [
        p
        for s, p, _ in read_layout(parse_text(text, source="m.txt"), TERMS).prose
        if s == "measures"
    ]
    build = Collector(source="m", terms=TERMS)
    [measure], _ = read_measure_paragraphs(prose, build, load_framework(2569))
    assert " ".join(measure["steps"]) == " ".join(steps)
    assert measure["period"] == "ต.ค. 2569 – ก.ย. 2570"


def test_justified_lines_whose_wide_spaces_do_not_line_up_are_one_paragraph():
    def line(y: float, gap_at: float) -> list[Word]:
        return [_word("ก" * 10, 72.0, y, width=gap_at - 72.0), _word("ข" * 10, gap_at + 60.0, y,
                width=523.0 - gap_at - 60.0)]  # fmt: skip

    words = (*line(100.0, 200.0), *line(120.0, 330.0), *line(140.0, 420.0))
    items, _ = read_pages([Page(1, 595.0, 842.0, words)])
    assert len(items) == 1


def test_a_place_name_starting_or_ending_like_a_self_reference_is_another_agency():
    base = _NONG_BUA.read_text(encoding="utf-8")
    for name in ("องค์การบริหารส่วนตำบลมีชัย", "องค์การบริหารส่วนตำบลบ้านน้อย"):
        text = base.replace(_RESULTS, f"อยู่ในระดับผ่านดี เช่นเดียวกับ{name} โดยมีรายละเอียดผลคะแนน", 1)
        findings = audit(import_parsed(parse_text(text, source="nong-bua.txt")))
        named = [f.message for f in findings if f.rule == "foreign_agency_name"]
        assert any(f"another agency's name, {name}," in m for m in named), named


def test_a_table_periods_note_in_brackets_is_a_leftover_as_in_paragraphs():
    table = _MEASURES.replace("ต.ค. 69 - ก.ย. 70", "ต.ค. 69 - ก.ย. 70 (รายไตรมาส)")
    layout = read_layout(parse_text(_TWO_YEARS + table, source="t.txt"), TERMS)
    build = Collector(source="t", terms=TERMS)
    tables = read_tables(layout, load_framework(2569), build)
    assert tables.measures[0]["period"] == "ต.ค. 69 - ก.ย. 70"
    assert [(x.text, x.reason) for x in build.leftovers if "period" in x.reason] == [
        ("(รายไตรมาส)", "a note after the period")
    ]


def test_a_mixed_pdf_reads_periods_on_its_text_pages_as_a_text_pdf_does():
    """Only the pages OCR read are read tolerantly: a text page's two-range period is a span."""
    text = "ต.ค. 2569 – มี.ค. 2570 (ประเมิน) และ เม.ย. – ก.ย. 2570 (ติดตาม)"
    build = Collector(source="m", terms=TERMS, ocr=True, ocr_pages=frozenset({2}))
    assert read_period(text, Position(page=3, line=4), build) == "ต.ค. 2569 – ก.ย. 2570"
    assert read_period(text, Position(page=2, line=4), build) is None  # OCR may misread months
    assert [x.reason for x in build.leftovers] == [PERIOD_AS_SPAN, UNREAD_BY_OCR["period"]]
    scan = Collector(source="s", terms=TERMS, ocr=True)  # a scan: every page was read by OCR
    assert read_period(text, Position(page=3, line=4), scan) is None


def test_scanned_item_codes_ocr_garbled_are_known_by_the_name_and_its_sub_indicator():
    """Q's scan: bold item lines read ``๑0๒9แผน...`` for ``• O ๖ แผน...`` after the heading OCR
    ran into them, and ``...ทุจริต.0๒๕รายงาน...`` for ``• O ๒๔ รายงาน...`` glued to the text
    before: the catalogue name, whole before the bracket naming its sub-indicator, decides."""
    texts = [
        (
            "ตัวชีวัดที « การเปิดเผยข้อมูล ๑0๒9แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี"
            " (ตัวชีวัดย่อยที๙.๒)"
        ),
        "ข้อเสนอแนะ : หน่วยงานเผยแพร่เฉพาะแผนการดำเนินงานประจำปี",
        (
            "ข้อเสนอแนะ : รายงานไม่แสดงผลการดำเนินการตามแผนตัวชี้วัดที่๑๐การป้องกันการทุจริต"
            ".0๒๕รายงานผลการดำเนินการป้องกันการทุจริต . , (ตัวชีวัดย่อยที"
        ),
        "๑๐ .๒)",
        "ข้อเสนอแนะ : หน่วยงานไม่ได้แสดงรายงานผลการดำเนินการ",
    ]
    (suggestions, _, _), build = _suggested(texts, 2569, ocr=True)
    assert [s["item"] for s in suggestions["by_item"]] == ["o6", "o24"]
    assert {c.value for c in build.corrections} == {"o6", "o24"}  # each reported
    text = "ข้อเสนอแนะ ตามข้อ O24 รายงานผลการดำเนินการป้องกันการทุจริต (ตัวชี้วัดย่อยที่ ๑๐.๒) ควรเผยแพร่"
    (quoted, _, _), _ = _suggested([text], 2569, ocr=True)
    assert quoted.get("by_item", []) == []  # an item the text refers to is no heading
    figure = (  # a figure's decimals before an item's name are no code
        "O20 รายงานผลการดำเนินงานประจำปี ปีนี้ได้ 80.05 แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณ"
        "ประจำปี (ตัวชี้วัดย่อยที่ ๙.๒) ยังไม่เผยแพร่"
    )
    (kept, _, _), _ = _suggested([figure], 2569, ocr=True)
    assert [s["item"] for s in kept["by_item"]] == ["o20"]
