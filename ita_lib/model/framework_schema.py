"""The schema of a framework data file and the rules across its fields.

:func:`validate_file_data` checks a file's data (merged over the files it ``inherits``) with
pydantic, then checks what one field cannot say alone: unique codes, weights that sum to 1,
every indicator in one instrument, every OIT item in one sub-indicator, rating bands from the
highest down. It raises :class:`ita_lib.exceptions.FrameworkError` naming the first problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ita_lib.exceptions import FrameworkError
from ita_lib.model.framework_entries import OIT
from ita_lib.model.structures import dotted_path
from ita_lib.text.decimals import to_decimal

__all__ = ["FileSchema", "validate_file_data"]

_Fail = Callable[[str, str], None]
"""Records a problem: ``fail(field path, message)``."""


# --------------------------------------------------------------------------------------------
# Data-file schema (pydantic); cross-field rules are checked in _check()
# --------------------------------------------------------------------------------------------


def _to_decimal_field(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc)) from None


def _clean_text(value: str) -> str:
    if value != value.strip():
        msg = "must not start or end with whitespace"
        raise ValueError(msg)
    if "\u0e4d\u0e32" in value:
        msg = "contains ํ + า (nikhahit + sara aa); write sara am ำ (U+0E33)"
        raise ValueError(msg)
    return value


_Dec = Annotated[Decimal, BeforeValidator(_to_decimal_field)]
_Text = Annotated[str, Field(min_length=1), AfterValidator(_clean_text)]
_Status = Literal["verified", "corroborated", "unverified"]
_InstrumentCode = Annotated[str, Field(pattern=r"^[A-Z]{2,6}$")]
_ItemCode = Annotated[str, Field(pattern=r"^[a-z]+[1-9][0-9]*$")]
_Number = Annotated[int, Field(ge=1)]
_SourceKeys = list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _SourceIn(_Model):
    url: _Text | None = None
    note: _Text


class _ScoringIn(_Model):
    total: Literal["weighted_sum_of_instruments"]
    instrument_score: Literal["mean_of_indicators"]
    oit_rollup: Literal["item_binary_subindicator_mean", "unknown"]
    status: _Status = "verified"


class _InstrumentIn(_Model):
    code: _InstrumentCode
    name_th: _Text
    name_en: _Text
    weight: Annotated[_Dec, Field(gt=0, le=1)]
    indicators: Annotated[list[_Number], Field(min_length=1)]
    status: _Status = "verified"
    sources: _SourceKeys = []


class _IndicatorIn(_Model):
    number: _Number
    name_th: _Text
    name_en: _Text | None = None
    name_en_psu: _Text | None = None
    aliases_th: list[_Text] = []
    status: _Status = "verified"


class _SubIndicatorIn(_Model):
    code: Annotated[str, Field(pattern=r"^[1-9][0-9]*\.[1-9][0-9]*$")]
    indicator: _Number
    name_th: _Text
    name_en: _Text | None = None
    items: Annotated[list[_ItemCode], Field(min_length=1)]
    status: _Status = "verified"
    sources: _SourceKeys = []


class _ItemIn(_Model):
    code: _ItemCode
    indicator: _Number | None = None
    name_th: _Text | None = None
    name_en: _Text | None = None
    status: _Status | None = None
    sources: _SourceKeys = []


class _BandIn(_Model):
    label: _Text
    min_total: Annotated[_Dec, Field(ge=0, le=100)]
    min_each_instrument: Annotated[_Dec, Field(ge=0, le=100)] | None = None
    description_th: _Text | None = None
    status: _Status = "verified"
    sources: _SourceKeys = []


class _RatingIn(_Model):
    scheme: _Text
    pass_mark: Annotated[_Dec, Field(ge=0, le=100)]
    bands: Annotated[list[_BandIn], Field(min_length=1)]


class FileSchema(_Model):
    """One framework data file (after ``inherits`` merging), as pydantic validates it."""

    schema_version: Literal[1]
    fiscal_year: Annotated[int, Field(ge=2500, le=2999)]
    inherits: Annotated[int, Field(ge=2500, le=2999)] | None = None
    sources: dict[str, _SourceIn] = {}
    status_notes: dict[str, _Text] = {}
    scoring: _ScoringIn
    instruments: Annotated[list[_InstrumentIn], Field(min_length=1)]
    indicators: Annotated[list[_IndicatorIn], Field(min_length=1)]
    sub_indicators: list[_SubIndicatorIn] = []
    default_item_status: dict[str, _Status] = {}
    items: list[_ItemIn] = []
    rating: _RatingIn


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_file_data(data: Mapping[str, Any], label: str) -> FileSchema:
    """Validate a data file's (merged) data: its schema, then the rules across its fields.

    Parameters
    ----------
    data
        The file's YAML data, merged over the files it inherits from.
    label
        The file as error messages name it.

    Returns
    -------
    FileSchema
        The validated data.

    Raises
    ------
    FrameworkError
        Naming the first problem, its field and how many more there are.
    """
    try:
        model = FileSchema.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        if first["type"] == "value_error" and "error" in first.get("ctx", {}):
            message = str(first["ctx"]["error"])
        else:
            message = first["msg"]
        if first["type"] != "missing" and not isinstance(first.get("input"), dict | list):
            message += f" (found {_short(first.get('input'))})"
        raise FrameworkError(
            f"{label}: {dotted_path(first['loc']) or '(top level)'}: {message}"
            + _more(len(errors) - 1)
        ) from None
    problems = _check(model)
    if problems:
        where, message = problems[0]
        raise FrameworkError(f"{label}: {where}: {message}" + _more(len(problems) - 1))
    return model


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return f" (and {count} more problem{'s' if count > 1 else ''})"


def _first_positions(
    keys: list[Any], section: str, field: str, what: str, fail: _Fail
) -> dict[Any, int]:
    """Map each key to the index of its first entry, reporting every repeated key."""
    first: dict[Any, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            shown = repr(key) if isinstance(key, str) else key
            fail(
                f"{section}[{index}].{field}",
                f"duplicate {what} {shown} (first at {section}[{first[key]}])",
            )
        first.setdefault(key, index)
    return first


# --------------------------------------------------------------------------------------------
# Cross-field rules, in file order
# --------------------------------------------------------------------------------------------


def _check(model: FileSchema) -> list[tuple[str, str]]:
    """Return the cross-field problems of a file, as (field path, message), in file order."""
    problems: list[tuple[str, str]] = []

    def fail(where: str, message: str) -> None:
        problems.append((where, message))

    seen_instruments = _check_instruments(model, fail)
    indicator_at, owner = _check_indicators(model, fail)
    _check_sub_indicators(model, indicator_at, owner, fail)
    _check_items(model, indicator_at, owner, fail)
    for code in model.default_item_status:
        if code not in seen_instruments:
            fail(f"default_item_status.{code}", f"unknown instrument {code!r}")
    _check_rating(model, fail)
    _check_source_keys(model, fail)
    return problems


def _check_source_keys(model: FileSchema, fail: _Fail) -> None:
    """Check that every entry's ``sources`` names a key of the file's ``sources`` section."""
    sections: list[tuple[str, list[Any]]] = [
        ("instruments", list(model.instruments)),
        ("sub_indicators", list(model.sub_indicators)),
        ("items", list(model.items)),
        ("rating.bands", list(model.rating.bands)),
    ]
    for section, entries in sections:
        for index, entry in enumerate(entries):
            for key in entry.sources:
                if key not in model.sources:
                    fail(f"{section}[{index}].sources", f"unknown source key {key!r}")


def _check_instruments(model: FileSchema, fail: _Fail) -> dict[str, int]:
    """Check unique codes, weights summing to 1, the OIT instrument present; map code to index."""
    seen_instruments = _first_positions(
        [ins.code for ins in model.instruments], "instruments", "code", "instrument", fail
    )
    total_weight = sum((ins.weight for ins in model.instruments), Decimal(0))
    if total_weight != 1:
        fail("instruments", f"weights sum to {total_weight}, expected 1")
    if OIT not in seen_instruments:
        fail("instruments", f"no {OIT} instrument, which the rule oit_rollup needs")
    return seen_instruments


def _check_indicators(model: FileSchema, fail: _Fail) -> tuple[dict[int, int], dict[int, str]]:
    """Check unique numbers, each in exactly one instrument.

    Returns the index of each indicator number and the code of the instrument that owns it.
    """
    indicator_at = _first_positions(
        [ind.number for ind in model.indicators], "indicators", "number", "indicator", fail
    )
    owner: dict[int, str] = {}
    for i, ins in enumerate(model.instruments):
        for j, number in enumerate(ins.indicators):
            where = f"instruments[{i}].indicators[{j}]"
            if number not in indicator_at:
                fail(where, f"unknown indicator {number}")
            elif number in owner:
                fail(where, f"indicator {number} is already listed under {owner[number]}")
            else:
                owner[number] = ins.code
    for number, k in indicator_at.items():
        if number not in owner:
            fail(f"indicators[{k}]", f"indicator {number} belongs to no instrument")
    return indicator_at, owner


def _check_sub_indicators(
    model: FileSchema, indicator_at: Mapping[int, int], owner: Mapping[int, str], fail: _Fail
) -> None:
    """Check unique codes, of an existing OIT indicator, numbered after it; OIT ones have some."""
    _first_positions(
        [sub.code for sub in model.sub_indicators], "sub_indicators", "code", "sub-indicator", fail
    )
    for s, sub in enumerate(model.sub_indicators):
        if sub.indicator not in indicator_at:
            fail(f"sub_indicators[{s}].indicator", f"unknown indicator {sub.indicator}")
        elif owner.get(sub.indicator) != OIT:
            fail(
                f"sub_indicators[{s}].indicator",
                f"indicator {sub.indicator} is not an {OIT} indicator; only {OIT} indicators "
                "have sub-indicators",
            )
        if sub.code.split(".")[0] != str(sub.indicator):
            fail(
                f"sub_indicators[{s}].code",
                f"{sub.code!r} does not start with its indicator number {sub.indicator}",
            )
    oit_indicators = [n for n, code in owner.items() if code == OIT]
    for number in oit_indicators if model.scoring.oit_rollup != "unknown" else ():
        if not any(sub.indicator == number for sub in model.sub_indicators):
            fail("sub_indicators", f"indicator {number} ({OIT}) has no sub-indicators")


def _check_items(
    model: FileSchema, indicator_at: Mapping[int, int], owner: Mapping[int, str], fail: _Fail
) -> None:
    """Check unique codes; sub-indicator members exist, once each; the rest name an indicator."""
    item_at = _first_positions(
        [item.code for item in model.items], "items", "code", "item code", fail
    )
    member_of = _sub_indicator_members(model, item_at, fail)
    rollup_known = model.scoring.oit_rollup != "unknown"
    for k, item in enumerate(model.items):
        if item.code in member_of:
            sub = member_of[item.code]
            if item.indicator is not None and item.indicator != sub.indicator:
                fail(
                    f"items[{k}].indicator",
                    f"item {item.code!r} is in sub-indicator {sub.code}, which belongs to "
                    f"indicator {sub.indicator}, not {item.indicator}",
                )
        elif item.indicator is None:
            fail(
                f"items[{k}]",
                f"item {item.code!r} is in no sub-indicator and names no indicator "
                f"(an {OIT} item must be listed under sub_indicators[].items)",
            )
        elif item.indicator not in indicator_at:
            fail(f"items[{k}].indicator", f"unknown indicator {item.indicator}")
        elif owner.get(item.indicator) == OIT and rollup_known:
            fail(
                f"items[{k}]",
                f"{OIT} item {item.code!r} belongs to no sub-indicator of indicator "
                f"{item.indicator}",
            )


def _sub_indicator_members(
    model: FileSchema, item_at: Mapping[str, int], fail: _Fail
) -> dict[str, _SubIndicatorIn]:
    """Map each item listed under a sub-indicator to it, reporting unknown and repeated items."""
    member_of: dict[str, _SubIndicatorIn] = {}
    for s, sub in enumerate(model.sub_indicators):
        for j, code in enumerate(sub.items):
            where = f"sub_indicators[{s}].items[{j}]"
            if code not in item_at:
                fail(where, f"unknown item {code!r} (not in items)")
            elif code in member_of:
                fail(
                    where,
                    f"item {code!r} is already listed under sub-indicator {member_of[code].code}",
                )
            else:
                member_of[code] = sub
    return member_of


def _check_rating(model: FileSchema, fail: _Fail) -> None:
    """Check unique labels, ordered high to low, a catch-all last band, pass mark a threshold."""
    bands = model.rating.bands
    labels: dict[str, int] = {}
    for b, band in enumerate(bands):
        if band.label in labels:
            fail(
                f"rating.bands[{b}].label",
                f"duplicate label {band.label!r} (first at rating.bands[{labels[band.label]}])",
            )
        labels.setdefault(band.label, b)
    _check_band_order(bands, fail)
    last = bands[-1]
    if last.min_total != 0 or last.min_each_instrument is not None:
        fail(
            f"rating.bands[{len(bands) - 1}]",
            f"the last band ({last.label!r}) must have min_total 0 and no min_each_instrument, "
            "so that every score gets a band",
        )
    thresholds = [band.min_total for band in bands]
    if model.rating.pass_mark not in thresholds:
        fail(
            "rating.pass_mark",
            f"{model.rating.pass_mark} is not a band threshold "
            f"(expected one of {', '.join(str(t) for t in thresholds)})",
        )


def _check_band_order(bands: list[_BandIn], fail: _Fail) -> None:
    """Report every band that is not stricter than the band after it."""

    def strictness(band: _BandIn) -> tuple[Decimal, Decimal]:
        each = band.min_each_instrument
        return band.min_total, Decimal(-1) if each is None else each

    for b in range(1, len(bands)):
        previous, band = bands[b - 1], bands[b]
        if strictness(band) >= strictness(previous):
            fail(
                f"rating.bands[{b}].min_total",
                f"bands must go from highest to lowest: {band.label!r} (min_total "
                f"{band.min_total}) is not below {previous.label!r} (min_total "
                f"{previous.min_total}) and has no lower min_each_instrument",
            )
