"""Charts: a canvas reused from one briefing to the next draws the same bytes as a new one."""

import pytest

from ita_lib.analysis.scoring import score_assessment
from ita_lib.model.results_table import load_results_table
from ita_lib.model.synthetic import write_synthetic_table
from ita_lib.render.charts import (
    _IndicatorCanvas,
    chart_svg,
    contribution_chart,
    figure_svg,
    indicator_chart,
    score_axis_start,
)

NEW = {"indicators": indicator_chart, "contribution": contribution_chart}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Scores of varied agencies: high and low totals, so axes start at different places."""
    table = write_synthetic_table(tmp_path_factory.mktemp("charts") / "t.csv", 40, seed=3)
    scored = [score_assessment(row) for row in load_results_table(table)]
    starts = {
        score_axis_start(min(float(i.score) for i in r.indicators), float(r.pass_mark))
        for r in scored
    }
    assert len(starts) >= 3  # the axis range (and so the number of ticks) varies
    return scored


@pytest.mark.parametrize("kind", ["indicators", "contribution"])
def test_a_reused_chart_is_byte_identical_to_a_new_one(results, kind):
    for i, result in enumerate(results):
        thai = i % 3 == 0
        reused = chart_svg(kind, result, thai_digits=thai, title="ชื่อ")
        new = figure_svg(NEW[kind](result, thai_digits=thai), salt=kind, title="ชื่อ")
        assert reused == new, f"agency {i}"
    # the last chart drawn again after the others: the same bytes as the first time
    again = chart_svg(kind, results[0], thai_digits=True, title="ชื่อ")
    assert again == figure_svg(NEW[kind](results[0], thai_digits=True), salt=kind, title="ชื่อ")


def test_chart_svg_shows_the_agencys_own_values(results):
    result = results[1]
    svg = chart_svg("indicators", result, thai_digits=False)
    assert all(i.name_th in svg for i in result.indicators)
    assert svg.count("<title>") == 0  # no title asked for
    thai = chart_svg("indicators", result, thai_digits=True)
    assert "เกณฑ์ผ่าน ๘๕" in thai


def test_an_unknown_chart_is_refused(results):
    with pytest.raises(ValueError, match="no such chart"):
        chart_svg("pie", results[0], thai_digits=False)


def test_indicator_names_and_scores_are_drawn_over_the_pass_line():
    canvas = _IndicatorCanvas(10)
    line = canvas.line.get_zorder()
    for label, score in zip(canvas.labels, canvas.scores, strict=True):
        assert label.get_zorder() > line
        assert label.get_bbox_patch() is not None  # a white ground hides the line behind a name
        assert score.get_zorder() > label.get_zorder()  # and a score is not hidden by that ground
    for bar, label in zip(canvas.bars, canvas.labels, strict=True):
        assert bar.get_zorder() > label.get_zorder()  # the ground does not notch the bar below
