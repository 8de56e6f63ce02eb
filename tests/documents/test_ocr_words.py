"""OCR words: Thai syllables joined, real gaps kept, numbers told, Tesseract's TSV read."""

from ita_lib.documents.ocr_words import is_numeric, join_syllables, may_be_number, parse_tsv
from ita_lib.documents.page_layout import Word


def _word(text: str, x0: float, x1: float, conf: float = 90.0) -> Word:
    return Word(text, x0, 100, x1, 130, 25, conf)


def test_syllables_are_joined_and_real_gaps_kept():
    line = [_word("มาต", 0, 40), _word("รการ", 45, 90, 60.0), _word("ส่งเสริม", 95, 150),
            _word("ของ", 175, 210), _word("ITA", 235, 270)]  # fmt: skip
    words = join_syllables(line)
    assert [w.text for w in words] == ["มาตรการส่งเสริม", "ของ", "ITA"]
    assert words[0].conf == 60.0  # the lowest confidence of its pieces
    assert (words[0].x0, words[0].x1) == (0, 150)


def test_english_words_keep_their_spaces_and_numbers_join():
    assert [w.text for w in join_syllables([_word("E-", 0, 20), _word("Service", 24, 80)])] == [
        "E-", "Service"]  # fmt: skip
    assert [w.text for w in join_syllables([_word("๙๗", 0, 20), _word(".๐๖", 22, 40)])] == [
        "๙๗.๐๖"]  # fmt: skip
    assert join_syllables([]) == ()


def test_numbers_and_misread_numbers():
    assert is_numeric("๙๗.๐๖")
    assert is_numeric("97.06")
    assert is_numeric("-")
    assert not is_numeric("ตัวชี้วัดที่ ๑")
    assert not is_numeric("mo")
    assert may_be_number("mo")
    assert may_be_number("lod.lo ๑")
    assert not may_be_number("รวม")
    assert not may_be_number("")


def test_tsv_of_two_images():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t10\t30\t20\t91.5\tมาต",
        "5\t1\t1\t1\t1\t2\t42\t10\t30\t20\t80\tรการ",
        "4\t1\t1\t1\t1\t0\t10\t10\t62\t20\t-1\t",
        "5\t2\t1\t1\t1\t1\t5\t5\t20\t20\t-1\t๓๐",
    ]
    found = parse_tsv("\n".join([header, *rows]))
    assert [[w.text for w in line] for line in found[1]] == [["มาต", "รการ"]]
    assert found[1][0][0].conf == 91.5
    assert found[2][0][0].conf == 0.0
    assert found[1][0][1].x1 == 72
