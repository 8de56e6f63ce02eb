"""Load and validate one agency's assessment file (YAML; format in docs/assessment-format.md).

The loader is the only place that reads assessment files. It returns an immutable
:class:`Assessment`; everything downstream (scoring, rendering) is pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ita_lib.exceptions import InputError, UnknownFiscalYearError
from ita_lib.model.framework import Framework, load_framework
from ita_lib.model.packaged import packaged_data
from ita_lib.model.structures import freeze
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.decimals import to_decimal
from ita_lib.text.thai import Period, parse_number, parse_period

__all__ = [
    "BUNDLED_PREFIX",
    "INDICATOR_KEYS",
    "Agency",
    "Assessment",
    "ItemSuggestion",
    "Measure",
    "Suggestions",
    "bundled_assessments",
    "load_assessment",
    "parse_assessment",
    "resolve_assessment_path",
]

BUNDLED_PREFIX = "bundled:"
INDICATOR_KEYS = tuple(f"ind{n}" for n in range(1, 11))
INSTRUMENT_CODES = ("IIT", "EIT", "OIT")
_SAMPLES = packaged_data("samples")


# -- Domain objects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    """The assessed agency (หน่วยงาน)."""

    name: str
    short_name: str | None = None
    type: str | None = None
    province: str | None = None
    district: str | None = None
    itas_code: str | None = None
    slug: str | None = None

    @property
    def display_name(self) -> str:
        """Return the short name when there is one, else the full name."""
        return self.short_name or self.name

    @property
    def folder_name(self) -> str:
        """Return the output folder name: the slug, else the ITAS code, else the name."""
        return self.slug or self.itas_code or slugify(self.name)


@dataclass(frozen=True)
class ItemSuggestion:
    """NACC's suggestion (ข้อเสนอแนะ) on one item, verbatim.

    ``known`` is False when ``item`` is not in the fiscal year's catalogue: such a suggestion
    is kept (and shown) rather than rejected, since it is NACC's text, not the agency's data.
    """

    item: str
    text: str
    known: bool = True


@dataclass(frozen=True)
class Suggestions:
    """NACC's suggestions: a summary, one paragraph per instrument, and per-item texts."""

    summary: str | None = None
    by_instrument: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    by_item: tuple[ItemSuggestion, ...] = ()

    def for_item(self, code: str) -> tuple[str, ...]:
        """Return the suggestion texts given for item ``code`` (in document order)."""
        return tuple(s.text for s in self.by_item if s.item == code)


@dataclass(frozen=True)
class Measure:
    """One of the agency's improvement measures (มาตรการ)."""

    number: int
    title: str
    steps: tuple[str, ...] = ()
    owner: str | None = None
    period_text: str | None = None
    period: Period | None = None
    monitoring: tuple[str, ...] = ()
    addresses: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Assessment:
    """One agency's ITA result for one fiscal year, with suggestions and measures.

    ``scores`` maps indicator number (1-10) to its published score. ``failed_items`` is
    None when the file gives no OIT item results, else the OIT items that scored 0.
    ``document`` is the read-only ``document:`` section of a file written by ``ita import``
    (the source document as written: score table, analysis table, findings...), else None.
    """

    agency: Agency
    fiscal_year: int
    scores: MappingProxyType[int, Decimal]
    measures_fiscal_year: int | None = None
    claimed_total: Decimal | None = None
    claimed_rating: str | None = None
    failed_items: tuple[str, ...] | None = None
    suggestions: Suggestions = field(default_factory=Suggestions)
    measures: tuple[Measure, ...] = ()
    source_document: str | None = None
    source_notes: tuple[str, ...] = ()
    source_path: str | None = None
    document: MappingProxyType[str, Any] | None = None


def slugify(name: str) -> str:
    """Make a folder name from an agency name (Thai letters are kept).

    >>> slugify("องค์การบริหารส่วนตำบล บึงกระจับ")
    'องค์การบริหารส่วนตำบล-บึงกระจับ'
    """
    text = unicodedata.normalize("NFC", name).strip()
    text = re.sub(r"[\\/:*?\"<>|.\x00-\x1f]+", "", text)
    text = re.sub(r"\s+", "-", text)
    return text or "agency"


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


class _AssessmentIn(_Model):
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


# -- Loading -----------------------------------------------------------------------------------


def bundled_assessments() -> tuple[str, ...]:
    """Return the names of the assessments bundled with ita_lib (``bueng-krachap-2565``)."""
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in _SAMPLES.iterdir() if p.name.endswith(".yaml"))
    )


def resolve_assessment_path(reference: str | Path, *, base_dir: Path | None = None) -> Path:
    """Turn an assessment reference into a file path.

    Parameters
    ----------
    reference
        ``"bundled:<name>"`` for an assessment shipped with ita_lib, or a file path.
    base_dir
        Directory that a relative path is relative to (default: the working directory).

    Raises
    ------
    InputError
        For an unknown bundled name.
    """
    text = str(reference)
    if text.startswith(BUNDLED_PREFIX):
        name = text.removeprefix(BUNDLED_PREFIX)
        if name not in bundled_assessments():
            raise InputError(
                "no such bundled assessment",
                location="assessment",
                expected="one of " + ", ".join(BUNDLED_PREFIX + n for n in bundled_assessments()),
                found=text,
            )
        return Path(str(_SAMPLES / f"{name}.yaml"))
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def load_assessment(reference: str | Path) -> Assessment:
    """Read and validate an assessment file.

    Parameters
    ----------
    reference
        A path to a YAML assessment file, or ``"bundled:<name>"``.

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        When the file is missing, empty, not YAML, or does not follow the format. The
        message names the file, the field (and its line) and what was expected.
    """
    path = resolve_assessment_path(reference)
    source = str(reference) if str(reference).startswith(BUNDLED_PREFIX) else str(path)
    if not path.is_file():
        raise InputError("file not found", source=source, expected="an assessment YAML file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror or type(exc).__name__})",
            source=source,
            expected="a readable assessment YAML file",
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            "file is not UTF-8 text",
            source=source,
            location=f"byte {exc.start}",
            expected="a UTF-8 YAML assessment file",
        ) from None
    if not text.strip():
        raise InputError("file is empty", source=source, expected="an assessment YAML mapping")
    try:
        root, data = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        location = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise InputError(
            f"not valid YAML: {problem}",
            source=source,
            location=location,
            expected="an assessment YAML mapping",
        ) from None
    return parse_assessment(data, source=source, node=root)


def _parse_yaml(text: str) -> tuple[yaml.Node | None, object]:
    """Parse YAML once: the node tree (for error lines) and the data built from it."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return root, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


def parse_assessment(
    data: object, *, source: str = "<data>", node: yaml.Node | None = None
) -> Assessment:
    """Validate already-parsed assessment data (a mapping) and build an :class:`Assessment`.

    Parameters
    ----------
    data
        The mapping read from an assessment file.
    source
        Name of the file or source, used in error messages.
    node
        The YAML node tree of the file, used to add line numbers to error messages.

    Raises
    ------
    InputError
        On the first problem found, naming the field.
    """
    if not isinstance(data, dict):
        raise InputError(
            "the top level is not a mapping",
            source=source,
            expected="an assessment YAML mapping with agency, fiscal_year and scores",
            found=type(data).__name__,
        )
    try:
        raw = _AssessmentIn.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc, source, node) from None

    def fail(message: str, loc: tuple[str | int, ...], **kw: Any) -> InputError:
        return InputError(message, source=source, location=_where(loc, node), **kw)

    fiscal_year = _parse_year(raw.fiscal_year, fail, ("fiscal_year",))
    try:
        framework = load_framework(fiscal_year)
    except UnknownFiscalYearError as exc:
        raise UnknownFiscalYearError(
            "no framework data for this fiscal year",
            source=source,
            location=_where(("fiscal_year",), node),
            expected=exc.expected,
            found=fiscal_year,
        ) from None
    measures_fy = (
        None
        if raw.measures_fiscal_year is None
        else _parse_year(raw.measures_fiscal_year, fail, ("measures_fiscal_year",))
    )
    scores = _parse_scores(raw.scores, fail)
    claimed_total = (
        None
        if raw.claimed_total is None
        else _parse_score(raw.claimed_total, fail, ("claimed_total",))
    )
    failed_items = None
    if raw.oit is not None:
        failed_items = tuple(
            _parse_item(code, framework, fail, ("oit", "failed_items", i), instrument="OIT")
            for i, code in enumerate(raw.oit.failed_items)
        )
        failed_items = tuple(dict.fromkeys(failed_items))
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


# -- Field parsers -----------------------------------------------------------------------------


def _parse_year(value: object, fail: Any, loc: tuple[str | int, ...]) -> int:
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


def _line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """Return the 1-based line of the YAML node at ``loc`` (or of its nearest parent)."""
    line = None if node is None else node.start_mark.line + 1
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


def _where(loc: tuple[str | int, ...], node: yaml.Node | None) -> str:
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


def _input_error(exc: ValidationError, source: str, node: yaml.Node | None) -> InputError:
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
        message, source=source, location=_where(loc, node), expected=expected, found=found
    )
