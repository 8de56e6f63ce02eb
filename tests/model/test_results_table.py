"""Results tables (CSV/XLSX, one row per agency): loading, scoring per row, and bad input."""

from __future__ import annotations

import csv
import dataclasses
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ita_lib.analysis.scoring import score_assessment
from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Agency, Assessment
from ita_lib.model.results_table import load_results_table

TABLES = Path(__file__).resolve().parents[1] / "data" / "tables"
THREE = TABLES / "three-agencies.csv"

INDICATORS = [f"ind{n}" for n in range(1, 11)]
HEADER = ["fiscal_year", "agency_name", "agency_type", "province", *INDICATORS, "claimed_total"]
# Three valid rows for the bad-input tests (spreadsheet rows 2, 3 and 4).
GOOD_ROWS = [
    ["2565", "อบต.หนึ่ง", "องค์การบริหารส่วนตำบล", "ลำพูน", *["90"] * 10, ""],
    ["2564", "เทศบาลสอง", "เทศบาลตำบล", "ลำปาง", *["80"] * 10, ""],
    ["2565", "อบต.สาม", "องค์การบริหารส่วนตำบล", "แพร่", *["70"] * 10, ""],
]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def write_csv(path: Path, header: list[str], rows: list[list[str]], **kw) -> Path:
    with path.open("w", encoding=kw.get("encoding", "utf-8"), newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def as_cell(text: str) -> object:
    """A CSV cell as a spreadsheet stores it: numbers as numbers, empty as no value."""
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def edited(edits: list[tuple[int, str, str]]) -> list[list[str]]:
    """GOOD_ROWS with cells replaced: (data row index, column, new text)."""
    rows = [list(row) for row in GOOD_ROWS]
    for data_row, column, value in edits:
        rows[data_row][HEADER.index(column)] = value
    return rows


def read_fixture() -> tuple[list[str], list[list[str]]]:
    with THREE.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def without_source(assessments: tuple[Assessment, ...]) -> list[Assessment]:
    return [dataclasses.replace(a, source_path=None) for a in assessments]


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_results_table(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


# -- Loading ------------------------------------------------------------------------------------


def test_three_row_csv_loads_exact_scores_and_agencies():
    first, second, third = load_results_table(THREE)

    assert first.agency == Agency(
        name="องค์การบริหารส่วนตำบลทดสอบ",
        type="องค์การบริหารส่วนตำบล",
        province="นครราชสีมา",
        district="บัวใหญ่",
        itas_code="5300101",
    )
    assert first.fiscal_year == 2565
    assert dict(first.scores) == {
        1: Decimal("97.06"), 2: Decimal("94.13"), 3: Decimal("96.85"), 4: Decimal("93.56"),
        5: Decimal("95.91"), 6: Decimal("92.63"), 7: Decimal("90.76"), 8: Decimal("90.91"),
        9: Decimal("82.42"), 10: Decimal(100),
    }  # fmt: skip
    assert all(isinstance(v, Decimal) for v in first.scores.values())
    assert first.claimed_total == Decimal("92.56")

    assert second.agency == Agency(name="เทศบาลตำบลหนองบัว", type="เทศบาลตำบล", province="ขอนแก่น")
    assert second.fiscal_year == 2564
    assert [str(second.scores[n]) for n in range(1, 11)] == [
        "80", "82", "84", "86", "88", "70", "75", "80", "60.5", "59.5",
    ]  # fmt: skip
    assert second.claimed_total is None

    assert third.agency.name == "สำนักงานตัวอย่าง"
    assert third.agency.district is None
    assert third.agency.itas_code is None
    assert third.fiscal_year == 2565
    assert third.scores[9] == Decimal("84.99")
    assert third.claimed_total is None

    # each assessment says where it came from, numbered as a spreadsheet numbers rows
    assert [a.source_path for a in (first, second, third)] == [
        f"{THREE} row 2",
        f"{THREE} row 3",
        f"{THREE} row 4",
    ]
    assert all(a.failed_items is None and a.measures == () for a in (first, second, third))


def test_same_table_as_xlsx_gives_identical_assessments(tmp_path):
    header, rows = read_fixture()
    xlsx = write_xlsx(tmp_path / "three.xlsx", header, [[as_cell(c) for c in r] for r in rows])

    from_xlsx = load_results_table(xlsx)

    assert without_source(from_xlsx) == without_source(load_results_table(THREE))
    assert [str(a.scores[9]) for a in from_xlsx] == ["82.42", "60.5", "84.99"]
    assert from_xlsx[0].agency.itas_code == "5300101"  # a number in the sheet, text here
    assert [a.source_path for a in from_xlsx] == [f"{xlsx} row {n}" for n in (2, 3, 4)]


def test_bom_thai_digits_padded_headers_and_shuffled_columns_load(tmp_path):
    header, rows = read_fixture()
    numeric = {"fiscal_year", *INDICATORS, "claimed_total"}
    messy_header = [f"  {name.upper()} " if i % 2 else f" {name}" for i, name in enumerate(header)]
    messy_rows = [
        [
            cell.translate(THAI_DIGITS) if name in numeric else cell
            for name, cell in zip(header, row, strict=True)
        ]
        for row in rows
    ]
    order = list(reversed(range(len(header))))
    path = write_csv(
        tmp_path / "messy.csv",
        [messy_header[i] for i in order],
        [[row[i] for i in order] for row in messy_rows],
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "๙๗.๐๖" in path.read_text(encoding="utf-8-sig")
    assert "๒๕๖๕" in path.read_text(encoding="utf-8-sig")

    messy = load_results_table(path)

    assert without_source(messy) == without_source(load_results_table(THREE))
    assert messy[0].scores[1] == Decimal("97.06")
    assert messy[0].claimed_total == Decimal("92.56")
    assert [a.fiscal_year for a in messy] == [2565, 2564, 2565]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "gaps.csv"
    lines = [",".join(HEADER), ",".join(GOOD_ROWS[0]), "", ",".join(GOOD_ROWS[1])]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")

    loaded = load_results_table(path)

    assert [a.agency.name for a in loaded] == ["อบต.หนึ่ง", "เทศบาลสอง"]
    assert [a.source_path for a in loaded] == [f"{path} row 2", f"{path} row 4"]


# -- Scoring each row ---------------------------------------------------------------------------

# Hand-computed, ITA total = 0.30*IIT + 0.30*EIT + 0.40*OIT, rounded half up:
# row 2: IIT (97.06+94.13+96.85+93.56+95.91)/5 = 95.502, EIT 274.30/3 = 91.4333...,
#        OIT (82.42+100)/2 = 91.21; 28.6506 + 27.43 + 36.484 = 92.5646 -> 92.56, A
# row 3: IIT 420/5 = 84, EIT 225/3 = 75, OIT 120/2 = 60; 25.2 + 22.5 + 24 = 71.70 -> C
# row 4: IIT 84.99, EIT 85, OIT (84.99+85)/2 = 84.995; 25.497 + 25.5 + 33.998 = 84.995
#        -> 85.00 (rounded half up), A, which reaches the pass mark 85
EXPECTED_SCORES = [
    ("95.50", "91.43", "91.21", "92.5646", "92.56", "A", True),
    ("84.00", "75.00", "60.00", "71.70", "71.70", "C", False),
    ("84.99", "85.00", "85.00", "84.995", "85.00", "A", True),
]


@pytest.mark.parametrize(
    ("row", "iit", "eit", "oit", "exact", "total", "rating", "passed"),
    [(i, *expected) for i, expected in enumerate(EXPECTED_SCORES)],
    ids=["fy2565-sample", "fy2564-round", "fy2565-half-up"],
)
def test_each_row_scores_to_hand_computed_total(row, iit, eit, oit, exact, total, rating, passed):
    assessment = load_results_table(THREE)[row]

    result = score_assessment(assessment)

    assert result.fiscal_year == assessment.fiscal_year
    assert {i.code: str(i.score_2dp) for i in result.instruments} == {
        "IIT": iit,
        "EIT": eit,
        "OIT": oit,
    }
    assert result.total == Decimal(exact)
    assert str(result.total_2dp) == total
    assert result.rating == rating
    assert result.passed is passed
    assert result.checks == ()  # row 2 claims 92.56, which is right


RATING_CASES = [
    ("100", "AA"), ("95", "AA"), ("94.99", "A"), ("85", "A"), ("84.99", "B"), ("75", "B"),
    ("74.99", "C"), ("65", "C"), ("64.99", "D"), ("55", "D"), ("54.99", "E"), ("50", "E"),
    ("49.99", "F"), ("0", "F"),
]  # fmt: skip


def test_table_rows_get_every_rating_band(tmp_path):
    # every indicator equal to v: each instrument is v and the total 0.3v + 0.3v + 0.4v = v
    rows = [["2565", f"หน่วยงาน {v}", "", "", *[v] * 10, ""] for v, _ in RATING_CASES]
    path = write_csv(tmp_path / "bands.csv", HEADER, rows)

    results = [score_assessment(a) for a in load_results_table(path)]

    assert [(str(r.total_2dp), r.rating) for r in results] == [
        (str(Decimal(v).quantize(Decimal("0.01"))), rating) for v, rating in RATING_CASES
    ]
    assert [r.passed for r in results] == [Decimal(v) >= 85 for v, _ in RATING_CASES]


def test_claimed_total_that_differs_gives_a_check(tmp_path):
    header, rows = read_fixture()
    rows[0][header.index("claimed_total")] = "๙๓.๑๐"  # Thai digits; the total is 92.56
    path = write_csv(tmp_path / "claimed.csv", header, rows)

    assessment = load_results_table(path)[0]
    result = score_assessment(assessment)

    assert assessment.claimed_total == Decimal("93.10")
    assert [c.code for c in result.checks] == ["claimed_total_mismatch"]
    check = result.checks[0]
    assert (check.field, check.expected, check.found) == ("claimed_total", "92.56", "93.10")
    assert check.message == "claimed total 93.10 differs from the recomputed total 92.56"
    assert str(result.total_2dp) == "92.56"  # the claim does not change the score


# -- Bad input ----------------------------------------------------------------------------------

YEARS = "a fiscal year with framework data: 2564, 2565"


@pytest.mark.parametrize(
    ("data_row", "column", "value", "expected"),
    [
        pytest.param(2, "ind4", "100.01", "a score from 0 to 100", id="above-100"),
        pytest.param(1, "ind9", "-0.5", "a score from 0 to 100", id="negative"),
        pytest.param(2, "ind1", "๑๐๑", "a score from 0 to 100", id="thai-digits-above-100"),
        pytest.param(0, "ind2", "abc", "a number", id="not-a-number"),
        pytest.param(2, "ind10", "", "a value (the cell is empty)", id="empty-score"),
        pytest.param(1, "claimed_total", "n/a", "a number", id="bad-claimed-total"),
        pytest.param(1, "fiscal_year", "2599", YEARS, id="unknown-year"),
        pytest.param(2, "fiscal_year", "2022", YEARS, id="ce-year"),
        pytest.param(2, "fiscal_year", "FY65", "a Buddhist-era year such as 2565", id="bad-year"),
        pytest.param(0, "fiscal_year", "", "a value (the cell is empty)", id="empty-year"),
        pytest.param(1, "agency_name", "", "a value (the cell is empty)", id="empty-name"),
    ],
)
def test_bad_cell_names_file_row_column_expected_and_found(
    tmp_path, data_row, column, value, expected
):
    path = write_csv(tmp_path / "results.csv", HEADER, edited([(data_row, column, value)]))

    with pytest.raises(InputError) as info:
        load_results_table(path)

    message = str(info.value)
    row = data_row + 2  # the header is row 1
    assert info.value.location == f"row {row}, column {column}"
    assert message.startswith(f"{path}: row {row}, column {column}: invalid value")
    assert f"expected {expected}" in message
    assert f"found {value!r}" in message
    assert "more problem" not in message
    assert "\n" not in message


def test_bad_cell_in_xlsx_is_reported_by_sheet_row(tmp_path):
    rows = [[as_cell(c) for c in row] for row in edited([(2, "ind1", "101")])]
    path = write_xlsx(tmp_path / "results.xlsx", HEADER, rows)

    message = load_error(path)

    assert message.startswith(f"{path}: row 4, column ind1: invalid value")
    assert "expected a score from 0 to 100" in message
    assert "found '101'" in message


def test_bad_cell_after_a_blank_line_is_reported_by_file_row(tmp_path):
    bad = edited([(1, "ind3", "x")])
    path = tmp_path / "gaps.csv"
    lines = [",".join(HEADER), ",".join(bad[0]), "", ",".join(bad[1])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert load_error(path).startswith(f"{path}: row 4, column ind3: ")


@pytest.mark.parametrize(
    ("edits", "location", "found", "more"),
    [
        pytest.param(
            [(1, "ind1", "101"), (1, "ind2", "x"), (2, "ind9", "-3")],
            "row 3, column ind1",
            "'101'",
            "(and 2 more problems)",
            id="three-cells",
        ),
        pytest.param(
            [(2, "fiscal_year", "2599"), (1, "ind10", "-1")],
            "row 3, column ind10",
            "'-1'",
            "(and 1 more problem)",
            id="row-before-column",
        ),
        pytest.param(
            [(0, "ind1", "150"), (1, "ind1", "x")],
            "row 2, column ind1",
            "'150'",
            "(and 1 more problem)",
            id="same-column",
        ),
        pytest.param(
            [(2, "fiscal_year", "x")],
            "row 4, column fiscal_year",
            "'x'",
            None,
            id="good-years-not-blamed",
        ),
        pytest.param(
            [(0, "ind5", "")] + [(2, c, "") for c in INDICATORS],
            "row 2, column ind5",
            "''",
            "(and 10 more problems)",
            id="many-empty",
        ),
    ],
)
def test_several_bad_cells_report_the_first_in_row_order_and_count_the_rest(
    tmp_path, edits, location, found, more
):
    path = write_csv(tmp_path / "results.csv", HEADER, edited(edits))

    message = load_error(path)

    assert message.startswith(f"{path}: {location}: invalid value")
    assert f"found {found}" in message
    if more is None:
        assert "more problem" not in message
    else:
        assert more in message


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        pytest.param(
            [c for c in HEADER if c != "ind7"], "missing column(s) ind7", id="missing-ind7"
        ),
        pytest.param([*HEADER, "ind11"], "unknown column 'ind11'", id="unknown-ind11"),
        pytest.param(
            [c.replace("province", "provnce") for c in HEADER],
            "unknown column 'provnce'",
            id="typo-provnce",
        ),
        pytest.param([*HEADER, " IND1"], "duplicate column 'ind1'", id="duplicate-ind1"),
    ],
)
def test_bad_header_names_file_and_column(tmp_path, header, problem):
    rows = [[*row, *[""] * (len(header) - len(row))][: len(header)] for row in GOOD_ROWS]
    path = write_csv(tmp_path / "results.csv", header, rows)

    message = load_error(path)

    assert message.startswith(f"{path}: header (row 1): {problem} (expected ")
    assert "fiscal_year, agency_name" in message or "each column once" in message


GARBAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        pytest.param("empty.csv", b"", "file is empty", id="empty-file"),
        pytest.param(
            "header.csv",
            (",".join(HEADER) + "\n").encode(),
            "the table has no data rows",
            id="header-only",
        ),
        pytest.param(
            "blank.csv",
            (",".join(HEADER) + "\n\n,,,\n").encode(),
            "the table has no data rows",
            id="header-and-blank-lines",
        ),
        pytest.param("garbage.csv", GARBAGE, "file is not UTF-8 text", id="binary-csv"),
        pytest.param(
            "results.txt",
            (",".join(HEADER) + "\n" + ",".join(GOOD_ROWS[0]) + "\n").encode(),
            "unsupported file type (expected a .csv or .xlsx file, found '.txt')",
            id="txt-extension",
        ),
        pytest.param("corrupt.xlsx", GARBAGE, "cannot read the spreadsheet", id="corrupt-xlsx"),
        pytest.param(
            "zip.xlsx", b"PK\x03\x04" + bytes(200), "cannot read the spreadsheet", id="bad-zip"
        ),
        pytest.param("empty.xlsx", b"", "cannot read the spreadsheet", id="empty-xlsx"),
        pytest.param(
            "wide.csv",
            (",".join(HEADER) + "\n" + ",".join([*GOOD_ROWS[0], "x"]) + "\n").encode(),
            "the data rows have more cells than the header",
            id="rows-wider-than-header",
        ),
        pytest.param(
            "ragged.csv",
            "\n".join(
                [",".join(HEADER), ",".join(GOOD_ROWS[0]), ",".join([*GOOD_ROWS[1], "x"])]
            ).encode(),
            "not a valid CSV file: Error tokenizing data. C error: Expected 15 fields in line 3,"
            " saw 16",
            id="one-row-too-wide",
        ),
        pytest.param("missing.csv", None, "file not found", id="missing-csv"),
        pytest.param("missing.xlsx", None, "file not found", id="missing-xlsx"),
    ],
)
def test_unreadable_file_names_the_file(tmp_path, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    assert load_error(path).startswith(f"{path}: {problem}")


def test_empty_workbook_has_no_data_rows(tmp_path):
    path = write_xlsx(tmp_path / "empty-sheet.xlsx", HEADER, [])

    assert load_error(path) == (f"{path}: the table has no data rows (expected one row per agency)")


def test_workbook_with_a_damaged_part_is_an_input_error(tmp_path):
    rows = [[as_cell(c) for c in row] for row in GOOD_ROWS]
    good = write_xlsx(tmp_path / "good.xlsx", HEADER, rows)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the sheet's XML is cut off
            target.writestr(item, data)

    message = load_error(damaged)

    assert message.startswith(f"{damaged}: cannot read the spreadsheet (")
    assert message.endswith("(expected an .xlsx workbook with a header row)")


def test_scores_with_more_than_two_decimals_are_rejected(tmp_path):
    header = "fiscal_year,agency_name,agency_type,province," + ",".join(
        f"ind{n}" for n in range(1, 11)
    )
    row = "2565,ก,อบต.,ข," + ",".join(["90"] * 9 + ["97.065"])
    path = tmp_path / "t.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column ind10") as info:
        load_results_table(path)
    assert "at most two decimals" in str(info.value)


def test_the_text_nan_is_not_an_empty_cell(tmp_path):
    header = "fiscal_year,agency_name,agency_type,province," + ",".join(
        f"ind{n}" for n in range(1, 11)
    )
    row = "2565,ก,อบต.,ข," + ",".join(["90"] * 9 + ["nan"])
    path = tmp_path / "t.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column ind10") as info:
        load_results_table(path)
    assert "found 'nan'" in str(info.value)
