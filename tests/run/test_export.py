"""The exported briefing page (ita_lib.run.export): its fonts, and its layout in a browser."""

from __future__ import annotations

import base64
import io

import nbformat
import pytest
from browser import CHROMIUM, measure, screenshot
from fontTools.ttLib import TTFont

from ita_lib.run.export import FONT_UNICODES, embedded_fonts, slim_notebook

THAI = range(0x0E01, 0x0E3B)


def test_embedded_fonts_are_woff2_subsets_with_thai_and_latin():
    faces = embedded_fonts()
    assert [face["weight"] for face in faces] == ["400", "700"]
    for face in faces:
        data = base64.b64decode(face["data"])
        assert (face["mime"], face["format"]) == ("font/woff2", "woff2")
        assert data[:4] == b"wOF2"
        assert len(data) < 40_000  # the TrueType faces are ~120 KB each
        with TTFont(io.BytesIO(data)) as font:
            cmap = set(font.getBestCmap())
            assert set(THAI) - {0x0E3B} <= cmap | {0x0E3B}  # every Thai letter, vowel, tone mark
            assert {ord(c) for c in "AZaz09%.,:()–·"} <= cmap
            assert cmap <= set(FONT_UNICODES)
            assert "GSUB" in font  # Thai shaping (marks, ligatures) kept
            assert "GPOS" in font


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("width", [390, 1280])
def test_the_sample_reads_on_a_phone_and_a_desktop(sample_run, tmp_path, width):
    output, _ = sample_run
    page = measure(output.html_path, tmp_path, width, ".ita-gap, .ita-flag")
    assert page["width"] == width
    assert page["scrollWidth"] <= width  # nothing scrolls sideways
    assert page["beyond"] == []  # no element sticks out of the page
    assert page["body"] >= 16
    assert len(page["chartText"]) > 20  # the charts' text is text
    assert min(page["chartText"]) >= 16  # at least body size on a phone (was ~6 px)
    marked = page["marked"]
    gaps = [m for m in marked if m["text"] == "ยังไม่มีมาตรการรองรับ"]
    assert len(gaps) == 2  # the weakness table's third column, on screen
    flags = [m for m in marked if m["text"].startswith("ข้อสังเกต:")]
    assert any("เทศบาลตำบลศาลาลาย" in m["text"] for m in flags)  # the Sala Lai paragraph
    assert all(m["left"] >= 0 for m in marked)
    assert all(m["right"] <= width for m in marked)

    from PIL import Image  # installed with matplotlib

    with Image.open(screenshot(output.html_path, tmp_path, width)) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (width, 2400)
        counts = {colour: n for n, colour in rgb.getcolors(maxcolors=1 << 20)}
        assert len(counts) > 50  # text, cards and charts were drawn
        assert counts.get((11, 61, 99), 0) > 500  # the dark blue of the headings and total


def test_slim_notebook_drops_what_the_page_holds_and_keeps_the_record():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"assessment": "a.yaml"}}
    cell = nbformat.v4.new_code_cell("briefing.headline()", execution_count=3)
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
        nbformat.v4.new_output(
            "execute_result",
            data={"text/html": "<p>สรุป</p>" * 500, "text/plain": "<ita_lib HTML fragment>"},
            execution_count=3,
        ),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo" * 100}),
        nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["t"]),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# หัวข้อ"), cell]
    before = nbformat.writes(nb)

    slim = slim_notebook(nb, exported_to="briefing.html")

    assert nbformat.writes(nb) == before  # the input is not changed
    stream, result, display, error = slim.cells[1].outputs
    assert stream.text == "a warning\n"
    assert result.data == {"text/plain": "<ita_lib HTML fragment>"}
    assert result.execution_count == 3
    assert display.data == {"text/plain": "<output in briefing.html>"}
    assert error.ename == "E"
    assert slim.cells[0].source == "# หัวข้อ"
    assert slim.metadata["papermill"]["parameters"] == {"assessment": "a.yaml"}
    assert slim.metadata["ita"] == {"rich_outputs": "removed", "exported_to": "briefing.html"}
    nbformat.validate(slim)
    assert len(nbformat.writes(slim)) < len(before) / 5
