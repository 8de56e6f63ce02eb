"""Extract the agency's name, the years and the claimed rating and total from the text.

The agency's name and type come from the title, else the first section heading; the
assessment year from the results section (else the year before the measures'), the measures'
fiscal year from the title or the measures heading (else the year after the assessment's). A
year is told apart by the words before it: a year cited as a result (ผลการประเมิน, ITA) is the
assessment year, one after มาตรการ the measures' year, whichever comes first in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from ita_lib.documents.extraction import any_marks, strip_dots
from ita_lib.documents.layout import Position
from ita_lib.documents.sections import Layout, title_text
from ita_lib.documents.terms import DocumentTerms
from ita_lib.exceptions import InputError
from ita_lib.model.framework import Framework
from ita_lib.text.collation import LEADING_VOWELS
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.thai_repair import thai_skeleton

__all__ = ["find_agency_name", "find_claimed_rating", "find_fiscal_years", "find_prose_total"]
_BE = r"(?:พ\s*\.?\s*ศ\s*\.?)?"
_YEAR_AFTER = re.compile(  # ปี as OCR may read it: ปงบประมาณ, ปิงบประมาณ
    rf"(?:ป[ีิื]?งบประมาณ|ประจำป[ีิื]?|ITA)\s*(?:ปี)?\s*{_BE}\s*(\d{{4}})"
)
_RESULT_CUES = ("ผลการประเมิน", "ITA", "ผลคะแนน")
_MEASURES_CUES = ("มาตรการ",)
_CUE_WINDOW = 80
_GRADE_RE = r"(?<![A-Za-z])({labels})(?![A-Za-z])"
_NOT_AFTER = (  # ตัวชี้วัดที่ ๑, ปี 68: no score; nor a bar (ไม่ต่ำกว่า ๘๕, สูงกว่าเกณฑ์ร้อยละ ๘๕)
    r"(?<!ที่)(?<!ที่\s)(?<!ปี)(?<!ปี\s)(?<!กว่า)(?<!กว่า\s)(?<!เกณฑ์)(?<!เกณฑ์\s)"
    r"(?<!เกณฑ์ร้อยละ)(?<!เกณฑ์ร้อยละ\s)(?<!กว่าร้อยละ)(?<!กว่าร้อยละ\s)"
)
_NOT_COUNTED = r"(?!\d|\.\d|\s*(?:ข้อ|คน|ครั้ง|รายการ|ตัวชี้วัด|หน่วยงาน|แบบวัด|เครื่องมือ|ด้าน|มาตรการ))"
_SCORE_IN_PROSE = re.compile(  # not a count: "ไม่ได้รับคะแนนจำนวน ๔ ข้อ จากทั้งหมด ๒๖ ข้อ",
    # nor a number after ที่ (คะแนนสูงสุดคือตัวชี้วัดที่ ๑), nor full marks (คะแนนเต็ม ๑๐๐), nor
    # an instrument's (คะแนนแบบวัด EIT ๘๓.๘๕: checked against its indicators instead)
    r"คะแนน(?:(?!เต็ม|IIT|EIT|OIT|แบบวัด)\D){0,25}?"
    + _NOT_AFTER
    + r"(\d{1,3}(?:\.\d{1,2})?)"
    + _NOT_COUNTED
)
# the total by its label (คะแนนรวม ๗๘.๔๒), before any other score: not an instrument's
# (คะแนนรวมของแบบวัด IIT ...)
_TOTAL_IN_PROSE = re.compile(
    r"(?:คะแนนรวม|รวมทั้งสิ้น|ผลรวม|ภาพรวม|คะแนน\s*ITA)"
    r"(?:(?!IIT|EIT|OIT|แบบวัด|เครื่องมือ|เต็ม|ปี|ที่|ลำดับ)\D){0,15}?"
    + _NOT_AFTER
    + r"(\d{1,3}(?:\.\d{1,2})?)"
    + _NOT_COUNTED
)
_GARBLED = re.compile(
    r"\d+[^\s\d.,]\.\d+(?:\.\d+)*"
)  # a figure OCR misread inside (๕๓ฒ.๑๔): no figure
_INSTRUMENT = re.compile(r"IIT|EIT|OIT|แบบวัด")
_INSTRUMENT_BEFORE = re.compile(_INSTRUMENT.pattern + r"\S*\s*$")  # แบบวัด IIT มีคะแนนรวม ...
_OWN_LABEL = 12  # characters before a total's label that may name an instrument it belongs to
# คะแนน (ถ่วงน้ำหนักแล้ว ๒๕.๓๔): an instrument's part; คะแนนรวม = (IIT x 0.30): a weight
_WEIGHTED = re.compile(r"ถ่วง|สัดส่วน|[x×*]\s*[\d.]+$")
# a line that is a figure (88.58, 88.58 คะแนน), or starts with a decimal one: no list number
# (1) ...), no day (30 กันยายน ...)
# a card's total label, a word of its own (not คะแนนรวมของแบบวัด EIT)
_CARD_LABEL = re.compile(r"\s*(?:คะแนนรวม|คะแนน\s*ITA)\s*(?:\([^()]*\))?(?=\s|$)")
_FIGURE_FIRST = re.compile(r"^\s*(?:\d{1,3}\.\d{1,2}(?![\d.])|\d{1,3}\s*(?:คะแนน)?\s*$)")


# -- Agency --------------------------------------------------------------------------------------


_DISTRICT = re.compile(r"\s?เขต\s?(?=[0-9๐-๙])")  # written "เขต 2", "เขต2"
_PUBLIC_ORGANISATION = re.compile(r"([\u0e01-\u0e4e]{4,})\s*\(\s*องค์การมหาชน\s*\)")
_NAME_MIN = 2  # letters of the shortest agency name taken from a shorter run
# Words a title runs into an agency's name (no space in Thai) that no name contains.
_FOLLOWING = re.compile(r"เรื่อง|อำเภอ|จังหวัด|ประจำปี|ปีงบประมาณ")


def _type_pattern(terms: DocumentTerms) -> re.Pattern[str]:
    """Match an agency type followed by a name (a run of Thai letters, hyphens allowed, and the
    district of an office: ``วังทองธานี เขต 2``)."""
    names = sorted((t.name for t in terms.agency_types), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf"(?P<type>{alternation})\s?"
        r"(?P<name>[\u0e01-\u0e4e](?:[\u0e01-\u0e4e\-]*?เขต\s?[0-9๐-๙]{1,2}(?![0-9๐-๙])"
        r"|[\u0e01-\u0e4e\-]*)(?:\s?เขต\s?[0-9๐-๙]{1,2}(?![0-9๐-๙]))?)"
    )


_Run = tuple[str, str]  # an agency type and the run of letters after it, as written


@dataclass(frozen=True)
class _Names:
    """What finding the agency's name reads, prepared once per document: every paragraph in
    the document's order (fill-in dots stripped), the agency-type pattern and every agency
    type and name the paragraphs write (its runs)."""

    ordered: tuple[tuple[str, Position], ...]
    pattern: re.Pattern[str]
    runs: tuple[_Run, ...]
    ocr: bool

    @classmethod
    def of(cls, layout: Layout, terms: DocumentTerms, *, ocr: bool) -> _Names:
        paragraphs = [*layout.front, *(p for _, p in layout.headings), *layout.suggestions]
        paragraphs += [p for _, p, _ in layout.prose]
        ordered = tuple(
            (strip_dots(p.text), p.pos) for p in sorted(paragraphs, key=lambda p: p.pos.sort_key())
        )
        pattern = _type_pattern(terms)
        runs = tuple((m["type"], m["name"]) for t, _ in ordered for m in pattern.finditer(t))
        return cls(ordered, pattern, runs, ocr)


def _name_alone(kind: str, name: str, runs: Sequence[_Run]) -> str:
    """Return the agency's name without the word Thai text runs it into.

    Thai writes no space between words, so ``...วังตะเคียนงามเรื่อง`` (a title's line break)
    reads as one run of letters. The run is cut before a word no name contains (``เรื่อง``,
    ``อำเภอ``, ``จังหวัด``, ``ประจำปี``). When the name is written elsewhere in the document on its
    own (a signature ``นายกองค์การบริหารส่วนตำบลวังตะเคียนงาม``, before a space or a bracket)
    as a shorter run the title's run starts with, that shorter run is the name; unless more
    than one run starts with the title's (``มหาวิทยาลัยราชภัฏนครชัยบุรินทร์`` is not cut to
    ``มหาวิทยาลัยราชภัฏ``, the run in ``พระราชบัญญัติมหาวิทยาลัยราชภัฏ พ.ศ. ...``).
    """
    cut = _FOLLOWING.search(name, _NAME_MIN)
    if cut is not None:
        name = name[: cut.start()]
    if sum(run_kind == kind and run.startswith(name) for run_kind, run in runs) >= 2:
        return kind + name  # more than one run starts so: the name, not a word run on
    shorter = {
        run
        for run_kind, run in runs
        if run_kind == kind
        and len(run) >= _NAME_MIN
        and name.startswith(run)
        and name[len(run) :][:1].isalpha()  # a word run into it, not " เขต 2"
    }
    return kind + (max(shorter, key=len) if shorter else name)


def _alike(skeleton: str, key: str) -> bool:
    """Return True when two names' consonants are the same or one misread apart (ช, ข)."""
    return (
        len(skeleton) == len(key) and sum(a != b for a, b in zip(skeleton, key, strict=True)) <= 1
    )


def _commonest(found: str, counts: Counter[str]) -> str:
    """Return the spelling most occurrences have; ``found`` when no other is more common."""
    best = max(counts.values(), default=0)
    return found if counts.get(found, 0) == best else min(s for s, n in counts.items() if n == best)


def _most_spelled(name: str, kind: str, runs: Sequence[_Run]) -> str:
    """Return the spelling of the agency's name most of its occurrences have (by consonants
    the same name, or one consonant misread); the name as found when no spelling is more
    common."""
    bare = name[len(kind) :]
    key = thai_skeleton(bare)
    counts: Counter[str] = Counter()
    for run_kind, run in runs:
        if run_kind != kind:
            continue
        # the longest start of the run with as many consonants as the name: up to the next one
        consonants = [i for i, c in enumerate(run) if "\u0e01" <= c <= "\u0e2e"]
        if len(consonants) < len(key) or not key:
            continue
        end = consonants[len(key)] if len(consonants) > len(key) else len(run)
        while end and run[end - 1] in LEADING_VOWELS:
            end -= 1  # เ แ โ ใ ไ are written before the consonant they follow: the next word's
        if _alike(thai_skeleton(run[:end]), key):
            counts[run[:end]] += 1
    chosen = _commonest(bare, counts)
    if chosen.endswith("เขต"):  # OCR lost the district's number here: a spelling that has it
        numbered = [s for s in counts if re.fullmatch(rf"{re.escape(chosen)}\s?[0-9๐-๙]{{1,2}}", s)]
        numbered += [s for s in counts if _DISTRICT.search(s) and thai_skeleton(s) == key]
        chosen = max(numbered, key=counts.__getitem__) if numbered else chosen
    return kind + chosen


def _public_spelling(name: str, names: _Names) -> str:
    """Return the spelling of a public organisation's name most of its occurrences have."""
    key = thai_skeleton(name)
    counts = Counter(
        found
        for text, _ in names.ordered
        for m in _PUBLIC_ORGANISATION.finditer(text)
        if thai_skeleton(found := m[1].removeprefix("ประกาศ")) == key
    )
    return _commonest(name, counts)


def _typed(text: str, names: _Names) -> str | None:
    """Return the agency a known type names in ``text`` (cut where Thai runs on, spelled as
    most occurrences spell it in a scan); None when ``text`` names no agency of a known type."""
    match = names.pattern.search(strip_dots(text))
    if match is None:
        return None
    name = _name_alone(match["type"], match["name"], names.runs)
    name = _most_spelled(name, match["type"], names.runs) if names.ocr else name
    return _DISTRICT.sub(" เขต ", name)


def _public(text: str, names: _Names) -> str | None:
    """Return the public organisation ``text`` names (``... (องค์การมหาชน)``), else None."""
    if public := _PUBLIC_ORGANISATION.search(strip_dots(text)):
        name = public[1].removeprefix("ประกาศ")
        return f"{_public_spelling(name, names) if names.ocr else name} (องค์การมหาชน)"
    return None


def _headed(text: str) -> str | None:
    """Return the agency a head's title in ``text`` names (``อธิบดีกรม...``), else None."""
    match = _HEAD.search(strip_dots(text))
    return _RUN_ON.split(match["name"])[0] if match else None


# An announcement's heading names the agency that issues it, whatever its kind:
# ``ประกาศกรมการข้าว`` / ``เรื่อง มาตรการ...`` (ประกาศ ณ วันที่ ..., ประกาศนี้ ... are not).
# เรื่อง; in a scan also as OCR may read it without its marks, before a space or the subject's
# มาตรการ (รุ่งเรือง is a name)
_SUBJECT = {False: "เรื่อง", True: r"เรื่อง|เรือง(?=\s|มาตรการ)"}
_ANNOUNCER = {
    ocr: re.compile(
        r"^\s*ประกาศ\s*(?!ณ|นี้|ให้|ใช้|ผล|เจตจำนง|นโยบาย|เรื่อง)"
        rf"(?P<name>[\u0e01-\u0e4e][\u0e01-\u0e4e0-9๐-๙()\- ]{{3,90}}?)\s*(?:(?P<subject>{subject})|$)"
    )
    for ocr, subject in _SUBJECT.items()
}
_NACC = re.compile(r"ป\.?\s?ป\.?\s?ช|ป้องกันและปราบปรามการทุจริต")
_RUN_ON = re.compile(r"เรื่อง|ประจำปี|ปีงบประมาณ")  # words a signature's name may run into
# The head's title in a signature names the agency (อธิบดีกรม..., ผู้ว่าราชการจังหวัด...).
_HEAD = re.compile(
    r"(?:อธิบดี|ผู้ว่าราชการ|ผู้กำกับการ|ผู้บังคับการ|เลขาธิการ|ผู้อำนวยการ|อธิการบดี|ผู้จัดการ"
    r"|ผู้ว่าการ|นายก)\s*"
    r"(?P<name>(?:กรม|จังหวัด|สถานีตำรวจ|ตำรวจภูธร|สำนักงาน|การ|มหาวิทยาลัย|ศาล)[\u0e01-\u0e4e]{2,60})"
)


def _announcer(names: _Names) -> tuple[str, Position] | None:
    """Return the agency an announcement's heading names and where, else None.

    The heading is ``ประกาศ<agency>`` with ``เรื่อง ...`` after it, on its line or the next.
    """
    for i, (text, pos) in enumerate(names.ordered):
        match = _ANNOUNCER[names.ocr].match(text.split("\n")[0])
        if match is None:
            continue
        after = names.ordered[i + 1][0] if i + 1 < len(names.ordered) else ""
        rest = text[match.end() :].strip() or after.lstrip()
        if not (match["subject"] or re.match(_SUBJECT[names.ocr], f"{rest} ")):
            continue
        name = " ".join(match["name"].split())
        if _NACC.search(name):  # NACC's own announcement of the results, attached
            continue
        return _typed(name, names) or _public(name, names) or name, pos
    return None


def find_agency_name(
    layout: Layout, terms: DocumentTerms, *, ocr: bool = False
) -> tuple[str, Position] | None:
    """Return the agency's name and where it is.

    In this order: the agency an announcement's heading names (``ประกาศ<agency>`` /
    ``เรื่อง ...``, any kind of agency; not NACC's); a known type in the title, the results'
    headings and prose, else the first paragraph that names one (a cover page, a
    signature); a public organisation (``... (องค์การมหาชน)``); the agency a head's title in a
    signature names (``อธิบดีกรม...``, ``ผู้ว่าราชการจังหวัด...``); the title's ``ของ ...``.

    With ``ocr`` (a scan), the name is spelled as most of its occurrences in the document
    spell it (OCR misreads a mark here and there: ``สามัคคิ`` for ``สามัคคี``).
    """
    names = _Names.of(layout, terms, ocr=ocr)
    if announced := _announcer(names):
        return announced
    candidates: list[tuple[str, Position]] = []
    if layout.front:
        candidates.append((title_text(layout.front), layout.front[0].pos))
    candidates += [(p.text, p.pos) for s, p in layout.headings if s == "results"]
    candidates += [(p.text, p.pos) for s, p, _ in layout.prose if s in ("results", "measures")]
    candidates += names.ordered  # a cover page, a signature: anywhere, first come first
    for find in (partial(_typed, names=names), partial(_public, names=names), _headed):
        for text, pos in candidates:
            if name := find(text):
                return name, pos
    for text, pos in candidates[:2]:
        match = re.search(r"ของ\s*[.…]*\s*([^.…]+?)\s*[.…]*\s*(?:ประจำ)?(?:ปีงบประมาณ|$)", text)
        if match and match[1].strip():
            return match[1].strip(), pos
    return None


# -- Years ---------------------------------------------------------------------------------------


def _mentions(texts: Iterable[tuple[str, Position]]) -> Iterator[tuple[int, Position, str]]:
    """Yield (year, where, cue) for each year written in ``texts``, in order.

    The cue is ``"result"`` when the nearest cue word before the year is a result's
    (ผลการประเมิน, ITA, ผลคะแนน), ``"measures"`` when it is มาตรการ, else ``"plain"``: a FY2569
    document cites "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๘" and "มาตรการ ... ประจำปี ๒๕๖๙".
    """
    for text, pos in texts:
        arabic = to_arabic_digits(text)
        for match in _YEAR_AFTER.finditer(arabic):
            year = int(match[1])
            if not 2400 <= year <= 2700:
                continue
            before = arabic[max(0, match.start() - _CUE_WINDOW) : match.end()]
            result = max(before.rfind(c) for c in _RESULT_CUES)
            measures = max(before.rfind(c) for c in _MEASURES_CUES)
            cue = "result" if result > measures else "measures" if measures > result else "plain"
            yield year, pos, cue


def _year_in(
    texts: Sequence[tuple[str, Position]],
    cues: Sequence[str],
    plausible: Collection[int] | None = None,
) -> tuple[int, Position] | None:
    """Return the first year written with the first of ``cues`` that any year has.

    Years not in ``plausible`` (when given) are passed over.
    """
    mentions = [m for m in _mentions(texts) if plausible is None or m[0] in plausible]
    for cue in cues:
        for year, pos, found in mentions:
            if found == cue:
                return year, pos
    return None


def find_fiscal_years(
    layout: Layout, source: str, known: Collection[int] | None = None
) -> tuple[int, int | None, Position | None, list[str]]:
    """Return (assessment year, measures' fiscal year, where, notes on what was inferred).

    ``known`` (for a document read by OCR, which misreads a Thai digit now and then: ``๒๕๒๕``
    for ``๒๕๖๕``) are the assessment years there is framework data for; then only those years
    are taken as assessment years, and only those and the years after them as measures' years.

    Raises
    ------
    InputError
        When neither year is written.
    """
    notes: list[str] = []
    title = [(title_text(layout.front), layout.front[0].pos)] if layout.front else []
    measures_heads = [(p.text, p.pos) for s, p in layout.headings if s == "measures"]
    results = [(p.text, p.pos) for s, p in layout.headings if s == "results"]
    results += [(p.text, p.pos) for s, p, _ in layout.prose if s == "results"]
    results += [(p.text, p.pos) for s, p in layout.headings if s == "suggestions"]
    results += [(p.text, p.pos) for s, p, _ in layout.prose if s == "analysis"]
    as_measures = None if known is None else {*known, *(y + 1 for y in known)}
    measures = _year_in(title + measures_heads, ("measures", "plain"), as_measures)
    # the year before the measures' when the results name it (not a year compared with it)
    before = None if measures is None else measures[0] - 1
    assessed = None
    if before is not None and (known is None or before in known):
        assessed = _year_in(results, ("result", "plain"), {before})
    assessed = assessed or _year_in(results, ("result", "plain"), known)
    assessed = assessed or _year_in(title, ("result",), known)
    if assessed is None and measures is None:
        raise InputError(
            "cannot find the assessment year",
            source=source,
            location="title and section 1",
            expected="a year such as 'ปีงบประมาณ พ.ศ. ๒๕๖๕' in the title or the results heading",
        )
    if assessed is None:
        assert measures is not None
        notes.append(
            f"The assessment year is not written; it is taken as the year before the measures' "
            f"fiscal year {measures[0]}."
        )
        return measures[0] - 1, measures[0], measures[1], notes
    if measures is None:
        notes.append(
            f"The measures' fiscal year is not written; it is taken as the year after the "
            f"assessment year {assessed[0]}."
        )
        return assessed[0], assessed[0] + 1, assessed[1], notes
    return assessed[0], measures[0], assessed[1], notes


# -- Claims in the text --------------------------------------------------------------------------


def find_claimed_rating(layout: Layout, framework: Framework) -> tuple[str, Position] | None:
    """Return the rating (``ระดับ ...``) the results section states (else the text before
    it), and where."""
    bands = sorted((b.label for b in framework.rating_bands), key=len, reverse=True)
    spelled = {label: any_marks(re.escape(label)) for label in bands}  # OCR: ผ่านดีเยียม
    labels = "|".join(spelled.values())
    # อยู่ในระดับ ผ่าน, ระดับที่ ผ่าน, ระดับ “ผ่านดี”, ระดับผลการประเมิน : ผ่านดี
    pattern = re.compile(
        r"ระดับ\s*(?:ที่|ผลการประเมิน)?\s*[:：]?\s*[\"“”'‘’«»]?\s*" + _GRADE_RE.format(labels=labels)
    )
    texts = [(p.text, p.pos) for s, p in layout.headings if s == "results"]
    texts += [(p.text, p.pos) for s, p, _ in layout.prose if s == "results"]
    # else the front's prose: a results heading OCR ran into the paragraph before it
    texts += [(p.text, p.pos) for s, p, _ in layout.prose if s == "front"]
    texts += [(p.text, p.pos) for p in layout.front]
    for text, pos in texts:
        match = pattern.search(text)
        if match:
            return next(b for b in bands if re.fullmatch(spelled[b], match[1])), pos
    return None


def _over(text: str, below: str) -> str:
    """Return a line and the figure on the line below it as one text. A line of labels only,
    the total's first (cards side by side: ``คะแนนรวม (ITA) ระดับผลการประเมิน`` over ``88.58``),
    has the figure put after the total's label, the card it is under."""
    label = _CARD_LABEL.match(text)
    if label is None or any(c.isdigit() for c in text) or _INSTRUMENT.search(text):
        return f"{text} {below}"
    return f"{text[: label.end()]} {below} {text[label.end() :]}"


def find_prose_total(layout: Layout) -> tuple[Decimal, Position] | None:
    """Return the total score the results section's prose states, and where: the figure
    after the total's label (``คะแนนรวม``), else the first score not a weighted part. A figure
    OCR misread inside (``๕๓ฒ.๑๔``: a letter among its digits) is no figure."""
    results = [p for s, p, _ in layout.prose if s == "results"]
    results += [p for s, p in layout.headings if s == "results"]  # a paragraph run into it
    results.sort(key=lambda p: p.pos.sort_key())
    texts = [(strip_dots(_GARBLED.sub("?", to_arabic_digits(p.text))), p.pos) for p in results]
    after = [text for text, _ in texts[1:]] + [""]
    texts = [  # a label over its figure (a card of a screenshot: คะแนนรวม (ITA), then 88.58)
        (_over(text, below), pos) if _FIGURE_FIRST.match(below) else (text, pos)
        for (text, pos), below in zip(texts, after, strict=False)
    ]
    for pattern in (_TOTAL_IN_PROSE, _SCORE_IN_PROSE):
        for text, pos in texts:
            for match in pattern.finditer(text):
                before = text[max(0, match.start() - _OWN_LABEL) : match.start()]
                if not _WEIGHTED.search(match[0]) and not _INSTRUMENT_BEFORE.search(before):
                    return Decimal(match[1]), pos
    return None
