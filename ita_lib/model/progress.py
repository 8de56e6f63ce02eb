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
    """A loader that records the line of every mapping and of each of its keys."""


def _mapping_with_line(loader: _Lines, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    return mapping


_Lines.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


@dataclass(frozen=True)
class _Where:
    """Where a mapping is in the file: the file, the mapping's line and its keys' lines."""

    source: str
    prefix: str
    line: int | None
    lines: dict[str, int]

    def error(self, field: str, message: str, expected: str, found: object = None) -> InputError:
        """Return the error for ``field`` of this mapping, with the line it is written on."""
        line = self.lines.get(field, self.line)
        name = f"{self.prefix}{field}"
        location = f"line {line}, {name}" if line else name
        return InputError(message, source=self.source, location=location, expected=expected,
                          found=found)  # fmt: skip


def _where(raw: dict, source: str, prefix: str, line: int | None, allowed: set[str]) -> _Where:
    where = _Where(source, prefix, raw.pop("__line__", line), raw.pop("__lines__", {}))
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise where.error(unknown[0], "unknown field", ", ".join(sorted(allowed)))
    return where


def _date(value: object, where: _Where, field: str) -> date | None:
    if value is None:
        return None
    try:
        return as_date(value, field)
    except (TypeError, ValueError):
        raise where.error(field, "not a date", "YYYY-MM-DD (AD)", value) from None


def _done_on(raw: dict, where: _Where, year: int) -> date | None:
    done_on = _date(raw.get("done_on"), where, "done_on")
    start, end = fiscal_year_bounds(year)
    if done_on is not None and not start <= done_on <= end:
        raise where.error("done_on", f"not in fiscal year {year}", f"{start} to {end}",
                          done_on.isoformat())  # fmt: skip
    if raw.get("status") == "done" and done_on is None:
        raise where.error("done_on", "a done measure needs its date", "YYYY-MM-DD")
    return done_on


def _measure(raw: object, index: int, year: int, source: str, line: int | None) -> MeasureProgress:
    if not isinstance(raw, dict):
        raise _Where(source, "", line, {}).error(f"measures[{index}]", "not a mapping",
                                                 "number, title, status, ...")  # fmt: skip
    where = _where(raw, source, f"measures[{index}].", line, _MEASURE)
    number, title, status = raw.get("number"), raw.get("title"), raw.get("status")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise where.error("number", "not a measure number", "a positive integer", number)
    if not isinstance(title, str) or not title.strip():
        raise where.error("title", "missing title", "the measure's title")
    if status not in STATUSES:
        raise where.error("status", "unknown status", " | ".join(STATUSES), status)
    done_on = _done_on(raw, where, year)
    evidence = raw.get("evidence") or []
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e for e in evidence):
        raise where.error("evidence", "not a list of links", "a list of URLs or file names")
    notes = raw.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise where.error("notes", "not a text", "a text", notes)
    return MeasureProgress(number, title.strip(), status, done_on, tuple(evidence), notes)


def parse_progress(data: object, *, source: str = "<progress>") -> Progress:
    """Validate parsed progress data (as loaded with line numbers) into a :class:`Progress`.

    Raises
    ------
    InputError
        Naming the file, the line and the field of the first fault.
    """
    if not isinstance(data, dict):
        raise _Where(source, "", None, {}).error("top level", "not a mapping",
                                                 "agency, fiscal_year, round, measures")  # fmt: skip
    where = _where(data, source, "", 1, _TOP)
    agency = data.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        raise where.error("agency", "missing agency", "the agency's full name")
    try:
        year = parse_be_year(data.get("fiscal_year"))
    except (InputError, TypeError, ValueError):
        raise where.error("fiscal_year", "not a fiscal year", "a Buddhist-era year such as 2567",
                          data.get("fiscal_year")) from None  # fmt: skip
    if data.get("round") not in ROUNDS:
        raise where.error("round", "unknown round", " | ".join(ROUNDS), data.get("round"))
    as_of = _date(data.get("as_of"), where, "as_of")
    raw = data.get("measures")
    if not isinstance(raw, list) or not raw:
        raise where.error("measures", "no measures", "a list of measures")
    measures = tuple(_measure(m, i, year, source, where.line) for i, m in enumerate(raw))
    numbers = [m.number for m in measures]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise where.error("measures", f"measure {twice[0]} is listed twice", "each number once")
    return Progress(agency.strip(), year, data["round"], as_of, measures, source)


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
        data = yaml.load(text, Loader=_Lines)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise _Where(name, "", line, {}).error("YAML", "not valid YAML", "a YAML mapping") from None
    return parse_progress(data, source=name)
