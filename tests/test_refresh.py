"""Tests of analysis.refresh: parsing on small hand-made files, and the real refresh.

The hand-made source tree mimics the layout of shared/data with a handful of
areas (England, one region, Cambridgeshire and Camden) so every rule can be
checked quickly: markers, thousands separators, BOMs, the mislabelled
population columns of CLA2019.csv, latest-release-wins with revisions, missing
columns and folders, and that nothing is written when a refresh fails.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.published import COLUMNS, DATA_DIR, MANIFEST_FILE, NEIGHBOUR_COLUMNS, REVISION_COLUMNS
from analysis.refresh import parse_cell, refresh

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUTPUTS = ("cla_published.csv", "revisions.csv", "statistical_neighbours.csv", "manifest.json")


def _write(path: Path, text: str, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.lstrip("\n").encode("utf-8"))


SFR_CLA_2013 = """
New_geog_code,geog_l,geog_c,geog_n,CLA_Mar2013,CLA_2013
E92000001,NATIONAL,999,ENGLAND,"68,110",95170
E12000006,REGION,F,EAST OF ENGLAND,5 670,8000
E12000007,REGION,H,INNER LONDON,4 430,6000
E09000007,LA,202,Camden,x,10
E10000003,LA,873,Cambridgeshire,463,700
"""

SFR_ADM_2013 = """
New_geog_code,geog_l,geog_c,geog_n,CLA_started2013,CLA_taken2013,,,
E92000001,NATIONAL,999,ENGLAND,28830,1,,,
E12000006,REGION,F,EAST OF ENGLAND,2430,1,,,
E09000007,LA,202,Camden,..,1,,,
E10000003,LA,873,Cambridgeshire,162,1,,,
"""

SFR_CEA_2013 = """
New_geog_code,geog_l,geog_c,geog_n,CLA_cease,CLA_cease16
E92000001,NATIONAL,999,ENGLAND,28460,9990
E12000006,REGION,F,EAST OF ENGLAND,2630,1
E09000007,LA,202,Camden,-,1
E10000003,LA,873,Cambridgeshire,163,77
"""

# CLA2019.csv: the population columns are labelled 2017, 2018 but belong to the
# rate years 2018, 2019 (as in the real file).
UD_CLA_2019 = """
LA_order,New_geog_code,geog_l,geog_c,geog_n,CLA_Mar2018,CLA_Mar2019,CLA_Pop2017,CLA_Pop2018,CLA_Rate2018,CLA_Rate2019
1,E92000001,NATIONAL,999,ENGLAND,75370,78150,11866960,11954620,64,65
2,E12000006,REGION,F,EAST OF ENGLAND,6000,6500,1300000,1310000,46,50
3,E09000007,LA,202,Camden,c,180,40000,40500,c,44
4,E10000003,LA,873,Cambridgeshire,700,772,134525,135719,52,57
"""

UD_ADM_2019 = """
LA_order,New_geog_code,geog_l,geog_c,geog_n,CLA_started2018,CLA_started2019,Started_CLA_Rate2018,Started_CLA_Rate2019
1,E92000001,NATIONAL,999,ENGLAND,32190,31680,27,27
3,E09000007,LA,202,Camden,90,c,22,c
4,E10000003,LA,873,Cambridgeshire,327,331,24,24
"""

UD_CEA_2019 = """
LA_order,New_geog_code,geog_l,geog_c,geog_n,CLA_cease2018,CLA_cease2019,Ceased_CLA_Rate2018,Ceased_CLA_Rate2019
1,E92000001,NATIONAL,999,ENGLAND,30050,29460,25,25
4,E10000003,LA,873,Cambridgeshire,318,261,24,19
"""

EES_HEAD_OLD = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,population_count,population_estimate,number,rate_per_10000\n"
)
EES_2024 = EES_HEAD_OLD + """
2024,Reporting year,National,E92000001,England,,,,,,Children looked after at 31 March each year,11998646,83630,70
2024,Reporting year,Regional,E92000001,England,E12000006,East of England,,,,Children looked after at 31 March each year,1400000,"7,000",50
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after at 31 March each year,140070,649,46
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children starting to be looked after each year,140070,232,17
2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,202,Camden,E09000007,Children looked after at 31 March each year,40000,170,43
2023,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after at 31 March each year,136924,632,46
2023,Reporting year,Local authority,E92000001,England,E12000006,East of England,909,Cumbria,E10000006,Children looked after at 31 March each year,x,low,z
"""

EES_HEAD_NEW = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n"
)
EES_2025 = EES_HEAD_NEW + """
2025,Reporting year,National,E92000001,England,,,,,,Children looked after on 31 March each year,12183016,81770,67
2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after on 31 March each year,142924,705,49
2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children ceasing to be looked after each year,142924,229,16
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after on 31 March each year,140070,631,45
2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,202,Camden,E09000007,Children looked after on 31 March each year,40000,170,43
"""

ONS = """
time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,age_group,population_estimate
2024,Reporting year,National,E92000001,England,,,,,,Children aged 0 to 17 years,12183016
2023,Reporting year,National,E92000001,England,,,,,,Children aged 0 to 17 years,12059476
2024,Reporting year,Regional,E92000001,England,E12000006,East of England,,,,Children aged 0 to 17 years,1420000
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,E10000003,Cambridgeshire,Children aged 0 to 17 years,142924
2023,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,E10000003,Cambridgeshire,Children aged 0 to 17 years,140070
2012,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,E10000003,Cambridgeshire,Children aged 0 to 17 years,128205
2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,202,E09000007,Camden,Children aged 0 to 17 years,x
"""

SN_2021 = """
LA num,LA Name,LA number,GOInd,GOReg,SN1,SNP,SN2,SNP,
873,Cambridgeshire,873,6,East of England,931,Very Close,916,Close ,
202,Camden,202,3,London (Inner),213,Very Close,,,
"""

SN_2025 = """
old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,SN_2,SN_2P
873,Cambridgeshire,6,East of England,931,Very close,202,Close 
"""


def make_source(root: Path) -> Path:
    """Write a small source tree laid out like shared/data; return its path."""
    dfe = root / "dfe-cla-la-level"
    _write(dfe / "sfr_2013_2017" / "SFR36_CLA2013.csv", SFR_CLA_2013)
    _write(dfe / "sfr_2013_2017" / "SFR36_ADM2013.csv", SFR_ADM_2013)
    _write(dfe / "sfr_2013_2017" / "SFR36_CEA2013.csv", SFR_CEA_2013)
    _write(dfe / "sfr_2018_2019" / "CLA2019.csv", UD_CLA_2019)
    _write(dfe / "sfr_2018_2019" / "ADM2019.csv", UD_ADM_2019)
    _write(dfe / "sfr_2018_2019" / "CEA2019.csv", UD_CEA_2019)
    _write(dfe / "ees_2020_2024" / "cla_number_and_rate_per_10k_children.csv", EES_2024, bom=True)
    _write(dfe / "ees_2021_2025_dashboard" / "cla_number_and_rate_per_10k_children.csv", EES_2025, bom=True)
    _write(root / "ons-population-0-17" / "ons_mid-year_population_estimates_2012_to_2024.csv", ONS)
    _write(root / "statistical-neighbours" / "New_Statistical_Neighbour_Groupings_April_2021.csv", SN_2021, bom=True)
    _write(root / "statistical-neighbours" / "sn_model_2025_wide.csv", SN_2025, bom=True)
    return root


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return make_source(tmp_path / "src")


def _table(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "cla_published.csv", dtype=str, keep_default_na=False)


def _get(table: pd.DataFrame, measure: str, year: int, code: str = "873", level: str = "Local authority") -> pd.Series:
    key = "old_la_code" if level == "Local authority" else "region_code"
    rows = table[
        (table["measure"] == measure)
        & (table["year"] == str(year))
        & (table["geographic_level"] == level)
        & ((table[key] == code) if level != "National" else True)
    ]
    assert len(rows) == 1, (measure, year, code, level, rows)
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("raw", "value", "marker"),
    [
        ("463", 463.0, ""),
        (" 1,234 ", 1234.0, ""),
        ("1 234", 1234.0, ""),
        ("12\u00a0183\u00a0016", 12183016.0, ""),
        ("57.5", 57.5, ""),
        ("0", 0.0, ""),
        ("x", math.nan, "x"),
        ("c", math.nan, "c"),
        ("z", math.nan, "z"),
        ("..", math.nan, ".."),
        (".", math.nan, "."),
        ("low", math.nan, "low"),
        (":", math.nan, ":"),
        ("-", math.nan, "-"),
        ("#VALUE!", math.nan, "#VALUE!"),
        ("nan", math.nan, "nan"),
        ("", math.nan, ""),
        (None, math.nan, ""),
    ],
)
def test_parse_cell(raw, value, marker):
    got_value, got_marker = parse_cell(raw)
    assert got_marker == marker
    assert (math.isnan(got_value) and math.isnan(value)) or got_value == value


def test_refresh_small_tree(source: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = refresh(source, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    table = _table(out)
    assert tuple(table.columns) == COLUMNS

    # Thousands separators and spaces parse; England has the E92 code and name.
    england = _get(table, "cla_31_march", 2013, level="National")
    assert (england["value"], england["new_la_code"], england["la_name"]) == ("68110", "E92000001", "England")
    assert _get(table, "cla_31_march", 2013, "E12000006", "Regional")["value"] == "5670"
    assert _get(table, "cla_31_march", 2024, "E12000006", "Regional")["value"] == "7000"
    # SFR region names are replaced by the EES spelling; Inner London gets its E13 code.
    assert _get(table, "cla_31_march", 2013, "E12000006", "Regional")["region_name"] == "East of England"
    assert _get(table, "cla_31_march", 2013, "E13000001", "Regional")["region_name"] == "Inner London"

    # Markers are kept, with a blank value.
    camden = _get(table, "cla_31_march", 2013, "202")
    assert (camden["value"], camden["marker"]) == ("", "x")
    assert _get(table, "cla_started", 2013, "202")["marker"] == ".."
    assert _get(table, "cla_ceased", 2013, "202")["marker"] == "-"
    cumbria = _get(table, "cla_31_march", 2023, "909")
    assert (cumbria["value"], cumbria["marker"]) == ("", "low")
    assert _get(table, "cla_31_march_rate", 2023, "909")["marker"] == "z"
    # ... but a marker in a later release does not hide a number from nowhere.
    assert _get(table, "population_0_17_ons", 2025, "202")["marker"] == "x"

    # LA regions are filled from the EES/ONS files; London boroughs are in London.
    cambs_2013 = _get(table, "cla_31_march", 2013)
    assert (cambs_2013["value"], cambs_2013["region_code"], cambs_2013["region_name"]) == ("463", "E12000006", "East of England")
    assert (camden["region_code"], camden["region_name"]) == ("E12000007", "London")

    # CLA2019.csv: CLA_Pop2017/CLA_Pop2018 are the populations of 2018/2019.
    assert _get(table, "population_0_17_dfe", 2019)["value"] == "135719"
    assert _get(table, "population_0_17_dfe", 2018)["value"] == "134525"
    assert _get(table, "cla_31_march_rate", 2019)["value"] == "57"
    assert any("matched by position" in n for n in summary.notes)

    # ONS mid-year YYYY becomes reporting year YYYY+1.
    assert _get(table, "population_0_17_ons", 2013)["value"] == "128205"
    assert _get(table, "population_0_17_ons", 2025)["value"] == "142924"

    # Latest release wins and the superseded value is recorded.
    latest = _get(table, "cla_31_march", 2024)
    assert (latest["value"], latest["release"]) == ("631", "2025 EES dashboard")
    assert latest["source"] == "dfe-cla-la-level/ees_2021_2025_dashboard/cla_number_and_rate_per_10k_children.csv"
    assert _get(table, "cla_31_march", 2023)["release"] == "2024 EES"  # only in the 2024 release
    assert _get(table, "cla_started", 2024)["value"] == "232"
    revisions = pd.read_csv(out / "revisions.csv", dtype=str, keep_default_na=False)
    assert tuple(revisions.columns) == REVISION_COLUMNS
    hit = revisions[(revisions["old_la_code"] == "873") & (revisions["year"] == "2024") & (revisions["measure"] == "cla_31_march")]
    assert hit[["old_value", "old_release", "new_value", "new_release"]].values.tolist() == [
        ["649", "2024 EES", "631", "2025 EES dashboard"]
    ]
    # Identical re-publications are not revisions (Camden 2024 is 170 in both).
    assert revisions[revisions["old_la_code"] == "202"].empty
    assert summary.revisions == len(revisions)

    # Statistical neighbours: both models, closeness stripped, names looked up.
    sn = pd.read_csv(out / "statistical_neighbours.csv", dtype=str, keep_default_na=False)
    assert tuple(sn.columns) == NEIGHBOUR_COLUMNS
    cambs = sn[(sn["old_la_code"] == "873")]
    assert cambs[["model", "rank", "neighbour_old_la_code", "closeness"]].values.tolist() == [
        ["2021", "1", "931", "Very Close"],
        ["2021", "2", "916", "Close"],
        ["2025", "1", "931", "Very close"],
        ["2025", "2", "202", "Close"],
    ]
    assert cambs[cambs["neighbour_old_la_code"] == "202"]["neighbour_la_name"].tolist() == ["Camden"]

    # Manifest: licence, releases and a sha256 per source file.
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    assert manifest["licence"] == "Open Government Licence v3.0"
    paths = {s["path"] for s in manifest["sources"]}
    assert "dfe-cla-la-level/sfr_2018_2019/CLA2019.csv" in paths
    assert len(paths) == 11
    assert {"Department for Education", "Office for National Statistics"} <= set(manifest["publishers"])

    text = str(summary)
    for word in ("rows", "cla_31_march", "2013-2025", "revisions", "source files"):
        assert word in text


def test_refresh_is_deterministic(source: Path, tmp_path: Path):
    refresh(source, tmp_path / "a")
    refresh(source, tmp_path / "b")
    for name in OUTPUTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_newer_release_folder_is_picked_up_and_wins(source: Path, tmp_path: Path):
    newer = EES_HEAD_NEW + (
        "2026,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,"
        "E10000003,Children looked after on 31 March each year,\"144,000\",720,50\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,"
        "E10000003,Children looked after on 31 March each year,142924,c,c\n"
    )
    _write(source / "dfe-cla-la-level" / "ees_2022_2026" / "cla_number_and_rate_per_10k_children.csv", newer)
    out = tmp_path / "out"
    refresh(source, out)
    table = _table(out)
    assert _get(table, "cla_31_march", 2026)["value"] == "720"
    assert _get(table, "population_0_17_dfe", 2026)["value"] == "144000"
    replaced = _get(table, "cla_31_march", 2025)
    assert (replaced["value"], replaced["marker"], replaced["release"]) == ("", "c", "2026 EES")
    revisions = pd.read_csv(out / "revisions.csv", dtype=str, keep_default_na=False)
    hit = revisions[(revisions["year"] == "2025") & (revisions["measure"] == "cla_31_march") & (revisions["old_la_code"] == "873")]
    assert hit[["old_value", "new_marker"]].values.tolist() == [["705", "c"]]


def _assert_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["cla_published.csv"]
    assert (out / "cla_published.csv").read_text() == "old\n"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".refresh-")]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "cla_published.csv").write_text("old\n")
    return out


def test_missing_column_names_file_and_column(source: Path, out_dir: Path):
    path = source / "dfe-cla-la-level" / "sfr_2013_2017" / "SFR36_CLA2013.csv"
    path.write_text(path.read_text().replace("CLA_Mar2013", "CLA_March_2013"))
    with pytest.raises(InputError) as err:
        refresh(source, out_dir)
    assert "SFR36_CLA2013.csv" in str(err.value) and "CLA_Mar2013" in str(err.value)
    _assert_untouched(out_dir)


def test_missing_ees_rate_column(source: Path, out_dir: Path):
    path = source / "dfe-cla-la-level" / "ees_2020_2024" / "cla_number_and_rate_per_10k_children.csv"
    path.write_bytes(path.read_bytes().replace(b"rate_per_10000", b"rate"))
    with pytest.raises(InputError) as err:
        refresh(source, out_dir)
    assert "ees_2020_2024/cla_number_and_rate_per_10k_children.csv" in str(err.value)
    assert "rate_per_10000" in str(err.value)
    _assert_untouched(out_dir)


def test_missing_neighbour_columns(source: Path, out_dir: Path):
    _write(source / "statistical-neighbours" / "sn_model_2025_wide.csv", "code,name\n873,Cambridgeshire\n")
    with pytest.raises(InputError, match=r"sn_model_2025_wide\.csv.*old_la_code"):
        refresh(source, out_dir)
    _assert_untouched(out_dir)


def test_missing_folder(source: Path, out_dir: Path):
    shutil.rmtree(source / "ons-population-0-17")
    with pytest.raises(InputError, match="ons-population-0-17"):
        refresh(source, out_dir)
    _assert_untouched(out_dir)


def test_missing_source_dir(tmp_path: Path, out_dir: Path):
    with pytest.raises(InputError, match="source folder not found"):
        refresh(tmp_path / "nowhere", out_dir)
    _assert_untouched(out_dir)


def test_population_columns_that_do_not_fit_the_rates(source: Path, out_dir: Path):
    path = source / "dfe-cla-la-level" / "sfr_2018_2019" / "CLA2019.csv"
    header, *rows = path.read_text().splitlines()
    # Populations in hundreds instead of children: they no longer reproduce the rates.
    cells = [row.split(",") for row in rows]
    fixed = [",".join(c[:7] + [str(int(c[7]) // 100), str(int(c[8]) // 100)] + c[9:]) for c in cells]
    path.write_text("\n".join([header, *fixed]) + "\n")
    with pytest.raises(InputError, match=r"CLA2019\.csv.*CLA_Pop"):
        refresh(source, out_dir)
    _assert_untouched(out_dir)


def test_failure_leaves_no_output_dir(source: Path, tmp_path: Path):
    (source / "dfe-cla-la-level" / "sfr_2018_2019" / "CLA2019.csv").unlink()
    out = tmp_path / "fresh"
    with pytest.raises(InputError, match=r"CLA\[0-9\]"):
        refresh(source, out)
    assert not out.exists()


def test_real_refresh_reproduces_committed_files(tmp_path: Path):
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared source data not found at {SHARED_DATA}; cannot re-derive data/published")
    out = tmp_path / "published"
    refresh(SHARED_DATA, out)
    for name in OUTPUTS:
        committed = DATA_DIR / name
        assert committed.is_file(), f"{committed} is missing: run the refresh and commit it"
        assert (out / name).read_bytes() == committed.read_bytes(), (
            f"{name} differs from data/published/{name}: re-run the refresh and commit the result"
        )
