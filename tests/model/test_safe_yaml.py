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
