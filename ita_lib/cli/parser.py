"""The ``ita`` command's argument parser: one small function per subcommand."""

from __future__ import annotations

import argparse
from typing import Any

from ita_lib.cli.commands import (
    cmd_analyse,
    cmd_audit,
    cmd_batch,
    cmd_brief,
    cmd_draft_measures,
    cmd_draft_report,
    cmd_email,
    cmd_export,
    cmd_framework,
    cmd_import,
    cmd_notebook,
    cmd_score,
)

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
    export.set_defaults(run=cmd_export)


def _add_score(sub: _Subparsers) -> None:
    score = sub.add_parser("score", help="score an assessment file or a results table")
    score.add_argument(
        "file", help="assessment YAML (or bundled:<name>), or a results table .csv/.xlsx"
    )
    score.add_argument("--json", action="store_true", help="print JSON")
    score.set_defaults(run=cmd_score)


def _add_framework(sub: _Subparsers) -> None:
    framework = sub.add_parser(
        "framework", help="print a fiscal year's catalogue with each entry's evidence status"
    )
    framework.add_argument("year", help="fiscal year (Buddhist Era), e.g. 2568")
    framework.add_argument("--json", action="store_true", help="print JSON")
    framework.set_defaults(run=cmd_framework)


def _add_analyse(sub: _Subparsers) -> None:
    analyse_cmd = sub.add_parser(
        "analyse", help="weaknesses, what-if gains and coverage by measures of an assessment"
    )
    analyse_cmd.add_argument("file", help="assessment YAML, or bundled:<name>")
    analyse_cmd.add_argument("--json", action="store_true", help="print JSON")
    analyse_cmd.set_defaults(run=cmd_analyse)


def _add_notebook(sub: _Subparsers) -> None:
    notebook = sub.add_parser(
        "notebook", help="run an analyst notebook (explore, portfolio) and export its HTML"
    )
    notebook.add_argument("name", choices=["explore", "portfolio"], help="which notebook")
    notebook.add_argument("-f", "--params", default=None, help="parameters YAML for the notebook")
    notebook.add_argument("--output-root", default="outputs", help="folder for outputs")
    notebook.set_defaults(run=cmd_notebook)


def _add_brief(sub: _Subparsers) -> None:
    brief = sub.add_parser("brief", help="produce the HTML briefing for a parameters file")
    brief.add_argument("params", help="papermill parameters YAML for notebooks/briefing.ipynb")
    brief.add_argument(
        "--output-root", default="outputs", help="folder for outputs (default: outputs)"
    )
    brief.add_argument("--run-timestamp", default=None, help="date text to print in the briefing")
    brief.add_argument(
        "--pdf", action="store_true", help="also write briefing.pdf (A4) beside the HTML"
    )
    brief.set_defaults(run=cmd_brief)


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
    email.set_defaults(run=cmd_email)


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
        "--pdf", action="store_true", help="also write briefing.pdf beside every briefing"
    )
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
        "--engine",
        choices=("inprocess", "kernel"),
        default="inprocess",
        help="run notebooks inside the worker processes (inprocess, default, fastest) or on a "
        "Jupyter kernel per worker (kernel: each notebook's own process, as in JupyterLab)",
    )
    batch.add_argument(
        "--max-runs-per-kernel",
        type=int,
        default=50,
        help="with --engine kernel: notebooks run on one kernel before a new one starts "
        "(default: 50)",
    )
    batch.add_argument("--notebook", default=None, help=argparse.SUPPRESS)  # tests, benchmarks
    batch.add_argument("--no-progress", action="store_true", help="log lines, no progress bar")
    batch.set_defaults(run=cmd_batch)


def _add_import(sub: _Subparsers) -> None:
    import_cmd = sub.add_parser(
        "import",
        help="import an agency's measures document (PDF, scan, .docx or text) as assessment YAML",
    )
    import_cmd.add_argument(
        "document",
        help="the measures document: .pdf (text layer, or scanned: OCR), .png/.jpg/.tif, .docx or "
        "UTF-8 text",
    )
    import_cmd.add_argument(
        "-o", "--output", required=True, help="the assessment YAML file to write"
    )
    import_cmd.add_argument(
        "--overwrite", action="store_true", help="replace the output file if it exists"
    )
    import_cmd.set_defaults(run=cmd_import)


def _add_audit(sub: _Subparsers) -> None:
    audit_cmd = sub.add_parser(
        "audit", help="list the faults of a measures document or an assessment YAML file"
    )
    audit_cmd.add_argument(
        "file",
        help="a measures document (.pdf, .png/.jpg/.tif, .docx or text), or an assessment YAML file",
    )
    audit_cmd.add_argument("--json", action="store_true", help="print JSON")
    audit_cmd.set_defaults(run=cmd_audit)


def _add_draft(sub: _Subparsers) -> None:
    draft = sub.add_parser("draft", help="draft the next measures document or a progress report")
    kinds = draft.add_subparsers(dest="kind", required=True)
    measures = kinds.add_parser("measures", help="the next fiscal year's measures document (.docx)")
    measures.add_argument("assessment", help="an assessment YAML file or bundled:NAME")
    measures.add_argument(
        "--fiscal-year", type=int, help="the measures' fiscal year (default: the assessment's + 1)"
    )
    report = kinds.add_parser("report", help="the measures' progress report (.docx)")
    report.add_argument("progress", help="a progress YAML file (docs/drafting.md)")
    for parser, run in ((measures, cmd_draft_measures), (report, cmd_draft_report)):
        parser.add_argument("-o", "--output", required=True, help="the .docx file to write")
        parser.add_argument("--arabic-digits", action="store_true", help="Arabic digits, not Thai")
        parser.add_argument(
            "--overwrite", action="store_true", help="replace the output file if it exists"
        )
        parser.set_defaults(run=run)


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
    _add_framework,
    _add_draft,
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
