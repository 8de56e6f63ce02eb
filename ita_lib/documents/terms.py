"""The importer's catalogue of terms, and what it tells apart: agency types and tables.

``ita_lib/data/document_terms.yaml`` lists agency types (with their abbreviations and known
misspellings), the headers that tell a score, analysis or measures table apart, the labels of
a total row and of a level row, the keywords of section headings and the markers of an empty cell.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from ita_lib.documents.layout import Table
from ita_lib.model.packaged import load_catalogue
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.thai_repair import thai_skeleton

__all__ = [
    "AgencyType",
    "DocumentTerms",
    "classify_header",
    "classify_table",
    "column_roles",
    "headers_alike",
    "load_document_terms",
    "match_key",
    "near_in",
    "split_agency_name",
]

_TERMS_FILE = "document_terms.yaml"
_HEADER_LIKENESS = 0.7
_SKELETON_MIN = 3  # consonants: shorter keywords match only a whole header cell by skeleton


@dataclass(frozen=True)
class AgencyType:
    """An agency type (``องค์การบริหารส่วนตำบล``), its abbreviation and known misspellings."""

    name: str
    short: str | None
    misspellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentTerms:
    """The importer's catalogue (``ita_lib/data/document_terms.yaml``)."""

    agency_types: tuple[AgencyType, ...]
    tables: Mapping[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]]
    total_labels: tuple[str, ...]
    rating_labels: tuple[str, ...]
    sections: Mapping[str, tuple[str, ...]]
    suggestions_intro: tuple[str, ...]
    empty_markers: tuple[str, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _AgencyTypeIn(_Strict):
    name: str
    short: str | None = None
    misspellings: list[str] = []


class _ColumnIn(_Strict):
    role: str
    keywords: list[str]


class _TableIn(_Strict):
    required: list[str]
    columns: list[_ColumnIn]


class _TermsIn(_Strict):
    schema_version: int
    agency_types: list[_AgencyTypeIn]
    tables: dict[str, _TableIn]
    total_labels: list[str]
    rating_labels: list[str]
    sections: dict[str, list[str]]
    suggestions_intro: list[str]
    empty_markers: list[str]


def match_key(text: str) -> str:
    """Return text for matching: no white space, Arabic digits, lower case."""
    return to_arabic_digits("".join(text.split())).lower()


@functools.cache
def load_document_terms() -> DocumentTerms:
    """Load the importer's catalogue of terms (cached).

    Raises
    ------
    ITAError
        If the data file shipped with ita_lib is invalid.
    """
    raw = load_catalogue(_TermsIn, _TERMS_FILE)
    return DocumentTerms(
        agency_types=tuple(
            AgencyType(t.name, t.short, tuple(t.misspellings)) for t in raw.agency_types
        ),
        tables=MappingProxyType(
            {
                kind: (
                    tuple(t.required),
                    tuple((c.role, tuple(c.keywords)) for c in t.columns),
                )
                for kind, t in raw.tables.items()
            }
        ),
        total_labels=tuple(match_key(t) for t in raw.total_labels),
        rating_labels=tuple(match_key(t) for t in raw.rating_labels),
        sections=MappingProxyType({k: tuple(v) for k, v in raw.sections.items()}),
        suggestions_intro=tuple(raw.suggestions_intro),
        empty_markers=tuple(match_key(m) for m in raw.empty_markers),
    )


def split_agency_name(
    name: str, terms: DocumentTerms | None = None
) -> tuple[AgencyType | None, str]:
    """Split an agency name into its type and the rest (``"บึงกระจับ"``).

    >>> kind, core = split_agency_name("องค์การบริหารส่วนตำบลบึงกระจับ")
    >>> kind.short, core
    ('อบต.', 'บึงกระจับ')
    """
    terms = terms or load_document_terms()
    for kind in sorted(terms.agency_types, key=lambda t: len(t.name), reverse=True):
        if name.startswith(kind.name):
            return kind, name[len(kind.name) :].strip()
    return None, name.strip()


# -- Tables --------------------------------------------------------------------------------------


def _keyword_matches(key: str, keyword: str, how: str) -> bool:
    """Return True when a header cell's key matches a keyword (``=`` keywords: the whole cell).

    ``how`` is ``exact`` (as written), ``skeleton`` (Thai consonants only, see
    :func:`~ita_lib.text.thai_repair.thai_skeleton`) or ``near`` (consonants, one of them
    misread, added or lost). By consonants, a keyword of fewer than :data:`_SKELETON_MIN`
    consonants only matches a whole cell; ``near``, a keyword of that many only a whole cell of
    as many consonants, one misread (``กะแนน`` for ``คะแนน``), and a longer one anywhere.
    """
    whole = keyword.startswith("=")
    word = keyword[1:] if whole else keyword
    if how == "exact":
        word = match_key(word)
        return key == word if whole else word in key
    key, word = thai_skeleton(key), thai_skeleton(word)
    if not word or (not whole and len(word) < _SKELETON_MIN):
        return False
    if how == "skeleton":
        return key == word if whole else word in key
    if len(word) == _SKELETON_MIN:  # a short word: the whole cell, one consonant misread
        return len(key) == len(word) and _one_edit(key, word)
    return len(word) > _SKELETON_MIN and (_one_edit(key, word) if whole else near_in(word, key))


def _one_edit(a: str, b: str) -> bool:
    """Return True when ``a`` and ``b`` are at most one insertion, deletion or change apart."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def near_in(word: str, text: str) -> bool:
    """Return True when ``text`` contains ``word`` with at most one character changed, added or lost.

    >>> near_in("นหนก", "นวหนกรอยล"), near_in("นหนก", "ถวงรอยล")
    (True, False)
    """
    size = len(word)
    return any(
        _one_edit(text[start : start + length], word)
        for length in (size - 1, size, size + 1)
        for start in range(max(1, len(text) - length + 1))
    )


def _column_roles(
    header: Sequence[str],
    kind: str,
    terms: DocumentTerms,
    tolerant: bool,
    pinned: tuple[int, str] | None = None,
) -> dict[str, int]:
    """Give each header cell the first role, in the catalogue's order, one of whose keywords it
    matches and that no cell before it took; ``pinned`` gives one cell its role first."""
    _, columns = terms.tables[kind]
    roles: dict[str, int] = {pinned[1]: pinned[0]} if pinned else {}
    for index, text in enumerate(header):
        key = match_key(text)
        if not key or (pinned and index == pinned[0]):
            continue
        for how in ("exact", "skeleton", "near") if tolerant else ("exact",):
            role = next(
                (
                    r
                    for r, keywords in columns
                    if r not in roles and any(_keyword_matches(key, k, how) for k in keywords)
                ),
                None,
            )
            if role is not None:
                roles[role] = index
                break
    return _by_year(header, roles) if kind == "score" else roles


_YEAR = re.compile(r"(?<![0-9])25[4-9][0-9](?![0-9])")


def _by_year(header: Sequence[str], roles: dict[str, int]) -> dict[str, int]:
    """Return a score table's columns when its header names years (``ITA 2568 | ITA 2569``):
    the latest year's column is the scores, each other year's column is ``year_<year>``. Only
    a column of one year and of no role but the scores' counts (not a target or a change:
    ``ค่าเป้าหมายปี 2570``, ``ผลต่าง 2568-2569``)."""
    taken = {i: role for role, i in roles.items()}
    years: dict[int, int] = {}
    for i, text in enumerate(header):
        found = set(_YEAR.findall(match_key(text)))
        if len(found) == 1 and taken.get(i, "score") in ("score", "mean"):
            years[i] = int(found.pop())
    if len(set(years.values())) < 2:
        return roles
    latest = max(years, key=lambda i: years[i])
    out = {role: i for role, i in roles.items() if i not in years}
    out["score"] = latest
    for i in sorted(years):
        if i != latest:
            out.setdefault(f"year_{years[i]}", i)
    return out


def _is_kind(kind: str, roles: Mapping[str, int], terms: DocumentTerms) -> bool:
    required, _ = terms.tables[kind]
    present = all(any(a in roles for a in r.split("|")) for r in required)
    return present and (kind != "measures" or len(roles) >= 3)


def column_roles(
    header: Sequence[str], kind: str, terms: DocumentTerms, *, tolerant: bool = False
) -> dict[str, int]:
    """Return the role of each header cell for one kind of table.

    Each cell takes the first role, in the catalogue's order, one of whose keywords it matches.
    When a required role is then missing because a cell that names it took another role first
    (``มาตรการ/กิจกรรม``: steps before title), that cell is given the missing role and the
    others are matched again, if another cell then takes its role (``ขั้นตอนการดำเนินงาน``).

    Parameters
    ----------
    header, kind, terms
        The header cells' texts; ``analysis``, ``measures``, ``score``, ``suggestions`` or
        ``failed_items``; the importer's catalogue.
    tolerant
        Match keywords as :func:`classify_table` does for text read by OCR.

    Returns
    -------
    dict
        The column index of each role found (the table may still not be of that kind).
    """
    roles = _column_roles(header, kind, terms, tolerant)
    if _is_kind(kind, roles, terms):
        return roles
    required, columns = terms.tables[kind]
    keywords = dict(columns)
    hows = ("exact", "skeleton", "near") if tolerant else ("exact",)
    for needed in required:
        role = needed.split("|")[0]
        if role in roles:
            continue
        for index, text in enumerate(header):
            key = match_key(text)
            if key and any(_keyword_matches(key, k, h) for k in keywords[role] for h in hows):
                again = _column_roles(header, kind, terms, tolerant, pinned=(index, role))
                if _is_kind(kind, again, terms) and set(roles) <= set(again):
                    return again  # the role it took is another cell's now
    return roles


def classify_table(
    table: Table, terms: DocumentTerms, *, tolerant: bool = False
) -> tuple[str | None, dict[str, int]]:
    """Return the kind of a table (``analysis``, ``measures``, ``score`` or None) and its columns.

    Parameters
    ----------
    table
        The table; its header row's cells are matched against the catalogue's keywords.
    terms
        The importer's catalogue.
    tolerant
        For text read by OCR: a header cell no keyword matches as written is matched again
        on Thai consonants only, as OCR drops marks above and below the line, then allowing
        one consonant misread, added or lost (a header read as one cell whose column rules
        OCR read as ``|`` is split at them before, see ``sections``).

    Returns
    -------
    tuple
        The kind (``analysis``, ``measures``, ``score``, ``suggestions``, ``failed_items``
        or None) and the column index of each role found in the header.
    """
    return classify_header(table.header_texts, terms, tolerant=tolerant)


def classify_header(
    header: Sequence[str], terms: DocumentTerms, *, tolerant: bool = False
) -> tuple[str | None, dict[str, int]]:
    """Return the kind of table a header row's texts make, and its columns (see :func:`classify_table`)."""
    for kind in ("analysis", "measures", "score", "suggestions", "failed_items"):
        roles = column_roles(header, kind, terms, tolerant=tolerant)
        if _is_kind(kind, roles, terms):
            return kind, roles
    return None, {}


def _likeness(a: str, b: str) -> float:
    """Return how alike two header cells are: their Thai consonants, else (figures, codes:
    ``1 | 2 | 3`` over ``96.84 | 93.27 | ...``) their texts."""
    skeletons = thai_skeleton(a), thai_skeleton(b)
    if not any(skeletons):
        return float(match_key(a) == match_key(b))
    return SequenceMatcher(None, *skeletons).ratio()


def headers_alike(first: Sequence[str], second: Sequence[str]) -> bool:
    """Return True when two header rows read by OCR are the same header (a repeated header row).

    They have as many cells, and their Thai consonants are on average at least
    :data:`_HEADER_LIKENESS` alike (OCR reads a repeated header a little differently each time);
    cells with no Thai letter (figures, codes) are alike only when their texts are the same.
    """
    if len(first) != len(second) or not first:
        return False
    likeness = [_likeness(a, b) for a, b in zip(first, second, strict=True)]
    return sum(likeness) / len(likeness) >= _HEADER_LIKENESS
