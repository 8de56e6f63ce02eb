from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ita_lib.exceptions import InputError, UnknownFiscalYearError
from ita_lib.model.assessment import Agency, slugify
from ita_lib.model.assessment_file import (
    bundled_assessments,
    load_assessment,
    parse_assessment,
    resolve_assessment_path,
)
from ita_lib.text.periods import Period


def test_minimal_file_loads_with_exact_decimal_scores(write_yaml, minimal):
    a = load_assessment(write_yaml(minimal))
    assert a.agency == Agency(name="เทศบาลตำบลทดสอบ", slug="test-agency")
    assert a.fiscal_year == 2565
    assert a.scores[1] == Decimal("97.06")
    assert a.scores[10] == Decimal(100)
    assert a.failed_items is None
    assert a.measures == ()
    assert a.suggestions.by_item == ()


def test_thai_digits_in_scores_and_year(write_yaml, minimal):
    minimal["fiscal_year"] = "๒๕๖๕"
    minimal["scores"]["ind9"] = "๘๒.๔๒"
    a = load_assessment(write_yaml(minimal))
    assert a.fiscal_year == 2565
    assert a.scores[9] == Decimal("82.42")


def test_item_codes_are_normalised(write_yaml, minimal):
    minimal["oit"] = {"failed_items": ["0๓", "O11", "o11"]}
    minimal["suggestions"] = {"by_item": [{"item": "e๑๒", "text": "ข้อความ"}]}
    a = load_assessment(write_yaml(minimal))
    assert a.failed_items == ("o3", "o11")
    assert a.suggestions.by_item[0].item == "e12"
    assert a.suggestions.for_item("e12") == ("ข้อความ",)


def test_measure_period_is_parsed_to_dates(write_yaml, minimal):
    minimal["measures"] = [
        {"number": 1, "title": "มาตรการ", "period": "ต.ค.๖๕ - ก.ย. ๖๖", "addresses": ["0๑๗", "eit"]}
    ]
    m = load_assessment(write_yaml(minimal)).measures[0]
    assert m.period == Period(start=date(2022, 10, 1), end=date(2023, 9, 30))
    assert m.period_text == "ต.ค.๖๕ - ก.ย. ๖๖"
    assert m.addresses == ("o17", "EIT")


def test_loaded_assessment_is_immutable(write_yaml, minimal):
    a = load_assessment(write_yaml(minimal))
    with pytest.raises(AttributeError):
        a.fiscal_year = 2564  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.scores[1] = Decimal(0)  # type: ignore[index]


def test_parse_does_not_mutate_its_input(minimal):
    before = repr(minimal)
    parse_assessment(minimal)
    assert repr(minimal) == before


# -- bad input: one clear message naming file, field (and line), expected and found -----------


def _error(write_yaml, data) -> str:
    path = write_yaml(data)
    with pytest.raises(InputError) as info:
        load_assessment(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert "\n" not in message
    return message


def test_score_above_100(write_yaml, minimal):
    minimal["scores"]["ind4"] = 104.5
    msg = _error(write_yaml, minimal)
    assert "scores.ind4 (line" in msg
    assert "out of range" in msg
    assert "expected a score from 0 to 100" in msg
    assert "104.5" in msg


def test_negative_score(write_yaml, minimal):
    minimal["scores"]["ind2"] = -1
    assert "scores.ind2" in _error(write_yaml, minimal)


def test_missing_indicator(write_yaml, minimal):
    del minimal["scores"]["ind7"]
    msg = _error(write_yaml, minimal)
    assert "missing indicator score(s) ind7" in msg
    assert "all ten indicators" in msg


def test_unknown_indicator(write_yaml, minimal):
    minimal["scores"]["ind11"] = 50
    assert "unknown indicator 'ind11'" in _error(write_yaml, minimal)


def test_unknown_fiscal_year(write_yaml, minimal):
    minimal["fiscal_year"] = 2599
    path = write_yaml(minimal)
    with pytest.raises(UnknownFiscalYearError) as info:
        load_assessment(path)
    msg = str(info.value)
    assert "fiscal_year (line" in msg
    assert "2564" in msg
    assert "2565" in msg
    assert "2599" in msg


def test_christian_era_year_is_rejected(write_yaml, minimal):
    minimal["fiscal_year"] = 2022
    assert "Buddhist-era year" in _error(write_yaml, minimal)


def test_unknown_item_code(write_yaml, minimal):
    minimal["oit"] = {"failed_items": ["o3", "o44"]}
    msg = _error(write_yaml, minimal)
    assert "oit.failed_items[1]" in msg
    assert "unknown item code" in msg
    assert "'o44'" in msg


def test_non_oit_item_in_failed_items(write_yaml, minimal):
    minimal["oit"] = {"failed_items": ["e12"]}
    assert "not an OIT item" in _error(write_yaml, minimal)


def test_suggestion_for_an_unknown_item_is_kept_and_marked(write_yaml, minimal):
    minimal["suggestions"] = {
        "by_item": [
            {"item": "o๔๙", "text": "ก"},
            {"item": "ข้อ 9", "text": "ข"},
            {"item": "o3", "text": "ค"},
        ]
    }
    items = load_assessment(write_yaml(minimal)).suggestions.by_item
    assert [(s.item, s.known) for s in items] == [("o49", False), ("ข้อ 9", False), ("o3", True)]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["scores"].__setitem__("ind1", "abc"), "scores.ind1", "not a number"),
        (lambda d: d["scores"].__setitem__("ind1", True), "scores.ind1", "not a number"),
        (lambda d: d["scores"].__setitem__("ind1", [1]), "scores.ind1", "not a number"),
        (lambda d: d["scores"].__setitem__("ind1", 90.123), "scores.ind1", "too many decimals"),
        (lambda d: d["agency"].__setitem__("name", 12), "agency.name", "expected text"),
        (
            lambda d: d.__setitem__("measures", [{"number": "one", "title": "x"}]),
            "measures[0].number",
            "whole number",
        ),
        (
            lambda d: d.__setitem__("measures", [{"number": 1}]),
            "measures[0].title",
            "required field is missing",
        ),
        (
            lambda d: d.__setitem__(
                "measures", [{"number": 1, "title": "x", "period": "sometime"}]
            ),
            "measures[0].period",
            "Thai month",
        ),
        (lambda d: d.__setitem__("scores", [1, 2]), "scores", "expected a mapping"),
        (lambda d: d.__setitem__("agnecy", {}), "agnecy", "unknown field"),
        (lambda d: d.pop("agency"), "agency", "required field is missing"),
        (lambda d: d.__setitem__("schema_version", 2), "schema_version", "expected 1"),
        (
            lambda d: d.__setitem__(
                "measures", [{"number": 1, "title": "a"}, {"number": 1, "title": "b"}]
            ),
            "measures[1].number",
            "used twice",
        ),
    ],
)
def test_wrong_types_and_fields(write_yaml, minimal, change, field, words):
    change(minimal)
    msg = _error(write_yaml, minimal)
    assert field in msg
    assert words in msg


def test_error_names_the_yaml_line(write_yaml):
    text = (
        "agency:\n  name: ทดสอบ\nfiscal_year: 2565\nscores:\n"
        + "".join(f"  ind{n}: 90\n" for n in range(1, 10))
        + "  ind10: 190\n"
    )
    assert "scores.ind10 (line 14)" in _error(write_yaml, text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "file is empty"),
        ("   \n\n", "file is empty"),
        ("agency: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "top level is not a mapping"),
        ("just some text", "top level is not a mapping"),
    ],
)
def test_empty_and_non_yaml_files(write_yaml, text, words):
    assert words in _error(write_yaml, text)


def test_binary_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(InputError, match="not UTF-8"):
        load_assessment(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_assessment(tmp_path / "nope.yaml")


def test_bundled_reference():
    assert "bueng-krachap-2565" in bundled_assessments()
    assert resolve_assessment_path("bundled:bueng-krachap-2565").is_file()
    with pytest.raises(InputError, match="no such bundled assessment"):
        resolve_assessment_path("bundled:nowhere")


def test_relative_path_resolution(tmp_path):
    assert resolve_assessment_path("a.yaml", base_dir=tmp_path) == tmp_path / "a.yaml"
    assert resolve_assessment_path(Path("/x/a.yaml"), base_dir=tmp_path) == Path("/x/a.yaml")


def test_folder_name_prefers_slug_then_code_then_name():
    assert Agency(name="ก ข", slug="s", itas_code="c").folder_name == "s"
    assert Agency(name="ก ข", itas_code="c").folder_name == "c"
    assert Agency(name="อบต. ก/ข").folder_name == "อบต-กข"
    assert slugify("  ") == "agency"


def test_unreadable_file(minimal, write_yaml, monkeypatch):
    path = write_yaml(minimal)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(InputError, match=r"cannot read the file \(Permission denied\)"):
        load_assessment(path)
