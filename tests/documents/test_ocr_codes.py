"""Item codes read glyph by glyph, glyphs made whole, stray marks, and what OCR misread put right."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ita_lib.documents.ocr_codes import (
    code_in_front,
    may_be_code,
    read_code,
    read_code_in_front,
    reread_code,
)
from ita_lib.documents.ocr_digits import fix_digits, grow, step_in_front
from ita_lib.documents.ocr_repair import repair_sequence, snap_sub_indicator
from ita_lib.documents.ocr_words import attach_parens, drop_strays
from ita_lib.documents.page_layout import Word
from ita_lib.model.framework_files import load_framework

FONTS = Path(__file__).resolve().parents[2] / "ita_lib" / "fonts"


def _ink(text: str, size: int = 36, face: str = "Sarabun-Regular.ttf") -> np.ndarray:
    """Draw ``text`` in Sarabun as a scan at about 200 dpi shows 13 pt text; return its ink."""
    font = ImageFont.truetype(str(FONTS / face), size)
    image = Image.new("L", (40 + size * len(text), 3 * size), 255)
    ImageDraw.Draw(image).text((20, size // 2), text, font=font, fill=0)
    return np.asarray(image) < 128


@pytest.mark.parametrize(
    ("written", "code"),
    [("0๑๗", "o17"), ("o๑๗", "o17"), ("O17", "o17"), ("e๑๔", "e14"), ("๐๒๘", "o28"),
     ("0๙", "o9"), ("i๓", "i3"), ("0๔๓", "o43")],
)  # fmt: skip
def test_a_code_is_read_glyph_by_glyph(written, code):
    from ita_lib.text.codes import normalize_item_code

    read = read_code(_ink(written))
    assert read is not None
    assert normalize_item_code(read.text) == code
    assert read.conf > 70


@pytest.mark.parametrize("written", ["๒๕๖๕", "๑๐", "Call", "NO", "๑.๑)"])
def test_what_is_no_code_is_not_read_as_one(written):
    assert read_code(_ink(written)) is None


def test_the_word_item_joined_to_a_code_is_kept_in_front():
    text, conf = reread_code("ข้อ0๑๓", _ink("ข้อ 0๑๗"))
    assert text == "ข้อ0๑๗"
    assert conf is not None


def test_a_whole_word_must_be_the_code():
    assert read_code(_ink("ข้อ 0๑๗")) is None
    assert read_code(_ink("ข้อ 0๑๗"), whole=False) is not None


def test_which_words_may_be_codes():
    assert [may_be_code(t) for t in ("Ooo", "eae", "0๒๕", "ข้อ0๑๓", "«๓.0")] == [True] * 5
    assert [may_be_code(t) for t in ("รอบ", "o", "E-Service", "Call", "หน่วยงาน")] == [False] * 5


def test_a_digit_whose_tail_the_box_cuts_is_read_whole():
    ink = _ink("๒๘")
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    cut = (int(cols[0]), int(rows[0]) + 6, int(cols[-1]) - 5, int(rows[-1]) + 1)  # tail cut off
    x0, y0, x1, y1 = cut
    assert fix_digits("๒๕", grow(ink, cut))[0] == "๒๘"
    assert fix_digits("๒๕", ink[y0:y1, x0:x1])[0] != "๒๘"


def test_grow_keeps_only_ink_that_touches_the_box():
    ink = np.zeros((30, 30), dtype=bool)
    ink[10:20, 5] = True  # a stroke the box cuts
    ink[2, 20:25] = True  # a mark of the line above, apart
    grown = grow(ink, (3, 15, 8, 20), reach=12)
    assert int(grown.sum()) == 10


def test_stray_marks_and_specks_are_dropped_and_words_kept():
    word = Word("หน่วยงานต้องแสดง", 219, 678, 942, 731, 20)
    mark = Word("a", 605, 681, 622, 692, 20)  # a tone mark read as a word of its own
    speck = Word("|", 1260, 700, 1262, 701, 20)
    point = Word(".", 950, 720, 953, 723, 20)
    small = Word("๑", 960, 690, 975, 712, 20)  # a digit beside the word: not inside it
    others = [Word("ปัญหา", 1000 + 90 * i, 678, 1080 + 90 * i, 731, 20) for i in range(5)]
    kept = drop_strays([word, mark, speck, point, small, *others])
    assert [w.text for w in kept] == ["หน่วยงานต้องแสดง", ".", "๑"] + ["ปัญหา"] * 5


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ([1, 2, None, 4], [1, 2, 3, 4]),
        ([1, 2, 13, 4], [1, 2, 3, 4]),
        ([1, 2, 3, 3], [1, 2, 3, 4]),
        ([1, 2, 3, None], [1, 2, 3, 4]),
        ([7, 2, 3], [1, 2, 3]),
        ([1, 2, 5], [1, 2, 5]),  # a gap the document may have: left as read
        ([1, 2, 2, 2], [1, 2, 2, 2]),  # no value the neighbours agree on
        ([1, None, None, 4], [1, 2, 3, 4]),  # the gap holds exactly the two unread
        ([1, None, None, 5], [1, None, None, 5]),  # it does not
        ([6, None, 5, None, 10], [6, 7, 8, 9, 10]),  # a run of numbers that fit nowhere
        ([], []),
    ],
)
def test_repair_sequence(read, fixed):
    assert repair_sequence(read) == fixed


def test_a_sub_indicator_is_taken_by_its_name_when_its_number_is_misread():
    framework = load_framework(2565)
    assert snap_sub_indicator("3.1", "ข้อมูลพื้นฐาน", framework) == "9.1"
    assert snap_sub_indicator("3.3", "การบริหารเงินงบประมาณ .", framework) == "9.3"
    assert snap_sub_indicator("9.3", "การบริหารงาน", framework) == "9.2"
    assert snap_sub_indicator("9.2", "การบริหารงาน", framework) == "9.2"
    assert snap_sub_indicator("9.2", "อ่านไม่ออก", framework) == "9.2"  # the name tells nothing
    assert snap_sub_indicator("3.1", "อ่านไม่ออก", framework) is None


@pytest.mark.parametrize(
    ("shown", "read", "fixed"),
    [
        ("๖๖", "bb", "๖๖"),  # Thai digits Tesseract read as Latin letters
        ("๑)", "@)", "๑)"),
        ("๔)", "๕)", "๔)"),  # a step number misread, its parenthesis apart
        ("๑)", "๑๑", "๑)"),  # the parenthesis read as a digit
        ("๒)", "0", "๒)"),  # a step number read as an Arabic digit
        (")", "|", ")"),
        ("ต.ค.๖๕", "ต.ค.๒๐๕", "ต.ค.๖๕"),  # one glyph read as two
        ("ที่๖", "ที่๒", "ที่๖"),
        ("ผลคะแนน...๙๒.๕๖...", "ผลคะแนน...๕๒.๕๒๐...", "ผลคะแนน...๙๒.๕๖..."),  # inside a word
        ("คะแนน ๘๓.๗๔ คะแนน", "คะแนน ๓๓.๕๕ คะแนน", "คะแนน ๘๓.๗๔ คะแนน"),
    ],
)
def test_digits_and_step_numbers_are_read_again(shown, read, fixed):
    assert fix_digits(read, _ink(shown))[0] == fixed


@pytest.mark.parametrize("word", ["NO", "QR", "OIT", "Gift", "E", "2569", "2"])
def test_latin_words_stay_latin(word):
    assert fix_digits(word, _ink(word)) == (word, None)


def test_a_step_number_tesseract_dropped_is_put_back_in_front():
    assert step_in_front("ดำเนินการ", _ink("๒) ดำเนินการ"))[0] == "๒) ดำเนินการ"
    assert step_in_front("ดำเนินการ", _ink("ดำเนินการ")) == ("ดำเนินการ", None)
    assert step_in_front("๒) ดำเนินการ", _ink("๒) ดำเนินการ")) == ("๒) ดำเนินการ", None)


def test_a_code_run_into_the_thai_word_after_it_is_read_and_set_apart():
    assert code_in_front("0๑หน่วยงาน")
    assert not code_in_front("องค์การ")
    assert read_code_in_front("0๑หน่วยงาน", _ink("0๑๗ หน่วยงาน"))[0] == "0๑๗ หน่วยงาน"
    assert read_code_in_front("ข้อ0๑๒หน่วยงาน", _ink("ข้อ 0๑๒ หน่วยงาน"))[0] == "ข้อ0๑๒ หน่วยงาน"
    assert read_code_in_front("06หน่วยงาน", _ink("O6 หน่วยงาน"))[0] == "O6 หน่วยงาน"
    assert read_code_in_front("0๑หน่วยงาน", _ink("หน่วยงาน")) == ("0๑หน่วยงาน", None)


def test_a_parenthesis_read_apart_joins_its_number():
    words = [
        Word("๑", 0, 0, 16, 20, 20),
        Word(")", 24, 0, 30, 20, 20),
        Word("ก", 60, 0, 70, 20, 20),
    ]
    assert [w.text for w in attach_parens(words)] == ["๑)", "ก"]
    apart = [Word("ก", 0, 0, 16, 20, 20), Word(")", 24, 0, 30, 20, 20)]
    assert [w.text for w in attach_parens(apart)] == ["ก", ")"]


def test_an_item_code_one_digit_off_its_name_is_the_named_item():
    from ita_lib.documents.ocr_repair import snap_item_code

    framework = load_framework(2565)
    assert snap_item_code("o1", "ข้อมูลเชิงสถิติการให้บริการ", framework) == "o15"  # a digit lost
    assert snap_item_code("o10", "คู่มือหรือมาตรฐานการให้บริการ", framework) == "o14"
    assert snap_item_code("o1", "โครงสร้าง", framework) == "o1"  # its own name
    assert snap_item_code("o20", "ข่าวประชาสัมพันธ์", framework) == "o20"  # o7: not a misread
    assert snap_item_code("o17", "E-Service", framework) == "o17"
    assert snap_item_code("o1", "อ่านไม่ออก", framework) == "o1"


def test_indicators_named_in_a_scanned_text_are_read_by_name_as_well():
    from ita_lib.documents.extraction import indicators_read

    framework = load_framework(2565)
    text = "ตัวชีวัดที oa ประสิทธิภาพการสือสาร ตัวชีวัดที ๘ การปรับปรุงการทำงาน"
    assert indicators_read(text, framework) == [7, 8]
    assert indicators_read("ไม่มีตัวชี้วัดย่อยที่ ๙.๒", framework) == []


def test_specks_above_a_figures_point_leave_it_a_point():
    from ita_lib.documents.ocr_digits import read_figure

    ink = _ink("๙๗.๖๔")
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    cell = ink[rows[0] - 4 : rows[-1] + 4, cols[0] - 4 : cols[-1] + 4].copy()
    point = [x for x in range(cell.shape[1]) if cell[-10:, x].any() and not cell[:-10, x].any()]
    assert point, "the point is found below the digits' tops"
    x = point[len(point) // 2]
    cell[8:10, x : x + 2] = True  # two specks a scanner left above the point
    cell[13:14, x + 1] = True
    figure = read_figure(cell)
    assert figure is not None
    assert figure.text == "๙๗.๖๔"
