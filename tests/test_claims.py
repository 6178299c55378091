"""Claims checked against the data: each verdict flips when the data are built to flip it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.chapters import REGISTRY
from analysis.chapters import claims as C
from analysis.paper import Costs, UnitCost

pytestmark = pytest.mark.unit

LA = "Testshire"


# --------------------------------------------------------------------------- the tests behind the verdicts


def test_share_direction_known_answers():
    assert C.share_direction(50, 100, 50.0)[0] == "in line"
    assert C.share_direction(80, 100, 50.0)[0] == "higher"
    assert C.share_direction(20, 100, 50.0)[0] == "lower"
    # exact binomial p-value for 60/100 against 0.5 (two-sided) is 0.0569: not significant at 95%
    direction, p = C.share_direction(60, 100, 50.0)
    assert direction == "in line" and p == pytest.approx(0.0569, abs=1e-4)
    with pytest.raises(ValueError):
        C.share_direction(0, 0, 50.0)


def test_the_level_printed_is_the_significance_level_of_the_tests():
    assert C.ALPHA == 0.05 and C.LEVEL == "95%"
    assert "exact binomial test, 95%:" in C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0).test
    assert "(p < 0.001)" in C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0).test
    assert C.check_recruitment_improved(LA, 2018, 60, 2017, 30).test.startswith(
        "conditional binomial test of two counts, 95%: significantly more than (p = 0.00"
    )


def test_rate_direction_uses_the_funnel_limits():
    # 100 children among 10,000 (rate 100 per 10,000) around a target of 100: in line
    assert C.rate_direction(100, 10_000, 100.0, 10_000)[0] == "in line"
    assert C.rate_direction(150, 10_000, 100.0, 10_000) == ("higher", "above 99.8% limit")
    assert C.rate_direction(60, 10_000, 100.0, 10_000) == ("lower", "below 99.8% limit")


# --------------------------------------------------------------------------- each claim flips


def test_numbers_higher_flips():
    # population 100,000; neighbours 50 per 10,000 (expected 500), England 60
    assert C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0).verdict == C.SUPPORTED
    assert C.check_numbers_higher(LA, 2017, 500, 100_000, 50, 60.0, 50.0).verdict == C.NOT_SUPPORTED
    assert C.check_numbers_higher(LA, 2017, 400, 100_000, 40, 60.0, 50.0).verdict == C.NOT_SUPPORTED
    assert C.check_numbers_higher(LA, 2017, math.nan, 100_000, 40, 60.0, 50.0).verdict == C.CANNOT_TELL


def test_numbers_higher_reports_both_positions():
    c = C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0)
    assert "above 99.8% limit around the neighbours' average" in c.test
    assert "within limits around England's" in c.test
    assert c.value == "60 per 10,000"


def test_foster_share_flips():
    assert C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0).verdict == C.SUPPORTED
    # in line with both comparators is not "doing well"
    assert C.check_foster_share(LA, 2017, 700, 1000, 70.0, 71.0).verdict == C.NOT_SUPPORTED
    # above England but below the neighbours: not supported
    assert C.check_foster_share(LA, 2017, 750, 1000, 70.0, 80.0).verdict == C.NOT_SUPPORTED
    assert C.check_foster_share(LA, 2017, 600, 1000, 70.0, 70.0).verdict == C.NOT_SUPPORTED
    assert C.check_foster_share(LA, 2017, 700, math.nan, 70.0, 70.0).verdict == C.CANNOT_TELL


def test_too_many_agency_flips():
    assert C.check_too_many_agency(LA, 2017, 660, 1000, 38.0, 38.0).verdict == C.SUPPORTED
    assert C.check_too_many_agency(LA, 2017, 380, 1000, 38.0, 38.0).verdict == C.NOT_SUPPORTED
    assert C.check_too_many_agency(LA, 2017, 200, 1000, 38.0, 38.0).verdict == C.NOT_SUPPORTED
    assert C.check_too_many_agency(LA, 2017, 660, 1000, math.nan, 38.0).verdict == C.CANNOT_TELL


def test_agency_further_flips_and_synthetic_data_cannot_tell():
    real = dict(synthetic=False, published_pct=40.0, england_pct=19.0)
    assert C.check_agency_further(LA, 2017, 60, 100, 20, 100, **real).verdict == C.SUPPORTED
    assert C.check_agency_further(LA, 2017, 20, 100, 20, 100, **real).verdict == C.NOT_SUPPORTED
    assert C.check_agency_further(LA, 2017, 10, 100, 40, 100, **real).verdict == C.NOT_SUPPORTED
    synthetic = C.check_agency_further(LA, 2017, 60, 100, 20, 100, synthetic=True)
    assert synthetic.verdict == C.CANNOT_TELL and "SYNTHETIC" in synthetic.value
    suppressed = C.check_agency_further(LA, 2017, None, 100, 20, 100, **real)
    assert suppressed.verdict == C.CANNOT_TELL
    assert C.check_agency_further(LA, 2017, 0, 0, 20, 100, **real).verdict == C.CANNOT_TELL
    assert "40.0% against England's 19.0%" in C.check_agency_further(LA, 2017, 60, 100, 20, 100, **real).comparators


def _costs(ifa: float, own: float, sensitivity: float = 0.2, source: str = "Cited source 2018") -> Costs:
    return Costs(
        ifa_fostering=UnitCost(weekly=ifa, source=source, year=2018),
        in_house_fostering=UnitCost(weekly=own, source="Cited source 2018", year=2018),
        sensitivity=sensitivity,
    )


def test_agency_costly_flips():
    assert C.check_agency_costly(LA, _costs(759, 396)).verdict == C.SUPPORTED
    # higher, but not at the ends of the sensitivity range (600*0.8 = 480 < 450*1.2 = 540)
    assert C.check_agency_costly(LA, _costs(600, 450)).verdict == C.NOT_SUPPORTED
    assert C.check_agency_costly(LA, _costs(396, 396)).verdict == C.NOT_SUPPORTED
    assumed = C.check_agency_costly(LA, _costs(759, 396, source="assumption: a guess"))
    assert assumed.verdict == C.CANNOT_TELL
    assert "£607 against £475" in C.check_agency_costly(LA, _costs(759, 396)).test


def test_permanence_slow_flips():
    # 1,000 children in care: 200 leaving to permanence is 20 per 100 against comparators' 30
    assert C.check_permanence_slow(LA, [2017], 200, 1000, 30.0, 30.0).verdict == C.SUPPORTED
    assert C.check_permanence_slow(LA, [2017], 300, 1000, 30.0, 30.0).verdict == C.NOT_SUPPORTED
    assert C.check_permanence_slow(LA, [2017], 400, 1000, 30.0, 30.0).verdict == C.NOT_SUPPORTED
    # slower than England but faster than the neighbours: not supported
    assert C.check_permanence_slow(LA, [2017], 200, 1000, 30.0, 10.0).verdict == C.NOT_SUPPORTED
    assert C.check_permanence_slow(LA, [], math.nan, math.nan, 30.0, 30.0, paper_year=2017).verdict == C.CANNOT_TELL


def test_permanence_slow_names_the_years_used():
    c = C.check_permanence_slow(LA, [2015], 200, 1000, 30.0, 30.0, paper_year=2017)
    assert "2014-15" in c.measure
    assert "2015-16 and 2016-17 are not published or are suppressed" in c.reason


def test_recruitment_improved_flips():
    assert C.check_recruitment_improved(LA, 2018, 60, 2017, 30).verdict == C.SUPPORTED
    assert C.check_recruitment_improved(LA, 2018, 35, 2017, 30).verdict == C.NOT_SUPPORTED
    assert C.check_recruitment_improved(LA, 2018, 20, 2017, 40).verdict == C.NOT_SUPPORTED
    missing = C.check_recruitment_improved(LA, 2018, 35, 2017, math.nan)
    assert missing.verdict == C.CANNOT_TELL
    assert "2016-17 is not available" in missing.reason


# --------------------------------------------------------------------------- presentation


def _all_claims(chapters=None) -> C.Checked:
    claims = [
        C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0),
        C.check_foster_share(LA, 2017, 700, 1000, 70.0, 71.0),
        C.check_too_many_agency(LA, 2017, 660, 1000, 38.0, 38.0),
        C.check_agency_further(LA, 2017, 60, 100, 20, 100, synthetic=True),
        C.check_agency_costly(LA, _costs(759, 396)),
        C.check_permanence_slow(LA, [2017], 300, 1000, 30.0, 30.0),
        C.check_recruitment_improved(LA, 2018, 35, 2017, math.nan),
    ]
    return C.Checked(claims=tuple(claims), la_name=LA, year=2017, chapters=chapters)


def test_key_figures_one_verdict_per_claim_and_counts():
    figures = {f["name"]: f for f in C.key_figures(_all_claims())}
    for slug in C.CLAIMS:
        assert figures[f"claim_{slug}_verdict"]["value"] in C.VERDICTS
        assert figures[f"claim_{slug}_verdict"]["unit"] == "text"
    assert figures["claims_supported"]["value"] == 3
    assert figures["claims_not_supported"]["value"] == 2
    assert figures["claims_cannot_tell"]["value"] == 2
    assert figures["claims_total"]["value"] == 7


def test_table_has_the_issue_columns_and_the_summary_counts():
    t = C.table(_all_claims())
    assert list(t.columns) == ["The paper says (paragraph)", "Measure", "Authority", "Comparators", "Test", "Verdict"]
    assert len(t) == 7 and t["Verdict"].isin(C.VERDICTS).all()
    assert C.summary_sentence(_all_claims()) == (
        "Of the paper's 7 factual claims, the data support 3, do not support 2, and cannot test 2."
    )
    html = C.table_html(_all_claims())
    assert "checked against the data for Testshire, year ending 31 March 2017" in html
    assert html.count("cannot tell from this data") == 2


def test_details_link_to_the_chapter_with_the_evidence():
    text = C.details_markdown(_all_claims())
    assert '<a href="10_care_numbers.html">Care numbers in context</a>' in text
    assert f'<a href="40_recruitment.html">{REGISTRY["recruitment"].title}</a>' in text
    assert text.count("**Verdict:") == 7
    only = C.details_markdown(_all_claims(chapters=("care_numbers", "claims")))
    assert "10_care_numbers.html" in only and "40_recruitment.html" not in only


# --------------------------------------------------------------------------- the default paper, real published figures


@pytest.fixture(scope="module")
def default_claims():
    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context
    from analysis.sources.ssda903 import context as child_context

    ctx = context.load(DEFAULT_PAPER)
    return C.compute(ctx, child_context.load(ctx.paper))


@pytest.mark.slow  # runs the claims on the default paper's data (10 s or more)
def test_compute_checks_every_claim_for_the_paper(default_claims):
    assert [c.slug for c in default_claims.claims] == list(C.CLAIMS)
    assert (default_claims.la_name, default_claims.year) == ("Cambridgeshire", 2017)
    assert "claims" in default_claims.chapters
    figures = {f["name"]: f["value"] for f in C.key_figures(default_claims)}
    assert figures["claims_total"] == 7 and figures["claim_too_many_agency_verdict"] == C.SUPPORTED


@pytest.mark.slow  # runs the claims on the default paper's data (10 s or more)
def test_default_paper_verdicts(default_claims):
    """Cambridgeshire, 31 March 2017, DfE's published figures (values checked against DfE in test_build)."""
    claims = {c.slug: c for c in default_claims.claims}
    v = {slug: c.verdict for slug, c in claims.items()}
    assert v == {
        "numbers_higher": C.NOT_SUPPORTED,  # 51 per 10,000: in line with neighbours (47.8), below England (62)
        "foster_share": C.NOT_SUPPORTED,  # 73.8% against England 73.5%, neighbours 75.7%
        "too_many_agency": C.SUPPORTED,  # 66.0% private or voluntary against 38.4% and 37.7%
        "agency_further": C.CANNOT_TELL,  # child-level data are SYNTHETIC
        "agency_costly": C.SUPPORTED,  # £759 against £396, Valuing Care 2018
        "permanence_slow": C.NOT_SUPPORTED,  # 2014-15 (adoptions suppressed later): 32.3 per 100 against 28.3
        "recruitment_improved": C.CANNOT_TELL,  # Ofsted 2016-17 is not in the data
    }
    assert claims["too_many_agency"].value == "66.0%"
    assert claims["numbers_higher"].value == "51 per 10,000"
    assert claims["permanence_slow"].value == "32.3 per 100"


# --------------------------------------------------------------------------- flipping verdicts through the published table


def _flipped(changes) -> dict[str, C.Claim]:
    """check_all on the default paper with some of Cambridgeshire's published values replaced."""
    import dataclasses

    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context

    ctx = context.load(DEFAULT_PAPER)
    table = ctx.table.copy()
    for measure, year, value in changes:
        rows = (table["old_la_code"] == "873") & (table["measure"] == measure) & (table["year"] == year)
        if rows.any():
            table.loc[rows, "value"] = value
        else:
            template = table[(table["old_la_code"] == "873") & (table["measure"] == measure)].iloc[[0]].copy()
            table = pd.concat([table, template.assign(year=year, value=value)], ignore_index=True)
    return {c.slug: c for c in C.check_all(dataclasses.replace(ctx, table=table))}


@pytest.fixture(scope="module")
def base():
    """The claims on the default paper's published data, unchanged (shared by the flip tests)."""
    return _flipped([])


@pytest.mark.slow  # runs the claims on the default paper's data (10 s or more)
def test_published_table_changes_flip_the_verdicts(base):
    assert base["numbers_higher"].verdict == C.NOT_SUPPORTED
    assert base["recruitment_improved"].verdict == C.CANNOT_TELL
    # no child-level data given: the distance claim cannot be tested
    assert base["agency_further"].verdict == C.CANNOT_TELL

    flipped = _flipped(
        [
            ("cla_31_march", 2017, 1100),  # 82 per 10,000: far above the neighbours and England
            ("fostering_approvals", 2017, 10),  # an Ofsted 2016-17 figure: 35 approvals against 10
        ]
    )
    assert flipped["numbers_higher"].verdict == C.SUPPORTED
    assert flipped["recruitment_improved"].verdict == C.SUPPORTED
    assert flipped["recruitment_improved"].comparators == "10 in 2016-17"


@pytest.mark.slow  # runs the claims on the default paper's data (10 s or more)
def test_published_permanence_flip(base):
    # 2014-15 is the year used (adoptions suppressed in 2015-16 and 2016-17); halve every route out of care
    assert base["permanence_slow"].verdict == C.NOT_SUPPORTED
    slow = _flipped(
        [
            ("ceased_adopted", 2015, 10),
            ("ceased_sgo", 2015, 5),
            ("ceased_cao", 2015, 5),
            ("ceased_returned_home", 2015, 40),
        ]
    )
    assert slow["permanence_slow"].verdict == C.SUPPORTED
    assert "2014-15" in slow["permanence_slow"].measure
