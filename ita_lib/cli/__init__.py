"""The ``ita`` command: score assessments and produce briefings.

Expected errors (bad input files, a failing notebook) print one line to stderr and exit
with status 2 (bad input) or 1 (the run failed); they never show a traceback.
``parser`` builds the arguments, ``commands`` runs each subcommand.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from ita_lib.cli.commands import EXIT_BAD_INPUT, EXIT_FAILED
from ita_lib.cli.parser import build_parser
from ita_lib.exceptions import BriefingError, InputError, ITAError
from ita_lib.faults import fault_line, printable

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ita`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="ita: %(message)s"
    )
    try:
        return args.run(args)
    except InputError as exc:
        print(f"ita: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (BriefingError, ITAError) as exc:
        print(f"ita: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("ita: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one line, no traceback
        status, message = fault_line(exc)
        if args.verbose:
            logging.getLogger("ita_lib").exception("the traceback, as asked by --verbose")
        print(f"ita: error: {printable(message)}", file=sys.stderr)
        return status
