"""Claims checked against the data: each verdict flips when the data are built to flip it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.chapters import REGISTRY
from analysis.chapters import claims as C
from analysis.methods import stats
from analysis.paper import Costs, UnitCost

pytestmark = pytest.mark.unit

LA = "Testshire"


# --------------------------------------------------------------------------- the tests behind the verdicts

#: Wide spread between authorities on the square-root-rate scale (tau = 0.01) and the arcsine-share scale (0.1).
RATE_OD = stats.Overdispersion(phi=50.0, n=150, tau2=1e-4)
SHARE_OD = stats.Overdispersion(phi=30.0, n=150, tau2=0.01)


def test_share_direction_is_one_sided():
    assert C.share_direction(50, 100, 50.0, None, "higher", 0.05)[0] == "in line"
    assert C.share_direction(80, 100, 50.0, None, "higher", 0.05)[0] == "higher"
    assert C.share_direction(20, 100, 50.0, None, "higher", 0.05)[0] == "lower"
    # 60 of 100 against a half: two-sided p 0.0569 (not significant), one-sided P(X >= 60) = 0.0284
    direction, test = C.share_direction(60, 100, 50.0, None, "higher", 0.05)
    assert direction == "higher" and test.p == pytest.approx(0.028444, abs=1e-5)
    assert test.alternative == "greater" and not test.adjusted
    with pytest.raises(ValueError):
        C.share_direction(0, 0, 50.0, None, "higher", 0.05)


def test_share_direction_allows_for_the_spread_between_authorities():
    # 800 of 1,000 against 70%: z = (asin(sqrt(.8)) - asin(sqrt(.7))) / sqrt(1/4000 + 0.01) = 1.145, p = 0.126
    direction, test = C.share_direction(800, 1000, 70.0, SHARE_OD, "higher", 0.05)
    assert direction == "in line" and test.adjusted
    z = (math.asin(math.sqrt(0.8)) - math.asin(math.sqrt(0.7))) / math.sqrt(1 / 4000 + 0.01)
    assert test.z == pytest.approx(z) and test.p == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))


def test_rate_direction_one_sided_and_widened():
    assert C.rate_direction(100, 10_000, 100.0, None, "higher", 0.05)[0] == "in line"
    assert C.rate_direction(150, 10_000, 100.0, None, "higher", 0.05)[0] == "higher"
    assert C.rate_direction(60, 10_000, 100.0, None, "higher", 0.05)[0] == "lower"
    # 600 among 100,000 against 50 per 10,000 (E = 500): significant on Poisson limits only
    assert C.rate_direction(600, 100_000, 50.0, None, "higher", 0.05)[0] == "higher"
    assert C.rate_direction(600, 100_000, 50.0, RATE_OD, "higher", 0.05)[0] == "in line"


def test_the_level_printed_is_the_significance_level_of_the_tests():
    assert C.level(0.05) == "95%" and C.level(0.01) == "99%"
    c = C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0)
    assert c.test.startswith("one-sided exact binomial test, 95%:") and "(p < 0.001)" not in c.test
    assert "against England p < 0.001" in c.test
    assert C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0, alpha=0.01).test.startswith(
        "one-sided exact binomial test, 99%:"
    )
    assert C.check_recruitment_improved(LA, 2018, 60, 2017, 30).test.startswith(
        "one-sided conditional binomial test of two counts, 95%: significantly more than (p = 0.00"
    )


def test_verdict_rule():
    assert C.verdict("higher", ["higher", "in line"]) == C.SUPPORTED
    assert C.verdict("higher", ["lower", "in line"]) == C.CONTRADICTED
    assert C.verdict("higher", ["in line", "in line"]) == C.IN_LINE
    assert C.verdict("higher", ["higher", "lower"]) == C.IN_LINE  # mixed: neither
    assert C.verdict("lower", ["lower"]) == C.SUPPORTED
    assert C.VERDICTS == ("supported", "in line with comparators", "contradicted", "cannot tell from this data")


# --------------------------------------------------------------------------- each claim gives each verdict


def test_numbers_higher_four_verdicts():
    # population 100,000; neighbours 50 per 10,000 (expected 500), England 60
    assert C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0).verdict == C.SUPPORTED
    assert C.check_numbers_higher(LA, 2017, 500, 100_000, 50, 60.0, 50.0).verdict == C.IN_LINE
    assert C.check_numbers_higher(LA, 2017, 400, 100_000, 40, 60.0, 50.0).verdict == C.CONTRADICTED
    assert C.check_numbers_higher(LA, 2017, math.nan, 100_000, 40, 60.0, 50.0).verdict == C.CANNOT_TELL
    # the spread between authorities makes 600 against 500 unremarkable
    widened = C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0, RATE_OD)
    assert widened.verdict == C.IN_LINE and "overdispersion factor 50" in widened.test


def test_numbers_higher_reports_both_comparators():
    c = C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0)
    assert "one-sided test at 95% on the funnel plot's Poisson limits" in c.test
    assert "against the neighbours' average p < 0.001" in c.test and "against England p = 0.5" in c.test
    assert c.value == "60 per 10,000" and c.comparators == "neighbours' average 50.0; England 60"


def _z(p: float) -> stats.Test:
    return stats.Test(p=p, z=float("nan"), alternative="greater", adjusted=True)


def test_numbers_rising_four_verdicts():
    assert C.check_numbers_rising(LA, 2014, 2017, 30.8, 11.2, _z(0.01)).verdict == C.SUPPORTED
    assert C.check_numbers_rising(LA, 2014, 2017, 30.8, 11.2, _z(0.09)).verdict == C.IN_LINE
    assert C.check_numbers_rising(LA, 2014, 2017, -10.0, 11.2, _z(0.99)).verdict == C.CONTRADICTED
    assert C.check_numbers_rising(LA, 2014, 2017, 30.8, math.nan, None).verdict == C.CANNOT_TELL
    c = C.check_numbers_rising(LA, 2014, 2017, 30.8, 11.2, _z(0.093))
    assert c.value == "+31%" and c.comparators == "neighbours' average +11%"
    assert "not significantly different from theirs" in c.reason and "p = 0.093" in c.test


def test_foster_share_four_verdicts():
    assert C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0).verdict == C.SUPPORTED
    assert C.check_foster_share(LA, 2017, 700, 1000, 70.0, 71.0).verdict == C.IN_LINE
    # above England but below the neighbours: neither supported nor contradicted
    assert C.check_foster_share(LA, 2017, 750, 1000, 70.0, 80.0).verdict == C.IN_LINE
    assert C.check_foster_share(LA, 2017, 600, 1000, 70.0, 70.0).verdict == C.CONTRADICTED
    assert C.check_foster_share(LA, 2017, 700, math.nan, 70.0, 70.0).verdict == C.CANNOT_TELL
    assert C.check_foster_share(LA, 2017, 800, 1000, 70.0, 72.0, SHARE_OD).verdict == C.IN_LINE


def test_too_many_agency_four_verdicts():
    assert C.check_too_many_agency(LA, 2017, 660, 1000, 38.0, 38.0).verdict == C.SUPPORTED
    assert C.check_too_many_agency(LA, 2017, 380, 1000, 38.0, 38.0).verdict == C.IN_LINE
    assert C.check_too_many_agency(LA, 2017, 200, 1000, 38.0, 38.0).verdict == C.CONTRADICTED
    assert C.check_too_many_agency(LA, 2017, 660, 1000, math.nan, 38.0).verdict == C.CANNOT_TELL


def test_agency_further_four_verdicts_and_synthetic_data_cannot_tell():
    real = dict(synthetic=False, published_pct=40.0, england_pct=19.0)
    assert C.check_agency_further(LA, 2017, 60, 100, 20, 100, **real).verdict == C.SUPPORTED
    assert C.check_agency_further(LA, 2017, 20, 100, 20, 100, **real).verdict == C.IN_LINE
    assert C.check_agency_further(LA, 2017, 10, 100, 40, 100, **real).verdict == C.CONTRADICTED
    synthetic = C.check_agency_further(LA, 2017, 60, 100, 20, 100, synthetic=True)
    assert synthetic.verdict == C.CANNOT_TELL and "SYNTHETIC" in synthetic.value and "SYNTHETIC" in synthetic.test
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


def test_agency_costly_four_verdicts_and_its_basis():
    c = C.check_agency_costly(LA, _costs(759, 396))
    assert c.verdict == C.SUPPORTED and "national unit costs" in c.measure and "national unit costs" in c.reason
    # higher, but not at the ends of the sensitivity range (600*0.8 = 480 < 450*1.2 = 540)
    assert C.check_agency_costly(LA, _costs(600, 450)).verdict == C.IN_LINE
    # cheaper even the other way round: 250*1.2 = 300 < 450*0.8 = 360
    assert C.check_agency_costly(LA, _costs(250, 450)).verdict == C.CONTRADICTED
    assumed = C.check_agency_costly(LA, _costs(759, 396, source="assumption: a guess"))
    assert assumed.verdict == C.CANNOT_TELL
    assert "£607 against £475" in C.check_agency_costly(LA, _costs(759, 396)).test
    own = C.check_agency_costly(LA, _costs(759, 396, source=f"{LA} County Council unit costs 2017-18"))
    assert "the IFA cost from Testshire's own unit costs and the in-house cost from national unit costs" in own.measure
    assert C.cost_basis(LA, "Testshire County Council budget book") == "Testshire's own unit costs"


def test_recruitment_improved_four_verdicts():
    assert C.check_recruitment_improved(LA, 2018, 60, 2017, 30).verdict == C.SUPPORTED
    assert C.check_recruitment_improved(LA, 2018, 35, 2017, 30).verdict == C.IN_LINE
    # 20 against 40: P(X <= 20 | 60, 1/2) = 0.0067
    assert C.check_recruitment_improved(LA, 2018, 20, 2017, 40).verdict == C.CONTRADICTED
    missing = C.check_recruitment_improved(LA, 2018, 35, 2017, math.nan)
    assert missing.verdict == C.CANNOT_TELL
    assert "2016-17 is not available" in missing.reason
    stale = C.check_recruitment_improved(LA, 2026, math.nan, 2025, math.nan, available=[2018, 2019])
    assert stale.verdict == C.CANNOT_TELL
    assert "cover 2017-18 and 2018-19; 2025-26 and 2024-25 are not available" in stale.reason


# --------------------------------------------------------------------------- presentation


def _all_claims(chapters=None) -> C.Checked:
    claims = [
        C.check_numbers_higher(LA, 2017, 600, 100_000, 60, 60.0, 50.0),
        C.check_numbers_rising(LA, 2014, 2017, 30.8, 11.2, _z(0.09)),
        C.check_foster_share(LA, 2017, 700, 1000, 70.0, 71.0),
        C.check_too_many_agency(LA, 2017, 660, 1000, 38.0, 38.0),
        C.check_agency_further(LA, 2017, 60, 100, 20, 100, synthetic=True),
        C.check_agency_costly(LA, _costs(759, 396)),
        C.check_recruitment_improved(LA, 2018, 20, 2017, 40),
        C.check_recruitment_improved(LA, 2018, 35, 2017, math.nan),
    ]
    return C.Checked(claims=tuple(claims), la_name=LA, year=2017, chapters=chapters)


def test_key_figures_one_verdict_per_claim_and_counts():
    figures = {f["name"]: f for f in C.key_figures(_all_claims())}
    for slug in set(C.CLAIMS) - {"permanence_slow"}:
        assert figures[f"claim_{slug}_verdict"]["value"] in C.VERDICTS
        assert figures[f"claim_{slug}_verdict"]["unit"] == "text"
    assert figures["claims_supported"]["value"] == 3
    assert figures["claims_in_line"]["value"] == 2
    assert figures["claims_contradicted"]["value"] == 1
    assert figures["claims_cannot_tell"]["value"] == 2
    assert figures["claims_total"]["value"] == 8
    assert figures["cla_trend_verdict"]["value"] == C.IN_LINE
    assert figures["claims_level"]["value"] == "95%"


def test_table_has_the_issue_columns_and_the_summary_counts():
    t = C.table(_all_claims())
    assert list(t.columns) == ["The paper says (paragraph)", "Measure", "Authority", "Comparators", "Test", "Verdict"]
    assert len(t) == 8 and t["Verdict"].isin(C.VERDICTS).all()
    assert C.summary_sentence(_all_claims()) == (
        "Of the paper's 8 factual claims checked, the data support 3, 2 are in line with comparators (no "
        "significant difference), the data contradict 1, and 2 cannot be told from this data (one-sided tests "
        "at the 95% level)."
    )
    html = C.table_html(_all_claims())
    assert "checked against the data for Testshire, year ending 31 March 2017" in html
    assert html.count("cannot tell from this data") == 2


def test_details_link_to_the_chapter_with_the_evidence():
    text = C.details_markdown(_all_claims())
    assert '<a href="10_care_numbers.html">Care numbers in context</a>' in text
    assert f'<a href="40_recruitment.html">{REGISTRY["recruitment"].title}</a>' in text
    assert text.count("**Verdict:") == 8
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
    assert figures["claims_total"] == 8 and figures["claim_too_many_agency_verdict"] == C.SUPPORTED
    assert sum(figures[f"claims_{k}"] for k in ("supported", "in_line", "contradicted", "cannot_tell")) == 8


@pytest.mark.slow  # runs the claims on the default paper's data (10 s or more)
def test_default_paper_verdicts(default_claims):
    """Cambridgeshire, 31 March 2017, DfE's published figures, DfE's pre-2021 statistical neighbours."""
    claims = {c.slug: c for c in default_claims.claims}
    v = {slug: c.verdict for slug, c in claims.items()}
    assert v == {
        "numbers_higher": C.IN_LINE,  # 51 per 10,000 against neighbours 44.8: z small once authorities' spread counts
        "numbers_rising": C.IN_LINE,  # +31% against the neighbours' +11% over 2014-2017: one-sided p = 0.09
        "foster_share": C.IN_LINE,  # 73.8% against England 73.5%, neighbours 75.4%
        "too_many_agency": C.SUPPORTED,  # 66.0% private or voluntary against 38.4% and 37.5%
        "agency_further": C.CANNOT_TELL,  # child-level data are SYNTHETIC
        "agency_costly": C.SUPPORTED,  # £759 against £396, Valuing Care 2018 (national unit costs)
        "permanence_slow": C.CANNOT_TELL,  # timeliness needs the council's returns; these are SYNTHETIC
        "recruitment_improved": C.CANNOT_TELL,  # Ofsted 2016-17 is not in the data
    }
    assert claims["too_many_agency"].value == "66.0%"
    assert claims["numbers_higher"].value == "51 per 10,000"
    assert claims["numbers_rising"].value == "+31%"
    assert "SYNTHETIC" in claims["permanence_slow"].reason


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
    assert base["numbers_higher"].verdict == C.IN_LINE
    assert base["recruitment_improved"].verdict == C.CANNOT_TELL
    # no child-level data given: the distance and permanence claims cannot be tested
    assert base["agency_further"].verdict == C.CANNOT_TELL
    assert base["permanence_slow"].verdict == C.CANNOT_TELL

    flipped = _flipped(
        [
            ("cla_31_march", 2017, 1300),  # 97 per 10,000: far above the neighbours even allowing for spread
            ("fostering_approvals", 2017, 10),  # an Ofsted 2016-17 figure: 35 approvals against 10
        ]
    )
    assert flipped["numbers_higher"].verdict == C.SUPPORTED
    assert flipped["recruitment_improved"].verdict == C.SUPPORTED
    assert flipped["recruitment_improved"].comparators == "10 in 2016-17"
    low = _flipped([("cla_31_march", 2017, 250)])  # 19 per 10,000
    assert low["numbers_higher"].verdict == C.CONTRADICTED
