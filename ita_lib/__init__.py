"""ita_lib: Thai ITA (Integrity and Transparency Assessment) results into briefings.

The public API is small; notebooks and scripts use these names only.
"""

from ita_lib.analysis.scoring import ScoreResult, score_assessment
from ita_lib.exceptions import BriefingError, InputError, ITAError, ParameterError
from ita_lib.model.assessment import Assessment
from ita_lib.model.assessment_file import load_assessment
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.model.results_table import load_results_table
from ita_lib.render.briefing import Briefing
from ita_lib.run.parameters import (
    BriefingParameters,
    ExploreParameters,
    PortfolioParameters,
    briefing_from_parameters,
    progress_from_parameters,
)
from ita_lib.run.table_export import write_workbook

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "Briefing",
    "BriefingError",
    "BriefingParameters",
    "ExploreParameters",
    "Framework",
    "ITAError",
    "InputError",
    "ParameterError",
    "PortfolioParameters",
    "ScoreResult",
    "__version__",
    "briefing_from_parameters",
    "load_assessment",
    "load_framework",
    "load_results_table",
    "progress_from_parameters",
    "score_assessment",
    "write_workbook",
]
