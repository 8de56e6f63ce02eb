"""The libyaml (C) path of the safe YAML reader reads as the pure one and declines bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ita_lib.model import safe_yaml

SAMPLE = Path(safe_yaml.__file__).parents[1] / "data" / "samples" / "bueng-krachap-2565.yaml"


def test_libyaml_path_reads_as_the_pure_loader() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    sample = SAMPLE.read_text(encoding="utf-8")
    fast = safe_yaml._parse_fast(sample, True, safe_yaml.DEFAULT_LIMITS)
    assert fast is not None
    safe_yaml._C_LOADERS, saved = {}, safe_yaml._C_LOADERS
    try:
        root, pure = safe_yaml.parse_yaml(sample, source="s", expected="e")
    finally:
        safe_yaml._C_LOADERS = saved
    assert fast[1] == pure
    with pytest.raises(safe_yaml.InputError, match="line 2"):
        safe_yaml.parse_yaml("a: 1\na: 2\n", source="s", expected="e")
    assert fast[0].value[0][0].start_mark.line == root.value[0][0].start_mark.line
    # a rule broken: the fast path declines, the pure loader reports the line
    assert safe_yaml._parse_fast("a: 1\na: 2\n", True, safe_yaml.DEFAULT_LIMITS) is None
    deep = "x: " + "[" * 70 + "]" * 70
    assert safe_yaml._parse_fast(deep, True, safe_yaml.DEFAULT_LIMITS) is None


@pytest.mark.parametrize(
    ("text", "limits", "accepted"),
    [
        # aliases within bounds: read, with the data the pure loader gives
        ("a: &x [1, 2]\nb: *x\nc: *x\n", safe_yaml.DEFAULT_LIMITS, True),
        # merge keys may repeat; they are not duplicate keys
        (
            "base: &b {x: 1}\none: {<<: *b, y: 2}\ntwo: {<<: *b, y: 3}\n",
            safe_yaml.DEFAULT_LIMITS,
            True,
        ),
        # too many aliases
        ("a: &x 1\nb: [*x, *x, *x]\n", safe_yaml.YamlLimits(max_aliases=2), False),
        # few aliases, too many values once expanded ("billion laughs", small)
        (
            "a: &a [1, 1, 1, 1]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
            safe_yaml.YamlLimits(max_nodes=60),
            False,
        ),
        # no alias, too many values
        ("a: [1, 2, 3, 4, 5, 6]\n", safe_yaml.YamlLimits(max_nodes=5), False),
        ("a: [1, 2]\n", safe_yaml.YamlLimits(max_nodes=5), True),
        # a duplicate key in a nested mapping
        ("a:\n  b: 1\n  c: 2\n  b: 3\n", safe_yaml.DEFAULT_LIMITS, False),
    ],
)
def test_libyaml_path_checks_bounds_in_one_walk(
    text: str, limits: safe_yaml.YamlLimits, accepted: bool
) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    fast = safe_yaml._parse_fast(text, True, limits)
    safe_yaml._C_LOADERS, saved = {}, safe_yaml._C_LOADERS
    try:
        if accepted:
            assert fast is not None
            assert fast[1] == safe_yaml.parse_yaml(text, source="s", expected="e", limits=limits)[1]
        else:
            assert fast is None  # declined: the pure loader reports the problem with its line
            with pytest.raises(safe_yaml.InputError, match=r"line \d+"):
                safe_yaml.parse_yaml(text, source="s", expected="e", limits=limits)
    finally:
        safe_yaml._C_LOADERS = saved
