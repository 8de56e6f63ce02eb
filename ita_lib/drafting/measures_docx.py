"""Write a planned measures document (:class:`MeasuresPlan`) as a .docx file.

The layout is the standard three parts of the NACC template, in the words the importer
(:mod:`ita_lib.documents.importer`) reads back: (1) the ITA result and its score table,
(2) NACC's suggestions and the agency's own analysis table, (3) the measures table with the
columns ที่, มาตรการ, ขั้นตอน/วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลา, การติดตามประเมินผล.
Formatting follows :mod:`ita_lib.drafting.docx_format`.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocxDocument

from ita_lib.documents.writer import write_new_file
from ita_lib.drafting.docx_format import (
    add_heading,
    add_paragraph,
    add_row,
    add_table,
    comment,
    landscape_section,
    new_document,
    set_cell,
    to_bytes,
)
from ita_lib.drafting.measures_plan import DRAFTED, MeasuresPlan, plan_measures
from ita_lib.log import logger
from ita_lib.model.assessment import Assessment
from ita_lib.text.periods import format_period

__all__ = ["MEASURE_COLUMNS", "draft_measures", "measures_docx"]

MEASURE_COLUMNS = (
    "ที่", "มาตรการ", "ขั้นตอน/วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา", "การติดตามประเมินผล",
)  # fmt: skip
_MEASURE_WIDTHS = (1.2, 4.6, 7.9, 3.5, 3.0, 4.5)  # landscape A4: 24.7 cm of text
_SCORE_HEADER = ("ตัวชี้วัด", "คะแนน ITA", "คะแนนที่ได้ (100 คะแนน)", "น้ำหนัก (ร้อยละ)",
                 "คะแนนถ่วงน้ำหนัก")  # fmt: skip
_SCORE_WIDTHS = (6.0, 2.4, 2.8, 2.4, 2.4)
_ANALYSIS_HEADER = ("ตัวชี้วัด", "ประเด็นที่ควรรักษามาตรฐานการดำเนินงานหรือพัฒนาให้ดีขึ้น",
                    "ประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อน ที่จะต้องแก้ไขโดยเร่งด่วน")  # fmt: skip
_ANALYSIS_WIDTHS = (4.5, 5.25, 5.25)

log = logger.getChild("drafting")


def _results(document: DocxDocument, plan: MeasuresPlan) -> None:
    a, r, d = plan.assessment, plan.result, plan.digits
    name, year = a.agency.name, d(str(a.fiscal_year))
    add_heading(document, d(f"1. ผลการประเมิน ITA ของ{name} ปีงบประมาณ พ.ศ. {year}"))
    add_paragraph(
        document,
        f"จากผลการประเมิน ITA ในปีงบประมาณ พ.ศ. {year} ของ{name} พบว่ามีผลคะแนน "
        f"{d(str(r.total_2dp))} คะแนน อยู่ในระดับ {r.rating} ดังนี้",
        indent=True,
    )
    table = add_table(document, [d(h) for h in _SCORE_HEADER], _SCORE_WIDTHS)
    for instrument in r.instruments:
        for i, number in enumerate(instrument.indicators):
            indicator = plan.framework.indicator(number)
            cells = add_row(table, _SCORE_WIDTHS)
            set_cell(cells[0], [d(f"ตัวชี้วัดที่ {number} {indicator.name_th}")])
            set_cell(cells[1], [d(f"{a.scores[number]:.2f}")], center=True)
            if i == 0:
                set_cell(cells[2], [d(str(instrument.score_2dp))], center=True)
                set_cell(cells[3], [d(f"{instrument.weight * 100:.0f}")], center=True)
                set_cell(cells[4], [d(str(instrument.weighted_2dp))], center=True)
    cells = add_row(table, _SCORE_WIDTHS)
    set_cell(cells[0], ["รวม"], bold=True)
    set_cell(cells[3], [d("100")], center=True)
    set_cell(cells[4], [d(str(r.total_2dp))], center=True, bold=True)


def _suggestions(document: DocxDocument, plan: MeasuresPlan) -> None:
    a, d = plan.assessment, plan.digits
    add_paragraph(
        document,
        f"ทั้งนี้ สำนักงาน ป.ป.ช. ได้ให้ข้อเสนอแนะเพิ่มเติมต่อผลการประเมิน ITA ในปีงบประมาณ "
        f"พ.ศ. {d(str(a.fiscal_year))} ของ{a.agency.name} ดังนี้",
        indent=True,
    )
    if plan.summary:
        paragraph = add_paragraph(document, plan.summary, marked=plan.summary_drafted, indent=True)
        if plan.summary_drafted:
            comment(document, paragraph, "สรุปผลจัดทำโดยระบบจากตารางคะแนน (ข้อความสรุปเดิม"
                    "ระบุชื่อหรือคะแนนของหน่วยงานอื่น) โปรดตรวจทาน")  # fmt: skip
    texts = dict(plan.by_instrument)
    for code in ("IIT", "EIT", "OIT"):
        if code in texts:
            add_paragraph(document, texts[code], indent=True)
        for suggestion in plan.by_item:
            known = suggestion.known and plan.framework.has_item(suggestion.item)
            instrument = plan.framework.item(suggestion.item).instrument if known else "OIT"
            if instrument == code:
                add_paragraph(document, f"ข้อ {suggestion.item} {suggestion.text}", indent=True)


def _analysis(document: DocxDocument, plan: MeasuresPlan) -> None:
    a, d = plan.assessment, plan.digits
    add_heading(document, d("2. การวิเคราะห์ผลการประเมินจำแนกตามเครื่องมือการประเมิน"))
    add_paragraph(
        document,
        f"จากผลการประเมินและข้อเสนอแนะของสำนักงาน ป.ป.ช. {a.agency.name} มีประเด็นที่ควรรักษา"
        "มาตรฐานและประเด็นที่ต้องแก้ไข ดังนี้",
        indent=True,
    )
    table = add_table(document, _ANALYSIS_HEADER, _ANALYSIS_WIDTHS)
    for row in plan.analysis:
        cells = add_row(table, _ANALYSIS_WIDTHS)
        set_cell(cells[0], [row.label], bold=row.heading)
        if not row.heading:
            set_cell(cells[1], row.keep)
            set_cell(cells[2], row.weak)


def _measures(document: DocxDocument, plan: MeasuresPlan) -> None:
    a, d = plan.assessment, plan.digits
    target = d(str(plan.target_year))
    landscape_section(document)
    add_heading(document, f"{d('3.')} มาตรการในการส่งเสริมคุณธรรมและความโปร่งใสประจำปีงบประมาณ "
                f"พ.ศ. {target}")  # fmt: skip
    add_paragraph(
        document,
        f"ผลการวิเคราะห์การประเมิน ITA ของ{a.agency.name} ประจำปีงบประมาณ พ.ศ. "
        f"{d(str(a.fiscal_year))} นำไปสู่การกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
        f"ประจำปีงบประมาณ พ.ศ. {target} ดังต่อไปนี้",
        indent=True,
    )
    table = add_table(document, MEASURE_COLUMNS, _MEASURE_WIDTHS)
    for m in plan.measures:
        cells = add_row(table, _MEASURE_WIDTHS)
        set_cell(cells[0], [d(f"{m.number}.")], center=True)
        set_cell(cells[1], [m.title], marked="title" in m.marked)
        set_cell(cells[2], [f"{d(str(i))}) {s}" for i, s in enumerate(m.steps, 1)],
                 marked="steps" in m.marked)  # fmt: skip
        set_cell(cells[3], [m.owner], marked="owner" in m.marked)
        set_cell(cells[4], [format_period(m.period, thai_digits=plan.thai_digits)],
                 marked="period" in m.marked)  # fmt: skip
        set_cell(cells[5], [f"{d(str(i))}) {s}" for i, s in enumerate(m.monitoring, 1)],
                 marked="monitoring" in m.marked)  # fmt: skip
        note = _review_note(m)
        if note:
            comment(document, cells[1].paragraphs[0], note)


def _review_note(measure) -> str | None:
    codes = ", ".join(measure.addresses)
    if measure.origin == DRAFTED:
        return (f"ร่างจากแม่แบบมาตรการ ({measure.template}) สำหรับข้อ {codes} "
                "โปรดตรวจทานชื่อมาตรการ ขั้นตอน ผู้รับผิดชอบ และระยะเวลา")  # fmt: skip
    if measure.marked:
        return (f"มาตรการเดิมที่ {measure.source_number} (รองรับข้อ {codes}): ระบบแก้ชื่อหน่วยงาน"
                "หรือข้อความที่ยังไม่ได้กรอก หรือเติมส่วนที่ขาด โปรดตรวจทาน")  # fmt: skip
    return None


def measures_docx(plan: MeasuresPlan) -> bytes:
    """Return the measures document of ``plan`` as .docx bytes (deterministic)."""
    a, d = plan.assessment, plan.digits
    document = new_document(thai_digits=plan.thai_digits)
    add_heading(document, "มาตรการส่งเสริมคุณธรรมและความโปร่งใส", title=True)
    add_heading(document, f"ประจำปีงบประมาณ พ.ศ. {d(str(plan.target_year))}", title=True)
    add_heading(document, f"ของ{a.agency.name}", title=True)
    _results(document, plan)
    _suggestions(document, plan)
    _analysis(document, plan)
    _measures(document, plan)
    return to_bytes(document)


def draft_measures(
    assessment: Assessment,
    path: str | Path,
    *,
    fiscal_year: int | None = None,
    thai_digits: bool = True,
    overwrite: bool = False,
) -> MeasuresPlan:
    """Draft the measures document for ``fiscal_year`` and write it to ``path``.

    Parameters
    ----------
    assessment
        The agency's latest assessment.
    path
        The .docx file to write (atomically; an existing file only with ``overwrite``).
    fiscal_year
        The measures' fiscal year (Buddhist era); default: the year after the assessment.
    thai_digits
        Thai digits in generated text (default); False for Arabic digits.
    overwrite
        Replace an existing file.

    Returns
    -------
    MeasuresPlan
        What the document says (measures carried over and drafted, notes).

    Raises
    ------
    InputError
        For a year not after the assessment, an existing file, or a missing folder.
    """
    plan = plan_measures(assessment, fiscal_year, thai_digits=thai_digits)
    write_new_file(path, measures_docx(plan), overwrite=overwrite)
    for note in plan.notes:
        log.warning("%s", note)
    return plan
