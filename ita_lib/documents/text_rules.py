"""Audit rules on text: a document's paragraphs and cells, or an assessment's own texts.

Another agency's name (or the agency's own name or type misspelled), template placeholders
and fill-in dots, scores and levels quoted in prose that the score table does not give, text
that fit no section, and words written twice. :data:`TEXT_RULES` apply to documents;
:data:`DATA_TEXT_RULES` to an assessment's own texts (:func:`assessment_text_units`), where
placeholders and unplaced text cannot be told from content. Agency types and
their misspellings are in ``ita_lib/data/document_terms.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ita_lib.documents.audit_context import (
    AuditContext,
    decimal_or_none,
    field_path,
    floor_note,
    in_thai_digits,
    load_audit_terms,
    make_finding,
)
from ita_lib.documents.extraction import UNREAD_BY_OCR
from ita_lib.documents.layout import Position, TextUnit
from ita_lib.documents.terms import DocumentTerms, load_document_terms, split_agency_name
from ita_lib.model.assessment import Assessment
from ita_lib.model.findings import Finding
from ita_lib.model.framework import Framework
from ita_lib.text.digits import to_arabic_digits

__all__ = [
    "DATA_TEXT_RULES",
    "SCORE_TEXT_RULES",
    "TEXT_RULES",
    "assessment_text_units",
    "prose_levels",
]
_THAI_LETTERS = "\u0e01-\u0e4e"


# -- Agency names -----------------------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _type_spellings(terms: DocumentTerms) -> dict[str, tuple[str, bool]]:
    """Map each spelling of an agency type to (the type's name, spelled correctly)."""
    out: dict[str, tuple[str, bool]] = {}
    for kind in terms.agency_types:
        out[kind.name] = (kind.name, True)
        for wrong in kind.misspellings:
            out.setdefault(wrong, (kind.name, False))
    return out


def _trim_name(name: str, stop_words: Sequence[str]) -> str:
    cut = len(name)
    for word in stop_words:
        index = name.find(word, 3)
        if 0 <= index < cut:
            cut = index
    return name[:cut]


def _is_own(candidate: str, core: str) -> bool:
    if not core:
        return False
    if candidate.startswith(core):
        return True
    limit = 2 if len(core) >= 6 else 1
    return _levenshtein(candidate[: len(core)], core) <= limit


_REMARK = re.compile(r"\s*\([^()]*\)\s*$")


def _agency_names(context: AuditContext) -> Iterator[Finding]:
    doc_terms = load_document_terms()
    terms = load_audit_terms()
    own_name = context.assessment.agency.name
    # a trailing remark such as "(ตัวอย่างสมมติ)" or "(ข้อมูลสังเคราะห์)" is no part of the name
    own_type, core = split_agency_name(_REMARK.sub("", own_name), doc_terms)
    spellings = _type_spellings(doc_terms)
    alternation = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    pattern = re.compile(rf"({alternation})\s?([{_THAI_LETTERS}][{_THAI_LETTERS}\-]*)?")
    foreign: dict[str, str] = {}  # core -> full name
    hits: list[tuple[str, str, TextUnit]] = []
    for unit in context.units:
        for match in pattern.finditer(unit.text):
            type_name, correct = spellings[match[1]]
            written = match[2] or ""
            if unit.text[match.end() : match.end() + 1] == ".":  # ...ราชมงคล พ.ศ. run together
                written = written[:-1]
            candidate = _trim_name(written, terms.name_stop_words)
            generic = not candidate or written.startswith(terms.name_starts)
            cut_short = len(candidate) < len(core) and core.startswith(candidate)  # ...ราชภัฏ
            generic = generic or cut_short
            if not generic and _is_own(candidate, core):
                wrong_type = own_type is not None and type_name != own_type.name
                if not correct or wrong_type:
                    yield _misspelled_type(context, unit, match[1], own_type, own_name)
                continue
            if generic:
                continue
            hits.append((type_name, candidate, unit))
    cores = sorted({c for _, c, _ in hits}, key=len)
    for type_name, candidate, _ in hits:
        shortest = next((c for c in cores if candidate.startswith(c) and len(c) >= 3), candidate)
        foreign.setdefault(shortest, type_name + shortest)
    reported: set[tuple[str, Any, str | None]] = set()
    for unit in context.units:
        for name_core, full in foreign.items():
            key = (name_core, unit.pos.ref, unit.data_path)
            if name_core in unit.text and key not in reported:
                reported.add(key)
                yield make_finding(
                    "foreign_agency_name",
                    unit.pos,
                    f"another agency's name, {full}, in a document of {own_name}",
                    f"มีชื่อหน่วยงานอื่น ({full}) ในเอกสารของ{own_name}",
                    unit.data_path,
                )
    yield from _near_misses(context, core, own_name)


def _misspelled_type(
    context: AuditContext, unit: TextUnit, written: str, own_type: Any, own_name: str
) -> Finding:
    right = own_type.name if own_type is not None else own_name
    return make_finding(
        "own_name_misspelled",
        unit.pos,
        f"the agency type is written {written} instead of {right}",
        f"ประเภทหน่วยงานเขียนเป็น {written} แทนที่จะเป็น {right}",
        unit.data_path,
    )


def _near_misses(context: AuditContext, core: str, own_name: str) -> Iterator[Finding]:
    if len(core) < 4:
        return
    for unit in context.units:
        text = unit.text
        exact = [m.span() for m in re.finditer(re.escape(core), text)]
        found: dict[str, None] = {}
        last_end = -1
        # a near miss starts with the name's first three characters: look only there
        for i in (m.start() for m in re.finditer(f"(?={re.escape(core[:3])})", text)):
            if i < last_end or any(a - 1 <= i < b for a, b in exact):
                continue
            best = None
            for length in (len(core), len(core) - 1, len(core) + 1):
                window = text[i : i + length]
                if len(window) < length or window[:3] != core[:3]:
                    continue
                if any(i < b and a < i + length for a, b in exact):
                    continue
                # a space inside the name is a line a PDF broke there, not a misspelling
                if _levenshtein(window, core) == 1 and "".join(window.split()) != core:
                    best = window
                    break
            if best is not None:
                found[best] = None
                last_end = i + len(best)
        for word in found:
            yield make_finding(
                "own_name_misspelled",
                unit.pos,
                f"the agency's name is misspelled {word} (its name is {own_name})",
                f"ชื่อหน่วยงานสะกดผิดเป็น {word} (ชื่อที่ถูกคือ {own_name})",
                unit.data_path,
            )


# -- Template placeholders --------------------------------------------------------------------------


def _compact(text: str) -> tuple[str, list[int]]:
    """Return ``text`` without white space and the index in ``text`` of each kept character."""
    kept = [(i, c) for i, c in enumerate(text) if not c.isspace()]
    return "".join(c for _, c in kept), [i for i, _ in kept]


def _placeholder_spans(text: str, phrases: Sequence[str]) -> list[str]:
    """Return the placeholder texts in ``text`` (overlapping matches merged), as written."""
    compact, index = _compact(text)
    lowered = compact.lower()
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        key = "".join(phrase.split())
        haystack, needle = (lowered, key.lower()) if key.isascii() else (compact, key)
        start = haystack.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = haystack.find(needle, start + 1)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[index[a] : index[b - 1] + 1] for a, b in merged]


def _placeholders(context: AuditContext) -> Iterator[Finding]:
    terms = load_audit_terms()
    blank = re.compile(r"(?<!\S)[.…]{2,}(?!\S)")
    glued = re.compile(r"(?<=\S)[.…]{3,}|[.…]{3,}(?=\S)")
    for unit in context.units:
        text = unit.text
        for phrase in _placeholder_spans(text, terms.placeholders):
            yield make_finding(
                "template_placeholder",
                unit.pos,
                f"a template placeholder is left unfilled: '{phrase}'",
                f"ข้อความแม่แบบยังไม่ได้กรอก: '{phrase}'",
            )
        for match in blank.finditer(text):
            dots = match[0].count(".") + 3 * match[0].count("…")
            if dots >= terms.blank_min_dots:
                yield make_finding(
                    "template_placeholder",
                    unit.pos,
                    "a blank of the template is left unfilled (a row of dots)",
                    "ช่องว่างของแม่แบบยังไม่ได้กรอก (มีแต่จุดไข่ปลา)",
                )
                break
        if glued.search(text):
            yield make_finding(
                "template_fill_dots",
                unit.pos,
                "the template's fill-in dots are left around the text ('...')",
                "ยังมีจุดไข่ปลาของแม่แบบ ('...') ติดอยู่กับข้อความ",
            )


# -- Scores and levels in prose, unplaced text -----------------------------------------------------


def _table_numbers(context: AuditContext) -> set[Decimal]:
    numbers = {Decimal(100)}
    numbers |= set(context.assessment.scores.values())
    # an instrument's score or weighted part, worked out from its indicators (a table of the
    # ten indicators, the instruments' scores only in the text: แบบวัด IIT ได้ ๘๔.๔๘ คะแนน)
    for instrument in context.result.instruments:
        numbers |= {instrument.score_2dp, instrument.weighted_2dp}
    if context.assessment.claimed_total is not None:
        numbers.add(context.assessment.claimed_total)
    table = context.document.get("score_table") or {}
    for row in table.get("rows") or ():
        for role in ("score", "mean", "weighted"):
            value = decimal_or_none(row.get(role)) if row.get(role) is not None else None
            if value is not None:
                numbers.add(value)
    total = decimal_or_none((table.get("total") or {}).get("value", ""))
    if total is not None:
        numbers.add(total)
    return numbers


_PROSE_SCORE = re.compile(
    r"คะแนน(?:อยู่ที่|ที่ได้|รวม|เฉลี่ย)?\s*[.…]*\s*(\d{1,3}\.\d{1,2})"
    r"|(\d{1,3}\.\d{1,2})\s*[.…]*\s*คะแนน"
)


_YEAR = re.compile(r"(?<!\d)(2[45]\d\d)(?!\d)")


def _prose_claims(context: AuditContext) -> Iterator[Finding]:
    known = _table_numbers(context)
    total = context.assessment.claimed_total
    for unit in _prose_units(context):
        text = to_arabic_digits(unit.text)
        for match in _PROSE_SCORE.finditer(text):
            value = Decimal(match[1] or match[2])
            if value not in known and not _of_another_year(text, match.start(), context):
                shown = total if total is not None else "its own total"
                yield make_finding(
                    "prose_score_mismatch",
                    unit.pos,
                    f"the text quotes a score of {value} but the score table gives {shown}",
                    f"ข้อความระบุคะแนน {in_thai_digits(value)} แต่ตารางคะแนนระบุ {in_thai_digits(shown)}",
                    unit.data_path,
                )
    reference = context.assessment.claimed_rating or context.result.rating
    scores = {i.code: i.score_2dp for i in context.result.instruments}
    yield from prose_levels(context, reference, scores)


_YEAR_REACH = 60  # characters after a year that a score quoted for it may come


def _of_another_year(text: str, start: int, context: AuditContext) -> bool:
    """Return True when the year written last before ``start`` (and near it) is not the
    assessment's: ``ลดลงจากปีงบประมาณ พ.ศ. 2567 ซึ่งได้ 91.04 คะแนน`` quotes that year's score."""
    years = [m for m in _YEAR.finditer(text, 0, start) if start - m.end() <= _YEAR_REACH]
    return bool(years) and int(years[-1][1]) != context.framework.fiscal_year


# words that may follow a level with no space (OCR or a PDF lost it): "ระดับผ่านดีโดยมี..."
_NEXT_WORD = "โดย|ซึ่ง|และ|จาก|ลดลง|เพิ่มขึ้น|ทั้งนี้|เนื่องจาก|คะแนน"
_NEGATED = re.compile(r"ไม่(?:ได้รับ|ถึง|อยู่ใน|เข้าเกณฑ์)?[^\s]{0,16}$")  # ไม่ได้รับผลการประเมินในระดับ


def _prose_units(context: AuditContext) -> Iterator[TextUnit]:
    """Yield the prose units that may quote this year's result (no other year named)."""
    for unit in context.units:
        if unit.in_table:
            continue
        years = {int(y) for y in _YEAR.findall(to_arabic_digits(unit.text))}
        if years and context.framework.fiscal_year not in years:
            continue
        yield unit


def _level_words(framework: Framework) -> dict[str, tuple[str, ...]]:
    """Return the level words a text may claim: all of them for letter grades; for the FY2566+
    ผ่าน… levels only those (and ไม่ผ่าน), since ระดับดี there describes, it does not rate."""
    words = dict(load_audit_terms().level_words)
    if framework.rating_scheme == "letter_grade":
        return words
    return {w: g for w, g in words.items() if w == "ไม่ผ่าน"}


def prose_levels(
    context: AuditContext, reference: str, scores: Mapping[str, Decimal]
) -> Iterator[Finding]:
    """Yield a finding for each level ("ระดับ ...") the prose gives other than ``reference``.

    ``scores`` are the instrument scores: a level that an instrument's floor rules out says so.
    """
    words = _level_words(context.framework)
    labels = [b.label for b in context.framework.rating_bands]
    alternation = "|".join(re.escape(w) for w in sorted([*labels, *words], key=len, reverse=True))
    level = re.compile(
        rf"ระดับ\s*(?:ที่)?\s*({alternation})(?:(?![A-Za-z{_THAI_LETTERS}])|(?={_NEXT_WORD}))"
    )
    for unit in _prose_units(context):
        for match in level.finditer(unit.text):
            word = match[1]
            if word == reference or reference in words.get(word, ()):
                continue
            if _NEGATED.search(unit.text[max(0, match.start() - 30) : match.start()]):
                continue  # "ไม่ได้รับผลระดับผ่านดี": the level it did not reach
            if _of_another_year(to_arabic_digits(unit.text), match.start(), context):
                continue  # "... พ.ศ. 2568 ซึ่งได้ 82.88 คะแนน (ระดับ ต้องปรับปรุง)"
            note, note_th = floor_note(context.framework, word, scores)
            yield make_finding(
                "prose_rating_mismatch",
                unit.pos,
                f"the text gives the level '{word}' but the score table's rating is "
                f"{reference}{note}",
                f"ข้อความระบุระดับ '{word}' แต่ผลการประเมินตามตารางคะแนนอยู่ในระดับ {reference}{note_th}",
                unit.data_path,
            )


_UNREAD = frozenset(UNREAD_BY_OCR.values())


def _unplaced(context: AuditContext) -> Iterator[Finding]:
    for text, pos, section, why in context.leftovers:
        if why in _UNREAD:
            continue  # a field OCR could not read: ocr_unread reports it
        short = text if len(text) <= 60 else text[:57] + "..."
        yield make_finding(
            "unplaced_text",
            pos,
            f"text that fits no part of the {section} section: '{short}'",
            f"ข้อความที่ไม่เข้ากับส่วนใดของเอกสาร: '{short}'",
        )


# -- Duplicated words ------------------------------------------------------------------------------


# Both rules run in time linear in the text's length (a document pasted as one line of
# megabytes must not hang an import): a word written twice with a space between is found by
# comparing neighbouring tokens, one glued to itself by a regex whose word is at most
# _MAX_WORD characters long (longer than any Thai word), so each position costs a bounded step.
_MAX_WORD = 40
_TOKEN = re.compile(r"\S+")
_THAI_WORD = re.compile(r"[\u0e01-\u0e2e\u0e40-\u0e44][\u0e01-\u0e4e]+")
_LEADING_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"
_GLUED_REPEAT = re.compile(
    rf"([\u0e01-\u0e2e][\u0e01-\u0e4e]{{3,{_MAX_WORD - 1}}})\1(?![\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])"
)


def _spaced_repeats(text: str) -> Iterator[str]:
    """Thai words followed, after white space, by themselves (``ไว้ ไว้``)."""
    previous = ""
    for match in _TOKEN.finditer(text):
        word = match[0]
        if (
            previous.endswith(word)
            and _THAI_WORD.fullmatch(word)
            and not previous[: len(previous) - len(word)].endswith(tuple(_LEADING_VOWELS))
        ):
            yield word
        previous = word


def _repeats(text: str) -> list[str]:
    found = list(_spaced_repeats(text))
    found += [m[1] for m in _GLUED_REPEAT.finditer(text)]
    return list(dict.fromkeys(found))


def _duplicated_words(context: AuditContext) -> Iterator[Finding]:
    for unit in context.units:
        for word in _repeats(unit.text):
            yield make_finding(
                "duplicated_word",
                unit.pos,
                f"'{word}' is written twice in a row",
                f"คำว่า '{word}' ซ้ำกันสองครั้งติดกัน",
                unit.data_path,
            )


def _assessment_texts(assessment: Assessment) -> Iterator[tuple[str, str]]:
    """Yield an assessment's own texts with their data paths, in the file's order."""
    suggestions = assessment.suggestions
    if suggestions.summary:
        yield suggestions.summary, "suggestions.summary"
    for code, text in suggestions.by_instrument.items():
        yield text, field_path("suggestions", "by_instrument", code)
    for i, entry in enumerate(suggestions.by_item):
        yield entry.text, field_path("suggestions", "by_item", i, "text")
    for m, measure in enumerate(assessment.measures):
        for key in ("title", "owner"):
            if getattr(measure, key):
                yield getattr(measure, key), field_path("measures", m, key)
        for key in ("steps", "monitoring"):
            for j, text in enumerate(getattr(measure, key)):
                yield text, field_path("measures", m, key, j)
    analysis = (assessment.document or {}).get("analysis") or {}
    for r, row in enumerate(analysis.get("rows") or ()):
        for side in ("keep", "weak"):
            for j, text in enumerate(row.get(side) or ()):
                yield str(text), field_path("document", "analysis", "rows", r, side, j)


def assessment_text_units(
    assessment: Assessment, locate: Callable[[str], Position | None] = lambda _path: None
) -> tuple[TextUnit, ...]:
    """Return an assessment's own texts as text units that name their data paths.

    Parameters
    ----------
    assessment
        The assessment (from a file or a document).
    locate
        Finds a data path's position (its line in a file); by default no position is known.

    Returns
    -------
    tuple of TextUnit
        One unit per text (NACC's suggestions, the measures, the analysis table's cells),
        with ``data_path`` set, outside tables, so that the prose rules read them.
    """
    return tuple(
        TextUnit(text=text, pos=locate(path) or Position(), in_table=False, data_path=path)
        for text, path in _assessment_texts(assessment)
    )


TEXT_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (
    _agency_names,
    _placeholders,
    _prose_claims,
    _unplaced,
    _duplicated_words,
)
"""The rules on a document's text, in the order the audit runs them."""

DATA_TEXT_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (
    _agency_names,
    _prose_claims,
    _duplicated_words,
)
"""The rules on an assessment's own texts (an assessment file, or a briefing's assessment):
another agency's name, the own name misspelled, scores and levels in prose, words written twice."""

SCORE_TEXT_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (_prose_claims,)
"""The text rules that need the ten indicator scores."""
