"""Write the measures' progress report (6-month or annual) as a .docx file.

From a progress file (:mod:`ita_lib.model.progress`): a title, a summary table (measures per
status), the table of every measure (status, date done, evidence, notes) and the measures not
yet done. Formatting follows :mod:`ita_lib.drafting.docx_format`.
"""

from __future__ import annotations

from pathlib import Path

from ita_lib.documents.writer import write_new_file
from ita_lib.drafting.docx_format import (
    add_heading,
    add_paragraph,
    add_row,
    add_table,
    new_document,
    set_cell,
    to_bytes,
)
from ita_lib.model.progress import STATUSES, Progress
from ita_lib.text.digits import digits_as
from ita_lib.text.years import format_date

__all__ = ["draft_report", "report_docx"]

_SUMMARY_WIDTHS = (10.0, 5.0)
_TABLE = ("ที่", "มาตรการ", "ผลการดำเนินการ", "วันที่แล้วเสร็จ", "หลักฐาน", "หมายเหตุ")
_TABLE_WIDTHS = (1.0, 4.5, 2.6, 2.4, 2.7, 2.8)


def report_docx(progress: Progress, *, thai_digits: bool = True) -> bytes:
    """Return the progress report as .docx bytes (deterministic)."""

    def d(text: str) -> str:
        return digits_as(text, thai_digits)

    document = new_document(thai_digits=thai_digits, review_note=False)
    year = d(str(progress.fiscal_year))
    add_heading(document, "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส", title=True)
    add_heading(document, f"ประจำปีงบประมาณ พ.ศ. {year} ({progress.round_th})", title=True)
    add_heading(document, f"ของ{progress.agency}", title=True)
    if progress.as_of is not None:
        as_of = format_date(progress.as_of, style="long", thai_digits=thai_digits)
        add_paragraph(document, f"ข้อมูล ณ วันที่ {as_of}", center=True)
    counts = progress.counts()
    total = len(progress.measures)
    add_heading(document, d("1. สรุปผลการดำเนินการ"))
    add_paragraph(
        document,
        d(f"{progress.agency} กำหนดมาตรการไว้ {total} มาตรการ ดำเนินการแล้วเสร็จ "
          f"{counts['done']} มาตรการ คิดเป็นร้อยละ {100 * counts['done'] / total:.2f}"),
        indent=True,
    )  # fmt: skip
    table = add_table(document, ("ผลการดำเนินการ", "จำนวนมาตรการ"), _SUMMARY_WIDTHS)
    for status, label in STATUSES.items():
        cells = add_row(table, _SUMMARY_WIDTHS)
        set_cell(cells[0], [label])
        set_cell(cells[1], [d(str(counts[status]))], center=True)
    cells = add_row(table, _SUMMARY_WIDTHS)
    set_cell(cells[0], ["รวม"], bold=True)
    set_cell(cells[1], [d(str(total))], center=True, bold=True)
    add_heading(document, d("2. ผลการดำเนินการรายมาตรการ"))
    table = add_table(document, _TABLE, _TABLE_WIDTHS)
    for m in progress.measures:
        cells = add_row(table, _TABLE_WIDTHS)
        done = format_date(m.done_on, thai_digits=thai_digits) if m.done_on else "-"
        for cell, lines in zip(cells, ([d(f"{m.number}.")], [m.title], [m.status_th], [done],
                                       list(m.evidence) or ["-"], [m.notes or "-"]), strict=True):  # fmt: skip
            set_cell(cell, lines)
    add_heading(document, d("3. มาตรการที่ยังไม่แล้วเสร็จ"))
    pending = progress.not_done()
    if not pending:
        add_paragraph(document, "ดำเนินการแล้วเสร็จครบทุกมาตรการ", indent=True)
    for m in pending:
        text = f"{d(str(m.number))}. {m.title} ({m.status_th})"
        add_paragraph(document, text + (f": {m.notes}" if m.notes else ""), indent=True)
    return to_bytes(document)


def draft_report(
    progress: Progress, path: str | Path, *, thai_digits: bool = True, overwrite: bool = False
) -> Path:
    """Write the progress report of ``progress`` to ``path`` (atomically).

    Raises
    ------
    InputError
        When the file exists (without ``overwrite``) or its folder does not exist.
    """
    return write_new_file(path, report_docx(progress, thai_digits=thai_digits), overwrite=overwrite)
