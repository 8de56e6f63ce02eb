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
from typing import Any

from ita_lib.analysis.scoring import ScoreResult, score_assessment
from ita_lib.analysis.weaknesses import Analysis, analyse
from ita_lib.exceptions import BriefingError, InputError, ITAError
from ita_lib.model.assessment_file import load_assessment
from ita_lib.model.results_table import load_results_table

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
    from ita_lib.run.execution import run_briefing  # imports papermill/nbconvert only when needed

    output = run_briefing(
        args.params, output_root=args.output_root, run_timestamp=args.run_timestamp
    )
    print(output.html_path)
    return EXIT_OK


def _cmd_email(args: argparse.Namespace) -> int:
    from ita_lib.deliver.delivery import (
        email_briefing,  # imports papermill/nbconvert only when needed
    )

    smtp = {
        "host": args.smtp_host,
        "port": args.smtp_port,
        "security": args.smtp_security,
        "user": args.smtp_user,
    }
    outcome = email_briefing(
        args.params,
        output_root=args.output_root,
        send=args.send or args.resend,
        resend=args.resend,
        run_timestamp=args.run_timestamp,
        overrides={
            "to": args.to,
            "cc": args.cc,
            "bcc": args.bcc,
            "sender": args.sender,
            "reply_to": args.reply_to,
            "smtp": smtp,
        },
    )
    print(outcome.eml_path)
    if outcome.status == "sent":
        print(
            f"ita: sent {outcome.message_id} to {len(outcome.recipients)} recipients",
            file=sys.stderr,
        )
    elif outcome.status == "already-sent":
        previous = outcome.previous or {}
        print(
            f"ita: already sent to these recipients on {previous.get('sent_at')} as "
            f"{previous.get('message_id')}; not sent again (--resend sends it again)",
            file=sys.stderr,
        )
    if outcome.refused:
        refused = ", ".join(f"{a} ({reply})" for a, (_, reply) in outcome.refused.items())
        print(f"ita: error: the server refused some recipients: {refused}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from ita_lib.batch.runs import run_batch  # imports papermill/nbconvert only when needed
    from ita_lib.run.execution import BRIEFING_NOTEBOOK

    for option, value in (
        ("--workers", args.workers),
        ("--timeout", args.timeout),
        ("--max-runs-per-kernel", args.max_runs_per_kernel),
    ):
        if value is not None and value < 1:
            raise InputError(
                "not a positive number", location=option, expected="1 or more", found=value
            )
    logging.getLogger("ita_lib.batch.runs").setLevel(logging.INFO)  # progress lines off a terminal
    try:
        report = run_batch(
            args.inputs,
            output_root=args.output_root,
            workers=args.workers,
            scheduler=args.scheduler,
            force=args.force,
            thai_digits=True if args.thai_digits else None,
            run_timestamp=args.run_timestamp,
            peers=args.peers,
            notebook=args.notebook or BRIEFING_NOTEBOOK,
            execution_timeout=args.timeout,
            max_runs_per_kernel=args.max_runs_per_kernel,
            progress=False if args.no_progress else None,
        )
    except KeyboardInterrupt:
        print("ita: interrupted; run the same command again to finish the batch", file=sys.stderr)
        return 130  # 128 + SIGINT, as shells report an interrupted command
    counts = report.counts
    print(report.index_path)
    print(
        f"ok {counts['ok']}, up to date {counts['skipped']}, failed {counts['failed']}"
        f" (manifest: {report.manifest_path})",
        file=sys.stderr,
    )
    return EXIT_OK if report.succeeded else EXIT_FAILED


def _cmd_import(args: argparse.Namespace) -> int:
    from ita_lib.documents.audit import (  # only the import/audit commands need them
        attach_findings,
        audit,
    )
    from ita_lib.documents.importer import import_document, write_assessment_yaml

    result = import_document(args.document)
    findings = audit(result)
    data = attach_findings(result.data, findings)
    path = write_assessment_yaml(data, args.output, overwrite=args.overwrite)
    print(path)
    noun = "finding" if len(findings) == 1 else "findings"
    print(
        f"ita: {result.leftover_summary()}; {len(findings)} audit {noun} "
        f"(ita audit {args.document})",
        file=sys.stderr,
    )
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from ita_lib.documents.audit import audit  # only the audit command needs it

    findings = audit(args.file)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            where = "" if f.line is None else f"{f.line}: "
            print(f"{where}{f.severity} [{f.rule}] {f.message}")
        if not findings:
            print("no findings")
    return EXIT_OK


def _cmd_notebook(args: argparse.Namespace) -> int:
    from ita_lib.run.execution import run_analyst_notebook  # imports papermill only when needed

    output = run_analyst_notebook(args.name, args.params, output_root=args.output_root)
    print(output.html_path)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from ita_lib.run.table_export import write_workbook
    from ita_lib.views import explore, explore_app, items

    table = explore.load_results(args.results_table)
    filters = explore.Filters(args.fiscal_year, args.province, args.agency_type, args.status)
    selection = explore.select(table, filters)
    joined = items.join_items(table, items.load_items(args.results_table, args.item_results))
    print(write_workbook(args.output, explore_app.explore_tables(selection, joined)))
    return EXIT_OK


_Subparsers = Any  # argparse's private _SubParsersAction


def _add_export(sub: _Subparsers) -> None:
    export = sub.add_parser(
        "export", help="write the explore notebook's filtered tables to one .xlsx workbook"
    )
    export.add_argument("results_table", help="results table .csv/.xlsx, or synthetic:<years>")
    export.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    export.add_argument("--item-results", default="", help="item results table .csv/.xlsx")
    export.add_argument("--fiscal-year", type=int, default=0, help="year (default: the latest)")
    export.add_argument("--province", default="", help="keep one province")
    export.add_argument("--agency-type", default="", help="keep one agency type")
    export.add_argument("--status", choices=["", "pass", "fail"], default="", help="pass or fail")
    export.set_defaults(run=_cmd_export)


def _add_score(sub: _Subparsers) -> None:
    score = sub.add_parser("score", help="score an assessment file or a results table")
    score.add_argument(
        "file", help="assessment YAML (or bundled:<name>), or a results table .csv/.xlsx"
    )
    score.add_argument("--json", action="store_true", help="print JSON")
    score.set_defaults(run=_cmd_score)


def _add_analyse(sub: _Subparsers) -> None:
    analyse_cmd = sub.add_parser(
        "analyse", help="weaknesses, what-if gains and coverage by measures of an assessment"
    )
    analyse_cmd.add_argument("file", help="assessment YAML, or bundled:<name>")
    analyse_cmd.add_argument("--json", action="store_true", help="print JSON")
    analyse_cmd.set_defaults(run=_cmd_analyse)


def _add_notebook(sub: _Subparsers) -> None:
    notebook = sub.add_parser(
        "notebook", help="run an analyst notebook (explore, portfolio) and export its HTML"
    )
    notebook.add_argument("name", choices=["explore", "portfolio"], help="which notebook")
    notebook.add_argument("-f", "--params", default=None, help="parameters YAML for the notebook")
    notebook.add_argument("--output-root", default="outputs", help="folder for outputs")
    notebook.set_defaults(run=_cmd_notebook)


def _add_brief(sub: _Subparsers) -> None:
    brief = sub.add_parser("brief", help="produce the HTML briefing for a parameters file")
    brief.add_argument("params", help="papermill parameters YAML for notebooks/briefing.ipynb")
    brief.add_argument(
        "--output-root", default="outputs", help="folder for outputs (default: outputs)"
    )
    brief.add_argument("--run-timestamp", default=None, help="date text to print in the briefing")
    brief.set_defaults(run=_cmd_brief)


def _add_email(sub: _Subparsers) -> None:
    email = sub.add_parser(
        "email",
        help="write the emailed briefing (briefing.eml) beside the briefing; --send delivers it",
    )
    email.add_argument("params", help="parameters YAML with an email section (see docs/email.md)")
    email.add_argument("--output-root", default="outputs", help="folder for outputs")
    email.add_argument("--run-timestamp", default=None, help="date text to print in the briefing")
    email.add_argument(
        "--send", action="store_true", help="deliver over SMTP (default: no network)"
    )
    email.add_argument(
        "--resend", action="store_true", help="send even if already sent to these recipients"
    )
    for option in ("--to", "--cc", "--bcc"):
        email.add_argument(
            option, action="append", metavar="ADDR", help="repeatable; replaces params"
        )
    email.add_argument("--from", dest="sender", metavar="ADDR", help="sender address")
    email.add_argument("--reply-to", metavar="ADDR", help="reply-to address")
    email.add_argument("--smtp-host", help="SMTP server host name")
    email.add_argument("--smtp-port", type=int, help="port (default 587, 465 for tls, 25 for none)")
    email.add_argument("--smtp-security", choices=("starttls", "tls", "none"), help="encryption")
    email.add_argument(
        "--smtp-user",
        help="user name; the password is read from $ITA_SMTP_PASSWORD (or the "
        "variable named by email.smtp.password_env)",
    )
    email.set_defaults(run=_cmd_email)


def _add_batch(sub: _Subparsers) -> None:
    batch = sub.add_parser(
        "batch", help="produce many briefings: parameters files or one results table"
    )
    batch.add_argument(
        "inputs", nargs="+", help="parameters YAML files, or one results table .csv/.xlsx"
    )
    batch.add_argument(
        "--output-root", default="outputs", help="folder for outputs (default: outputs)"
    )
    batch.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: one per core)"
    )
    batch.add_argument(
        "--scheduler", default=None, help="run on this Dask scheduler (tcp://host:8786)"
    )
    batch.add_argument("--force", action="store_true", help="re-make briefings up to date")
    batch.add_argument(
        "--thai-digits", action="store_true", help="Thai digits in every briefing of a table"
    )
    batch.add_argument("--run-timestamp", default=None, help="date text to print in briefings")
    batch.add_argument(
        "--peers",
        action="store_true",
        help="with a results table: place every agency among the table's other agencies and years",
    )
    batch.add_argument(
        "--timeout", type=int, default=300, help="seconds a notebook cell may run (default: 300)"
    )
    batch.add_argument(
        "--max-runs-per-kernel",
        type=int,
        default=50,
        help="notebooks run on one kernel before a new one starts (default: 50)",
    )
    batch.add_argument("--notebook", default=None, help=argparse.SUPPRESS)  # tests, benchmarks
    batch.add_argument("--no-progress", action="store_true", help="log lines, no progress bar")
    batch.set_defaults(run=_cmd_batch)


def _add_import(sub: _Subparsers) -> None:
    import_cmd = sub.add_parser(
        "import", help="import an agency's measures document (.docx or text) as assessment YAML"
    )
    import_cmd.add_argument("document", help="the measures document, .docx or UTF-8 text")
    import_cmd.add_argument(
        "-o", "--output", required=True, help="the assessment YAML file to write"
    )
    import_cmd.add_argument(
        "--overwrite", action="store_true", help="replace the output file if it exists"
    )
    import_cmd.set_defaults(run=_cmd_import)


def _add_audit(sub: _Subparsers) -> None:
    audit_cmd = sub.add_parser(
        "audit", help="list the faults of a measures document or an assessment YAML file"
    )
    audit_cmd.add_argument(
        "file", help="a measures document (.docx or text), or an assessment YAML file"
    )
    audit_cmd.add_argument("--json", action="store_true", help="print JSON")
    audit_cmd.set_defaults(run=_cmd_audit)


_SUBCOMMANDS = (
    _add_score,
    _add_analyse,
    _add_notebook,
    _add_export,
    _add_brief,
    _add_email,
    _add_batch,
    _add_import,
    _add_audit,
)  # in the order ``ita --help`` lists them


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``ita`` command.

    Returns
    -------
    argparse.ArgumentParser
        One subcommand per ``_add_*`` function, each calling its ``_cmd_*`` handler.
    """
    parser = argparse.ArgumentParser(
        prog="ita", description="ITA briefings: score and brief agencies."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _SUBCOMMANDS:
        add(sub)
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
