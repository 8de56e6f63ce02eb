"""The last line of defence: any error as one printable line, and text made safe to print.

:func:`fault_line` turns an error nobody expected (a full disk, a read-only folder, a link
loop, input nested too deeply for Python's stack, memory exhausted) into one line naming the
file and the exit status the command documents: 2 for bad input, 1 for a failed run.
:func:`printable` removes what a terminal would obey rather than show: escape sequences,
control characters and bidirectional overrides.
"""

from __future__ import annotations

import errno
import re

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "fault_line", "printable"]

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_INPUT_ERRNOS = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ELOOP, errno.ENAMETOOLONG}


def printable(text: str) -> str:
    """Return ``text`` without terminal escape sequences, control or bidi characters.

    Line feeds and tabs are kept.

    >>> printable("a\\x1b[31mred\\x1b[0m\\u202e!")
    'ared!'
    """
    return _UNPRINTABLE.sub("", _ESCAPES.sub("", text))


def _os_line(exc: OSError) -> tuple[int, str]:
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    where = " -> ".join(names) if names else "a file"
    reason = exc.strerror or type(exc).__name__
    status = EXIT_BAD_INPUT if exc.errno in _INPUT_ERRNOS else EXIT_FAILED
    return status, f"{where}: {reason} (errno {exc.errno})"


def fault_line(exc: BaseException) -> tuple[int, str]:
    """Return the exit status and the one-line message for an unexpected error.

    Parameters
    ----------
    exc
        The error that reached the command's top level.

    Returns
    -------
    tuple
        ``(status, message)``: status 2 when the input is at fault (a missing file or folder,
        a link loop, a name too long, data nested too deeply), 1 otherwise (a full disk, no
        permission, no memory, a bug).
    """
    if isinstance(exc, OSError):
        return _os_line(exc)
    if isinstance(exc, RecursionError):
        return EXIT_BAD_INPUT, "input nested too deeply to process (RecursionError)"
    if isinstance(exc, MemoryError):
        return EXIT_FAILED, "out of memory (the input is too large for this machine)"
    if isinstance(exc, UnicodeError):
        return EXIT_BAD_INPUT, f"text that is not valid Unicode: {exc}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return EXIT_FAILED, f"unexpected {type(exc).__name__}: {text[:300]} (run with -v for details)"
