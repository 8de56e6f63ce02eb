import pytest

from ita_lib.analysis.scoring import score_assessment
from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import parse_assessment
from ita_lib.views import portfolio


def _agency(name, failed, measures=(), iit=90):
    from ita_lib.analysis.scoring import oit_rollup
    from ita_lib.model.framework_files import load_framework

    _, rec = oit_rollup(load_framework(2565), failed)
    scores = {f"ind{n}": iit for n in range(1, 9)}
    scores["ind9"] = float(round(rec[9], 2))
    scores["ind10"] = float(round(rec[10], 2))
    return parse_assessment(
        {
            "agency": {"name": name},
            "fiscal_year": 2565,
            "scores": scores,
            "oit": {"failed_items": failed},
            "measures": list(measures),
        }
    )


@pytest.fixture
def analyses():
    members = (
        _agency("ก", ["o42"]),  # loses 5.00
        _agency(
            "ข",
            ["o42", "o28"],
            measures=[{"number": 1, "title": "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"}],
        ),
        _agency("ค", [], iit=70),
        _agency("ง", ["o42"], iit=80),  # 48 + 35 = 83 (B); fixing o42 gives 88 (A)
    )
    return portfolio.analyse_portfolio(members)


def test_ranking(analyses):
    table = portfolio.ranking(analyses)
    assert list(table["หน่วยงาน"]) == ["ก", "ข", "ง", "ค"]
    assert list(table["คะแนนรวม"]) == [89.0, 88.0, 83.0, 82.0]
    assert list(table["อันดับ"]) == [1, 2, 3, 4]
    assert list(table["ข้อ OIT ที่ไม่ผ่าน"]) == [1, 2, 1, 0]


def test_common_failed_items_cost(analyses):
    table = portfolio.common_failed_items(analyses)
    assert list(table["ข้อ"]) == ["o42", "o28"]
    assert list(table["หน่วยงานที่ไม่ผ่าน"]) == [3, 1]
    assert list(table["คะแนนที่เสียรวม"]) == [15.0, 1.0]
    assert "o42" in portfolio.common_failed_items_chart(analyses)


def test_uncovered_weaknesses(analyses):
    table = portfolio.uncovered_weaknesses(analyses)
    rows = {r["หน่วยงาน"]: r for r in table.to_dict("records")}
    assert rows["ก"]["จุดอ่อนที่ไม่มีมาตรการ"] == "o42"
    assert rows["ก"]["ไม่มีมาตรการเลย"] == "ใช่"
    # ข's measure is linked to o42 by the term catalogue; o28 stays uncovered, and the measure
    # has no owner, period or monitoring
    assert rows["ข"]["จุดอ่อนที่ไม่มีมาตรการ"] == "o28"
    assert rows["ข"]["มาตรการที่ยังไม่ครบ"] == 1


def test_support_priorities_fewest_fixes_first(analyses):
    table = portfolio.support_priorities(analyses)
    # ก (89.0) and ข (88.0) cannot reach AA by OIT fixes; ค has no failed item; ง passes with o42
    assert table.to_dict("records") == [
        {
            "หน่วยงาน": "ง",
            "เป้าหมาย": "เกณฑ์ผ่าน (A)",
            "คะแนนรวมตอนนี้": 83.0,
            "ข้อที่ต้องแก้ไข": "o42",
            "จำนวนข้อ": 1,
            "คะแนนรวมหลังแก้ไข": 88.0,
        }
    ]
    assert portfolio.support_priorities(analyses, max_fixes=0).empty


def test_synthetic_portfolio_is_consistent_and_marked():
    members = portfolio.synthetic_portfolio(12, seed=3)
    assert len(members) == 12
    assert members == portfolio.synthetic_portfolio(12, seed=3)
    for member in members:
        assert member.agency.name.endswith("(ข้อมูลสังเคราะห์)")
        assert member.agency.itas_code.startswith("SYN-P")
        result = score_assessment(member)
        assert result.checks == ()  # indicators 9 and 10 agree with the failed items
    assert "ข้อมูลสังเคราะห์" in portfolio.notice(members)


def test_load_portfolio_from_a_folder(tmp_path, write_yaml, minimal):
    write_yaml(minimal, "a.yaml")
    write_yaml({**minimal, "agency": {"name": "อื่น"}}, "b.yaml")
    members = portfolio.load_portfolio(str(tmp_path))
    assert [m.agency.name for m in members] == ["เทศบาลตำบลทดสอบ", "อื่น"]
    with pytest.raises(InputError, match="no assessment files"):
        portfolio.load_portfolio(str(tmp_path / "none"))


def test_load_portfolio_reads_batch_output_folders_recursively(tmp_path, minimal):
    import json

    import yaml

    for year, slug, name in ((2565, "b", "ข"), (2564, "a", "ก"), (2565, "a", "ค")):
        folder = tmp_path / "outputs" / str(year) / slug
        folder.mkdir(parents=True)
        data = {**minimal, "agency": {"name": name}}
        (folder / "assessment.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        (folder / "briefing.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "outputs" / "manifest.json").write_text(
        json.dumps({"agencies": []}), encoding="utf-8"
    )
    (tmp_path / "outputs" / "params.yaml").write_text(
        "assessment: x\n", encoding="utf-8"
    )  # not read
    members = portfolio.load_portfolio(str(tmp_path / "outputs"))
    assert [m.agency.name for m in members] == ["ก", "ค", "ข"]  # 2564/a, 2565/a, 2565/b
