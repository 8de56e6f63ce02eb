"""Which of an agency's measures address which weakness, and why.

An explicit link in the assessment file (a measure's ``addresses``) wins: when a measure has
it, nothing is inferred for that measure. Otherwise a link is inferred when the measure's title
or steps contain one of the weakness's terms from the catalogue ``data/measure_terms.yaml``; the
matched words are kept so that a person can judge the link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from ita_lib.exceptions import FrameworkError
from ita_lib.model.assessment import Measure
from ita_lib.model.packaged import read_packaged_yaml
from ita_lib.text.digits import to_arabic_digits

__all__ = ["MeasureLink", "link_measures", "load_measure_terms"]

EXPLICIT = "explicit"
INFERRED = "inferred"


@dataclass(frozen=True)
class MeasureLink:
    """One measure linked to one weakness code, with how the link was made."""

    measure: int
    title: str
    how: str
    matched_terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the link as a JSON-ready dict."""
        return {
            "measure": self.measure,
            "title": self.title,
            "how": self.how,
            "matched_terms": list(self.matched_terms),
        }


@cache
def _catalogues() -> tuple[tuple[frozenset[int], Mapping[str, tuple[str, ...]]], ...]:
    data = read_packaged_yaml("measure_terms.yaml")
    catalogues = []
    try:
        for i, entry in enumerate(data["catalogues"]):
            years = frozenset(int(y) for y in entry["fiscal_years"])
            terms = {}
            for code, words in entry["terms"].items():
                if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                    msg = f"measure_terms.yaml: catalogues[{i}].terms.{code}: expected a list of words"
                    raise FrameworkError(msg)
                terms[str(code)] = tuple(words)
            catalogues.append((years, MappingProxyType(terms)))
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"measure_terms.yaml: malformed catalogue ({exc})"
        raise FrameworkError(msg) from None
    return tuple(catalogues)


def load_measure_terms(fiscal_year: int) -> Mapping[str, tuple[str, ...]]:
    """Return the term catalogue for ``fiscal_year`` (item or instrument code -> terms).

    A year without a catalogue gets an empty mapping: no link is inferred, explicit links
    still count.
    """
    for years, terms in _catalogues():
        if fiscal_year in years:
            return terms
    return MappingProxyType({})


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", to_arabic_digits(text)).casefold()


def _measure_text(measure: Measure) -> str:
    return _normalise(" ".join((measure.title, *measure.steps)))


def link_measures(
    codes: tuple[str, ...],
    measures: tuple[Measure, ...],
    terms: Mapping[str, tuple[str, ...]],
) -> dict[str, tuple[MeasureLink, ...]]:
    """Link each weakness code to the measures that address it.

    Parameters
    ----------
    codes
        Weakness codes to link: item codes (``"o17"``) or instruments (``"OIT"``).
    measures
        The agency's measures.
    terms
        Term catalogue of the fiscal year (see :func:`load_measure_terms`).

    Returns
    -------
    dict
        For every code, the linked measures in measure order (possibly none).
    """
    texts = {m.number: _measure_text(m) for m in measures}
    links: dict[str, list[MeasureLink]] = {code: [] for code in codes}
    for measure in measures:
        if measure.addresses is not None:
            for code in measure.addresses:
                if code in links:
                    links[code].append(MeasureLink(measure.number, measure.title, EXPLICIT))
            continue
        for code in codes:
            matched = tuple(
                t for t in terms.get(code, ()) if _normalise(t) in texts[measure.number]
            )
            if matched:
                links[code].append(MeasureLink(measure.number, measure.title, INFERRED, matched))
    return {code: tuple(found) for code, found in links.items()}
