"""Zip containers (.docx, .xlsx) checked before a library opens them: no zip bombs.

A two-megabyte .docx can declare gigabytes once decompressed; python-docx and openpyxl would
try to hold it in memory. :func:`check_zip` reads only the central directory and rejects an
archive whose members, or whose total, decompress beyond the limits, or that holds too many
members, before any member is decompressed. Python's :mod:`zipfile` never returns more than
a member's declared size, so the declared sizes bound the memory used.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ita_lib.exceptions import InputError

__all__ = ["ZipLimits", "check_zip"]


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on a zip container (defaults fit any real measures document or results table)."""

    max_members: int = 2_000
    max_member_bytes: int = 200_000_000
    max_total_bytes: int = 400_000_000
    max_ratio: int = 200  # decompressed / compressed, for members over one megabyte


def check_zip(
    path: str | Path,
    *,
    source: str,
    expected: str,
    unreadable: str = "not a readable zip container",
    limits: ZipLimits = ZipLimits(),
) -> None:
    """Check a zip container's declared sizes before it is opened.

    ``unreadable`` starts the message when the file is not a zip archive at all.

    Raises
    ------
    InputError
        When the file is not a zip archive, or exceeds a bound (a zip bomb).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"{unreadable} ({type(exc).__name__})", source=source, expected=expected
        ) from None
    if len(members) > limits.max_members:
        raise _bomb(f"{len(members):,} parts", source, expected)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.max_member_bytes or (
            member.file_size > 1_000_000 and ratio > limits.max_ratio
        ):
            raise _bomb(
                f"part {member.filename} decompresses to {member.file_size:,} bytes",
                source,
                expected,
            )
    if total > limits.max_total_bytes:
        raise _bomb(f"decompresses to {total:,} bytes", source, expected)


def _bomb(what: str, source: str, expected: str) -> InputError:
    return InputError(
        f"the file is too large once decompressed: {what} (a zip bomb?)",
        source=source,
        expected=expected,
    )
