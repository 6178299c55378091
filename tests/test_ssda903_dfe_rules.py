"""DfE's rules, run for real in their isolated environment, agree with the committed summary."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters.data_quality import DFE_SUMMARIES
from analysis.sources.ssda903 import dfe_rules
from analysis.sources.ssda903.synth import DEFAULT_OUT

SUMMARY = DFE_SUMMARIES / f"{DEFAULT_OUT.name}.csv"


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    return pd.read_csv(SUMMARY, dtype={"rule": str}, keep_default_na=False)


def test_every_finding_on_the_synthetic_default_is_a_documented_false_positive(committed):
    unexplained = committed[committed["false_positive_reason"] == ""]
    assert unexplained.empty, unexplained.to_string()
    for rule, year in zip(committed["rule"], committed["year"]):
        assert dfe_rules.false_positive_reason(rule, int(year)), (rule, year)


@pytest.mark.slow
@pytest.mark.parametrize("year", [2017, 2025])
def test_running_the_rules_reproduces_the_committed_summary(tmp_path, committed, year):
    findings = dfe_rules.run(DEFAULT_OUT, tmp_path, years=[year], log=lambda *a: None)
    fresh = dfe_rules.summary(findings)
    expected = committed[committed["year"].astype(int) == year].reset_index(drop=True)
    fresh = fresh.assign(year=fresh["year"].astype(int)).reset_index(drop=True)
    expected = expected.assign(year=expected["year"].astype(int))
    pd.testing.assert_frame_equal(
        fresh[["year", "rule", "findings"]], expected[["year", "rule", "findings"]], check_dtype=False
    )


def test_the_driver_imports_nothing_from_the_report():
    source = dfe_rules.DRIVER.read_text()
    assert "import analysis" not in source and "from analysis" not in source
