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


def test_every_finding_on_the_synthetic_default_is_a_documented_false_positive_or_deliberate(committed):
    unexplained = committed[(committed["false_positive_reason"] == "") & (committed["deliberate_defect"] == "")]
    assert unexplained.empty, unexplained.to_string()
    reasons = {reason: rules for rules, reason in dfe_rules.DELIBERATE_DEFECTS.values()}
    for rule, year, deliberate in zip(committed["rule"], committed["year"], committed["deliberate_defect"]):
        if deliberate:  # a defect made on purpose, of a kind that causes this rule's findings
            assert rule in reasons[deliberate], (rule, year)
            assert not dfe_rules.false_positive_reason(rule, int(year)), (rule, year)
        else:
            assert dfe_rules.false_positive_reason(rule, int(year)), (rule, year)
    # the defects the generator lists are the ones found: each kind is found by DfE's rules
    defects = dfe_rules.deliberate_defects(DEFAULT_OUT)
    assert {kind for kind, _ in defects} == set(dfe_rules.DELIBERATE_DEFECTS)
    assert set(committed.loc[committed["deliberate_defect"] != "", "deliberate_defect"]) == set(reasons)


def test_a_finding_is_deliberate_only_on_a_child_with_that_defect_in_that_year():
    findings = pd.DataFrame(
        {
            "file": ["2017/episodes.csv", "2017/episodes.csv", "2018/episodes.csv", "2018/episodes.csv"],
            "row": [2, 3, 2, 3],
            "child": ["A", "B", "A", "C"],
            "column": ["HOME_POST", "HOME_POST", "DECOM", "DECOM"],
            "rule": ["dfe-392b", "dfe-392b", "dfe-NoE", "dfe-NoE"],
            "message": ["no postcodes", "no postcodes", "no episodes last year", "no episodes last year"],
            "severity": ["dfe"] * 4,
        }
    )
    # A's home postcode is blank in every return; C started late in 2017, which the 2018 return adds
    defects = {("home_postcode_blank", "A"): {0}, ("late_start", "C"): {2018}, ("late_start", "A"): {2019}}
    out = dfe_rules.summary(findings, defects)
    blank = dfe_rules.DELIBERATE_DEFECTS["home_postcode_blank"][1]
    late = dfe_rules.DELIBERATE_DEFECTS["late_start"][1]
    assert out[["year", "rule", "findings", "deliberate_defect"]].values.tolist() == [
        [2017, "dfe-392b", 1, ""],  # B has no such defect: to investigate
        [2017, "dfe-392b", 1, blank],
        [2018, "dfe-NoE", 1, ""],  # A's late start is in another year's return
        [2018, "dfe-NoE", 1, late],
    ]
    assert list(out.columns) == dfe_rules.SUMMARY_COLUMNS
    assert (dfe_rules.summary(findings)["deliberate_defect"] == "").all()  # real returns: none


def test_only_a_synthetic_folder_declares_deliberate_defects(tmp_path):
    listed = {"deliberate_defects": [{"kind": "late_start", "child": "7", "year": 2018}]}
    (tmp_path / "calibration.json").write_text(__import__("json").dumps(listed))
    assert dfe_rules.deliberate_defects(tmp_path) == {}  # no SYNTHETIC label: real returns
    (tmp_path / "SYNTHETIC").write_text("synthetic")
    assert dfe_rules.deliberate_defects(tmp_path) == {("late_start", "7"): {2018}}


@pytest.mark.slow
@pytest.mark.parametrize("year", [2017, 2025])
def test_running_the_rules_reproduces_the_committed_summary(tmp_path, committed, year):
    findings = dfe_rules.run(DEFAULT_OUT, tmp_path, years=[year], log=lambda *a: None)
    fresh = dfe_rules.summary(findings, dfe_rules.deliberate_defects(DEFAULT_OUT))
    expected = committed[committed["year"].astype(int) == year].reset_index(drop=True)
    fresh = fresh.assign(year=fresh["year"].astype(int)).reset_index(drop=True)
    expected = expected.assign(year=expected["year"].astype(int))
    columns = ["year", "rule", "findings", "deliberate_defect"]
    pd.testing.assert_frame_equal(fresh[columns], expected[columns], check_dtype=False)


def test_the_driver_imports_nothing_from_the_report():
    source = dfe_rules.DRIVER.read_text()
    assert "import analysis" not in source and "from analysis" not in source
