import re
from decimal import Decimal
from pathlib import Path

import pytest

from ita_lib.model.assessment_file import load_assessment, parse_assessment
from ita_lib.render.briefing import Briefing, NumberFormat
from ita_lib.render.charts import CHART_TEXT_SIZE, indicator_chart_png

HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">y</a>'
)


@pytest.fixture(scope="module")
def sample():
    return Briefing.from_assessment(load_assessment("bundled:bueng-krachap-2565"))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_headline_states_total_rating_and_pass(sample):
    text = _text(sample.headline())
    assert "องค์การบริหารส่วนตำบลบึงกระจับ" in text
    assert "ปีงบประมาณ พ.ศ. 2565" in text
    assert "92.56" in text
    assert " A " in text
    assert "ผ่าน" in text
    assert "สูงกว่าเกณฑ์ 7.56 คะแนน" in text
    assert "IIT ได้ 95.50 EIT ได้ 91.43 และ OIT ได้ 91.21" in text
    assert "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล (82.42)" in text


def test_headline_for_a_failing_agency(minimal):
    minimal["scores"] = {f"ind{n}": 80 for n in range(1, 11)}
    text = _text(Briefing.from_assessment(parse_assessment(minimal)).headline())
    assert "ไม่ผ่าน" in text
    assert "ต่ำกว่าเกณฑ์ 5.00 คะแนน" in text
    assert " B " in text


def test_thai_digits(sample):
    briefing = Briefing.from_assessment(sample.assessment, thai_digits=True)
    text = _text(briefing.headline())
    assert "๙๒.๕๖" in text
    assert "92.56" not in text
    assert "ปีงบประมาณ พ.ศ. ๒๕๖๕" in text


def test_score_table_has_instruments_weights_and_contributions(sample):
    text = _text(sample.score_table())
    for figure in (
        "95.50",
        "91.43",
        "91.21",
        "28.65",
        "27.43",
        "36.48",
        "92.56",
        "30%",
        "40%",
        "100%",
    ):
        assert figure in text
    assert "8. การปรับปรุงระบบการทำงาน 90.91" in text
    assert "ปัดเศษแล้วอาจต่าง" not in text  # 28.65 + 27.43 + 36.48 = 92.56 exactly


def test_oit_grid_shows_every_item_and_names_the_failed_ones(sample):
    html = sample.oit_items()
    text = _text(html)
    assert "ข้อที่ผ่าน 37 จาก 43 ข้อ" in text
    assert html.count('class="ita-chip ita-chip-pass"') == 37
    assert html.count('class="ita-chip ita-chip-fail"') == 6
    assert "9.2 การบริหารงาน 62.50 o10 o11 o12" in text
    assert "o17 E-Service" in text
    assert "o28 รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี" in text
    assert "ตัวชี้วัดที่ 9 = 82.42" in text


def test_suggestions_section_keeps_nacc_paragraphs_verbatim(sample):
    text = _text(sample.suggestions())
    assert "เทศบาลตำบลศาลาลาย" in text  # kept verbatim, even the pasted paragraph
    assert "ควรพัฒนาและปรับปรุงการดำเนินการตามตัวชี้วัดที่ ๘" in text
    assert "ข้อเสนอแนะรายข้อ 9 ข้อ" in text


def test_executive_summary_sentences_use_the_analysis_figures(sample):
    text = _text(sample.executive_summary())
    assert "รวม 92.56 คะแนน ระดับ A ผ่านเกณฑ์ 85 คะแนน" in text
    assert "เครื่องมือที่เสียคะแนนมากที่สุดคือ OIT (91.21 คะแนน ถ่วงน้ำหนักแล้วหายไป 3.52" in text
    assert "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล (82.42) ซึ่งไม่ผ่านการตรวจ OIT 6 ข้อ" in text
    assert (
        "หากแก้ไข o28 (+1.00), o20 (+0.57), o11 (+0.50) และ o12 (+0.50) "
        "คะแนนรวมจะเป็น 95.14 ถึงระดับ AA (แก้ไขครบทุกข้อได้ 96.08)"
    ) in text
    assert "รองรับจุดอ่อนรายข้อ 7 จาก 9 รายการ ยังไม่มีมาตรการรองรับ o11, o12" in text


def test_what_if_ladder_marks_the_next_rating(sample):
    html = sample.what_if()
    text = _text(html)
    assert "ปัจจุบัน 92.56 A" in text
    assert "4 o12 รายงานผลการดำเนินงานประจำปี (9.2) +2.50 +0.50 95.14 AA ← ถึงระดับถัดไป" in text
    assert "6 o3 อำนาจหน้าที่ (9.1) +2.22 +0.44 96.08 AA" in text
    assert html.count("ita-milestone") == 1
    assert "ข้อใน 10.2 มีค่า 5.00 คะแนนรวม ส่วนข้อใน 9.1 มีค่า 0.44 คะแนน" in text


def test_weakness_table_links_suggestions_and_measures(sample):
    text = _text(sample.weaknesses())
    assert "ไม่ใช่ E-Service" in text
    assert "มาตรการที่ 11 โครงการพัฒนาระบบการให้บริการประชาชนผ่านระบบอิเล็กทรอนิกส์ (E-Service)" in text
    assert "อนุมานจากคำว่า “E-Service”" in text
    assert "มาตรการที่ 21 ส่งเสริมการมีส่วนร่วมของประชาชน" in text
    assert text.count("ยังไม่มีมาตรการรองรับ") == 2
    assert "ind9 การเปิดเผยข้อมูล (82.42) ตัวชี้วัด · ต่ำกว่าเกณฑ์ผ่าน 85" in text


def test_contribution_chart(sample):
    html = sample.contribution_chart()
    assert "IIT 28.65 จาก 30, EIT 27.43 จาก 30, OIT 36.48 จาก 40" in html
    assert "data:image/png" not in html  # an inline SVG: its text stays text
    assert re.search(r'<svg viewBox="[^"]+" role="img"><title>แผนภูมิคะแนนถ่วงน้ำหนัก', html)
    texts = re.findall(r'<text style="font-size: (\d+)px[^"]*"[^>]*>([^<]*)</text>', html)
    labels = [text for size, text in texts if int(size) == CHART_TEXT_SIZE]  # the axis: 1 smaller
    assert labels == [
        "IIT (น้ำหนัก 30%): 28.65 จาก 30 หายไป 1.35",
        "EIT (น้ำหนัก 30%): 27.43 จาก 30 หายไป 2.57",
        "OIT (น้ำหนัก 40%): 36.48 จาก 40 หายไป 3.52",
    ]
    assert all("Sarabun" in style for style in re.findall(r'<text style="([^"]+)"', html))


def test_measures_and_footer(sample):
    text = _text(sample.measures())
    assert "(27 มาตรการ)" in text
    assert "โครงการพัฒนาระบบการให้บริการประชาชนผ่านระบบอิเล็กทรอนิกส์ (E-Service)" in text
    assert "ต.ค. 2565 – ก.ย. 2566" in text
    footer = _text(sample.footer())
    assert "IIT ร้อยละ 30 · EIT ร้อยละ 30 · OIT ร้อยละ 40" in footer
    assert "จัดทำเมื่อ" not in footer


def test_checks_report_inconsistencies(minimal):
    minimal["claimed_total"] = 83.74
    text = _text(Briefing.from_assessment(parse_assessment(minimal)).checks())
    assert "คะแนนรวมที่ระบุไว้ 83.74 ไม่ตรงกับที่คำนวณได้ 92.56" in text


def test_sections_without_optional_data(minimal):
    briefing = Briefing.from_assessment(parse_assessment(minimal))
    assert "ไม่มีผลการตรวจรายข้อของแบบวัด OIT" in briefing.oit_items()
    assert "ไม่มีข้อเสนอแนะ" in briefing.suggestions()
    assert "ไม่มีมาตรการ" in briefing.measures()
    assert "ไม่พบข้อคลาดเคลื่อน" in briefing.checks()
    assert "คำนวณคะแนนที่เพิ่มได้ไม่ได้" in briefing.what_if()
    assert "ยังประเมินความครอบคลุมของมาตรการไม่ได้" in _text(briefing.executive_summary())


def test_no_failed_items_and_suggestions_for_unknown_codes(minimal):
    minimal["scores"] = {f"ind{n}": 96 for n in range(1, 11)}
    minimal["oit"] = {"failed_items": []}
    minimal["suggestions"] = {"by_item": [{"item": "o77", "text": "ข้อที่ไม่มีในเกณฑ์"}]}
    briefing = Briefing.from_assessment(parse_assessment(minimal))
    assert "ไม่มีข้อ OIT ที่ไม่ผ่าน" in briefing.what_if()
    weaknesses = _text(briefing.weaknesses())
    assert "ไม่พบจุดอ่อน" in weaknesses
    assert "o77 ข้อที่ไม่มีในเกณฑ์" in weaknesses
    assert "ผ่านการตรวจ OIT ครบทุกข้อ" in _text(briefing.executive_summary())


def test_text_from_files_is_escaped_everywhere(minimal):
    minimal["agency"]["name"] = HOSTILE
    minimal["agency"]["province"] = HOSTILE
    minimal["suggestions"] = {
        "summary": HOSTILE,
        "by_instrument": {"EIT": HOSTILE},
        "by_item": [{"item": "o3", "text": HOSTILE}],
    }
    minimal["measures"] = [
        {"number": 1, "title": HOSTILE, "owner": HOSTILE, "period": "ต.ค. 65 - ก.ย. 66"}
    ]
    minimal["source"] = {"document": HOSTILE}
    briefing = Briefing.from_assessment(parse_assessment(minimal), run_timestamp=HOSTILE)
    sections = (briefing.headline, briefing.suggestions, briefing.measures, briefing.footer)
    html = "\n".join(section() for section in sections)
    assert "<script" not in html
    assert "<img src=x" not in html
    assert 'href="javascript' not in html
    assert html.count("&lt;script&gt;") >= 7


def test_rendering_is_deterministic(sample):
    again = Briefing.from_assessment(load_assessment("bundled:bueng-krachap-2565"))
    for name in ("headline", "score_table", "oit_items", "suggestions", "measures", "footer"):
        assert getattr(sample, name)() == getattr(again, name)()
    assert indicator_chart_png(sample.result) == indicator_chart_png(again.result)


def test_email_chart_is_a_png_of_fixed_size_and_the_browser_chart_an_svg_with_a_title(sample):
    png = indicator_chart_png(sample.result)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (616, 792)  # 5.6 x 7.2 inches at 110 dpi
    html = sample.indicator_chart()
    alt = "แผนภูมิแท่งคะแนน 10 ตัวชี้วัดเทียบกับเกณฑ์ผ่าน 85 ตัวชี้วัดที่ต่ำกว่าเกณฑ์: 9 (82.42)"
    assert f'role="img"><title>{alt}</title>' in html
    assert "data:image/png" not in html
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", html)
    assert "9. การเปิดเผยข้อมูล" in texts
    assert "82.42" in texts
    assert "เกณฑ์ผ่าน 85" in texts
    ticks = [int(t) for t in texts if t.isdigit()]
    assert ticks == [80, 90, 100]  # the axis starts near the lowest score (82.42), not at 0
    assert "stroke-dasharray" in html  # the dashed pass line


def test_number_format():
    assert NumberFormat().percent(Decimal("0.30")) == "30%"
    assert NumberFormat(thai_digits=True).score(Decimal("92.5646")) == "๙๒.๕๖"
    assert NumberFormat(thai_digits=True).int(27) == "๒๗"


def test_html_fragment_displays_as_html_with_its_own_scoped_styles(sample):
    from ita_lib.render.briefing import fragment_css, fragment_style

    fragment = sample.headline()
    assert fragment._repr_html_() == fragment_style() + str(fragment)
    # class selectors only: shown inside JupyterLab, the styles restyle nothing else
    rules = [
        line for line in fragment_css().splitlines() if "{" in line and not line.startswith("@")
    ]
    assert rules
    selectors = [part for line in rules for part in line.split("{")[0].split(",")]
    assert all(".ita-" in part for part in selectors)
    assert ".ita-chip-fail" in fragment_css()  # the OIT grid's colours


def test_charts_use_the_bundled_sarabun_font():
    from matplotlib import font_manager

    from ita_lib.render.charts import register_thai_font

    family = register_thai_font()
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert path.endswith("Sarabun-Regular.ttf")
    assert "ita_lib" in path


def test_chart_with_thai_digits_differs(sample):
    assert indicator_chart_png(sample.result, thai_digits=True) != indicator_chart_png(
        sample.result
    )


def test_peer_and_trend_section_only_with_peers(sample, minimal):
    assert sample.peers_and_trend() == ""
    others = []
    for n, total in enumerate((80, 90, 95)):
        data = {
            **minimal,
            "agency": {"name": f"หน่วยงาน {n}"},
            "scores": {f"ind{k}": total for k in range(1, 11)},
        }
        others.append(parse_assessment(data))
    last_year = parse_assessment(
        {**minimal, "fiscal_year": 2564, "scores": {f"ind{k}": 85 for k in range(1, 11)}}
    )
    me = parse_assessment(minimal)
    text = _text(Briefing.from_assessment(me, peers=(*others, last_year)).peers_and_trend())
    assert "เทียบกับหน่วยงานอื่นและปีก่อน" in text
    assert "ทั้งประเทศ 4 2 62.5 91.28" in text  # 92.56 among 80, 90, 95: rank 2, 2.5 of 4 below
    assert "2564 85.00 A" in text
    assert "เปลี่ยนแปลงจากปีก่อน +7.56 คะแนน" in text
    assert "ข้อมูลสังเคราะห์" not in text


def test_synthetic_peers_are_marked(minimal):
    peer = parse_assessment({**minimal, "agency": {"name": "อบต.ก (ข้อมูลสังเคราะห์)"}})
    text = _text(
        Briefing.from_assessment(parse_assessment(minimal), peers=(peer,)).peers_and_trend()
    )
    assert "ข้อมูลสังเคราะห์" in text


def test_current_years_are_rated_by_their_rules_and_caveated(minimal):
    minimal["fiscal_year"] = 2567
    minimal["scores"] = {f"ind{k}": 96 for k in range(1, 11)}
    minimal["scores"].update(ind6=80, ind7=80, ind8=80)  # EIT 80: ผ่าน, not ผ่านดี
    briefing = Briefing.from_assessment(parse_assessment(minimal))
    assert str(briefing.result.total_2dp) == "91.20"
    assert briefing.result.rating == "ผ่าน"
    headline = _text(briefing.headline())
    assert "ผ่าน" in headline
    assert "ยังไม่ได้ยืนยันกับคู่มือ" in headline
    assert headline.count("ยังไม่ได้ยืนยันกับคู่มือ") == 1  # said once, near the figures
    assert "รายการข้อ OIT และการจัดกลุ่มเป็นตัวชี้วัดย่อย" in headline
    assert "ไม่มีผลการตรวจรายข้อ" in briefing.oit_items()
    assert "ยังไม่ได้ยืนยัน" not in _text(
        Briefing.from_assessment(parse_assessment({**minimal, "fiscal_year": 2565})).headline()
    )


def test_findings_of_the_texts_or_of_the_imported_document(sample, tmp_path):
    from ita_lib.documents.audit import attach_findings, audit
    from ita_lib.documents.importer import import_document, write_assessment_yaml

    own = _text(sample.document_findings())  # the sample's own texts are audited
    assert "ข้อสังเกตจากการตรวจข้อความ" in own
    assert "พบ 10 ข้อสังเกต" in own
    assert "ข้อผิดพลาด ข้อเสนอแนะของสำนักงาน ป.ป.ช. (ภาพรวม) มีชื่อหน่วยงานอื่น (เทศบาลตำบลศาลาลาย)" in own
    assert "ข้อผิดพลาด มาตรการที่ 19 มีชื่อหน่วยงานอื่น (เทศบาลตำบลศาลาลาย)" in own
    assert "ข้อควรตรวจสอบ มาตรการที่ 10 ชื่อหน่วยงานสะกดผิดเป็น บึงกระจัด" in own
    document = Path(__file__).parents[1] / "data" / "bueng-krachap-measures-2566.txt"
    path = tmp_path / "imported.yaml"
    imported = import_document(document)
    write_assessment_yaml(attach_findings(imported.data, audit(imported)), path)
    briefing = Briefing.from_assessment(load_assessment(path))
    text = _text(briefing.document_findings())
    assert "ข้อสังเกตจากเอกสารต้นฉบับ" in text
    assert "ข้อผิดพลาด บรรทัด 26 มีชื่อหน่วยงานอื่น (เทศบาลตำบลศาลาลาย)" in text
    assert "การตรวจเอกสารพบ 28 ข้อสังเกต" in text
    assert "บรรทัด 119 ข้อความแม่แบบยังไม่ได้กรอก" in text  # a rule that needs the document
    assert str(briefing.result.total_2dp) == "92.56"
