"""The ``ita`` command: score assessments and produce briefings.

Expected errors (bad input files, a failing notebook) print one line to stderr and exit
with status 2 (bad input) or 1 (the run failed); they never show a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ita_lib.analysis import Analysis, analyse
from ita_lib.assessment import load_assessment
from ita_lib.exceptions import BriefingError, InputError, ITAError
from ita_lib.results_table import load_results_table
from ita_lib.scoring import ScoreResult, score_assessment

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
_TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}


def _score_text(result: ScoreResult) -> str:
    lines = [f"{result.agency_name} FY{result.fiscal_year}"]
    lines += [f"  {i.code}: {i.score_2dp}" for i in result.instruments]
    lines.append(f"  total: {result.total_2dp} rating: {result.rating} passed: {result.passed}")
    lines += [f"  check: {c.message}" for c in result.checks]
    return "\n".join(lines)


def _cmd_score(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix.lower() in _TABLE_SUFFIXES:
        results = [score_assessment(a) for a in load_results_table(path)]
        if args.json:
            print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        else:
            print("\n".join(_score_text(r) for r in results))
        return EXIT_OK
    result = score_assessment(load_assessment(args.file))
    print(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        if args.json
        else _score_text(result)
    )
    return EXIT_OK


def _analysis_text(analysis: Analysis) -> str:
    lines = [_score_text(analysis.result)]
    lines += [f"  weakness: {w.level} {w.code} {w.name}" for w in analysis.weaknesses]
    lines += [f"  what-if: {g.item} +{g.to_dict()['gain_total']:.2f}" for g in analysis.what_if]
    path = analysis.path_to_next_rating
    if path is not None:
        total = path.to_dict()["total_after"]
        lines.append(f"  next rating {path.target}: fix {', '.join(path.items)} -> {total:.2f}")
    lines += [f"  gap: {g.kind} {g.subject}" for g in analysis.coverage_gaps]
    return "\n".join(lines)


def _cmd_analyse(args: argparse.Namespace) -> int:
    analysis = analyse(load_assessment(args.file))
    if args.json:
        print(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_analysis_text(analysis))
    return EXIT_OK


def _cmd_brief(args: argparse.Namespace) -> int:
    from ita_lib.runner import run_briefing  # imports papermill/nbconvert only when needed

    output = run_briefing(
        args.params, output_root=args.output_root, run_timestamp=args.run_timestamp
    )
    print(output.html_path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``ita`` command."""
    parser = argparse.ArgumentParser(
        prog="ita", description="ITA briefings: score and brief agencies."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="score an assessment file or a results table")
    score.add_argument(
        "file", help="assessment YAML (or bundled:<name>), or a results table .csv/.xlsx"
    )
    score.add_argument("--json", action="store_true", help="print JSON")
    score.set_defaults(run=_cmd_score)

    analyse_cmd = sub.add_parser(
        "analyse", help="weaknesses, what-if gains and coverage by measures of an assessment"
    )
    analyse_cmd.add_argument("file", help="assessment YAML, or bundled:<name>")
    analyse_cmd.add_argument("--json", action="store_true", help="print JSON")
    analyse_cmd.set_defaults(run=_cmd_analyse)

    brief = sub.add_parser("brief", help="produce the HTML briefing for a parameters file")
    brief.add_argument("params", help="papermill parameters YAML for notebooks/briefing.ipynb")
    brief.add_argument(
        "--output-root", default="outputs", help="folder for outputs (default: outputs)"
    )
    brief.add_argument("--run-timestamp", default=None, help="date text to print in the briefing")
    brief.set_defaults(run=_cmd_brief)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ita`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="ita: %(message)s"
    )
    try:
        return args.run(args)
    except InputError as exc:
        print(f"ita: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (BriefingError, ITAError) as exc:
        print(f"ita: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
