"""The briefing of a current year (FY2568): blockers, the caveat, the earlier year, the mark."""

from __future__ import annotations

import html
import re

from ita_lib.model.assessment_file import load_assessment
from ita_lib.render.briefing import Briefing


def _text(fragment: object) -> str:
    plain = re.sub(r"<[^>]+>", " ", str(fragment))
    return re.sub(r"\s+", " ", html.unescape(plain)).strip()


def _briefing(**kwargs: object) -> Briefing:
    return Briefing.from_assessment(load_assessment("bundled:tambon-tuayang-2568"), **kwargs)


def test_summary_and_what_if_say_which_instrument_blocks_the_next_level():
    briefing = _briefing()
    sentence = (
        "ระดับ ผ่านดี ต้องได้คะแนนทุกเครื่องมือตั้งแต่ 85 คะแนน แต่ EIT ได้ 83.87 "
        "ต้องเพิ่มอีก 1.13 คะแนน การแก้ไขข้อ OIT อย่างเดียวจึงไม่พอ"
    )
    assert sentence in _text(briefing.executive_summary())
    what_if = _text(briefing.what_if())
    assert "EIT ได้ 83.87 ต้องเพิ่มอีก 1.13 คะแนน การแก้ไขข้อ OIT อย่างเดียวจึงไม่ถึงระดับนี้" in what_if
    assert "ข้อใน 10.1 มีค่า 2.50 คะแนนรวม ส่วนข้อใน 9.2 มีค่า 0.57 คะแนน" in what_if


def test_unverified_rules_and_items_are_said_once_near_the_figures():
    headline = _text(_briefing().headline())
    assert headline.count("ยังไม่ได้ยืนยันกับคู่มือการประเมินของสำนักงาน ป.ป.ช.") == 1
    assert "รายการข้อ OIT และการจัดกลุ่มเป็นตัวชี้วัดย่อย" in headline
    assert "(ตัวอย่างสมมติ)" in headline  # the illustrative agency is marked


def test_items_failed_again_are_marked_only_with_an_earlier_year():
    assert str(_briefing().year_change()) == ""
    previous = load_assessment("bundled:tambon-tuayang-2567")
    text = _text(_briefing(previous=previous).year_change())
    assert "เทียบกับผลการประเมินปีงบประมาณ 2567" in text
    assert "คะแนนรวมลดลง 1.70 คะแนน" in text
    assert "ข้อ OIT ที่ไม่ผ่านซ้ำ 2 ข้อ: o10 (ปี 2567: o18" in text
    assert "ตัวชี้วัดที่ 10 การป้องกันการทุจริต 93.75 87.50 -6.25" in text


def test_the_earlier_year_is_found_among_peers():
    previous = load_assessment("bundled:tambon-tuayang-2567")
    briefing = _briefing(peers=(previous,))
    assert briefing.previous is previous
    assert "ไม่ผ่านซ้ำ" in _text(briefing.year_change())


def test_the_illustrative_mark_is_no_other_agency():
    from ita_lib.documents.audit import audit_assessment_file

    assert audit_assessment_file("bundled:tambon-tuayang-2568") == ()


def test_with_thai_digits_the_headline_has_no_arabic_digit():
    headline = _text(_briefing(thai_digits=True).headline())
    assert "จาก ๑๐๐ คะแนน" in headline
    assert "ตั้งแต่ ๘๕" in headline  # the level's description, from the framework's data
    assert re.findall(r"[0-9]+", headline) == []
