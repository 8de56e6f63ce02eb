"""environment.yml (conda) and pyproject.toml must declare the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
SYSTEM_PACKAGES = {"tesseract"}  # programs conda installs that pip cannot (apt on Debian)


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, requirement
    name = match[1].lower().replace("_", "-")
    return CONDA_TO_PYPI.get(name, name) + (match[2] or ""), match[3].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(
        _split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )

    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep["pip"])
        elif dep in SYSTEM_PACKAGES:
            continue
        elif not dep.startswith(("python=", "pip")) or dep.startswith("pip:"):
            conda.append(dep)
    assert "-e ." in pip, "environment.yml must install the package itself in editable mode"
    found = dict(_split(r) for r in conda + [p for p in pip if not p.startswith("-e")])
    assert found == wanted


def test_python_versions_agree():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert project["requires-python"] == ">=3.11"
    assert "python=3.11" in env["dependencies"]
