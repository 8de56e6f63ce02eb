"""The briefing's progress section (ita_lib.render.progress and the ``progress`` parameter)."""

from __future__ import annotations

from pathlib import Path

from ita_lib import BriefingParameters, progress_from_parameters

PROGRESS = Path(__file__).parent.parent / "data" / "drafting" / "na-thotlong-progress-2569.yaml"


def test_the_section_shows_counts_and_escapes_the_file_texts():
    params = BriefingParameters(progress=str(PROGRESS), thai_digits=True)
    html = str(progress_from_parameters(params))
    assert "ดำเนินการแล้วเสร็จ ๑ จาก ๔ มาตรการ (ร้อยละ ๒๕.๐๐)" in html
    assert "&lt;ตรวจสอบ&gt;" in html
    assert "<ตรวจสอบ>" not in html
    assert html.count("<li>") == 2


def test_no_progress_file_gives_no_section():
    assert str(progress_from_parameters(BriefingParameters())) == ""
