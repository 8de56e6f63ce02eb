"""The sample's briefing, made once by a kernel for every test of the run stage that needs it."""

from pathlib import Path

import pytest

from ita_lib.run.execution import run_briefing

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """``ita brief`` on the bundled sample: (its outputs, the output root)."""
    root = tmp_path_factory.mktemp("outputs")
    return run_briefing(REPO / "params" / "bueng-krachap-2565.yaml", output_root=root), root
