"""The assessment file's schema: its raw structure, field parsers and error locations.

:mod:`ita_lib.model.assessment_file` validates a file's data against :class:`AssessmentIn`
(pydantic), then :func:`build_assessment` parses each field (years, scores, item codes,
periods) into the frozen :class:`~ita_lib.model.assessment.Assessment`. Errors name the
field by its path and, given the file's YAML node tree, its line.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ita_lib.exceptions import InputError
from ita_lib.model.assessment import (
    INDICATOR_KEYS,
    INSTRUMENT_CODES,
    Agency,
    Assessment,
    ItemSuggestion,
    Measure,
    Suggestions,
)
from ita_lib.model.framework import Framework
from ita_lib.model.structures import freeze
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.decimals import to_decimal
from ita_lib.text.numbers import parse_number
from ita_lib.text.periods import parse_period

__all__ = ["AssessmentIn", "build_assessment", "input_error", "key_line", "parse_year", "where"]

# -- Raw file structure (pydantic) -------------------------------------------------------------

_Text = Field(min_length=1)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _AgencyIn(_Model):
    name: str = _Text
    short_name: str | None = None
    type: str | None = None
    province: str | None = None
    district: str | None = None
    itas_code: str | None = None
    slug: str | None = Field(default=None, pattern=r"^[^\\/:*?\"<>|\s]+$")

    @field_validator("itas_code", "slug")
    @classmethod
    def _one_folder_name(cls, value: str | None) -> str | None:
        """An ITAS code or slug names the output folder: it must be one safe name."""
        if value is not None and (
            value.strip(".") == "" or any(c in value for c in "/\\\0") or not value.isprintable()
        ):
            raise ValueError(
                "expected one folder name: no / or \\, not . or .., no control characters"
            )
        return value


class _ItemSuggestionIn(_Model):
    item: str = _Text
    text: str = _Text


class _SuggestionsIn(_Model):
    summary: str | None = None
    by_instrument: dict[Literal["IIT", "EIT", "OIT"], str] = {}
    by_item: list[_ItemSuggestionIn] = []


class _MeasureIn(_Model):
    number: int = Field(gt=0)
    title: str = _Text
    steps: list[str] = []
    owner: str | None = None
    period: str | None = None
    monitoring: list[str] = []
    addresses: list[str] | None = None


class _OitIn(_Model):
    failed_items: list[str]


class _SourceIn(_Model):
    document: str | None = None
    notes: list[str] = []


class AssessmentIn(_Model):
    """The top level of an assessment file, as written (before its fields are parsed)."""

    schema_version: Literal[1] = 1
    agency: _AgencyIn
    fiscal_year: Any
    measures_fiscal_year: Any = None
    scores: dict[str, Any]
    claimed_total: Any = None
    claimed_rating: str | None = None
    oit: _OitIn | None = None
    suggestions: _SuggestionsIn = _SuggestionsIn()
    measures: list[_MeasureIn] = []
    source: _SourceIn = _SourceIn()
    document: dict[str, Any] | None = None


def build_assessment(
    raw: AssessmentIn, fiscal_year: int, framework: Framework, fail: Any, source: str
) -> Assessment:
    """Build the assessment from a validated file, checking its fields against the framework.

    Parameters
    ----------
    raw
        The file's data, validated against :class:`AssessmentIn`.
    fiscal_year
        The parsed ``fiscal_year`` (see :func:`parse_year`).
    framework
        That year's framework (item codes).
    fail
        ``fail(message, loc, **details)`` returns the :class:`InputError` to raise for the
        field at ``loc``.
    source
        Name of the file, for messages.

    Raises
    ------
    InputError
        On the first field that does not parse.
    """
    measures_fy = (
        None
        if raw.measures_fiscal_year is None
        else parse_year(raw.measures_fiscal_year, fail, ("measures_fiscal_year",))
    )
    scores = _parse_scores(raw.scores, fail)
    claimed_total = (
        None
        if raw.claimed_total is None
        else _parse_score(raw.claimed_total, fail, ("claimed_total",))
    )
    failed_items = _failed_items(raw, framework, fail)
    by_item = tuple(_build_suggestion(s, framework) for s in raw.suggestions.by_item)
    measures = tuple(
        _build_measure(m, i, framework, fail, source) for i, m in enumerate(raw.measures)
    )
    _check_unique_numbers(measures, fail)
    return Assessment(
        agency=Agency(**raw.agency.model_dump()),
        fiscal_year=fiscal_year,
        scores=MappingProxyType(scores),
        measures_fiscal_year=measures_fy,
        claimed_total=claimed_total,
        claimed_rating=raw.claimed_rating,
        failed_items=failed_items,
        suggestions=Suggestions(
            summary=raw.suggestions.summary,
            by_instrument=MappingProxyType(dict(raw.suggestions.by_instrument)),
            by_item=by_item,
        ),
        measures=measures,
        source_document=raw.source.document,
        source_notes=tuple(raw.source.notes),
        source_path=source,
        document=None if raw.document is None else freeze(raw.document),
    )


def _failed_items(raw: AssessmentIn, framework: Framework, fail: Any) -> tuple[str, ...] | None:
    """Return the OIT items that scored 0 (once each), or None when the file gives none."""
    if raw.oit is None:
        return None
    failed_items = tuple(
        _parse_item(code, framework, fail, ("oit", "failed_items", i), instrument="OIT")
        for i, code in enumerate(raw.oit.failed_items)
    )
    return tuple(dict.fromkeys(failed_items))


# -- Field parsers -----------------------------------------------------------------------------


def parse_year(value: object, fail: Any, loc: tuple[str | int, ...]) -> int:
    """Return a Buddhist-era year (2400-2700) given as a number or text; else raise ``fail``."""
    number = None
    if isinstance(value, str):
        try:
            number = parse_number(value)
        except InputError:
            number = None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    if number is None or number != number.to_integral_value() or not 2400 <= number <= 2700:
        raise fail("not a Buddhist-era year", loc, expected="a year such as 2565", found=value)
    return int(number)


def _parse_score(value: object, fail: Any, loc: tuple[str | int, ...]) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise fail("not a number", loc, expected="a score from 0 to 100", found=value)
    try:
        number = parse_number(value) if isinstance(value, str) else to_decimal(value)
    except (InputError, ValueError, TypeError):
        raise fail("not a number", loc, expected="a score from 0 to 100", found=value) from None
    if not Decimal(0) <= number <= Decimal(100):
        raise fail("score out of range", loc, expected="a score from 0 to 100", found=value)
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        raise fail("too many decimals", loc, expected="at most two decimals", found=value)
    return number


def _parse_scores(raw: dict[str, Any], fail: Any) -> dict[int, Decimal]:
    unknown = [key for key in raw if key not in INDICATOR_KEYS]
    if unknown:
        raise fail(
            f"unknown indicator {unknown[0]!r}",
            ("scores", unknown[0]),
            expected="keys ind1 .. ind10",
        )
    missing = [key for key in INDICATOR_KEYS if key not in raw or raw[key] is None]
    if missing:
        raise fail(
            "missing indicator score(s) " + ", ".join(missing),
            ("scores",),
            expected="all ten indicators ind1 .. ind10",
        )
    return {n: _parse_score(raw[f"ind{n}"], fail, ("scores", f"ind{n}")) for n in range(1, 11)}


def _parse_item(
    value: str,
    framework: Framework,
    fail: Any,
    loc: tuple[str | int, ...],
    *,
    instrument: str | None = None,
) -> str:
    code = normalize_item_code(value)
    expected = (
        f"an OIT item code of FY{framework.fiscal_year} (o1 .. o{len(framework.oit_items())})"
        if instrument == "OIT"
        else f"an item code of FY{framework.fiscal_year} (o.., i.. or e..)"
    )
    if code is None or not framework.has_item(code):
        raise fail("unknown item code", loc, expected=expected, found=value)
    if instrument is not None and framework.item(code).instrument != instrument:
        raise fail(f"not an {instrument} item", loc, expected=expected, found=value)
    return code


def _build_suggestion(raw: _ItemSuggestionIn, framework: Framework) -> ItemSuggestion:
    code = normalize_item_code(raw.item)
    if code is not None and framework.has_item(code):
        return ItemSuggestion(item=code, text=raw.text)
    return ItemSuggestion(item=code or raw.item, text=raw.text, known=False)


def _build_measure(
    raw: _MeasureIn, index: int, framework: Framework, fail: Any, source: str
) -> Measure:
    loc = ("measures", index)
    period = None
    if raw.period:
        try:
            period = parse_period(raw.period)
        except InputError as exc:
            raise fail(
                exc.message, (*loc, "period"), expected=exc.expected, found=raw.period
            ) from None
    addresses = None
    if raw.addresses is not None:
        addresses = tuple(
            target.upper()
            if target.upper() in INSTRUMENT_CODES
            else _parse_item(target, framework, fail, (*loc, "addresses", j))
            for j, target in enumerate(raw.addresses)
        )
    return Measure(
        number=raw.number,
        title=raw.title,
        steps=tuple(s for s in raw.steps if s),
        owner=raw.owner or None,
        period_text=raw.period or None,
        period=period,
        monitoring=tuple(s for s in raw.monitoring if s),
        addresses=addresses,
    )


def _check_unique_numbers(measures: tuple[Measure, ...], fail: Any) -> None:
    seen: set[int] = set()
    for i, measure in enumerate(measures):
        if measure.number in seen:
            raise fail(
                "measure number used twice",
                ("measures", i, "number"),
                expected="a number not used by another measure",
                found=measure.number,
            )
        seen.add(measure.number)


# -- Error locations ---------------------------------------------------------------------------


def _format_loc(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def key_line(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """Return the 1-based line of the deepest key (or list item) of ``loc`` found, else None."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """Return the 1-based line of the YAML node at ``loc`` (or of its nearest parent)."""
    line = key_line(node, loc)
    if line is None and node is not None:
        return node.start_mark.line + 1
    return line


def where(loc: tuple[str | int, ...], node: yaml.Node | None) -> str:
    """Name the field at ``loc`` for a message, with its line when ``node`` is given."""
    line = _line_of(node, loc) if node is not None else None
    field = _format_loc(loc) or "top level"
    return f"{field} (line {line})" if line is not None else field


_PYDANTIC_EXPECTED = {
    "missing": "this required field",
    "extra_forbidden": "only the fields listed in docs/assessment-format.md",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "greater_than": "a positive number",
    "string_too_short": "non-empty text",
    "literal_error": None,
    "string_pattern_mismatch": 'a folder name without spaces or / \\ : * ? " < > |',
}


def input_error(exc: ValidationError, source: str, node: yaml.Node | None) -> InputError:
    """Turn pydantic's first validation error into an :class:`InputError` naming the field."""
    error = exc.errors()[0]
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.endswith("]")))
    kind = error["type"]
    messages = {"missing": "required field is missing", "extra_forbidden": "unknown field"}
    message = messages.get(kind, error["msg"])
    if kind == "literal_error":
        expected = error["msg"].removeprefix("Input should be ")
    else:
        expected = _PYDANTIC_EXPECTED.get(kind)
    found = None if kind == "missing" else error.get("input")
    if kind == "extra_forbidden":
        found = None
    others = exc.error_count() - 1
    if others:
        message += f" (and {others} more problem{'s' if others > 1 else ''})"
    return InputError(
        message, source=source, location=where(loc, node), expected=expected, found=found
    )
