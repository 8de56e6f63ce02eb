"""The bundled sample must say what the real document says (tests/data holds a copy of it)."""

import re
from pathlib import Path

import pytest

from ita_lib.model.assessment_file import load_assessment
from ita_lib.text.digits import to_arabic_digits

DOCUMENT = Path(__file__).resolve().parent / "data" / "bueng-krachap-measures-2566.txt"


@pytest.fixture(scope="module")
def document_text() -> str:
    text = DOCUMENT.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def sample():
    return load_assessment("bundled:bueng-krachap-2565")


def test_scores_are_those_of_the_document_score_table(sample):
    rows = {}
    for line in DOCUMENT.read_text(encoding="utf-8").splitlines():
        match = re.match(r"ตัวชี้วัดที่ ([๐-๙]+) [^\t]+\t([๐-๙.]+)", line)
        if match:
            rows[int(to_arabic_digits(match[1]))] = to_arabic_digits(match[2])
    assert len(rows) == 10
    assert {n: str(v) for n, v in sample.scores.items()} == rows


def test_failed_items_are_the_items_nacc_commented_on(sample):
    assert sample.failed_items == ("o3", "o11", "o12", "o17", "o20", "o28")
    assert [s.item for s in sample.suggestions.by_item] == [
        "e12", "e11", "e14", "o3", "o11", "o12", "o17", "o20", "o28",
    ]  # fmt: skip


def test_suggestion_texts_are_verbatim(sample, document_text):
    texts = [sample.suggestions.summary, *sample.suggestions.by_instrument.values()]
    texts += [s.text for s in sample.suggestions.by_item]
    for text in texts:
        assert text in document_text, text[:60]


def test_27_measures_with_titles_owners_and_periods_from_the_document(sample, document_text):
    assert [m.number for m in sample.measures] == list(range(1, 28))
    for m in sample.measures:
        assert m.title in document_text, m.number
        assert m.owner.replace(" ", "") in document_text.replace(" ", ""), m.number
        assert m.period_text == "ต.ค.๖๕ - ก.ย. ๖๖"
        assert (m.period.start.isoformat(), m.period.end.isoformat()) == (
            "2022-10-01",
            "2023-09-30",
        )
        assert m.steps, m.number
        assert m.monitoring, m.number


def test_measure_steps_keep_the_document_numbering(sample, document_text):
    by_number = {m.number: m for m in sample.measures}
    assert [s[:2] for s in by_number[20].steps].count("๕)") == 2  # the document numbers ๕) twice
    assert by_number[11].title.endswith("(E-Service)")
    for m in sample.measures:
        for step in m.steps:
            head = step[:40]
            assert head in document_text, (m.number, head)
