from pathlib import Path

import papermill
import pytest

from ita_lib.exceptions import ParameterError
from ita_lib.params import BriefingParameters, load_parameters_file
from ita_lib.runner import BRIEFING_NOTEBOOK

REPO = Path(__file__).resolve().parents[1]


def _notebook_parameters() -> dict[str, str]:
    return {
        name: p["default"] for name, p in papermill.inspect_notebook(str(BRIEFING_NOTEBOOK)).items()
    }


def test_model_declares_exactly_the_notebook_parameters_with_the_same_defaults():
    declared = _notebook_parameters()
    assert set(declared) == set(BriefingParameters.model_fields)
    defaults = BriefingParameters()
    for name, default_source in declared.items():
        assert repr(getattr(defaults, name)) == default_source.replace('"', "'"), name


@pytest.mark.parametrize("path", sorted((REPO / "params").glob("*.yaml")), ids=lambda p: p.name)
def test_every_params_file_is_valid_for_the_notebook(path):
    params = load_parameters_file(path)
    assert isinstance(params, BriefingParameters)
    import yaml

    keys = set(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    assert keys <= set(_notebook_parameters())


def test_unknown_parameter_is_an_error_naming_it_and_the_file(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("assessment: bundled:bueng-krachap-2565\nthai_digit: true\n", encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_parameters_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: thai_digit: the briefing notebook has no such parameter")
    assert "assessment, thai_digits, run_timestamp" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("thai_digits: 'yes'\n", "thai_digits"),
        ("assessment: 12\n", "assessment"),
        ("- a\n", "not a mapping"),
        ("assessment: [\n", "not valid YAML"),
    ],
)
def test_bad_parameter_files(tmp_path, text, words):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p\.yaml") as info:
        load_parameters_file(path)
    assert words in str(info.value)


def test_missing_params_file(tmp_path):
    with pytest.raises(ParameterError, match="file not found"):
        load_parameters_file(tmp_path / "none.yaml")


def test_relative_assessment_is_resolved_against_the_params_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "p.yaml"
    path.write_text("assessment: ../data/a.yaml\nrun_timestamp: 2026-01-01\n", encoding="utf-8")
    params = load_parameters_file(path)
    assert params.assessment == str((tmp_path / "data" / "a.yaml").resolve())
    assert params.run_timestamp == "2026-01-01"  # dates stay text, as papermill keeps them


def test_empty_params_file_means_defaults(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("# only a comment\n", encoding="utf-8")
    assert load_parameters_file(path) == BriefingParameters()


def test_namespace_check_rejects_injected_typos_and_ignores_kernel_names():
    import json

    namespace = {
        "assessment": "bundled:bueng-krachap-2565",
        "thai_digits": True,
        "run_timestamp": "",
        "In": [],
        "Out": {},
        "_ih": [],
        "json": json,
        "get_ipython": print,
    }
    assert BriefingParameters.from_namespace(namespace).thai_digits is True
    with pytest.raises(ParameterError, match="colour: the briefing notebook has no such parameter"):
        BriefingParameters.from_namespace({**namespace, "colour": "red"})
