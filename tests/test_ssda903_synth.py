"""The synthetic authority: deterministic, valid, labelled, and calibrated to published figures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.sources import published
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import load, synth
from analysis.sources.ssda903.validate import validate

DEFAULT = synth.DEFAULT_OUT
YEARS = list(range(2013, 2026))


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def model():
    ret = load.stack(load.load_return(DEFAULT))
    prepared = E.prepare(ret.tables["episodes"], ret.tables["header"])
    counts = E.counts_by_year(prepared, YEARS).set_index("year")
    return ret, prepared, counts


@pytest.fixture(scope="module")
def published_la():
    table = published.load_published()
    rows = table[table["old_la_code"] == "873"]
    return rows.pivot_table(index="year", columns="measure", values="value", aggfunc="first")


@pytest.mark.slow
def test_regenerating_the_default_gives_identical_files(tmp_path):
    params = __import__("json").loads((DEFAULT / "manifest.json").read_text())["parameters"]
    result = synth.generate(params["la"], *params["years"], params["seed"])
    synth.write(result, tmp_path / "again")
    assert _digest(tmp_path / "again") == _digest(DEFAULT)


@pytest.mark.slow
def test_a_different_seed_gives_different_children():
    a = synth.generate("Cambridgeshire", 2016, 2017, 1).returns[2017]["episodes"]
    b = synth.generate("Cambridgeshire", 2016, 2017, 2).returns[2017]["episodes"]
    assert not a.equals(b)


def test_labelled_synthetic():
    assert (DEFAULT / "SYNTHETIC").is_file()
    assert "SYNTHETIC" in (DEFAULT / "README.md").read_text()
    manifest = __import__("json").loads((DEFAULT / "manifest.json").read_text())
    assert manifest["synthetic"] is True and manifest["parameters"]["years"] == [2012, 2025]


def test_the_default_passes_the_report_validation_with_no_errors(model):
    raw = load.load_return(DEFAULT)
    findings = validate(raw)
    errors = findings[findings["severity"] == "error"]
    assert errors.empty, errors.head(10).to_string()
    # and each child's whole history, as a paper loads it (a child adopted comes back, if at all, as a new child)
    stacked = validate(load.stack(raw))
    assert (stacked["severity"] != "error").all(), stacked[stacked["severity"] == "error"].head(10).to_string()


@pytest.mark.parametrize(
    "measure, ours, tolerance",
    [
        ("cla_31_march", "cla_31_march", 0.0),
        ("cla_started", "cla_started", 0.0),
        ("cla_ceased", "cla_ceased", 0.03),
    ],
)
def test_counts_within_tolerance_of_published_every_year(model, published_la, measure, ours, tolerance):
    _, _, counts = model
    pub = published_la[measure].reindex(YEARS)
    rel = (counts[ours] - pub).abs() / pub
    assert (rel <= tolerance).all(), pd.DataFrame({"ours": counts[ours], "published": pub, "rel": rel}).to_string()


def _share_gap(ours: pd.DataFrame, pub: pd.DataFrame) -> pd.DataFrame:
    o = ours.div(ours.sum(axis=1), axis=0)
    p = pub.div(pub.sum(axis=1), axis=0)
    return (o - p).abs()


def test_ceased_reason_shares_close_to_published(model, published_la):
    _, _, counts = model
    # DfE suppresses "other reasons" and often child arrangements orders for a county, so the four
    # larger named reasons are compared as shares of their own total, in years none is suppressed.
    pairs = {
        "adoption": "ceased_adopted",
        "special_guardianship": "ceased_sgo",
        "return_home": "ceased_returned_home",
        "independent_living": "ceased_independent_living",
    }
    pub = published_la[list(pairs.values())].reindex(YEARS).dropna()
    assert len(pub) >= 4, f"too few years with all four reasons published: {list(pub.index)}"
    ours = counts[[f"ceased_{k}" for k in pairs]].loc[pub.index]
    ours.columns = list(pairs.values())
    pooled = (ours.sum() / ours.sum().sum() - pub.sum() / pub.sum().sum()).abs()
    assert (pooled <= 0.04).all(), pooled.to_string()
    assert (_share_gap(ours, pub) <= 0.12).all().all(), _share_gap(ours, pub).round(3).to_string()


def test_age_shares_at_31_march_close_to_published(model, published_la):
    _, _, counts = model
    pairs = {
        "age_under_1": "cla_age_under_1",
        "age_1_to_4": "cla_age_1_4",
        "age_5_to_9": "cla_age_5_9",
        "age_10_to_15": "cla_age_10_15",
        "age_16_and_over": "cla_age_16_over",
    }
    pub = published_la[list(pairs.values())].reindex(YEARS).dropna()
    ours = counts[list(pairs)].loc[pub.index]
    ours.columns = list(pairs.values())
    pooled = (ours.sum() / ours.sum().sum() - pub.sum() / pub.sum().sum()).abs()
    assert (pooled <= 0.05).all(), pooled.to_string()
    # and each year's, within 3 points: the exits are chosen by age band as well as by reason. One year
    # cannot be: in 2023 DfE's 16+ share jumps to 32% (24% in 2022), and 16-17 year-olds come only from
    # the children ageing into the band and the starters, whose ages are the published ones.
    gap = _share_gap(ours, pub)
    assert gap.loc[2023, "cla_age_16_over"] <= 0.06, gap.round(3).to_string()
    gap.loc[2023, "cla_age_16_over"] = 0.0
    assert (gap <= 0.03).all().all(), gap.round(3).to_string()


def test_placement_and_provider_shares_close_to_published(model, published_la):
    _, prepared, counts = model
    need = [
        "cla_placement_foster",
        "cla_placement_parents",
        "cla_provider_own",
        "cla_provider_private",
        "cla_provider_voluntary",
    ]
    assert all(m in published_la.columns for m in need)
    fostering = [c for c in counts.columns if c.endswith("fostering")]
    ours_foster = counts[fostering].sum(axis=1) / counts["cla_31_march"]
    pub = published_la.reindex(YEARS)
    pub_foster = pub["cla_placement_foster"] / pub["cla_31_march"]
    gap = (ours_foster - pub_foster).abs().dropna()
    assert len(gap) >= 8 and (gap <= 0.05).all(), gap.round(3).to_string()

    own, privvol = {}, {}
    for y in YEARS:
        on = E.looked_after_on(prepared, pd.Timestamp(y, 3, 31).date())
        own[y] = (on["PLACE_PROVIDER"] == "PR1").mean()
        privvol[y] = on["PLACE_PROVIDER"].isin(["PR4", "PR5"]).mean()
    pub_own = pub["cla_provider_own"] / pub["cla_31_march"]
    pub_pv = (pub["cla_provider_private"] + pub["cla_provider_voluntary"]) / pub["cla_31_march"]
    gap_own = (pd.Series(own) - pub_own).abs().dropna()
    gap_pv = (pd.Series(privvol) - pub_pv).abs().dropna()
    assert (gap_own <= 0.06).all(), gap_own.round(3).to_string()
    assert (gap_pv <= 0.06).all(), gap_pv.round(3).to_string()


def test_adoption_tables_agree_with_episodes(model):
    ret, prepared, _ = model
    ad1 = ret.tables["ad1"]
    adopted = prepared[prepared["REC"].isin(["E11", "E12"])]
    # every AD1 row is an adoption; a few adoptions lack their AD1 row, as in real returns (params.ADOPTION)
    assert set(ad1["CHILD"]) <= set(adopted["CHILD"])
    missing = set(adopted["CHILD"]) - set(ad1["CHILD"])
    assert 1 <= len(missing) <= 0.08 * adopted["CHILD"].nunique(), len(missing)
    placed = prepared[prepared["PLACE"].isin(["A3", "A4", "A5", "A6"])]
    assert set(adopted["CHILD"]) <= set(placed["CHILD"])
    assert (ad1["DATE_MATCH"] >= ad1["DATE_INT"]).all()


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError, match="--years"):
        synth.parse_years("2025-2012")
    with pytest.raises(InputError, match="--years"):
        synth.parse_years("soon")
    with pytest.raises(InputError, match="not a local authority"):
        synth.generate("Atlantis", 2016, 2017, 1)


#: Each path real returns take (issue 14, parts 1 and 3) and the fewest times it must occur in the default
#: data (counted from the returns by synth.calibration.path_counts; about half what seed 2018 gives).
PATH_MINIMUMS = {
    "children_with_more_than_one_period": 200,  # re-entry after going home or to relatives
    "uasc_starting_aged_15_to_17": 200,
    "left_at_18_care_leaver_codes": 400,  # E5, E6, E17, E7 on or after the 18th birthday
    "short_break_episodes_v3": 300,
    "short_break_episodes_v4": 10,
    "temporary_placements_t0_t4": 100,
    "same_carer_code_changes": 150,  # U6 -> U4 or U3 -> U1 with the same carers (RNE T/U)
    "foster_placements_becoming_adoptive_a3_a5": 25,
    "adoption_by_consent_a4": 10,
    "matched_before_placement_order": 10,
    "adoptive_placements_broken_down": 3,
    "adopted_by_foster_carers": 25,
    "adoptions_missing_ad1": 3,
    "previous_permanence_adopted_p1": 5,  # a new child adopted before (an adopted child comes back as new)
    "previous_permanence_special_guardianship_p2": 8,  # most: back after an order made here
    "previous_permanence_child_arrangements_p3": 8,
    "previous_permanence_unknown_p4": 2,
    # deliberate defects, as in a few real returns (judged as such in the DfE summary)
    "home_postcode_invalid": 4,
    "adoptions_missing_placed_for_adoption": 5,
    "late_episodes_added": 5,  # a child a year's return misses, the next adds
    "late_episodes_corrected": 15,  # a provider a year's return has wrong, the next corrects
}


def test_every_path_real_returns_take_occurs_in_the_default(model):
    from analysis.sources.ssda903.synth import calibration

    ret, prepared, _ = model
    seen = calibration.path_counts(ret, prepared, load.load_return(DEFAULT))
    short = {k: (seen[k], n) for k, n in PATH_MINIMUMS.items() if seen[k] < n}
    assert not short, short
    # UASC arrive mostly at 15-17
    assert seen["uasc_starting_aged_15_to_17"] >= 3 * seen["uasc_starting_under_15"], seen


def test_every_child_starting_from_april_2016_has_one_previous_permanence_row(model):
    _, prepared, _ = model
    raw = load.load_return(DEFAULT)
    ep, pp = raw.tables["episodes"], raw.tables["prev_perm"]
    assert sorted(pp["YEAR"].unique()) == list(range(2017, 2026))  # the table exists from 2016-17
    for y in range(2017, 2026):
        rows = pp[pp["YEAR"] == y]
        started = ep[(ep["YEAR"] == y) & (ep["RNE"] == "S") & (ep["DECOM"] >= pd.Timestamp(y - 1, 4, 1))]
        assert rows["CHILD"].is_unique and set(rows["CHILD"]) == set(started["CHILD"]), y
        assert rows.loc[rows["PREV_PERM"] == "Z1", ["LA_PERM", "DATE_PERM"]].isna().all().all()
        assert rows.loc[rows["PREV_PERM"] != "Z1", ["LA_PERM"]].notna().all().all()
    # a child back after an order made here carries it: P2 (special guardianship) or P3 (child arrangements),
    # this authority, the day the order was made (the day the earlier period ended)
    per = E.periods(prepared).sort_values(["CHILD", "start"])
    per["prev_rec"] = per.groupby("CHILD")["reason"].shift()
    per["prev_end"] = per.groupby("CHILD")["end"].shift()
    back = per[per["prev_rec"].isin(["E41", "E45", "E46", "E47", "E48"]) & (per["start"] >= pd.Timestamp(2016, 4, 1))]
    assert len(back) >= 10
    got = pp.set_index(["CHILD", "YEAR"])
    for child, rec, end, year in zip(back["CHILD"], back["prev_rec"], back["prev_end"], back["entry_year"]):
        row = got.loc[(child, int(year))]
        assert row["PREV_PERM"] == ("P3" if rec == "E41" else "P2"), child
        assert row["LA_PERM"] == "873" and row["DATE_PERM"] == end, child
    assert pp["DATE_PERM"].notna().sum() < (pp["PREV_PERM"] != "Z1").sum()  # a few dates only partly known


def test_late_episodes_are_in_the_stacked_history_and_missing_from_their_own_year(model):
    _, prepared, counts = model
    raw = load.load_return(DEFAULT)
    ep = raw.tables["episodes"]
    defects = __import__("json").loads((DEFAULT / "calibration.json").read_text())["deliberate_defects"]
    late = [(d["child"], d["year"]) for d in defects if d["kind"] == "late_start"]
    fixed = [(d["child"], d["year"]) for d in defects if d["kind"] == "provider_corrected"]
    assert len(late) >= 5 and len(fixed) >= 15
    first = E.periods(prepared).groupby("CHILD")["start"].min()
    for child, year in late:  # began in the last weeks of the year before; only the later return has it
        assert pd.Timestamp(year - 1, 2, 1) <= first[child] <= pd.Timestamp(year - 1, 3, 31), child
        assert sorted(ep.loc[ep["CHILD"] == child, "YEAR"].unique())[0] == year, child
    stacked = load.stack(raw).tables["episodes"]
    for child, year in fixed:  # the carried-over episode's provider differs; the stack keeps the later one
        rows = ep[(ep["CHILD"] == child) & ep["YEAR"].isin([year - 1, year])]
        carried = rows.groupby("DECOM")["PLACE_PROVIDER"].agg(["nunique", "last"])
        changed = carried[carried["nunique"] > 1]
        assert len(changed) == 1, child
        kept = stacked[(stacked["CHILD"] == child) & (stacked["DECOM"] == changed.index[0])]
        assert kept["PLACE_PROVIDER"].tolist() == [changed["last"].iloc[0]], child
    # the stacked history still matches DfE's counts exactly (test_counts_within_tolerance...); a year's own
    # return misses its late children
    for year in (2017, 2018):
        own = load.stack(load.load_return(DEFAULT / str(year), year=year))
        n = E.counts_by_year(E.prepare(own.tables["episodes"], own.tables["header"]), [year]).iloc[0]
        missing = sum(1 for _, y in late if y == year + 1)
        assert n["cla_31_march"] == counts.loc[year, "cla_31_march"] - missing, year


def test_the_report_validation_warns_of_each_deliberate_defect_it_checks(model):
    defects = __import__("json").loads((DEFAULT / "calibration.json").read_text())["deliberate_defects"]
    found = validate(load.stack(load.load_return(DEFAULT)))
    for rule, kind in (
        ("home-postcode-missing", "home_postcode_blank"),
        ("home-postcode-invalid", "home_postcode_invalid"),
        ("placed-for-adoption-missing", "placed_for_adoption_missing"),
    ):
        warned = found[found["rule"] == rule]
        assert (warned["severity"] == "warning").all()
        assert set(warned["child"]) == {d["child"] for d in defects if d["kind"] == kind}, rule


def test_at_least_5_percent_of_children_have_more_than_one_period(model):
    _, prepared, _ = model
    n = E.periods(prepared).groupby("CHILD").size()
    assert (n > 1).mean() >= 0.05, (n > 1).mean()
    # short breaks are in the returns but in no count
    assert prepared.attrs["dropped"]["short_breaks"] > 0


def test_calibration_json_sets_every_calibrated_figure_beside_the_published_one(model):
    report = __import__("json").loads((DEFAULT / "calibration.json").read_text())
    _, _, counts = model
    assert report["synthetic"] is True and sorted(map(int, report["years"])) == YEARS
    for y, fig in report["years"].items():
        for m in ("cla_31_march", "cla_started", "cla_ceased"):
            assert fig[m]["synthetic"] == counts.loc[int(y), m]
        assert fig["cla_31_march"]["synthetic"] == fig["cla_31_march"]["published"]
        assert fig["cla_started"]["synthetic"] == fig["cla_started"]["published"]
        for block in ("ceased_reason_shares", "age_shares_31_march", "placement_shares_31_march"):
            assert all({"synthetic", "published"} <= set(v) for v in fig[block].values())
    assert "REENTRY_HAZARD" in report["parameters"] and report["paths"]["children_with_more_than_one_period"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("la", ["Rutland", "Wigan", "Lancashire"])  # small unitary, metropolitan borough, county
def test_any_authority_matches_its_published_counts(tmp_path, la):
    folder = synth.write(synth.generate(la, 2017, 2019, 11), tmp_path / la)
    report = __import__("json").loads((folder / "calibration.json").read_text())
    assert report["la"] == published.resolve_la(published.load_published(), la).la_name
    for fig in report["years"].values():  # 2018 and 2019 (the first year's starters began before the data)
        assert fig["cla_31_march"]["synthetic"] == fig["cla_31_march"]["published"]
        assert fig["cla_started"]["synthetic"] == fig["cla_started"]["published"]
        pub = fig["cla_ceased"]["published"]
        assert abs(fig["cla_ceased"]["synthetic"] - pub) <= max(0.03 * pub, 1)
    findings = validate(load.stack(load.load_return(folder)))
    assert (findings["severity"] != "error").all(), findings[findings["severity"] == "error"].head().to_string()
