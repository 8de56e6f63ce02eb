"""Thai repair of text from PDF text layers and OCR."""

import unicodedata

import pytest

from ita_lib.text.thai_repair import (
    PUA_TO_THAI,
    compose_sara_am,
    drop_doubled_marks,
    join_split_marks,
    map_pua,
    order_marks,
    repair_thai,
    thai_skeleton,
)

CLEAN = [
    "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "น้ำหนัก (ร้อยละ)",
    "ที่ปรึกษา กี่ครั้ง ผู้บริหาร",
    "ตัวชี้วัดที่ ๑๐ การป้องกันการทุจริต",
    "NO Gift Policy ไม่รับ – ไม่ให้",
    "",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_left_alone(text):
    assert repair_thai(text) == text


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ผ\uf70bู", "ผู้"),  # PUA tone written before the lower vowel
        ("ท\uf70bา", "ท้า"),
        ("ป\uf713\u0e32", "ป่า"),
        ("\uf70f", "ญ"),
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),  # nikhahit, tone, sara aa
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),  # tone, nikhahit, sara aa
        ("น\u0e33\u0e49", "น้ำ"),  # tone after sara am
        ("ก\u0e48\u0e35", "กี่"),  # tone before the upper vowel
        ("ก\u0e48\u0e48า", "ก่า"),  # doubled mark
        ("ส \u0e48ง", "ส่ง"),  # space between consonant and mark
        ("จ ำ", "จำ"),
        ("เ ป็น", "เป็น"),  # space after a leading vowel
        ("โปร ่งใส", "โปร่งใส"),
    ],
)
def test_repairs(broken, fixed):
    assert repair_thai(broken) == fixed


def test_every_pua_glyph_maps_to_a_thai_character():
    assert len(PUA_TO_THAI) == 27
    for pua, thai in PUA_TO_THAI.items():
        assert unicodedata.category(pua) == "Co"
        assert "\u0e01" <= thai <= "\u0e4e"
    assert map_pua("".join(PUA_TO_THAI)) == "".join(PUA_TO_THAI.values())


def test_each_step_alone():
    assert order_marks("ก\u0e49\u0e34") == "ก\u0e34\u0e49"
    assert drop_doubled_marks("ก\u0e34\u0e34") == "ก\u0e34"
    assert compose_sara_am("ท\u0e4d\u0e32") == "ทำ"
    assert join_split_marks("ก า ข") == "กา ข"
    assert join_split_marks("ITA ๒๕๖๕ ก") == "ITA ๒๕๖๕ ก"


def test_result_is_nfc_and_input_unchanged():
    text = "ผ\uf70bู"
    out = repair_thai(text)
    assert unicodedata.is_normalized("NFC", out)
    assert text == "ผ\uf70bู"


def test_thai_skeleton_keeps_the_consonants_ocr_reads():
    assert thai_skeleton("ตัวชี้วัดที่ ๖ คุณภาพการดำเนินงาน") == "ตวชวดทคณภพกรดนนงน"
    assert thai_skeleton("ตัวชีวัดที๐ คุณภาพการดำเนินงาน |") == "ตวชวดทคณภพกรดนนงน"
    assert thai_skeleton("wv av ' ตวชวด '") == thai_skeleton("ตัวชี้วัด")
    assert thai_skeleton("IIT 2566") == ""
