from ita_lib.analysis.coverage import link_measures, load_measure_terms
from ita_lib.model.assessment import Measure


def _measure(number, title, steps=(), addresses=None):
    return Measure(number=number, title=title, steps=tuple(steps), addresses=addresses)


def test_catalogue_has_terms_for_every_fy2565_oit_item():
    terms = load_measure_terms(2565)
    assert all(f"o{n}" in terms for n in range(1, 44))
    assert "E-Service" in terms["o17"]
    assert load_measure_terms(2564) is load_measure_terms(2565)


def test_year_without_catalogue_infers_nothing_but_keeps_explicit_links():
    terms = load_measure_terms(2599)
    assert dict(terms) == {}
    links = link_measures(
        ("o17",), (_measure(1, "E-Service"), _measure(2, "x", addresses=("o17",))), terms
    )
    assert [(m.measure, m.how) for m in links["o17"]] == [(2, "explicit")]


def test_matching_ignores_case_spaces_and_thai_digits():
    terms = {"o11": ("รอบ 6 เดือน",), "o17": ("E-Service",)}
    measures = (
        _measure(1, "รายงาน", steps=["จัดทำรายงานรอบ ๖ เดือน"]),
        _measure(2, "ระบบ e-service ของตำบล"),
        _measure(3, "อย่างอื่น"),
    )
    links = link_measures(("o11", "o17"), measures, terms)
    assert [(m.measure, m.matched_terms) for m in links["o11"]] == [(1, ("รอบ 6 เดือน",))]
    assert [(m.measure, m.matched_terms) for m in links["o17"]] == [(2, ("E-Service",))]


def test_every_code_gets_an_entry_even_without_links():
    links = link_measures(("o3", "EIT"), (), load_measure_terms(2565))
    assert links == {"o3": (), "EIT": ()}


def test_explicit_addresses_switch_inference_off_for_that_measure():
    terms = {"o17": ("E-Service",), "o12": ("รายงานผล",)}
    measures = (_measure(1, "E-Service และรายงานผล", addresses=("o12",)),)
    links = link_measures(("o12", "o17"), measures, terms)
    assert [m.how for m in links["o12"]] == ["explicit"]
    assert links["o17"] == ()
