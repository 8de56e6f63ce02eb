"""What a batch writes beside the briefings (ita_lib.batch.outputs): manifest and index."""

from __future__ import annotations

import json

import pytest
from browser import CHROMIUM, measure

from ita_lib.batch.jobs import ManifestEntry
from ita_lib.batch.outputs import (
    INDEX_NAME,
    MANIFEST_NAME,
    _index_template,
    build_manifest,
    stored_bytes,
    write_outputs,
)


def _manifest() -> dict:
    rows = []
    for n, (name, total, rating, status) in enumerate(
        [
            ("องค์การบริหารส่วนตำบลบึงกระจับ", "92.56", "A", "ok"),
            ("เทศบาลตำบลหนองปลาไหลเหนือใหม่พัฒนา", "81.07", "B", "skipped"),
            ("องค์การบริหารส่วนจังหวัดพระนครศรีอยุธยา", None, None, "failed"),
        ]
    ):
        rows.append(
            {
                "source": f"table.csv row {n + 2}",
                "agency_name": name,
                "agency_type": "องค์กรปกครองส่วนท้องถิ่น",
                "province": "พระนครศรีอยุธยา",
                "fiscal_year": 2565,
                "total": total,
                "rating": rating,
                "status": status,
                "html": None if status == "failed" else f"2565/{n}/briefing.html",
                "error": "table.csv: row 4, column ind3: invalid value" if total is None else None,
                "failed_notebook": None,
            }
        )
    return {
        "counts": {"ok": 1, "skipped": 1, "failed": 1, "pending": 0},
        "started_at": "2026-11-26T09:00:00+00:00",
        "finished_at": "2026-11-26T09:01:00+00:00",
        "ita_lib_version": "0",
        "synthetic": False,
        "briefings": rows,
    }


def test_the_index_labels_each_value_for_the_phone_layout(tmp_path):
    write_outputs(tmp_path, _manifest())
    assert json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))["counts"]["ok"] == 1
    index = (tmp_path / INDEX_NAME).read_text(encoding="utf-8")
    assert '<td class="num" data-label="คะแนนรวม" data-value="92.56">92.56</td>' in index
    assert '<td data-label="ระดับ">A</td>' in index
    assert "@media (max-width: 600px)" in index


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_index_becomes_cards_on_a_phone(tmp_path):
    write_outputs(tmp_path, _manifest())
    page = measure(tmp_path / INDEX_NAME, tmp_path, 390, "td[data-label]")
    assert page["scrollWidth"] <= 390
    assert page["beyond"] == []
    cells = {m["text"]: m for m in page["marked"]}
    for shown in ("92.56", "A", "81.07", "B", "สำเร็จ"):
        assert cells[shown]["left"] >= 0  # score and rating seen
        assert cells[shown]["right"] <= 390
    wide = measure(tmp_path / INDEX_NAME, tmp_path, 1280, "td[data-label]")
    cells = {m["text"]: m for m in wide["marked"]}
    assert cells["92.56"]["left"] > cells["องค์กรปกครองส่วนท้องถิ่น"]["right"]  # a table row


def test_the_manifest_and_the_index_tell_the_bytes_stored():
    entries = [
        ManifestEntry(key="2565/a", source="t.csv row 2", status="ok", bytes=150_000),
        ManifestEntry(key="2565/b", source="t.csv row 3", status="skipped", bytes=130_000),
        ManifestEntry(key="2565/c", source="t.csv row 4", status="failed"),
        ManifestEntry(key="2565/d", source="t.csv row 5"),
    ]
    meta = {"started_at": "2026-11-26T09:00:00+00:00", "ita_lib_version": "0"}
    manifest = build_manifest(entries, {}, meta, complete=True)
    assert manifest["bytes"] == {"written": 150_000, "total": 280_000, "per_briefing": 140_000}
    assert stored_bytes([]) == {"written": 0, "total": 0, "per_briefing": 0}
    index = _index_template().render(manifest=manifest, fonts=[])
    assert "พื้นที่จัดเก็บ 0.3 MB · เฉลี่ย 140 KB ต่อหน่วยงาน · เขียนในรอบนี้ 0.1 MB" in index
