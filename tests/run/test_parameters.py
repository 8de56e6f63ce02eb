import ast
from pathlib import Path

import papermill
import pytest
import yaml

from ita_lib.exceptions import ParameterError
from ita_lib.run.execution import BRIEFING_NOTEBOOK
from ita_lib.run.parameters import (
    BriefingParameters,
    EmailSettings,
    ExploreParameters,
    PortfolioParameters,
    check_address,
    load_parameters_file,
)

REPO = Path(__file__).resolve().parents[2]


MODELS = {
    "briefing": BriefingParameters,
    "explore": ExploreParameters,
    "portfolio": PortfolioParameters,
}


def _notebook_parameters(name: str = "briefing") -> dict[str, str]:
    path = REPO / "notebooks" / f"{name}.ipynb"
    return {n: p["default"] for n, p in papermill.inspect_notebook(str(path)).items()}


@pytest.mark.parametrize("name", list(MODELS))
def test_model_declares_exactly_the_notebook_parameters_with_the_same_defaults(name):
    model = MODELS[name]
    declared = _notebook_parameters(name)
    assert set(declared) == set(model.model_fields)
    defaults = model()
    for field, default_source in declared.items():
        # the notebook's literal, validated as papermill would hand it over, is the default
        literal = ast.literal_eval(default_source)
        validated = model.from_mapping({field: literal}, source="notebook")
        assert getattr(validated, field) == getattr(defaults, field), field


def test_email_is_a_plain_dict_literal_in_the_briefing_notebook():
    assert _notebook_parameters()["email"] == "{}"
    assert BRIEFING_NOTEBOOK == REPO / "notebooks" / "briefing.ipynb"


def _notebook_of(path: Path) -> str:
    """params/explore*.yaml and params/portfolio*.yaml belong to those notebooks; the rest brief."""
    return next(
        (name for name in ("explore", "portfolio") if path.name.startswith(name)), "briefing"
    )


@pytest.mark.parametrize("path", sorted((REPO / "params").glob("*.yaml")), ids=lambda p: p.name)
def test_every_params_file_is_valid_for_its_notebook(path):
    name = _notebook_of(path)
    params = load_parameters_file(path, MODELS[name])
    assert isinstance(params, MODELS[name])
    keys = set(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    assert keys <= set(_notebook_parameters(name))


def test_analyst_notebook_parameters_are_checked(tmp_path):
    path = tmp_path / "explore.yaml"
    path.write_text("results_table: synthetic:2565\nprovnce: x\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="provnce: the explore notebook has no such parameter"):
        load_parameters_file(path, ExploreParameters)
    path.write_text("max_fixes: -1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="max_fixes"):
        load_parameters_file(path, PortfolioParameters)
    path.write_text("assessments: portfolio\n", encoding="utf-8")
    resolved = load_parameters_file(path, PortfolioParameters)
    assert resolved.assessments == str((tmp_path / "portfolio").resolve())
    path.write_text("assessments: synthetic\n", encoding="utf-8")
    assert load_parameters_file(path, PortfolioParameters).assessments == "synthetic"


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


def test_empty_params_file_is_an_error_but_an_empty_mapping_means_defaults(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p\.yaml: file is empty"):
        load_parameters_file(path)  # it used to brief the bundled sample silently
    path.write_text("{}\n", encoding="utf-8")
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


# -- the email section (read by `ita email`, ignored by the notebook) --------------------------

EMAIL = {
    "to": ["นายก อบต. <mayor@example.org>", "clerk@example.org"],
    "cc": "audit@example.org",
    "sender": "ITA briefings <ita@example.org>",
    "smtp": {"host": "smtp.example.org", "port": 587, "user": "ita", "timeout": 10},
}


def test_email_section_is_a_typed_model_given_as_a_mapping(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"email": EMAIL}, allow_unicode=True), encoding="utf-8")
    email = load_parameters_file(path).email
    assert isinstance(email, EmailSettings)
    assert email.cc == ["audit@example.org"]  # one address is a one-item list
    assert email.smtp.security == "starttls"
    assert email.smtp.password_env == "ITA_SMTP_PASSWORD"
    assert email.smtp.timeout == 10.0
    assert email.recipients == ["mayor@example.org", "clerk@example.org", "audit@example.org"]


def test_email_round_trips_through_papermill_as_a_plain_dict():
    params = BriefingParameters.from_mapping({"email": EMAIL}, source="p.yaml")
    injected = params.model_dump()  # what ita brief hands to papermill
    assert isinstance(injected["email"], dict)
    assert BriefingParameters.from_namespace(injected) == params
    assert BriefingParameters.from_namespace({"email": {}}).email == EmailSettings()


@pytest.mark.parametrize(
    ("email", "words"),
    [
        (
            {"to": ["a@example.org", "not an address"]},
            (
                "p.yaml: email.to.1: Value error, not an e-mail address (expected an e-mail address"
                " or a list of them, found 'not an address')"
            ),
        ),
        ({"to": "a@example.org\nBcc: x@example.org"}, "email.to.0: Value error, not an e-mail"),
        ({"sender": "a@b"}, "email.sender: Value error, not an e-mail address"),
        (
            {"smtp": {"hots": "x"}},
            "p.yaml: email.smtp.hots: no such setting (expected one of host, port, security,",
        ),
        ({"tos": ["a@example.org"]}, "email.tos: no such setting (expected one of to, cc, bcc"),
        ({"smtp": {"security": "ssl"}}, "email.smtp.security: Input should be 'starttls', 'tls'"),
        ({"smtp": {"port": 0}}, "email.smtp.port: Input should be greater than or equal to 1"),
        ({"smtp": {"retries": 99}}, "email.smtp.retries"),
        ({"smtp": "smtp.example.org"}, "email.smtp: Input should be"),
        ("yes", "email: Input should be"),
    ],
)
def test_bad_email_settings_are_one_line_errors(tmp_path, email, words):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"email": email}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_parameters_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: email")
    assert words.replace("p.yaml", str(path)) in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "smtp",
    [{"password": "hunter2-secret"}, {"password_env": "hunter2-secret"}],
    ids=["password", "password_env"],
)
def test_a_password_in_the_params_file_is_refused_and_never_echoed(tmp_path, smtp):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"email": {"smtp": smtp}}), encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_parameters_file(path)
    assert "hunter2-secret" not in str(info.value)
    if "password" in smtp:
        assert "passwords are not read from parameters files" in str(info.value)
        assert "email.smtp.password_env" in str(info.value)


def test_check_address():
    assert check_address(" ITA <ita@example.org> ") == "ITA <ita@example.org>"
    assert check_address("อบต. <saraban@บึงกระจับ.ไทย>")
    for bad in ("", "a", "a@b", "a@b.org, c@d.org", "a@b.org\r\nBcc: x@y.org", "<@x.org>"):
        with pytest.raises(ValueError, match="not an e-mail address"):
            check_address(bad)
