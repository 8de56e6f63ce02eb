"""The measures' progress file (ita_lib.model.progress)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ita_lib.exceptions import InputError
from ita_lib.model.progress import load_progress

PROGRESS = Path(__file__).parent.parent / "data" / "drafting" / "na-thotlong-progress-2569.yaml"


def test_a_progress_file_loads_with_counts_and_measures_not_done():
    progress = load_progress(PROGRESS)
    assert (progress.fiscal_year, progress.round, progress.as_of) == (
        2569,
        "6-month",
        date(2026, 3, 31),
    )
    assert progress.counts() == {"done": 1, "in_progress": 1, "not_started": 1, "cancelled": 1}
    assert [m.number for m in progress.not_done()] == [2, 3]
    assert progress.measures[0].done_on == date(2026, 1, 15)
    assert progress.measures[0].evidence == ("https://example.go.th/eservice",)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("status: in_progress", "status: finished", "line 14, measures[1].status"),
        ("done_on: 2026-01-15", "done_on: 2024-01-15", "line 10, measures[0].done_on"),
        ("round: 6-month", "round: quarterly", "line 4, round"),
        (
            "    status: not_started",
            "    status: not_started\n    owner: x",
            "line 19, measures[2].owner",
        ),
        ("  - number: 4", "  - number: 3", "measures"),
    ],
)
def test_errors_name_the_file_the_line_and_the_field(tmp_path, old, new, where):
    text = PROGRESS.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_progress(bad)
    assert str(bad) in str(caught.value)
    assert where in str(caught.value)


def test_a_done_measure_needs_its_date_and_yaml_errors_give_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROGRESS.read_text(encoding="utf-8").replace("    done_on: 2026-01-15\n", ""))
    with pytest.raises(InputError, match="done measure needs its date"):
        load_progress(bad)
    bad.write_text("agency: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_progress(bad)
