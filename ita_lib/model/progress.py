"""The measures' progress file (YAML; format in docs/drafting.md): per measure, how far it got.

A progress file reports, for one agency's measures of one fiscal year, at one reporting round
(``6-month`` or ``annual``), each measure's status, the date it was done, links to evidence and
notes. :func:`load_progress` reads and validates it; errors name the file, the line and the
field. The report (``ita draft report``) and the briefing's progress section read the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ita_lib.exceptions import InputError
from ita_lib.text.years import as_date, fiscal_year_bounds, parse_be_year

__all__ = ["ROUNDS", "STATUSES", "MeasureProgress", "Progress", "load_progress", "parse_progress"]

STATUSES = {
    "done": "ดำเนินการแล้วเสร็จ",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "not_started": "ยังไม่ได้ดำเนินการ",
    "cancelled": "ยกเลิก",
}
ROUNDS = {"6-month": "รอบ ๖ เดือน", "annual": "รอบ ๑๒ เดือน"}
_TOP = {"schema_version", "agency", "fiscal_year", "round", "as_of", "measures"}
_MEASURE = {"number", "title", "status", "done_on", "evidence", "notes"}


@dataclass(frozen=True)
class MeasureProgress:
    """One measure's progress."""

    number: int
    title: str
    status: str
    done_on: date | None = None
    evidence: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def status_th(self) -> str:
        """Return the status in Thai."""
        return STATUSES[self.status]


@dataclass(frozen=True)
class Progress:
    """The progress of an agency's measures at one reporting round."""

    agency: str
    fiscal_year: int
    round: str
    as_of: date | None
    measures: tuple[MeasureProgress, ...]
    source: str = "<progress>"

    @property
    def round_th(self) -> str:
        """Return the reporting round in Thai (``รอบ ๖ เดือน``)."""
        return ROUNDS[self.round]

    def counts(self) -> dict[str, int]:
        """Return the number of measures per status (every status, in the order of STATUSES)."""
        return {s: sum(1 for m in self.measures if m.status == s) for s in STATUSES}

    def not_done(self) -> tuple[MeasureProgress, ...]:
        """Return the measures not done (cancelled ones excluded)."""
        return tuple(m for m in self.measures if m.status in {"in_progress", "not_started"})


class _Lines(yaml.SafeLoader):
    """A loader that records the line of every mapping (``__line__``)."""


def _mapping_with_line(loader: _Lines, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_Lines.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _fail(source: str, line: int | None, field: str, message: str, expected: str,
          found: object = None) -> InputError:  # fmt: skip
    location = f"line {line}, {field}" if line else field
    return InputError(message, source=source, location=location, expected=expected, found=found)


def _measure(raw: object, index: int, year: int, source: str, line: int) -> MeasureProgress:
    where = f"measures[{index}]"
    if not isinstance(raw, dict):
        raise _fail(source, line, where, "not a mapping", "number, title, status, ...")
    line = raw.pop("__line__", line)
    unknown = sorted(set(raw) - _MEASURE)
    if unknown:
        raise _fail(source, line, f"{where}.{unknown[0]}", "unknown field", ", ".join(sorted(_MEASURE)))
    number = raw.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise _fail(source, line, f"{where}.number", "not a measure number", "a positive integer", number)
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _fail(source, line, f"{where}.title", "missing title", "the measure's title")
    status = raw.get("status")
    if status not in STATUSES:
        raise _fail(source, line, f"{where}.status", "unknown status", " | ".join(STATUSES), status)
    done_on = raw.get("done_on")
    if done_on is not None:
        try:
            done_on = as_date(done_on, "done_on")
        except (TypeError, ValueError):
            raise _fail(source, line, f"{where}.done_on", "not a date", "YYYY-MM-DD (AD)", done_on) from None
        start, end = fiscal_year_bounds(year)
        if not start <= done_on <= end:
            raise _fail(source, line, f"{where}.done_on", f"not in fiscal year {year}",
                        f"{start} to {end}", done_on.isoformat())  # fmt: skip
    if status == "done" and done_on is None:
        raise _fail(source, line, f"{where}.done_on", "a done measure needs its date", "YYYY-MM-DD")
    evidence = raw.get("evidence") or []
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e for e in evidence):
        raise _fail(source, line, f"{where}.evidence", "not a list of links", "a list of URLs or file names")
    notes = raw.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise _fail(source, line, f"{where}.notes", "not a text", "a text", notes)
    return MeasureProgress(number, title.strip(), status, done_on, tuple(evidence), notes)


def parse_progress(data: object, *, source: str = "<progress>") -> Progress:
    """Validate parsed progress data (as loaded with line numbers) into a :class:`Progress`.

    Raises
    ------
    InputError
        Naming the file, the line and the field of the first fault.
    """
    if not isinstance(data, dict):
        raise _fail(source, None, "top level", "not a mapping", "agency, fiscal_year, round, measures")
    line = data.pop("__line__", 1)
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise _fail(source, line, unknown[0], "unknown field", ", ".join(sorted(_TOP)))
    agency = data.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        raise _fail(source, line, "agency", "missing agency", "the agency's full name")
    try:
        year = parse_be_year(data.get("fiscal_year"))
    except (InputError, TypeError, ValueError):
        raise _fail(source, line, "fiscal_year", "not a fiscal year", "a Buddhist-era year such as 2567",
                    data.get("fiscal_year")) from None  # fmt: skip
    round_ = data.get("round")
    if round_ not in ROUNDS:
        raise _fail(source, line, "round", "unknown round", " | ".join(ROUNDS), round_)
    as_of = data.get("as_of")
    if as_of is not None:
        try:
            as_of = as_date(as_of, "as_of")
        except (TypeError, ValueError):
            raise _fail(source, line, "as_of", "not a date", "YYYY-MM-DD (AD)", as_of) from None
    raw = data.get("measures")
    if not isinstance(raw, list) or not raw:
        raise _fail(source, line, "measures", "no measures", "a list of measures")
    measures = tuple(_measure(m, i, year, source, line) for i, m in enumerate(raw))
    numbers = [m.number for m in measures]
    if len(set(numbers)) != len(numbers):
        twice = next(n for n in numbers if numbers.count(n) > 1)
        raise _fail(source, line, "measures", f"measure {twice} is listed twice", "each number once")
    return Progress(agency.strip(), year, round_, as_of, measures, source)


def load_progress(path: str | Path) -> Progress:
    """Read and validate a progress file (YAML).

    Raises
    ------
    InputError
        When the file cannot be read, is not YAML, or a field is wrong (file, line, field named).
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({type(exc).__name__})", source=name,
                         expected="a UTF-8 YAML progress file") from None  # fmt: skip
    try:
        data = yaml.load(text, Loader=_Lines)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(name, mark.line + 1 if mark else None, "YAML", "not valid YAML", "a YAML mapping") from None
    return parse_progress(data, source=name)
