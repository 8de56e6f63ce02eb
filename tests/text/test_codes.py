import pytest

from ita_lib.text.codes import normalize_item_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("o11", "o11"),
        ("O11", "o11"),
        ("0๑๑", "o11"),
        ("๐๒๕", "o25"),
        ("0๓", "o3"),
        ("o03", "o3"),
        ("e๑๒", "e12"),
        ("E12", "e12"),
        ("i 3", "i3"),
        (" o.43 ", "o43"),
    ],
)
def test_normalises_codes_as_agencies_write_them(text, code):
    assert normalize_item_code(text) == code


@pytest.mark.parametrize("text", ["", "ind9", "x12", "o", "o0", "12", "o1a", None, 11])
def test_rejects_what_is_not_an_item_code(text):
    assert normalize_item_code(text) is None
