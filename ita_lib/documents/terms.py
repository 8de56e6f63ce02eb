"""The importer's catalogue of terms, and what it tells apart: agency types and tables.

``ita_lib/data/document_terms.yaml`` lists agency types (with their abbreviations and known
misspellings), the headers that tell a score, analysis or measures table apart, the labels of
a total row and of a level row, the keywords of section headings and the markers of an empty cell.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from ita_lib.documents.layout import Table
from ita_lib.model.packaged import load_catalogue
from ita_lib.text.digits import to_arabic_digits

__all__ = [
    "AgencyType",
    "DocumentTerms",
    "classify_table",
    "load_document_terms",
    "match_key",
    "split_agency_name",
]

_TERMS_FILE = "document_terms.yaml"


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


def _column_roles(header: Sequence[str], kind: str, terms: DocumentTerms) -> dict[str, int]:
    _, columns = terms.tables[kind]
    roles: dict[str, int] = {}
    for index, text in enumerate(header):
        key = match_key(text)
        if not key:
            continue
        for role, keywords in columns:
            if role in roles:
                continue
            if any(
                key == match_key(k[1:]) if k.startswith("=") else match_key(k) in key
                for k in keywords
            ):
                roles[role] = index
                break
    return roles


def classify_table(table: Table, terms: DocumentTerms) -> tuple[str | None, dict[str, int]]:
    """Return the kind of a table (``analysis``, ``measures``, ``score`` or None) and its columns by role."""
    for kind in ("analysis", "measures", "score"):
        required, _ = terms.tables[kind]
        roles = _column_roles(table.header_texts, kind, terms)
        present = all(any(a in roles for a in r.split("|")) for r in required)
        if present and (kind != "measures" or len(roles) >= 3):
            return kind, roles
    return None, {}
