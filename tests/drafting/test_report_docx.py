"""The measures' progress report (ita_lib.drafting.report_docx, ``ita draft report``)."""

from __future__ import annotations

from pathlib import Path

import docx

from ita_lib.cli import main
from ita_lib.drafting.report_docx import report_docx
from ita_lib.model.progress import load_progress

PROGRESS = Path(__file__).parent.parent / "data" / "drafting" / "na-thotlong-progress-2569.yaml"


def test_the_report_has_the_summary_every_measure_and_those_not_done(tmp_path):
    out = tmp_path / "report.docx"
    assert main(["draft", "report", str(PROGRESS), "-o", str(out)]) == 0
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๙ (รอบ ๖ เดือน)" in texts
    summary, measures = document.tables
    assert [[c.text for c in r.cells] for r in summary.rows[1:]] == [
        ["ดำเนินการแล้วเสร็จ", "๑"], ["อยู่ระหว่างดำเนินการ", "๑"], ["ยังไม่ได้ดำเนินการ", "๑"],
        ["ยกเลิก", "๑"], ["รวม", "๔"],
    ]  # fmt: skip
    assert measures.rows[1].cells[3].text == "๑๕ ม.ค. ๒๕๖๙"
    assert measures.rows[0]._tr.trPr is not None
    pending = texts[texts.index("๓. มาตรการที่ยังไม่แล้วเสร็จ") + 1 :]
    assert [t.split(" ")[0] for t in pending] == ["๒.", "๓."]
    assert "ร้อยละ ๒๕.๐๐" in " ".join(texts)


def test_the_report_is_deterministic_and_has_an_arabic_option():
    progress = load_progress(PROGRESS)
    assert report_docx(progress) == report_docx(progress)
    from io import BytesIO

    document = docx.Document(BytesIO(report_docx(progress, thai_digits=False)))
    assert document.tables[0].rows[-1].cells[1].text == "4"
