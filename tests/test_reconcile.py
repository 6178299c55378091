"""The child-level returns reconciled with published figures, and the check that they are the authority's.

The hand-built history below has answers worked out in the comments (collection year Y runs
1 April Y-1 to 31 March Y; a child who ceases on 31 March is not counted that day, one who
starts on 1 April is).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace as dataclasses_replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, episodes_frame, paper_file

from analysis.chapters import data_quality as dq
from analysis.errors import InputError
from analysis.paper import DEFAULT_PAPER, load_paper
from analysis.report import context
from analysis.sources import published
from analysis.sources.ssda903 import context as child_context
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import reconcile as R


def _ep(child, decom, dec, rne, rec=""):
    # CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN
    return (child, decom, rne, "C2", "N1", "U4", "PR1", dec, rec, "", "", "", "")


HISTORY = [
    _ep("A", "2014-06-01", None, "S"),  # in care throughout: at 31 March 2016 and 2017
    _ep("B", "2015-05-10", "2016-08-01", "S", "E11"),  # started 2016, ceased 2017; at 31 March 2016 only
    _ep("C", "2016-04-01", None, "S"),  # started 2017 (its first day); at 31 March 2017
    _ep("D", "2015-10-01", "2016-03-31", "S", "E13"),  # started and ceased 2016; ceased ON 31 March: not counted
    _ep("E", "2016-02-01", "2016-06-01", "S", "X1"),  # X1: not a ceasing, the period goes on ...
    _ep("E", "2016-06-01", None, "P"),  # ... started 2016; at 31 March 2016 and 2017
    _ep("F", "2016-05-01", "2016-07-01", "S", "E4A"),  # two periods in 2017: started once, ceased once
    _ep("F", "2016-09-01", "2016-12-01", "S", "E4A"),
]
# 2016: at 31 March A, B, E = 3; started B, D, E = 3; ceased D = 1.
# 2017: at 31 March A, C, E = 3; started C, F = 2;    ceased B, F = 2.


def _prepared(rows=HISTORY) -> pd.DataFrame:
    children = sorted({r[0] for r in rows})
    header = pd.DataFrame(
        {"CHILD": children, "SEX": "1", "DOB": pd.to_datetime(["2008-01-01"] * len(children)).astype("datetime64[ns]")}
    )
    header["YEAR"] = 2017
    return E.prepare(episodes_frame(rows), header)


def _published(values: dict, code: str = "999", name: str = "Testshire", new: str = "E10000999") -> pd.DataFrame:
    """A published table for one authority: {(measure, year): value}, NaN for not published."""
    rows = [
        {
            "year": year,
            "geographic_level": published.LOCAL_AUTHORITY,
            "new_la_code": new,
            "old_la_code": code,
            "la_name": name,
            "region_code": "E12000006",
            "region_name": "East of England",
            "measure": measure,
            "value": float(value),
            "marker": "",
            "release": "test",
            "source": "s000000",
        }
        for (measure, year), value in values.items()
    ]
    return pd.DataFrame(rows, columns=list(published.COLUMNS))


PUBLISHED = {
    ("cla_31_march", 2015): 10,  # a year the returns do not have: left out
    ("cla_31_march", 2016): 3,
    ("cla_31_march", 2017): 4,
    ("cla_started", 2016): 4,
    ("cla_started", 2017): 2,
    ("cla_ceased", 2016): np.nan,  # not published: left out
    ("cla_ceased", 2017): 2,
    ("cla_31_march", 2018): 9,  # after the returns: left out
}


# --------------------------------------------------------------------------- the reconciliation


def test_returns_counts_are_the_hand_counts():
    got = R.returns_counts(_prepared(), [2016, 2017])
    assert got.to_dict("list") == {
        "year": [2016, 2017],
        "cla_31_march": [3, 3],
        "cla_started": [3, 2],
        "cla_ceased": [1, 2],
    }


def test_reconciliation_known_answer():
    rec = R.compare(_prepared(), [2016, 2017], _published(PUBLISHED), "999")
    assert list(rec.columns) == list(R.COLUMNS)
    rows = [tuple(r) for r in rec.itertuples(index=False)]
    assert rows == [
        (2016, "cla_31_march", 3, 3, 0, 0.0),
        (2017, "cla_31_march", 3, 4, -1, -25.0),  # -1 / 4
        (2016, "cla_started", 3, 4, -1, -25.0),
        (2017, "cla_started", 2, 2, 0, 0.0),
        (2017, "cla_ceased", 2, 2, 0, 0.0),  # 2016 ceased was not published
    ]
    assert R.max_diff_pct(rec) == 25.0
    assert R.years_text(rec["year"]) == "2016-2017"
    assert R.cautions(rec).empty  # 25% apart, but by 1 child: not more than 5
    assert R.caution_text(rec, "Testshire") == ""
    assert not R.looks_like_another_authority(rec)  # 2016 agrees exactly


def _rec(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "measure", "returns", "published"])
    return R.reconcile(
        frame.pivot(index="year", columns="measure", values="returns").reset_index(),
        frame.pivot(index="year", columns="measure", values="published").reset_index(),
    )


def test_caution_needs_more_than_5_percent_and_more_than_5_children():
    rec = _rec(
        [
            (2016, "cla_31_march", 116, 110),  # +6 children, +5.5%: caution
            (2017, "cla_31_march", 206, 200),  # +6 children, +3.0%: no
            (2016, "cla_started", 15, 10),  # +5 children, +50%: no (not more than 5)
            (2017, "cla_started", 7, 0),  # +7 children, no percentage (published 0): caution
            (2016, "cla_ceased", 50, 50),
            (2017, "cla_ceased", 40, 50),  # -10 children, -20%: caution
        ]
    )
    far = R.cautions(rec)
    assert [(r.year, r.measure) for r in far.itertuples()] == [
        (2016, "cla_31_march"),
        (2017, "cla_started"),
        (2017, "cla_ceased"),
    ]
    assert np.isnan(rec.loc[(rec["measure"] == "cla_started") & (rec["year"] == 2017), "difference_pct"]).all()
    assert R.max_diff_pct(rec) == 50.0  # the NaN is left out
    text = R.caution_text(rec, "Testshire")
    assert text.startswith("Caution: the child-level returns differ from Testshire's published figures")
    assert "looked after at 31 march in 2016" in text
    assert "started to be looked after in 2017" in text and "ceased to be looked after in 2017" in text


def test_authority_looks_wrong_only_when_every_year_is_over_20_percent_apart():
    far = _rec([(2016, "cla_31_march", 463, 247), (2017, "cla_31_march", 501, 269)])  # +87.4%, +86.2%
    assert R.looks_like_another_authority(far)
    assert R.mismatch_text(far) == "2016: 463 in the returns, 247 published; 2017: 501 in the returns, 269 published"
    one_close = _rec([(2016, "cla_31_march", 463, 247), (2017, "cla_31_march", 300, 269)])  # +11.5% in 2017
    assert not R.looks_like_another_authority(one_close)
    exactly_20 = _rec([(2016, "cla_31_march", 120, 100)])  # 20.0% is not more than 20%
    assert not R.looks_like_another_authority(exactly_20)
    assert not R.looks_like_another_authority(R.reconcile(pd.DataFrame({"year": []}), pd.DataFrame({"year": []})))


def test_years_text_and_percent_text():
    assert R.years_text([2013, 2014, 2015, 2017]) == "2013-2015, 2017"
    assert R.years_text([]) == "none"
    assert R.percent_text(-3.8) == "\u22123.8%"
    assert R.percent_text(1.25) == "+1.2%"
    assert R.percent_text(0.0) == "0.0%"
    assert R.percent_text(float("nan")) == "\u2013"


def test_manifest_authority():
    manifest = json.loads((REPO / "data" / "ssda903" / "cambridgeshire-synthetic" / "manifest.json").read_text())
    assert R.manifest_authority(manifest) == "873"
    assert R.manifest_authority({"parameters": {"la": "Bedford"}}) == "Bedford"
    assert R.manifest_authority({}) is None
    assert R.manifest_authority({"synthetic": True, "parameters": {"la": " "}}) is None


def test_page_table_suppresses_small_returns_counts_and_their_differences():
    rec = R.compare(_prepared(), [2016, 2017], _published(PUBLISHED), "999")
    res = dq.DataQuality(data=None, dfe=None, reconciliation=rec, la_name="Testshire")
    spec = dq.reconciliation_table(res)
    assert "child-level" in spec["caption"]
    table = spec["table"]
    assert list(table.columns) == ["Measure", "Year", "Returns", "Published", "Difference", "Difference %"]
    # every count from the returns is 1 to 5 here: all hidden, with the differences that would give them back
    assert set(table["Returns"]) == {"c"}
    assert set(table["Difference"]) == {"c"} and set(table["Difference %"]) == {"c"}
    assert list(table["Published"]) == ["3", "4", "4", "2", "2"]  # DfE's figures, as published


def test_page_table_shows_large_counts_with_signed_differences():
    rec = _rec([(2016, "cla_31_march", 1210, 1200), (2016, "cla_ceased", 274, 277)])
    res = dq.DataQuality(data=None, dfe=None, reconciliation=rec, la_name="Testshire")
    table = dq.reconciliation_table(res)["table"]
    assert table.to_dict("list") == {
        "Measure": ["Looked after at 31 March", "Ceased to be looked after"],
        "Year": [2016, 2016],
        "Returns": ["1,210", "274"],
        "Published": ["1,200", "277"],
        "Difference": ["+10", "\u22123"],
        "Difference %": ["+0.8%", "\u22121.1%"],
    }


# --------------------------------------------------------------------------- the authority check


def _child(prepared, *, synthetic, manifest, years=(2016, 2017)) -> child_context.ChildData:
    return child_context.ChildData(
        source=Path("/tmp/returns"),
        synthetic=synthetic,
        years=tuple(years),
        findings=pd.DataFrame(),
        stacked=None,
        prepared=prepared,
        manifest=manifest,
    )


def _two_authorities(test_values: dict) -> pd.DataFrame:
    other = _published({("cla_31_march", 2016): 3}, code="998", name="Otherton", new="E10000998")
    return pd.concat([_published(test_values), other], ignore_index=True)


def test_synthetic_folder_made_for_another_authority_is_refused_naming_both():
    table = _two_authorities(PUBLISHED)
    la = published.resolve_la(table, "Testshire")
    data = _child(_prepared(), synthetic=True, manifest={"synthetic": True, "parameters": {"old_la_code": "998"}})
    for check in (True, False):  # the paper's check_authority does not let it through
        with pytest.raises(InputError) as err:
            child_context.check_authority(data, table, la, check=check)
        assert "SYNTHETIC data made for Otherton (998, E10000998)" in err.value.message
        assert "the paper is for Testshire (999, E10000999)" in err.value.message


def test_real_returns_far_from_the_published_counts_every_year_are_refused_unless_switched_off():
    far = {("cla_31_march", 2016): 10, ("cla_31_march", 2017): 12}  # returns 3 and 3: -70%, -75%
    table = _two_authorities(far)
    la = published.resolve_la(table, "999")
    data = _child(_prepared(), synthetic=False, manifest={})
    with pytest.raises(InputError) as err:
        child_context.check_authority(data, table, la)
    msg = err.value.message
    assert msg.startswith("data.ssda903: these returns do not look like Testshire's: ")
    assert "2016: 3 in the returns, 10 published; 2017: 3 in the returns, 12 published" in msg
    assert "data.check_authority: false" in msg
    child_context.check_authority(data, table, la, check=False)  # switched off: no error
    child_context.check_authority(data, _two_authorities(PUBLISHED), la)  # 2016 agrees: no error


def test_synthetic_folder_for_the_right_authority_passes():
    table = _two_authorities(PUBLISHED)
    data = _child(_prepared(), synthetic=True, manifest={"parameters": {"la": "Testshire"}})
    child_context.check_authority(data, table, published.resolve_la(table, "Testshire"))


def test_bedford_paper_on_the_cambridgeshire_synthetic_folder_exits_2_naming_both(tmp_path, cli):
    result = cli("build", str(paper_file(tmp_path, local_authority="Bedford")))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "SYNTHETIC data made for Cambridgeshire (873, E10000003)" in result.stderr
    assert "the paper is for Bedford (822, E06000055)" in result.stderr


@pytest.fixture(scope="module")
def real_copy(tmp_path_factory) -> Path:
    """The Cambridgeshire SYNTHETIC returns up to 2017, copied as if they were real (no SYNTHETIC, no manifest)."""
    src = REPO / "data" / "ssda903" / "cambridgeshire-synthetic"
    out = tmp_path_factory.mktemp("returns") / "some-returns"
    for year in range(2012, 2018):
        shutil.copytree(src / str(year), out / str(year))
    return out


def test_real_returns_of_another_authority_exit_2_with_years_and_counts(tmp_path, cli, real_copy):
    result = cli("build", str(paper_file(tmp_path, local_authority="Bedford", **{"data.ssda903": str(real_copy)})))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "these returns do not look like Bedford's" in result.stderr
    assert "2013: 463 in the returns, 247 published" in result.stderr  # Bedford published 247 at 31 March 2013
    # three children who started in March 2017 are first recorded in the 2018 return (late episodes), not here
    assert "2017: 683 in the returns, 265 published" in result.stderr


def test_check_authority_false_lets_them_through_and_provenance_records_it(tmp_path, real_copy):
    from analysis.build import provenance

    data = yaml.safe_load(DEFAULT_PAPER.read_text())
    data["local_authority"] = "Bedford"
    data["data"]["ssda903"] = str(real_copy)
    data["data"]["check_authority"] = False
    paper = load_paper(data)
    child_context.load(paper)  # no error
    record = provenance.authority_check(paper)
    assert record["checked"] is False and "data.check_authority: false" in record["note"]
    page = provenance.markdown(
        {
            "edition": "2018.1",
            "version": "2018.1",
            "built_at": "2026-01-01T00:00:00+00:00",
            "git": {"commit": None, "dirty": False},
            "data_vintage": "test",
            "environment": {"python": "3.11", "uv_lock_sha256": "0", "packages": {}},
            "notebooks": [],
            "paper": {"parameters": paper.parameters()},
            "inputs": [],
            "upstream_sources": [],
            "authority_check": record,
        }
    )
    assert (
        "- **Authority check:** **not checked**; switched off by the paper file (data.check_authority: false)" in page
    )
    assert provenance.authority_check(load_paper(DEFAULT_PAPER))["checked"] is True


def test_default_paper_reconciles_within_5_percent_every_year():
    ctx = context.load(DEFAULT_PAPER)
    res = dq.compute(ctx, child_context.load(ctx.paper))
    rec = res.reconciliation
    assert sorted(set(rec["year"])) == [2013, 2014, 2015, 2016, 2017]
    assert set(rec["measure"]) == set(R.MEASURES)
    assert (rec["difference_pct"].abs() <= R.CAUTION_PCT).all(), rec.to_string()
    figures = {f["name"]: f["value"] for f in dq.key_figures(res)}
    assert figures["reconciliation_years"] == "2013-2017"
    assert figures["reconciliation_max_diff_pct"] <= 5.0
    assert figures["reconciliation_caution"] == ""


def _calibration(years: dict) -> dict:
    return {"synthetic": True, "la": "Testshire", "years": years}


def test_calibration_table_sets_each_figure_synthetic_beside_published_each_year():
    report = _calibration(
        {
            "2016": {
                "cla_31_march": {"synthetic": 1210, "published": 1210.0},
                "cla_started": {"synthetic": 400, "published": 400.0},
                "cla_ceased": {"synthetic": 380, "published": 377.0},
                "uasc_31_march": {"synthetic": 3, "published": 4.0},  # a count of 1 to 5: suppressed
                "ceased_reason_shares": {"adoption": {"synthetic": 0.1138, "published": 0.1123}},
                "age_shares_31_march": {"16_over": {"synthetic": 0.25, "published": None}},
            },
            "2017": {
                "cla_31_march": {"synthetic": 1300, "published": 1300.0},
                "cla_started": {"synthetic": 410, "published": 410.0},
                "cla_ceased": {"synthetic": 320, "published": 321.0},
                "ceased_reason_shares": {"adoption": {"synthetic": 0.09, "published": 0.1}},
            },
            "2018": {"cla_31_march": {"synthetic": 1, "published": 1.0}},  # not among the years used
        }
    )
    table = dq.calibration_display(report, years=(2015, 2016, 2017))
    assert list(table.columns) == ["Figure", "2016", "2017"]
    assert table.set_index("Figure").to_dict("index") == {
        "Looked after at 31 March": {"2016": "1,210 (1,210)", "2017": "1,300 (1,300)"},
        "Started to be looked after": {"2016": "400 (400)", "2017": "410 (410)"},
        "Ceased to be looked after": {"2016": "380 (377)", "2017": "320 (321)"},
        "UASC looked after at 31 March": {"2016": "c (4)", "2017": "–"},
        "Ceased: adopted (% of leavers)": {"2016": "11.4% (11.2%)", "2017": "9.0% (10.0%)"},
        "Aged 16+ (% at 31 March)": {"2016": "25.0% (–)", "2017": "–"},
    }
    res = dq.DataQuality(data=None, dfe=None, reconciliation=_rec([]), la_name="Testshire", calibration=report)
    spec = dq.calibration_table(res)
    assert spec["population"] == dq.CALIBRATION_POPULATION and "SYNTHETIC" in spec["caption"]
    assert list(spec["table"].columns) == ["Figure", "2016", "2017", "2018"]  # no paper: every year


def test_calibration_table_for_real_returns_says_nothing_was_calibrated(tmp_path):
    table = dq.calibration_display(None)
    assert table.to_dict("list") == {"Calibration": ["the returns are real: no figure was calibrated"]}
    (tmp_path / "calibration.json").write_text(json.dumps(_calibration({})))
    real = _child(_prepared(), synthetic=False, manifest={})
    assert dq.calibration_report(dataclasses_replace(real, source=tmp_path)) is None  # real: never read
    made_up = dataclasses_replace(real, source=tmp_path, synthetic=True)
    assert dq.calibration_report(made_up) == _calibration({})
    assert dq.calibration_report(dataclasses_replace(made_up, source=tmp_path / "none")) is None


def test_default_paper_shows_its_calibration_for_the_paper_years():
    from analysis.report import charts, pagescan

    ctx = context.load(DEFAULT_PAPER)
    res = dq.compute(ctx, child_context.load(ctx.paper))
    spec = dq.calibration_table(res)
    table = spec["table"].set_index("Figure")
    assert list(table.columns) == ["2013", "2014", "2015", "2016", "2017"]
    rec = res.reconciliation[res.reconciliation["measure"] == "cla_31_march"].set_index("year")
    late = [d for d in res.calibration["deliberate_defects"] if d["kind"] == "late_start" and d["year"] == 2018]
    assert late  # a few children who started in March 2017 are first recorded in the 2018 return
    for y in table.columns:  # the whole synthetic history's stock matches DfE's exactly ...
        published = int(rec.loc[int(y), "published"])
        assert table.loc["Looked after at 31 March", y] == f"{published:,} ({published:,})"
        # ... and the returns up to the paper's year miss only the late children of its last year
        assert published - int(rec.loc[int(y), "returns"]) == (len(late) if y == "2017" else 0), y
    html = charts.table_html(**spec)
    assert f'data-population="{dq.CALIBRATION_POPULATION}"' in html
    assert pagescan.disclosure_problems(html) == []


def test_dfe_table_judges_false_positives_deliberate_defects_and_the_rest():
    table = pd.DataFrame(
        {
            "year": [2017, 2017, 2017],
            "rule": ["dfe-392b", "dfe-392b", "dfe-225"],
            "findings": [40.0, 7.0, 300.0],
            "message": ["no postcodes", "no postcodes", "reason missing"],
            "false_positive_reason": ["", "", "field not collected"],
            "deliberate_defect": ["home postcode left blank on purpose", "", ""],
        }
    )
    shown = dq.dfe_display(table)
    assert shown["Judged"].tolist() == [
        "deliberate defect of the SYNTHETIC data: home postcode left blank on purpose",
        "to investigate",
        "false positive: field not collected",
    ]
    assert shown["Findings"].tolist() == ["40", "7", "300"]
    assert dq._unexplained(table).tolist() == [False, True, False]
    # a summary committed before deliberate defects were judged has no such column
    assert dq._unexplained(table.drop(columns="deliberate_defect")).tolist() == [True, True, False]


def test_opening_page_carries_the_caution_near_the_top_only_with_the_data_quality_chapter():
    from conftest import default_paper

    from analysis.build.pages import opening_page
    from analysis.paper import parse_paper

    template = (REPO / "book" / "intro.md").read_text(encoding="utf-8")
    role = "{glue:text}`chapters/90_data_quality.ipynb::reconciliation_caution:s`"
    page = opening_page(template, parse_paper(default_paper()))
    assert role in page and page.index(role) < page.index("## 1. Background")
    assert role not in opening_page(template, parse_paper(default_paper(chapters=["care_numbers"])))
