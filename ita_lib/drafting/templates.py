"""The catalogue of measure templates (``ita_lib/data/measure_templates.yaml``), per item family.

A weakness no existing measure addresses gets a drafted measure from the template of its item
family (:func:`ita_lib.analysis.crosswalk.item_families`), so one template serves every fiscal
year whatever the item's code that year; IIT and EIT items, and an OIT item of a family without
a template, use their instrument's template. docs/drafting.md describes the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ita_lib.analysis.crosswalk import item_families
from ita_lib.exceptions import FrameworkError
from ita_lib.model.framework import Framework
from ita_lib.model.packaged import load_catalogue

__all__ = ["MeasureTemplate", "load_measure_templates", "template_for"]

_FIELDS = ("agency", "item", "code", "family", "year")


class _TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1)
    families: list[str] = Field(min_length=1)
    title: str = Field(min_length=1)
    steps: list[str] = Field(min_length=1)
    owner: str = Field(min_length=1)
    months: tuple[int, int]
    monitoring: list[str] = Field(min_length=1)

    @field_validator("months")
    @classmethod
    def _months_in_year(cls, value: tuple[int, int]) -> tuple[int, int]:
        first, last = value
        if not 1 <= first <= last <= 12:
            msg = "months must be [first, last] with 1 <= first <= last <= 12"
            raise ValueError(msg)
        return value


class _CatalogueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    templates: list[_TemplateIn]
    instrument_templates: list[_TemplateIn]


@dataclass(frozen=True)
class MeasureTemplate:
    """One measure template: wording with ``{agency}``, ``{item}``, ``{code}``, ``{family}``, ``{year}``.

    ``months`` counts months of the target fiscal year: 1 is October, 12 is September.
    """

    key: str
    families: tuple[str, ...]
    title: str
    steps: tuple[str, ...]
    owner: str
    months: tuple[int, int]
    monitoring: tuple[str, ...]

    def fill(self, text: str, **values: str) -> str:
        """Return ``text`` with the template's placeholders replaced by ``values``."""
        return text.format_map({name: values.get(name, "") for name in _FIELDS})


def _check_texts(template: _TemplateIn) -> None:
    for text in (template.title, template.owner, *template.steps, *template.monitoring):
        try:
            text.format_map(dict.fromkeys(_FIELDS, ""))
        except (KeyError, ValueError, IndexError) as exc:
            msg = (
                f"measure_templates.yaml: template {template.key}: bad placeholder in "
                f"{text!r} ({exc}); use {', '.join('{' + f + '}' for f in _FIELDS)}"
            )
            raise FrameworkError(msg) from None


@cache
def load_measure_templates() -> tuple[dict[str, MeasureTemplate], dict[str, MeasureTemplate]]:
    """Return the templates by family key and by instrument code (validated, cached).

    Raises
    ------
    FrameworkError
        When a template names an unknown family or instrument, a family twice, or a
        placeholder other than those of :class:`MeasureTemplate`.
    """
    data = load_catalogue(_CatalogueIn, "measure_templates.yaml")
    known = {f.key for f in item_families()}
    by_family: dict[str, MeasureTemplate] = {}
    by_instrument: dict[str, MeasureTemplate] = {}
    for group, target, allowed in (
        (data.templates, by_family, known),
        (data.instrument_templates, by_instrument, {"IIT", "EIT", "OIT"}),
    ):
        for t in group:
            _check_texts(t)
            template = MeasureTemplate(
                t.key, tuple(t.families), t.title, tuple(t.steps), t.owner, t.months,
                tuple(t.monitoring),
            )  # fmt: skip
            for family in t.families:
                if family not in allowed or family in target:
                    what = "twice" if family in target else "unknown"
                    msg = f"measure_templates.yaml: template {t.key}: {what} family {family!r}"
                    raise FrameworkError(msg)
                target[family] = template
    return by_family, by_instrument


def template_for(framework: Framework, code: str) -> MeasureTemplate:
    """Return the template for weakness ``code`` (an item code or an instrument code).

    An item of a crosswalk family with a template gets that template (the first such family
    when the item belongs to two); any other item, and an instrument, gets its instrument's.
    """
    by_family, by_instrument = load_measure_templates()
    if code in by_instrument:
        return by_instrument[code]
    for family in item_families(framework.fiscal_year, code):
        if family.key in by_family:
            return by_family[family.key]
    return by_instrument[framework.item(code).instrument]
