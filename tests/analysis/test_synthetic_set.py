"""The realistic synthetic set: valid assessment files whose OIT items give indicators 9/10."""

from __future__ import annotations

from pathlib import Path

from ita_lib.analysis.scoring import oit_rollup, score_assessment
from ita_lib.analysis.synthetic_set import write_synthetic_set
from ita_lib.model.assessment_file import load_assessment
from ita_lib.model.framework_files import load_framework
from ita_lib.model.results_table import load_results_table
from ita_lib.model.synthetic_marks import SYNTHETIC_MARK
from ita_lib.run.parameters import load_parameters_file
from ita_lib.text.decimals import round_half_up


def test_every_agency_is_full_consistent_and_marked(tmp_path: Path) -> None:
    made = write_synthetic_set(tmp_path, 30, fiscal_year=2565, seed=3)
    framework = load_framework(2565)
    assert len(made.params) == 30
    failed_any = 0
    for params_path, path in zip(made.params, made.assessments, strict=True):
        assessment = load_assessment(path)
        assert assessment.agency.name.endswith(SYNTHETIC_MARK)
        _, recomputed = oit_rollup(framework, assessment.failed_items)
        for number in (9, 10):
            assert assessment.scores[number] == round_half_up(recomputed[number])
        assert not score_assessment(assessment).checks
        assert 8 <= len(assessment.measures) <= 30
        failed = set(assessment.failed_items)
        assert {s.item for s in assessment.suggestions.by_item} == failed
        failed_any += bool(failed)
        params = load_parameters_file(params_path)
        assert Path(params.results_table) == made.peers_table.resolve()
    assert failed_any > 20
    peers = load_results_table(made.peers_table)
    assert {p.fiscal_year for p in peers} == {2564, 2565}
    assert len(peers) == 60


def test_same_seed_same_files(tmp_path: Path) -> None:
    one = write_synthetic_set(tmp_path / "a", 5, seed=1)
    two = write_synthetic_set(tmp_path / "b", 5, seed=1)
    for a, b in zip(one.assessments, two.assessments, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert one.peers_table.read_bytes() == two.peers_table.read_bytes()
