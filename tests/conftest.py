"""Shared fixtures: small assessment data built in memory, and files written to tmp_path."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

SAMPLE_SCORES = {
    "ind1": 97.06, "ind2": 94.13, "ind3": 96.85, "ind4": 93.56, "ind5": 95.91,
    "ind6": 92.63, "ind7": 90.76, "ind8": 90.91, "ind9": 82.42, "ind10": 100,
}  # fmt: skip

MINIMAL = {
    "agency": {"name": "เทศบาลตำบลทดสอบ", "slug": "test-agency"},
    "fiscal_year": 2565,
    "scores": SAMPLE_SCORES,
}


@pytest.fixture
def minimal() -> dict:
    """A minimal valid assessment mapping (a fresh copy per test)."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a mapping (or raw text) to a YAML file under tmp_path and return its path."""

    def write(data: object, name: str = "assessment.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """``ita brief`` on the bundled sample, made once by a kernel: (its outputs, the output root)."""
    from ita_lib.run.execution import run_briefing

    root = tmp_path_factory.mktemp("outputs")
    params = REPO / "params" / "bueng-krachap-2565.yaml"
    return run_briefing(params, output_root=root), root
