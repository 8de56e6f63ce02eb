"""Tests for ita_lib.model.framework and framework_files: the FY2564/2565 data files and loader."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from ita_lib.exceptions import FrameworkError, InputError, UnknownFiscalYearError
from ita_lib.model.framework import Framework, Instrument, Item, RatingBand
from ita_lib.model.framework_files import (
    available_fiscal_years,
    load_framework,
    load_framework_file,
)

YEARS = (2564, 2565)
DATA_DIR = resources.files("ita_lib") / "data" / "frameworks"


def raw_file(year: int) -> dict[str, Any]:
    """The packaged data file of ``year`` as plain YAML data (without inheritance)."""
    return yaml.safe_load((DATA_DIR / f"fy{year}.yaml").read_text(encoding="utf-8"))


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(params=YEARS)
def fw(request: pytest.FixtureRequest) -> Framework:
    return load_framework(request.param)


# --------------------------------------------------------------------------------------------
# The shipped data
# --------------------------------------------------------------------------------------------


def test_available_fiscal_years_include_2564_and_2565() -> None:
    years = available_fiscal_years()
    assert {2564, 2565} <= set(years)
    assert list(years) == sorted(years)


def test_instruments_weights_and_indicators(fw: Framework) -> None:
    assert [(i.code, i.weight, i.indicators) for i in fw.instruments] == [
        ("IIT", Decimal("0.30"), (1, 2, 3, 4, 5)),
        ("EIT", Decimal("0.30"), (6, 7, 8)),
        ("OIT", Decimal("0.40"), (9, 10)),
    ]
    assert all(isinstance(i.weight, Decimal) for i in fw.instruments)
    assert fw.instrument("IIT").name_th == "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน"
    assert fw.instrument("EIT").name_th == "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก"
    assert fw.instrument("OIT").name_th == "แบบวัดการเปิดเผยข้อมูลสาธารณะ"
    assert fw.instrument("oit").name_en == "Open Data Integrity and Transparency Assessment"


def test_indicators(fw: Framework) -> None:
    assert [i.number for i in fw.indicators] == list(range(1, 11))
    assert [i.code for i in fw.indicators] == [f"ind{n}" for n in range(1, 11)]
    assert [fw.instrument_of(n).code for n in range(1, 11)] == ["IIT"] * 5 + ["EIT"] * 3 + [
        "OIT"
    ] * 2
    assert fw.indicator(3).name_th == "การใช้อำนาจ"
    assert fw.indicator(8).name_th == "การปรับปรุงระบบการทำงาน"
    assert fw.indicator(8).aliases_th == ("การปรับปรุงการทำงาน",)
    assert fw.indicator(9).name_en == "Information disclosure"
    assert fw.indicator(9).name_en_psu == "Open Data"
    # The "NACC-style" English names are unofficial translations.
    assert {i.status for i in fw.indicators} == {"unverified"}
    assert [i.number for i in fw.indicators_of("EIT")] == [6, 7, 8]


def test_oit_items_and_sub_indicators(fw: Framework) -> None:
    oit = fw.oit_items()
    assert len(oit) == 43
    assert [i.code for i in oit] == [f"o{n}" for n in range(1, 44)]
    assert [len(s.items) for s in fw.sub_indicators] == [9, 8, 7, 4, 5, 8, 2]
    assert [s.code for s in fw.sub_indicators] == [
        "9.1",
        "9.2",
        "9.3",
        "9.4",
        "9.5",
        "10.1",
        "10.2",
    ]
    assert [s.code for s in fw.sub_indicators_of(10)] == ["10.1", "10.2"]
    assert fw.sub_indicators_of(1) == ()
    assert fw.sub_indicator("9.4").name_th == "การบริหารและพัฒนาทรัพยากรบุคคล"
    assert fw.sub_indicator("10.2").name_th == "มาตรการภายในเพื่อป้องกันการทุจริต"
    assert all(i.name_th for i in oit)
    assert all(i.instrument == "OIT" and i.sub_indicator is not None for i in oit)


def test_o17_is_e_service_in_9_2(fw: Framework) -> None:
    o17 = fw.item("o17")
    assert (o17.name_th, o17.sub_indicator, o17.indicator, o17.instrument) == (
        "E-Service",
        "9.2",
        9,
        "OIT",
    )
    assert o17 in fw.items_of("9.2")


def test_o28_thai_name_is_exact(fw: Framework) -> None:
    assert fw.item("o28").name_th == "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี"
    assert fw.item("o28").sub_indicator == "9.4"


@pytest.mark.parametrize(
    ("code", "name_th"),
    [
        ("o11", "รายงานการกำกับติดตามการดำเนินงานประจำปี รอบ 6 เดือน"),
        ("o22", "ประกาศต่าง ๆ เกี่ยวกับการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ"),
        ("o31", "ข้อมูลเชิงสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ(ประจำปี)"),
        ("o34", "นโยบายไม่รับของขวัญ (No Gift Policy)"),
        ("o43", "การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"),
    ],
)
def test_oit_item_names_are_exact(code: str, name_th: str) -> None:
    assert load_framework(2565).item(code).name_th == name_th


def test_iit_and_eit_items_by_indicator(fw: Framework) -> None:
    iit = [i for i in fw.items if i.instrument == "IIT"]
    eit = [i for i in fw.items if i.instrument == "EIT"]
    assert [i.code for i in iit] == [f"i{n}" for n in range(1, 31)]
    assert [i.indicator for i in iit] == [n for n in range(1, 6) for _ in range(6)]
    assert [i.code for i in eit] == [f"e{n}" for n in range(1, 16)]
    assert [i.indicator for i in eit] == [n for n in range(6, 9) for _ in range(5)]
    assert all(i.name_th is None and i.name_en and i.sub_indicator is None for i in iit)
    named = {i.code: i.name_th for i in eit if i.name_th}
    assert named == {
        "e11": "การปรับปรุงพัฒนาคุณภาพการดำเนินงาน",
        "e12": "การปรับปรุงพัฒนาขั้นตอนการดำเนินงาน",
        "e14": "การเปิดโอกาสให้บุคคลภายนอกมีส่วนร่วม",
    }
    assert all(i.name_en and i.sub_indicator is None for i in eit)
    assert [i.code for i in fw.items_of_indicator(8)] == ["e11", "e12", "e13", "e14", "e15"]


def test_evidence_status() -> None:
    fw64, fw65 = load_framework(2564), load_framework(2565)
    for fw in (fw64, fw65):
        corroborated = {
            i.code for i in fw.items if i.instrument == "EIT" and i.status != "unverified"
        }
        assert corroborated == {"e11", "e12", "e14"}
        assert {fw.item(c).status for c in corroborated} == {"corroborated"}
    assert {i.status for i in fw64.items if i.instrument == "IIT"} == {"verified"}
    assert {i.status for i in fw65.items if i.instrument == "IIT"} == {"corroborated"}
    assert {i.status for i in fw65.oit_items()} == {"verified"}
    assert {i.status for i in fw64.oit_items()} == {"unverified"}
    for fw in (fw64, fw65):
        statuses = [x.status for x in (*fw.instruments, *fw.indicators, *fw.items)]
        assert set(statuses) <= {"verified", "corroborated", "unverified"}


def test_scoring_rules_sources_and_notes(fw: Framework) -> None:
    assert fw.scoring.instrument_score == "mean_of_indicators"
    assert fw.scoring.oit_rollup == "item_binary_subindicator_mean"
    assert fw.scoring.total == "weighted_sum_of_instruments"
    keys = {s.key for s in fw.sources}
    assert {"sample_document", "psu_2564_group6", "osmep_2565", "sdu_iit"} <= keys
    assert any(s.url and s.url.startswith("https://") for s in fw.sources)
    assert {"indicators", "iit_items", "eit_items", "oit_items", "rating"} <= set(fw.status_notes)


def test_2565_inherits_from_2564() -> None:
    fw65 = load_framework(2565)
    assert fw65.files == ("fy2565.yaml", "fy2564.yaml")
    assert "oit_data_js" in {s.key for s in fw65.sources}
    assert "sample_document" in {s.key for s in fw65.sources}


def structure(fw: Framework) -> tuple[Any, ...]:
    """Everything but the fiscal year and the evidence (status, notes, sources)."""
    return (
        [(i.code, i.name_th, i.name_en, i.weight, i.indicators) for i in fw.instruments],
        [(i.number, i.code, i.name_th, i.name_en, i.instrument) for i in fw.indicators],
        [(s.code, s.indicator, s.name_th, s.name_en, s.items) for s in fw.sub_indicators],
        [
            (i.code, i.instrument, i.indicator, i.sub_indicator, i.name_th, i.name_en)
            for i in fw.items
        ],
        fw.rating_bands,
        fw.pass_mark,
        fw.rating_scheme,
        fw.scoring,
    )


def test_2564_and_2565_have_identical_structure() -> None:
    assert structure(load_framework(2564)) == structure(load_framework(2565))


# --------------------------------------------------------------------------------------------
# Rating
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "label"),
    [
        ("100", "AA"),
        ("95", "AA"),
        ("95.00", "AA"),
        ("94.99", "A"),
        ("92.56", "A"),
        ("85", "A"),
        ("84.99", "B"),
        ("75", "B"),
        ("74.99", "C"),
        ("65", "C"),
        ("64.99", "D"),
        ("55", "D"),
        ("54.99", "E"),
        ("50", "E"),
        ("49.99", "F"),
        ("0", "F"),
    ],
)
def test_rate_letter_grades(fw: Framework, total: str, label: str) -> None:
    assert fw.rate(Decimal(total)).label == label
    scores = {"IIT": Decimal(total), "EIT": Decimal(total), "OIT": Decimal(total)}
    assert fw.rate(Decimal(total), scores).label == label


def test_rate_accepts_numbers_and_checks_them(fw: Framework) -> None:
    assert fw.rate(94.99).label == "A"
    assert fw.rate(95).label == "AA"
    with pytest.raises(ValueError, match="from 0 to 100"):
        fw.rate(Decimal("100.01"))
    with pytest.raises(ValueError, match="from 0 to 100"):
        fw.rate(-1)
    with pytest.raises(ValueError, match="not a decimal number"):
        fw.rate("abc")
    with pytest.raises(ValueError, match="unknown instrument 'XIT'"):
        fw.rate(90, {"XIT": 90})


def test_bands_and_pass_mark(fw: Framework) -> None:
    assert [(b.label, b.min_total) for b in fw.rating_bands] == [
        ("AA", Decimal(95)),
        ("A", Decimal(85)),
        ("B", Decimal(75)),
        ("C", Decimal(65)),
        ("D", Decimal(55)),
        ("E", Decimal(50)),
        ("F", Decimal(0)),
    ]
    assert all(b.min_each_instrument is None and b.description_th is None for b in fw.rating_bands)
    assert fw.pass_mark == Decimal(85)
    assert fw.passes(Decimal(85))
    assert fw.passes(Decimal("92.56"))
    assert not fw.passes(Decimal("84.99"))


# --------------------------------------------------------------------------------------------
# Look-ups and year parsing
# --------------------------------------------------------------------------------------------


def test_lookups_raise_key_error_for_unknown_codes(fw: Framework) -> None:
    assert fw.has_item("o43")
    assert fw.has_item("O3")
    assert fw.item("O3") is fw.item("o3")
    assert not fw.has_item("o44")
    assert not fw.has_item("i31")
    with pytest.raises(KeyError, match="o44"):
        fw.item("o44")
    with pytest.raises(KeyError, match="XIT"):
        fw.instrument("XIT")
    with pytest.raises(KeyError, match="11"):
        fw.indicator(11)
    with pytest.raises(KeyError, match="11"):
        fw.instrument_of(11)
    with pytest.raises(KeyError, match=r"9\.6"):
        fw.sub_indicator("9.6")
    with pytest.raises(KeyError, match=r"9\.6"):
        fw.items_of("9.6")


@pytest.mark.parametrize("year", [2565, "2565", " 2565 ", "๒๕๖๕"])
def test_load_framework_accepts_int_and_digit_strings(year: int | str) -> None:
    assert load_framework(year) is load_framework(2565)


def test_unknown_fiscal_year() -> None:
    expected = "one of " + ", ".join(str(y) for y in available_fiscal_years())
    with pytest.raises(UnknownFiscalYearError) as info:
        load_framework(2599)
    assert (
        str(info.value)
        == f"no ITA framework data for fiscal year 2599 (expected {expected}, found 2599)"
    )
    assert isinstance(info.value, InputError)
    assert info.value.expected == expected
    assert "2564, 2565" in info.value.expected
    assert info.value.found == 2599


def test_common_era_year_gets_a_hint() -> None:
    with pytest.raises(UnknownFiscalYearError, match=r"2022 CE is 2565"):
        load_framework(2022)


def test_non_year_inputs() -> None:
    with pytest.raises(UnknownFiscalYearError, match="not a fiscal year"):
        load_framework("FY2565")
    with pytest.raises(TypeError):
        load_framework(2565.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        load_framework(True)


# --------------------------------------------------------------------------------------------
# Immutability
# --------------------------------------------------------------------------------------------


def test_records_are_immutable(fw: Framework) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.fiscal_year = 2599  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.items[0].name_th = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.instrument("IIT").weight = Decimal(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.rating_bands[0].min_total = Decimal(0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        fw.status_notes["x"] = "y"  # type: ignore[index]
    for value in (fw.instruments, fw.indicators, fw.sub_indicators, fw.items, fw.rating_bands):
        assert isinstance(value, tuple)
    assert isinstance(fw.sub_indicators[0].items, tuple)
    assert isinstance(fw.instruments[0].indicators, tuple)
    assert isinstance(hash(fw), int)


def test_framework_can_be_built_directly() -> None:
    fw = Framework(
        fiscal_year=2599,
        instruments=(Instrument("OIT", "ท", "OIT", Decimal(1), (9,)),),
        indicators=(),
        sub_indicators=(),
        items=(Item("o1", "OIT", 9, None, None, None),),
        rating_bands=(RatingBand("P", Decimal(50)), RatingBand("F", Decimal(0))),
        pass_mark=Decimal(50),
    )
    assert fw.item("o1").code == "o1"
    assert fw.rate(50).label == "P"
    assert fw.oit_items() == fw.items


# --------------------------------------------------------------------------------------------
# Validation of broken files
# --------------------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _index(data: dict[str, Any], section: str, **match: Any) -> int:
    return next(
        i
        for i, entry in enumerate(data[section])
        if all(entry.get(k) == v for k, v in match.items())
    )


def _set_weight(d: dict[str, Any]) -> None:
    d["instruments"][2]["weight"] = "0.30"


def _indicator_twice(d: dict[str, Any]) -> None:
    d["instruments"][1]["indicators"].append(5)


def _indicator_orphan(d: dict[str, Any]) -> None:
    d["instruments"][0]["indicators"].remove(5)


def _unknown_indicator_in_instrument(d: dict[str, Any]) -> None:
    d["instruments"][2]["indicators"].append(11)


def _oit_item_orphan(d: dict[str, Any]) -> None:
    d["sub_indicators"][0]["items"].remove("o9")


def _oit_item_with_indicator_orphan(d: dict[str, Any]) -> None:
    d["items"].append({"code": "o44", "indicator": 10, "name_th": "x"})


def _oit_item_twice(d: dict[str, Any]) -> None:
    d["sub_indicators"][1]["items"].append("o1")


def _unknown_item_in_sub_indicator(d: dict[str, Any]) -> None:
    d["sub_indicators"][2]["items"][0] = "o99"


def _no_sub_indicators_for_10(d: dict[str, Any]) -> None:
    d["sub_indicators"] = [s for s in d["sub_indicators"] if s["indicator"] != 10]
    d["items"] = [
        i for i in d["items"] if not (i["code"].startswith("o") and int(i["code"][1:]) > 33)
    ]


def _sub_indicator_of_iit(d: dict[str, Any]) -> None:
    d["sub_indicators"][0]["indicator"] = 1


def _sub_indicator_code_mismatch(d: dict[str, Any]) -> None:
    d["sub_indicators"][5]["code"] = "9.6"


def _duplicate_item(d: dict[str, Any]) -> None:
    d["items"].append({"code": "e3", "indicator": 6})


def _item_without_indicator(d: dict[str, Any]) -> None:
    d["items"].append({"code": "e16"})


def _bands_out_of_order(d: dict[str, Any]) -> None:
    bands = d["rating"]["bands"]
    bands[1], bands[2] = bands[2], bands[1]


def _bands_equal_thresholds(d: dict[str, Any]) -> None:
    d["rating"]["bands"][1]["min_total"] = "95"


def _bands_not_ending_at_zero(d: dict[str, Any]) -> None:
    d["rating"]["bands"].pop()


def _pass_mark_not_threshold(d: dict[str, Any]) -> None:
    d["rating"]["pass_mark"] = "80"


def _status_typo(d: dict[str, Any]) -> None:
    d["indicators"][3]["status"] = "verifed"


def _unknown_key(d: dict[str, Any]) -> None:
    d["instruments"][0]["wieght"] = "0.30"


def _missing_field(d: dict[str, Any]) -> None:
    del d["indicators"][0]["name_th"]


def _thai_whitespace(d: dict[str, Any]) -> None:
    d["items"][_index(d, "items", code="o28")]["name_th"] += " "


def _bad_weight(d: dict[str, Any]) -> None:
    d["instruments"][0]["weight"] = "thirty"


def _unknown_default_status_instrument(d: dict[str, Any]) -> None:
    d["default_item_status"]["XIT"] = "verified"


BROKEN: list[tuple[str, Mutation, str]] = [
    ("weights", _set_weight, "instruments: weights sum to 0.90, expected 1"),
    (
        "indicator-in-two-instruments",
        _indicator_twice,
        "instruments[1].indicators[3]: indicator 5 is already listed under IIT",
    ),
    (
        "indicator-in-no-instrument",
        _indicator_orphan,
        "indicators[4]: indicator 5 belongs to no instrument",
    ),
    (
        "unknown-indicator",
        _unknown_indicator_in_instrument,
        "instruments[2].indicators[2]: unknown indicator 11",
    ),
    (
        "oit-item-in-no-sub-indicator",
        _oit_item_orphan,
        "items[53]: item 'o9' is in no sub-indicator and names no indicator",
    ),
    (
        "oit-item-with-indicator-in-no-sub-indicator",
        _oit_item_with_indicator_orphan,
        "items[88]: OIT item 'o44' belongs to no sub-indicator of indicator 10",
    ),
    (
        "oit-item-in-two-sub-indicators",
        _oit_item_twice,
        "sub_indicators[1].items[8]: item 'o1' is already listed under sub-indicator 9.1",
    ),
    (
        "unknown-item",
        _unknown_item_in_sub_indicator,
        "sub_indicators[2].items[0]: unknown item 'o99'",
    ),
    (
        "no-sub-indicators",
        _no_sub_indicators_for_10,
        "sub_indicators: indicator 10 (OIT) has no sub-indicators",
    ),
    (
        "sub-indicator-of-iit",
        _sub_indicator_of_iit,
        "sub_indicators[0].indicator: indicator 1 is not an OIT indicator",
    ),
    (
        "sub-indicator-code",
        _sub_indicator_code_mismatch,
        "sub_indicators[5].code: '9.6' does not start with its indicator number 10",
    ),
    (
        "duplicate-item",
        _duplicate_item,
        "items[88].code: duplicate item code 'e3' (first at items[32])",
    ),
    (
        "item-without-indicator",
        _item_without_indicator,
        "items[88]: item 'e16' is in no sub-indicator and names no indicator",
    ),
    (
        "bands-order",
        _bands_out_of_order,
        "rating.bands[2].min_total: bands must go from highest to lowest: 'A'",
    ),
    (
        "bands-equal",
        _bands_equal_thresholds,
        "rating.bands[1].min_total: bands must go from highest",
    ),
    (
        "bands-end",
        _bands_not_ending_at_zero,
        "rating.bands[5]: the last band ('E') must have min_total 0",
    ),
    ("pass-mark", _pass_mark_not_threshold, "rating.pass_mark: 80 is not a band threshold"),
    ("status", _status_typo, "indicators[3].status: Input should be 'verified', 'corroborated'"),
    ("extra-key", _unknown_key, "instruments[0].wieght: Extra inputs are not permitted"),
    ("missing", _missing_field, "indicators[0].name_th: Field required"),
    ("whitespace", _thai_whitespace, "items[72].name_th: must not start or end with whitespace"),
    ("weight-type", _bad_weight, "instruments[0].weight: not a decimal number: 'thirty'"),
    (
        "default-status",
        _unknown_default_status_instrument,
        "default_item_status.XIT: unknown instrument",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_file_is_rejected(tmp_path: Path, mutate: Mutation, expected: str) -> None:
    data = raw_file(2564)
    mutate(data)
    path = write_yaml(tmp_path / "fy2564.yaml", data)
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_unmodified_copy_loads(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "fy2564.yaml", raw_file(2564))
    assert structure(load_framework_file(path)) == structure(load_framework(2564))


def test_fiscal_year_must_match_file_name(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "fy2563.yaml", raw_file(2564))
    with pytest.raises(
        FrameworkError, match=r"fy2563\.yaml: fiscal_year: does not match the file name"
    ):
        load_framework_file(path)


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "fy2564.yaml"
    path.write_text("fiscal_year: 2564\nitems: [o1, \n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"fy2564\.yaml: line \d+, column \d+: invalid YAML"):
        load_framework_file(path)


def test_duplicate_yaml_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "fy2564.yaml"
    text = (DATA_DIR / "fy2564.yaml").read_text(encoding="utf-8")
    path.write_text(
        text.replace("fiscal_year: 2564\n", "fiscal_year: 2564\nfiscal_year: 2564\n"), "utf-8"
    )
    with pytest.raises(FrameworkError, match="duplicate key 'fiscal_year'"):
        load_framework_file(path)


def test_missing_parent_and_cycles(tmp_path: Path) -> None:
    write_yaml(
        tmp_path / "fy2598.yaml", {"schema_version": 1, "fiscal_year": 2598, "inherits": 2599}
    )
    path = write_yaml(
        tmp_path / "fy2599.yaml", {"schema_version": 1, "fiscal_year": 2599, "inherits": 2598}
    )
    with pytest.raises(
        FrameworkError, match=r"inheritance cycle fy2599\.yaml -> fy2598\.yaml -> fy2599\.yaml"
    ):
        load_framework_file(path)
    path = write_yaml(
        tmp_path / "fy2597.yaml", {"schema_version": 1, "fiscal_year": 2597, "inherits": 2500}
    )
    with pytest.raises(FrameworkError, match=r"fy2597\.yaml: inherits: no file fy2500\.yaml"):
        load_framework_file(path)


def test_errors_in_an_inherited_file_name_that_file(tmp_path: Path) -> None:
    base = raw_file(2564)
    base["rating"]["pass_mark"] = "80"
    write_yaml(tmp_path / "fy2564.yaml", base)
    path = write_yaml(tmp_path / "fy2565.yaml", raw_file(2565))
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    assert str(info.value).startswith(f"{tmp_path / 'fy2564.yaml'}: rating.pass_mark: ")


def test_errors_introduced_by_the_inheriting_file_name_it(tmp_path: Path) -> None:
    write_yaml(tmp_path / "fy2564.yaml", raw_file(2564))
    child = raw_file(2565)
    child["default_item_status"]["OIT"] = "maybe"
    path = write_yaml(tmp_path / "fy2565.yaml", child)
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    assert str(info.value).startswith(f"{path}: default_item_status.OIT: Input should be")


# --------------------------------------------------------------------------------------------
# A future year added as data only
# --------------------------------------------------------------------------------------------


def _data_dir_with(tmp_path: Path, **extra: dict[str, Any]) -> Path:
    for year in YEARS:
        write_yaml(tmp_path / f"fy{year}.yaml", raw_file(year))
    for name, data in extra.items():
        write_yaml(tmp_path / f"{name}.yaml", data)
    return tmp_path


def test_new_year_needs_only_a_yaml_file(tmp_path: Path) -> None:
    directory = _data_dir_with(
        tmp_path, fy2599={"schema_version": 1, "fiscal_year": 2599, "inherits": 2565}
    )
    assert available_fiscal_years(directory) == (2564, 2565, 2599)
    fw = load_framework(2599, directory=directory)
    assert fw.fiscal_year == 2599
    assert fw.files == ("fy2599.yaml", "fy2565.yaml", "fy2564.yaml")
    assert structure(fw) == structure(load_framework(2565))
    assert fw.item("o28").status == "verified"
    assert load_framework("2599", directory) == fw
    assert load_framework_file(directory / "fy2599.yaml") == fw
    with pytest.raises(UnknownFiscalYearError, match="one of 2564, 2565, 2599"):
        load_framework(2600, directory=directory)


def test_new_year_overrides_mappings_and_replaces_lists(tmp_path: Path) -> None:
    weights = raw_file(2564)["instruments"]
    weights[0]["weight"], weights[2]["weight"] = "0.20", "0.50"
    directory = _data_dir_with(
        tmp_path,
        fy2599={
            "schema_version": 1,
            "fiscal_year": 2599,
            "inherits": 2565,
            "default_item_status": {"EIT": "corroborated"},
            "instruments": weights,
        },
    )
    fw = load_framework(2599, directory=directory)
    assert [i.weight for i in fw.instruments] == [Decimal("0.20"), Decimal("0.30"), Decimal("0.50")]
    assert {i.status for i in fw.items if i.instrument == "EIT"} == {"corroborated"}
    assert {i.status for i in fw.items if i.instrument == "IIT"} == {"corroborated"}  # from 2565


PASS_LEVELS = {
    "scheme": "pass_level",
    "pass_mark": "85",
    "bands": [
        {"label": "ผ่านดีเยี่ยม", "min_total": "95", "min_each_instrument": "95"},
        {"label": "ผ่านดี", "min_total": "85", "min_each_instrument": "85"},
        {"label": "ผ่าน", "min_total": "85"},
        {"label": "ต้องปรับปรุง", "min_total": "70"},
        {"label": "ต้องปรับปรุงโดยด่วน", "min_total": "0"},
    ],
}


@pytest.mark.parametrize(
    ("total", "iit", "eit", "oit", "label"),
    [
        ("98.82", "97", "96", "100", "ผ่านดีเยี่ยม"),
        ("97.90", "99", "94", "100", "ผ่านดี"),  # >= 95 but an instrument < 95
        ("94.64", "99", "84", "99", "ผ่าน"),  # an instrument < 85
        ("85", "85", "85", "85", "ผ่านดี"),
        ("84.99", "90", "90", "80", "ต้องปรับปรุง"),
        ("70", "70", "70", "70", "ต้องปรับปรุง"),
        ("69.99", "70", "70", "70", "ต้องปรับปรุงโดยด่วน"),
    ],
)
def test_per_instrument_rating_scale_as_data(
    tmp_path: Path, total: str, iit: str, eit: str, oit: str, label: str
) -> None:
    directory = _data_dir_with(
        tmp_path,
        fy2599={"schema_version": 1, "fiscal_year": 2599, "inherits": 2565, "rating": PASS_LEVELS},
    )
    fw = load_framework(2599, directory=directory)
    scores = {"IIT": Decimal(iit), "EIT": Decimal(eit), "OIT": Decimal(oit)}
    assert fw.rating_scheme == "pass_level"
    assert fw.rate(Decimal(total), scores).label == label
    assert fw.passes(Decimal(total)) is (Decimal(total) >= 85)


def test_per_instrument_band_needs_instrument_scores(tmp_path: Path) -> None:
    directory = _data_dir_with(
        tmp_path,
        fy2599={"schema_version": 1, "fiscal_year": 2599, "inherits": 2565, "rating": PASS_LEVELS},
    )
    fw = load_framework(2599, directory=directory)
    assert fw.rate(Decimal(80)).label == "ต้องปรับปรุง"
    with pytest.raises(ValueError, match="missing EIT, OIT"):
        fw.rate(Decimal(96), {"IIT": Decimal(96)})


def test_pass_level_bands_must_still_be_ordered(tmp_path: Path) -> None:
    bands = copy.deepcopy(PASS_LEVELS)
    bands["bands"][1], bands["bands"][2] = bands["bands"][2], bands["bands"][1]
    directory = _data_dir_with(
        tmp_path,
        fy2599={"schema_version": 1, "fiscal_year": 2599, "inherits": 2565, "rating": bands},
    )
    with pytest.raises(FrameworkError, match=r"fy2599\.yaml: rating\.bands\[2\]\.min_total"):
        load_framework(2599, directory=directory)
