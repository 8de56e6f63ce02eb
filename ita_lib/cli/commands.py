"""What each ``ita`` subcommand does: load its inputs, call the library, print the result.

Each ``cmd_*`` function takes the parsed arguments and returns the exit status; expected errors
are raised as :class:`ita_lib.exceptions.ITAError` and turned into one line by :func:`ita_lib.cli.main`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from pathlib import Path

from ita_lib.analysis.scoring import ScoreResult, score_assessment
from ita_lib.analysis.table_scoring import RowScore, row_results
from ita_lib.analysis.weaknesses import Analysis, analyse
from ita_lib.exceptions import InputError
from ita_lib.faults import printable
from ita_lib.model.assessment_file import load_assessment
from ita_lib.model.framework_files import load_framework
from ita_lib.model.results_table import load_results_table

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
_TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}


def _score_text(result: ScoreResult | RowScore) -> str:
    lines = [f"{result.agency_name} FY{result.fiscal_year}"]
    lines += [f"  {i.code}: {i.score_2dp}" for i in result.instruments]
    lines.append(f"  total: {result.total_2dp} rating: {result.rating} passed: {result.passed}")
    lines += [f"  check: {c.message}" for c in result.checks]
    return "\n".join(lines)


def cmd_score(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix.lower() in _TABLE_SUFFIXES:
        results = row_results(load_results_table(path))
        if args.json:  # streamed, row by row: a national table never sits in memory as JSON
            for n, result in enumerate(results):
                row = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
                sys.stdout.write(("[\n" if n == 0 else ",\n") + textwrap.indent(row, "  "))
            sys.stdout.write("\n]\n")
        else:
            for result in results:
                print(printable(_score_text(result)))
        return EXIT_OK
    result = score_assessment(load_assessment(args.file))
    print(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        if args.json
        else printable(_score_text(result))
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
        lines += [
            f"  blocked by {b.instrument} {b.to_dict()['score']:.2f} (needs {b.needs})"
            for b in path.blocked_by
        ]
    lines += [f"  gap: {g.kind} {g.subject}" for g in analysis.coverage_gaps]
    return "\n".join(lines)


def cmd_analyse(args: argparse.Namespace) -> int:
    analysis = analyse(load_assessment(args.file))
    if args.json:
        print(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(printable(_analysis_text(analysis)))
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    from ita_lib.run.execution import run_briefing  # imports papermill/nbconvert only when needed

    output = run_briefing(
        args.params, output_root=args.output_root, run_timestamp=args.run_timestamp
    )
    print(output.html_path)
    if args.pdf:
        from ita_lib.run.pdf import write_pdf_edition

        print(write_pdf_edition(output.html_path))
    return EXIT_OK


def cmd_email(args: argparse.Namespace) -> int:
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
        accepted = len([r for r in outcome.recipients if r not in outcome.refused])
        of_all = "" if accepted == len(outcome.recipients) else f" of {len(outcome.recipients)}"
        print(f"ita: sent {outcome.message_id} to {accepted}{of_all} recipients", file=sys.stderr)
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


def cmd_batch(args: argparse.Namespace) -> int:
    from ita_lib.batch.runs import run_batch  # imports papermill/nbconvert only when needed
    from ita_lib.run.paths import BRIEFING_NOTEBOOK

    for option, value in (
        ("--workers", args.workers),
        ("--timeout", args.timeout),
        ("--max-runs-per-kernel", args.max_runs_per_kernel),
    ):
        if value is not None and value < 1:
            raise InputError(
                "not a positive number", location=option, expected="1 or more", found=value
            )
    logging.getLogger("ita_lib.batch").setLevel(logging.INFO)  # progress lines off a terminal
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
            engine=args.engine,
            pdf=args.pdf,
        )
    except KeyboardInterrupt:
        print("ita: interrupted; run the same command again to finish the batch", file=sys.stderr)
        return 130  # 128 + SIGINT, as shells report an interrupted command
    counts = report.counts
    if args.pdf:
        _batch_pdfs(report)
    print(report.index_path)
    print(
        f"ok {counts['ok']}, up to date {counts['skipped']}, failed {counts['failed']}"
        f" (manifest: {report.manifest_path})",
        file=sys.stderr,
    )
    return EXIT_OK if report.succeeded else EXIT_FAILED


def _batch_pdfs(report: object) -> None:
    """Write the PDF edition of the briefings found up to date (the workers printed the others)."""
    from ita_lib.run.pdf import write_pdf_edition

    for row in report.entries:  # type: ignore[attr-defined]
        if row.get("status") == "skipped" and row.get("html"):
            write_pdf_edition(Path(report.manifest_path).parent / row["html"])  # type: ignore[attr-defined]


def cmd_import(args: argparse.Namespace) -> int:
    from ita_lib.documents.audit import (  # only the import/audit commands need them
        attach_findings,
        audit,
    )
    from ita_lib.documents.importer import import_document, write_assessment_yaml

    result = import_document(args.document)
    result.require_complete()
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


def cmd_audit(args: argparse.Namespace) -> int:
    from ita_lib.documents.audit import audit  # only the audit command needs it

    findings = audit(args.file)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            where = "" if f.line is None else f"{f.line}: "
            print(printable(f"{where}{f.severity} [{f.rule}] {f.message}"))
        if not findings:
            print("no findings")
    return EXIT_OK


def cmd_framework(args: argparse.Namespace) -> int:
    from ita_lib.model.framework_catalogue import catalogue, catalogue_text

    framework = load_framework(args.year)
    if args.json:
        print(json.dumps(catalogue(framework), ensure_ascii=False, indent=2))
    else:
        print(catalogue_text(framework))
    return EXIT_OK


def cmd_notebook(args: argparse.Namespace) -> int:
    from ita_lib.run.execution import run_analyst_notebook  # imports papermill only when needed

    output = run_analyst_notebook(args.name, args.params, output_root=args.output_root)
    print(output.html_path)
    return EXIT_OK


def cmd_draft_measures(args: argparse.Namespace) -> int:
    from ita_lib.drafting.measures_docx import draft_measures  # python-docx only when needed

    plan = draft_measures(
        load_assessment(args.assessment),
        args.output,
        fiscal_year=args.fiscal_year,
        thai_digits=not args.arabic_digits,
        overwrite=args.overwrite,
    )
    carried = sum(1 for m in plan.measures if m.origin == "carried")
    print(args.output)
    print(
        f"ita: measures for FY{plan.target_year}: {carried} carried over, "
        f"{len(plan.measures) - carried} drafted (highlighted for review)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_draft_report(args: argparse.Namespace) -> int:
    from ita_lib.drafting.report_docx import draft_report  # python-docx only when needed
    from ita_lib.model.progress import load_progress

    progress = load_progress(args.progress)
    print(draft_report(progress, args.output, thai_digits=not args.arabic_digits,
                       overwrite=args.overwrite))  # fmt: skip
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ita_lib.run.table_export import write_workbook
    from ita_lib.views import explore, explore_app, items

    table = explore.load_results(args.results_table)
    filters = explore.Filters(args.fiscal_year, args.province, args.agency_type, args.status)
    selection = explore.select(table, filters)
    joined = items.join_items(table, items.load_items(args.results_table, args.item_results))
    print(write_workbook(args.output, explore_app.explore_tables(selection, joined)))
    return EXIT_OK
