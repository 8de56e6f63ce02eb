import base64
import io
import re

import pandas as pd
from matplotlib.figure import Figure

from ita_lib.render.downloads import chart_files, csv_bytes, download_links, workbook_bytes


def _table():
    return pd.DataFrame(
        {"ปีงบประมาณ": ["2565", "2564"], "จังหวัด": ["เชียงใหม่", "อ่างทอง"], "คะแนนรวม": [84.5, 90.25]}
    )


def test_workbook_round_trips_and_is_deterministic():
    table = _table()
    data = workbook_bytes({"หน่วยงาน": table, "ภาพรวม": table.head(1)})
    assert data == workbook_bytes({"หน่วยงาน": table, "ภาพรวม": table.head(1)})
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype={"ปีงบประมาณ": str})
    assert list(sheets) == ["หน่วยงาน", "ภาพรวม"]
    pd.testing.assert_frame_equal(sheets["หน่วยงาน"], table)


def test_csv_has_a_bom_for_excel_and_thai_text():
    data = csv_bytes(_table())
    assert data.startswith(b"\xef\xbb\xbf")
    assert "เชียงใหม่" in data.decode("utf-8-sig")


def test_download_links_hold_the_whole_table():
    html = download_links(_table(), "ต่ำกว่า 85 / เชียงใหม่")
    links = dict(re.findall(r'href="data:[^;]+;base64,([^"]+)" download="([^"]+)"', html)[::-1])
    names = re.findall(r'download="([^"]+)"', html)
    assert names == ["ต่ำกว่า-85-เชียงใหม่.xlsx", "ต่ำกว่า-85-เชียงใหม่.csv"]
    csv = re.search(r'href="data:text/csv;base64,([^"]+)"', html).group(1)
    assert pd.read_csv(io.BytesIO(base64.b64decode(csv)), encoding="utf-8-sig").shape == (2, 3)
    assert links


def test_chart_files_are_png_and_svg_without_dates():
    fig = Figure(figsize=(3, 2))
    fig.subplots().plot([1, 2], [3, 4])
    files = chart_files(fig)
    assert files.png.startswith(b"\x89PNG")
    assert files.svg.startswith(b"<?xml")
    assert b"<dc:date>" not in files.svg
    assert chart_files(fig) == files
