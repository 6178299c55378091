"""Tests of analysis.sources.refresh: parsing on small hand-made files, and the real refresh.

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
from analysis.sources.published import (
    COLUMNS,
    DATA_DIR,
    MANIFEST_FILE,
    NEIGHBOUR_COLUMNS,
    REVISION_COLUMNS,
    load_neighbours,
)
from analysis.sources.refresh import EXTRACTORS, parse_cell, parse_years_months, refresh, source_id

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUTPUTS = ("cla_published.csv.gz", "revisions.csv", "statistical_neighbours.csv", "manifest.json")


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
EES_2024 = (
    EES_HEAD_OLD
    + """
2024,Reporting year,National,E92000001,England,,,,,,Children looked after at 31 March each year,11998646,83630,70
2024,Reporting year,Regional,E92000001,England,E12000006,East of England,,,,Children looked after at 31 March each year,1400000,"7,000",50
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after at 31 March each year,140070,649,46
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children starting to be looked after each year,140070,232,17
2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,202,Camden,E09000007,Children looked after at 31 March each year,40000,170,43
2023,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after at 31 March each year,136924,632,46
2023,Reporting year,Local authority,E92000001,England,E12000006,East of England,909,Cumbria,E10000006,Children looked after at 31 March each year,x,low,z
"""
)

EES_HEAD_NEW = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n"
)
EES_2025 = (
    EES_HEAD_NEW
    + """
2025,Reporting year,National,E92000001,England,,,,,,Children looked after on 31 March each year,12183016,81770,67
2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after on 31 March each year,142924,705,49
2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children ceasing to be looked after each year,142924,229,16
2024,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003,Children looked after on 31 March each year,140070,631,45
2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,202,Camden,E09000007,Children looked after on 31 March each year,40000,170,43
"""
)

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

SN_2025 = (
    "old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,SN_2,SN_2P\n"
    "873,Cambridgeshire,6,East of England,931,Very close,202,Close \n"  # trailing space: closeness is stripped
)

# The list in use before April 2021 (long form; SN00 is the authority itself).
SN_PRE2021 = """
la_number,la_name,sn_rank,sn_la_number,sn_la_name,sn_la_code_9digit
873,Cambridgeshire,SN00,873,Cambridgeshire,E10000003
873,Cambridgeshire,SN01,931,Oxfordshire,E10000025
873,Cambridgeshire,SN02,202,Camden,E09000007
202,Camden,SN00,202,Camden,E09000007
202,Camden,SN01,873,Cambridgeshire,E10000003
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
    return pd.read_csv(out / "cla_published.csv.gz", dtype=str, keep_default_na=False)


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
    assert (cambs_2013["value"], cambs_2013["region_code"], cambs_2013["region_name"]) == (
        "463",
        "E12000006",
        "East of England",
    )
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
    # The source column holds a short id that the manifest resolves to the file's path.
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    paths_by_id = {s["id"]: s["path"] for s in manifest["sources"]}
    assert (
        paths_by_id[latest["source"]]
        == "dfe-cla-la-level/ees_2021_2025_dashboard/cla_number_and_rate_per_10k_children.csv"
    )
    assert latest["source"] == source_id(paths_by_id[latest["source"]]) and len(latest["source"]) == 7
    assert set(table["source"]) <= set(paths_by_id)
    assert _get(table, "cla_31_march", 2023)["release"] == "2024 EES"  # only in the 2024 release
    assert _get(table, "cla_started", 2024)["value"] == "232"
    revisions = pd.read_csv(out / "revisions.csv", dtype=str, keep_default_na=False)
    assert tuple(revisions.columns) == REVISION_COLUMNS
    hit = revisions[
        (revisions["old_la_code"] == "873") & (revisions["year"] == "2024") & (revisions["measure"] == "cla_31_march")
    ]
    assert hit[["old_value", "old_release", "new_value", "new_release"]].values.tolist() == [
        ["649", "2024 EES", "631", "2025 EES dashboard"]
    ]
    assert (
        paths_by_id[hit["old_source"].iloc[0]]
        == "dfe-cla-la-level/ees_2020_2024/cla_number_and_rate_per_10k_children.csv"
    )
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
    assert manifest["licence"] == "Open Government Licence v3.0"
    paths = {s["path"] for s in manifest["sources"]}
    assert "dfe-cla-la-level/sfr_2018_2019/CLA2019.csv" in paths
    assert len(paths) == 11
    assert {"Department for Education", "Office for National Statistics"} <= set(manifest["publishers"])

    text = str(summary)
    for word in ("rows", "measures", "children looked after at 31 March", "2013-2025", "revisions", "source files"):
        assert word in text


def test_refresh_is_deterministic(source: Path, tmp_path: Path):
    refresh(source, tmp_path / "a")
    refresh(source, tmp_path / "b")
    for name in OUTPUTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_newer_release_folder_is_picked_up_and_wins(source: Path, tmp_path: Path):
    newer = EES_HEAD_NEW + (
        "2026,Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,"
        'E10000003,Children looked after on 31 March each year,"144,000",720,50\n'
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
    hit = revisions[
        (revisions["year"] == "2025") & (revisions["measure"] == "cla_31_march") & (revisions["old_la_code"] == "873")
    ]
    assert hit[["old_value", "new_marker"]].values.tolist() == [["705", "c"]]


def _assert_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["cla_published.csv.gz"]
    assert (out / "cla_published.csv.gz").read_text() == "old\n"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".refresh-")]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "cla_published.csv.gz").write_text("old\n")
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


@pytest.mark.slow  # re-derives every table from ../shared (about 10 s)
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


# --------------------------------------------------------------------------- breakdown extractors (unit tests)


def _parser(name: str):
    """The parse function of the registry entry ``name``."""
    return next(ex for ex in EXTRACTORS if ex.name == name).parse


def _parse(name: str, path: Path, text: str, bom: bool = False):
    _write(path, text, bom=bom)
    got = _parser(name)(path, f"{path.parent.name}/{path.name}")
    return got, got.frame.assign(year=got.frame["year"].astype(int))


def _cell(frame: pd.DataFrame, measure: str, year: int, code: str = "873", level: str = "Local authority") -> tuple:
    key = {"Local authority": "old_la_code", "Regional": "region_code", "National": "geographic_level"}[level]
    want = level if level == "National" else code
    rows = frame[
        (frame["measure"] == measure)
        & (frame["year"] == year)
        & (frame["geographic_level"] == level)
        & (frame[key] == want)
    ]
    assert len(rows) <= 1, rows
    if rows.empty:
        return None
    v, m = rows.iloc[0]["value"], rows.iloc[0]["marker"]
    return (None if math.isnan(v) else v, m)


def _wide_csv(columns: dict[str, list[str]], prefix: str = "New_geog_code,geog_l,geog_c,geog_n") -> str:
    """A wide SFR-style file: England, East of England, Cambridgeshire, Camden."""
    geo = [
        "E92000001,NATIONAL,999,ENGLAND",
        "E12000006,REGION,F,EAST OF ENGLAND",
        "E10000003,LA,873,Cambridgeshire",
        "E09000007,LA,202,Camden",
    ]
    lines = [prefix + "," + ",".join(columns)]
    for i, g in enumerate(geo):
        lines.append(g + "," + ",".join(values[i] for values in columns.values()))
    return "\n".join(lines) + "\n"


# Children looked after at 31 March 2016, SFR41 layout: "other placements" headed CLA_Miss.
SFR_CLA_2016_COLUMNS = {
    "CLA_Mar2016": ["70440", "6000", "607", "188"],
    "CLA_Fost": ["51850", "4500", "443", "105"],
    "CLA_Adopt": ["2940", "250", "29", "x"],
    "CLA_Parent": ["3810", "300", "6", "7"],
    "CLA_Ocom": ["3040", "200", "11", "x"],
    "CLA_Secure": ["7600", "600", "116", "65"],
    "CLA_Ores": ["960", "100", "x", "7"],
    "CLA_RSch": ["140", "30", "0", "0"],
    "CLA_Miss": ["100", "20", "0", "0"],
    "CLA_OwnP": ["30000", "3000", "227", "90"],
    "CLA_OthLA": ["1000", "100", "8", "x"],
    "CLA_OthPP": ["300", "30", "x", "0"],
    "CLA_Priv": ["25000", "2000", "292", "70"],
    "CLA_Vol": ["6000", "500", "72", "10"],
    "CLA_Par": ["3810", "300", "6", "7"],
    "CLA_Nrep": ["0", "0", "0", "0"],
    "CLA_U1": ["3700", "300", "28", "x"],
    "CLA_1to4": ["9000", "800", "58", "10"],
    "CLA_5to9": ["14000", "1200", "111", "30"],
    "CLA_10to15": ["27000", "2300", "244", "80"],
    "CLA_16over": ["16700", "1400", "166", "60"],
    "CLA_ICO": ["8810", "800", "96", "20"],
    "CLA_FCO": ["36640", "3100", "251", "90"],
    "CLA_FrAd": ["10", "0", "0", "0"],
    "CLA_PlaceO": ["5990", "500", "60", "x"],
    "CLA_S20": ["18730", "1500", "198", "70"],
    "CLA_CPG": ["40", "x", "x", "0"],
    "CLA_YJLS": ["240", "20", "x", "x"],
    "CLA_UASC": ["4210", "600", "61", "30"],
    "CLA_InBound": ["40000", "3500", "335", "90"],
    "CLA_Outbound": ["30000", "2500", "272", "98"],
}


def test_sfr_cla_breakdown(tmp_path: Path):
    got, frame = _parse("sfr_cla_breakdowns", tmp_path / "SFR41_CLA2016.csv", _wide_csv(SFR_CLA_2016_COLUMNS))
    assert got.release.name == "2016 SFR41"
    assert set(frame["year"]) == {2016}
    assert _cell(frame, "cla_placement_foster", 2016) == (443, "")
    assert _cell(frame, "cla_placement_other_residential", 2016) == (None, "x")  # suppressed cell kept with its marker
    # SFR41 heads "other placements" CLA_Miss (its metadata says CLA_OthPl).
    assert _cell(frame, "cla_placement_other", 2016, level="National") == (100, "")
    assert _cell(frame, "cla_placement_missing", 2016) is None
    assert any("CLA_Miss read as CLA_OthPl" in n for n in got.notes)
    assert _cell(frame, "cla_provider_own", 2016) == (227, "")
    assert _cell(frame, "cla_age_16_over", 2016, "202") == (60, "")
    assert _cell(frame, "cla_inside_la", 2016) == (335, "")
    assert _cell(frame, "cla_legal_other", 2016, "E12000006", "Regional") == (None, "x")
    assert _cell(frame, "cla_uasc", 2016, "E12000006", "Regional") == (600, "")
    assert _cell(frame, "cla_placement_foster", 2016, level="National") == (51850, "")
    # No percentages are published in the single-year SFR files, and nothing is derived.
    assert not frame["measure"].str.endswith("_pct").any()
    assert "cla_20_miles_or_less" not in set(frame["measure"])


def test_sfr_cla_breakdown_sums_2017_distance_and_rejects_missing_columns(tmp_path: Path):
    columns = {k: v for k, v in SFR_CLA_2016_COLUMNS.items() if k != "CLA_Miss"}
    columns = {("CLA_Mar2017" if k == "CLA_Mar2016" else k): v for k, v in columns.items()}
    columns |= {
        "CLA_OthPl": ["160", "20", "0", "0"],
        "CLA_InLA_LTE20": ["38000", "3000", "271", "48"],
        "CLA_OutLA_LTE20": ["17000", "1500", "70", "52"],
        "CLA_InLA_GT20": ["3000", "200", "83", "0"],
        "CLA_OutLA_GT20": ["11000", "900", "198", "x"],
        "CLA_InLA_NoInfo": ["2000", "100", "22", "42"],
        "CLA_OutLA_NoInfo": ["2500", "100", "47", "16"],
    }
    got, frame = _parse("sfr_cla_breakdowns", tmp_path / "SFR50_CLA2017.csv", _wide_csv(columns))
    # The 2017 distance totals are sums of the distance x locality cells ...
    assert _cell(frame, "cla_20_miles_or_less", 2017) == (341, "")
    assert _cell(frame, "cla_over_20_miles", 2017) == (281, "")
    assert _cell(frame, "cla_outside_la_over_20_miles", 2017) == (198, "")
    # ... blank with the marker of the suppressed part when a part is suppressed (never imputed).
    assert _cell(frame, "cla_over_20_miles", 2017, "202") == (None, "x")
    assert _cell(frame, "cla_placement_other", 2017) == (0, "")
    assert not got.notes

    del columns["CLA_Priv"]
    with pytest.raises(InputError, match=r"SFR50_CLA2017\.csv.*CLA_Priv"):
        _parse("sfr_cla_breakdowns", tmp_path / "bad" / "SFR50_CLA2017.csv", _wide_csv(columns))


def test_ud_cla_breakdown_percentages_and_uasc_series(tmp_path: Path):
    columns = {
        k: v
        for k, v in SFR_CLA_2016_COLUMNS.items()
        if k not in ("CLA_Miss", "CLA_UASC", "CLA_InBound", "CLA_Outbound")
    }
    columns = {("CLA_Mar2019" if k == "CLA_Mar2016" else k): v for k, v in columns.items()}
    columns |= {
        "CLA_Mar2018": ["75370", "6400", "700", "201"],
        "CLA_OthPl": ["440", "20", "c", "0"],
        "CLA_Fost_pc": ["72", "70", "73", "56"],
        "CLA_Oth_Pl_pc": ["1", "0", "c", "0"],
        "CLA_InLA": ["40000", "3500", "335", "90"],
        "CLA_OutLA": ["30000", "2500", "272", "98"],
        # Published as 0 for most authorities (as CLA2019.csv's CLA_InLA_pc): left out.
        "CLA_InLA_pc": ["0", "0", "0", "0"],
        "CLA_OutLA_pc": ["43", "42", "45", "52"],
        "CLA_UASC2018": ["4480", "500", "62", "25"],
        "CLA_UASC2019": ["5070", "600", "61", "30"],
        "CLA_UASC2018_pc": ["6", "8", "9", "12"],
        "CLA_UASC2019_pc": ["6", "9", "10", "16"],
        "CLA_3_Pl": ["8110", "600", "60", "c"],
        "CLA_3_Pl_pc": ["12", "9", "10", "c"],
        "CLA_2andhalfyears": ["25750", "2000", "194", "60"],
        "CLA_SamePl_2years": ["17680", "1400", "136", "40"],
        "CLA_SamePl_2years_pc": ["69", "70", "70", "67"],
        "CLA_NewPl_All_Place": ["87500", "7000", "782", "200"],
        "CLA_NewPl_InLA_LTE20": ["43760", "3000", "280", "61"],
        "CLA_NewPl_OutLA_LTE20": ["18020", "1500", "46", "55"],
        "CLA_NewPl_InLA_GT20": ["4150", "300", "92", "0"],
        "CLA_NewPl_OutLA_GT20": ["13670", "1200", "256", "c"],
        "CLA_NewPl_NoInfo": ["7900", "1000", "108", "84"],
        "CLA_NewPl_OutLA_GT20_pc": ["16", "17", "33", "c"],
    }
    # Twenty more authorities so that the percentage check has enough rows to judge.
    text = _wide_csv(columns, prefix="LA_order,New_geog_code,geog_l,geog_c,geog_n")
    header = text.splitlines()[0].split(",")
    cambs = text.splitlines()[3].split(",")
    extra = []
    for i in range(20):
        row = list(cambs)
        row[0], row[2], row[3] = f"E0600{i:04d}", str(800 + i), f"Authority {i}"
        extra.append(f"{10 + i}," + ",".join(row))
    lines = [",".join(header)] + [f"{i}," + line for i, line in enumerate(text.splitlines()[1:])] + extra
    got, frame = _parse("ud_cla_breakdowns", tmp_path / "CLA2019.csv", "\n".join(lines) + "\n")
    assert got.release.name == "2019 underlying data"
    assert _cell(frame, "cla_placement_foster_pct", 2019) == (73, "")
    assert _cell(frame, "cla_placement_other_pct", 2019) == (None, "c")  # CLA_Oth_Pl_pc spelling
    assert _cell(frame, "cla_outside_la_pct", 2019) == (45, "")
    assert _cell(frame, "cla_inside_la", 2019) == (335, "")
    assert _cell(frame, "cla_inside_la_pct", 2019) is None
    assert any("CLA_InLA_pc left out" in n for n in got.notes)
    # UASC: one count (and percentage) per year of the 5-year series.
    assert _cell(frame, "cla_uasc", 2018) == (62, "")
    assert _cell(frame, "cla_uasc_pct", 2018, "202") == (12, "")
    assert _cell(frame, "stability_3plus_placements", 2019) == (60, "")
    assert _cell(frame, "stability_3plus_placements_pct", 2019, "202") == (None, "c")
    assert _cell(frame, "stability_long_term_cohort", 2019) == (194, "")
    assert _cell(frame, "stability_long_term_same_placement_pct", 2019) == (70, "")
    assert _cell(frame, "new_placements_total", 2019) == (782, "")
    assert _cell(frame, "new_placements_over_20_miles", 2019) == (92 + 256, "")
    assert _cell(frame, "new_placements_outside_la", 2019) == (46 + 256, "")
    assert _cell(frame, "new_placements_outside_la", 2019, "202") == (None, "c")
    assert _cell(frame, "new_placements_outside_la_over_20_miles_pct", 2019) == (33, "")
    assert "new_placements_over_20_miles_pct" not in set(frame["measure"])  # not published, not derived


def test_sfr_started_by_age(tmp_path: Path):
    columns = {
        "CLA_started2014": ["30430", "2500", "290", "90"],  # SFR34_ADM2015.csv's mislabelled count
        "SCLA_U1": ["5000", "400", "49", "x"],
        "SCLA_1to4": ["5500", "450", "43", "10"],
        "SCLA_5to9": ["5000", "400", "45", "12"],
        "SCLA_10to15": ["9000", "700", "101", "40"],
        "SCLA_16over": ["6000", "500", "45", "25"],
    }
    got, frame = _parse("sfr_started_by_age", tmp_path / "SFR34_ADM2015.csv", _wide_csv(columns))
    assert got.release.name == "2015 SFR34"
    assert _cell(frame, "started_age_10_15", 2015) == (101, "")
    assert _cell(frame, "started_age_under_1", 2015, "202") == (None, "x")
    assert set(frame["measure"]) == {f"started_age_{a}" for a in ("under_1", "1_4", "5_9", "10_15", "16_over")}


def test_sfr_ceased_by_reason(tmp_path: Path):
    columns = {
        "CLA_cease2017": ["31250", "2600", "283", "160"],
        "CEA_male": ["17000", "1400", "169", "80"],
        "CEA_Adop1": ["3500", "300", "39", "10"],
        "CEA_Adop2": ["1000", "80", "x", "0"],
        "CEA_Died": ["50", "5", "0", "0"],
        "CEA_Taken": ["100", "10", "x", "0"],
        "CEA_ParPlan": ["7000", "600", "57", "40"],
        "CEA_ParNPlan": ["2000", "150", "18", "10"],
        "CEA_NoPar": ["1000", "80", "11", "5"],
        "CEA_CAO": ["1500", "120", "19", "6"],
        "CEA_SGO1": ["1500", "100", "11", "4"],
        "CEA_SGO2": ["2200", "200", "16", "6"],
        "CEA_IndLiv1": ["4000", "300", "39", "30"],
        "CEA_IndLiv2": ["900", "60", "16", "10"],
        "CEA_Residential": ["500", "40", "12", "9"],
        "CEA_Custody": ["300", "20", "x", "8"],
        "CEA_RemEnd": ["800", "60", "x", "7"],
        "CEA_AgeAssmt": ["100", "10", "8", "4"],
        "CEA_Abroad": ["200", "15", "x", "0"],
        "CEA_Other": ["4600", "450", "27", "11"],
    }
    got, frame = _parse("sfr_ceased_by_reason", tmp_path / "SFR50_CEA2017.csv", _wide_csv(columns))
    assert got.release.name == "2017 SFR50"
    assert _cell(frame, "ceased_adopted", 2017) == (None, "x")  # CEA_Adop2 suppressed: no imputation
    assert _cell(frame, "ceased_adopted", 2017, "202") == (10, "")
    assert _cell(frame, "ceased_sgo", 2017) == (27, "")
    assert _cell(frame, "ceased_cao", 2017) == (19, "")
    assert _cell(frame, "ceased_returned_home", 2017) == (75, "")
    assert _cell(frame, "ceased_independent_living", 2017) == (55, "")
    assert _cell(frame, "ceased_other", 2017) == (None, "x")
    # Camden has nothing suppressed: the six reasons add up to the published total.
    camden = sum(_cell(frame, m, 2017, "202")[0] for m in (
        "ceased_adopted", "ceased_sgo", "ceased_cao", "ceased_returned_home", "ceased_independent_living", "ceased_other"))  # fmt: skip
    assert camden == 160

    columns["CEA_NewReason"] = ["1", "1", "1", "1"]
    with pytest.raises(InputError, match=r"SFR50_CEA2017\.csv.*CEA_NewReason"):
        _parse("sfr_ceased_by_reason", tmp_path / "bad" / "SFR50_CEA2017.csv", _wide_csv(columns))


def test_sfr_files_with_totals_only_give_no_breakdowns(tmp_path: Path):
    got, frame = _parse("sfr_cla_breakdowns", tmp_path / "SFR36_CLA2013.csv", SFR_CLA_2013)
    assert frame.empty and "no breakdown columns" in got.notes[0]


EXTRACT_HEAD = "time_period,geographic_level,region_code,region_name,new_la_code,old_la_code,la_name,cla_group,characteristic,number,percentage\n"
LA_CAMBS = "Local authority,E12000006,East of England,E10000003,873,Cambridgeshire"
LA_CAMDEN = "Local authority,E13000001,Inner London,E09000007,202,Camden"
REGION_EAST = "Regional,E12000006,East of England,,,"


def test_ees_cla_31_march_by_characteristics(tmp_path: Path):
    rows = [
        f"2025,{LA_CAMBS},Placement,Foster placements,507,72",
        f"2025,{LA_CAMBS},Placement,Secure homes and children's homes,78,11",
        f"2025,{LA_CAMBS},Placement,Independent and semi-independent living arrangements/supported accommodation,94,13",
        f"2025,{LA_CAMBS},Placement,Placed for adoption,c,c",
        f"2025,{LA_CAMBS},Placement,Total,705,100",
        f"2025,{LA_CAMBS},Place providers,Own provision (by the LA),275,39",
        f"2025,{LA_CAMBS},Place providers,Other public provision (e.g. by a PCT etc),c,c",
        f'2025,{LA_CAMBS},Distance between home and placement and locality of placement,"4. Placed outside the LA boundary, more than 20 miles from home",229,32',
        f"2025,{LA_CAMBS},Legal status,Detained for child protection,0,0",
        f"2025,{LA_CAMBS},Unaccompanied asylum-seeking children,UASC,101,14",
        f"2025,{LA_CAMBS},Unaccompanied asylum-seeking children,Non-UASC,604,86",
        f"2025,{LA_CAMBS},Ethnicity,White,600,85",
        f"2025,{LA_CAMDEN},Age group,Under 1 year,5,k",
        f"2024,{LA_CAMBS},Placement,Other placements,21,3",
        f'2025,{REGION_EAST},Placement,Foster placements,"5,000",70',
    ]
    got, frame = _parse(
        "ees_cla_31_march_by_characteristics",
        tmp_path / "ees_2021_2025_dashboard" / "la_cla_on_31_march_by_characteristics_2021_2025_extract.csv",
        EXTRACT_HEAD + "\n".join(rows) + "\n",
    )
    assert got.release.name == "2025 EES dashboard"
    assert _cell(frame, "cla_placement_foster", 2025) == (507, "")
    assert _cell(frame, "cla_placement_foster_pct", 2025) == (72, "")
    # DfE's 2024 grouping is kept apart from the pre-2024 groups.
    assert _cell(frame, "cla_placement_secure_childrens_homes", 2025) == (78, "")
    assert _cell(frame, "cla_placement_independent_supported_pct", 2025) == (13, "")
    assert _cell(frame, "cla_placement_secure_homes_semi_independent", 2025) is None
    assert any("regrouped by DfE in the 2024 release" in n for n in got.notes)
    assert _cell(frame, "cla_placement_adoption", 2025) == (None, "c")
    assert _cell(frame, "cla_placement_other", 2024) == (21, "")
    assert _cell(frame, "cla_provider_other_public_pct", 2025) == (None, "c")
    assert _cell(frame, "cla_outside_la_over_20_miles", 2025) == (229, "")
    assert _cell(frame, "cla_legal_other", 2025) == (0, "")
    assert _cell(frame, "cla_uasc", 2025) == (101, "")
    assert _cell(frame, "cla_age_under_1_pct", 2025, "202") == (None, "k")
    assert _cell(frame, "cla_placement_foster", 2025, "E12000006", "Regional") == (5000, "")
    camden = frame[(frame["old_la_code"] == "202")].iloc[0]
    assert (camden["region_code"], camden["region_name"]) == ("E12000007", "London")
    assert not frame["measure"].str.contains("total|ethnic").any()

    bad = rows + [f"2025,{LA_CAMBS},Placement,Placed in a new kind of setting,1,0"]
    with pytest.raises(InputError, match="Placed in a new kind of setting"):
        _parse("ees_cla_31_march_by_characteristics", tmp_path / "bad" / "la_cla_on_31_march_by_characteristics.csv",
               EXTRACT_HEAD + "\n".join(bad) + "\n")  # fmt: skip


EES_LA_HEAD = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,cla_group,characteristic,number,percentage\n"
)
EES_CAMBS = "Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003"
EES_ENGLAND = "Reporting year,National,E92000001,England,,,,,"

CEASED_REASONS_EES = {
    "Adopted": "47",
    "Special guardianship orders": "27",
    "Residence order or child arrangement order granted": "8",
    "Returned home to live with parents or other person with parental responsibility which was part of the care planning process": "20",
    "Returned home to live with parents or other person with parental responsibility which was not part of the care planning process": "5",
    "Moved into independent living (with supportive accommodation)": "50",
    "Moved into independent living (with no formalised support)": "9",
    "Died": "0",
    "Care taken by another local authority": "0",
    '"Left care to live with parents, relatives or other person with no parental responsibility"': "4",
    "Transferred to residential care funded by adult social services": "3",
    "Sentenced to custody": "2",
    "Accommodation on remand ended": "6",
    "Age assessment determined child aged 18 or over": "1",
    "Child moved abroad": "0",
    "Aged 18 (or over) and remained with current carers": "30",
    "Care ceased for any other reason": "31",
}


def test_ees_ceased_by_reason(tmp_path: Path):
    rows = [f"2022,{EES_CAMBS},Reason episode ceased,{k},{v},1" for k, v in CEASED_REASONS_EES.items()]
    rows.append(f"2022,{EES_CAMBS},Reason episode ceased,Total,243,100")
    rows.append(f"2022,{EES_CAMBS},Age on ceasing,Total,243,100")
    # 2021: one of the 'other' reasons suppressed.
    rows += [
        f"2021,{EES_CAMBS},Reason episode ceased,{k},{'c' if k == 'Died' else v},1"
        for k, v in CEASED_REASONS_EES.items()
    ]
    got, frame = _parse("ees_ceased_by_reason", tmp_path / "ees_2018_2022" / "la_children_who_ceased_during_year.csv",
                        EES_LA_HEAD + "\n".join(rows) + "\n")  # fmt: skip
    assert got.release.name == "2022 EES"
    six = {m: _cell(frame, m, 2022) for m in (
        "ceased_adopted", "ceased_sgo", "ceased_cao", "ceased_returned_home", "ceased_independent_living", "ceased_other")}  # fmt: skip
    assert six == {
        "ceased_adopted": (47, ""),
        "ceased_sgo": (27, ""),
        "ceased_cao": (8, ""),
        "ceased_returned_home": (25, ""),
        "ceased_independent_living": (59, ""),
        "ceased_other": (77, ""),
    }
    assert sum(v for v, _ in six.values()) == 243
    assert _cell(frame, "ceased_other", 2021) == (None, "c")
    assert _cell(frame, "ceased_adopted", 2021) == (47, "")
    assert not frame["measure"].str.endswith("_pct").any()


def test_ees_started_stability_and_new_placements(tmp_path: Path):
    started = [
        f"2022,{EES_CAMBS},Age group,Under 1 year,37,19",
        f"2022,{EES_CAMBS},Age group,16 years and over,c,c",
        f"2022,{EES_CAMBS},Age group,Total,195,100",
        f"2022,{EES_CAMBS},Gender,Total,195,100",
    ]
    _, frame = _parse("ees_started_by_age", tmp_path / "ees_2018_2022" / "la_cla_who_started_to_be_looked_after.csv",
                      EES_LA_HEAD + "\n".join(started) + "\n")  # fmt: skip
    assert _cell(frame, "started_age_under_1", 2022) == (37, "")
    assert _cell(frame, "started_age_16_over", 2022) == (None, "c")

    head = EES_LA_HEAD.replace("characteristic", "placement_stability")
    long_term = "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
    stability = [
        f"2024,{EES_CAMBS},CLA on 31 March,With 3 or more placements during the year,58,9",
        f"2024,{EES_CAMBS},CLA on 31 March,Total children,649,100",
        f"2024,{EES_CAMBS},{long_term},Living with the same carer for at least 2 years,151,75",
        f"2024,{EES_CAMBS},{long_term},Total children,202,100",
        f"2024,{EES_CAMBS},CLA 2 years on 31 March,With 3 or more placements during the previous 2 years,84,18",
        f"2024,{EES_CAMBS},CLA 2 years on 31 March,Total children,468,100",
        f"2024,{EES_ENGLAND},CLA on 31 March,With 3 or more placements during the year,8690,10",
    ]
    got, frame = _parse("ees_placement_stability", tmp_path / "ees_2020_2024" / "la_cla_placement_stability.csv",
                        head + "\n".join(stability) + "\n")  # fmt: skip
    assert _cell(frame, "stability_3plus_placements", 2024) == (58, "")
    assert _cell(frame, "stability_3plus_placements_pct", 2024, level="National") == (10, "")
    assert _cell(frame, "stability_long_term_same_placement", 2024) == (151, "")
    assert _cell(frame, "stability_long_term_same_placement_pct", 2024) == (75, "")
    assert _cell(frame, "stability_long_term_cohort", 2024) == (202, "")
    assert _cell(frame, "stability_3plus_placements_2_years", 2024) == (84, "")
    assert _cell(frame, "stability_2_years_cohort", 2024) == (468, "")
    assert any("same carer" in n for n in got.notes)

    new = [
        f"2024,{EES_CAMBS},Location of new placements during the year,Total new placements,706,100",
        f"2024,{EES_CAMBS},Location of new placements during the year,Placed inside LA boundary less than 20 miles from home,203,29",
        f"2024,{EES_CAMBS},Location of new placements during the year,Placed outside LA boundary less than 20 miles from home,55,8",
        f"2024,{EES_CAMBS},Location of new placements during the year,Placed inside LA boundary more than 20 miles from home,75,11",
        f"2024,{EES_CAMBS},Location of new placements during the year,Placed outside LA boundary more than 20 miles from home,190,27",
        f"2024,{EES_CAMBS},Location of new placements during the year,Distance not known or not recorded,183,26",
        f"2023,{EES_CAMBS},Location of new placements during the year,Placed inside LA boundary more than 20 miles from home,c,c",
        f"2023,{EES_CAMBS},Location of new placements during the year,Placed outside LA boundary more than 20 miles from home,177,28",
        f"2024,{EES_CAMBS},Reason for placement change during the year,Other,10,1",
    ]
    _, frame = _parse("ees_new_placements", tmp_path / "ees_2020_2024" / "la_cla_during_year_new_placements.csv",
                      EES_LA_HEAD + "\n".join(new) + "\n")  # fmt: skip
    assert _cell(frame, "new_placements_total", 2024) == (706, "")
    assert _cell(frame, "new_placements_over_20_miles", 2024) == (265, "")
    assert _cell(frame, "new_placements_outside_la", 2024) == (245, "")
    assert _cell(frame, "new_placements_distance_not_known_pct", 2024) == (26, "")
    assert _cell(frame, "new_placements_over_20_miles", 2023) == (None, "c")
    # 2023 lacks the outside-LA, 20-miles-or-less cell: no sum, and no row.
    assert _cell(frame, "new_placements_outside_la", 2023) is None


@pytest.mark.parametrize(
    ("raw", "value", "marker"),
    [
        ("1:11", 23.0, ""),
        ("02:03", 27.0, ""),
        ("0:9", 9.0, ""),
        ("2:0", 24.0, ""),
        ("c", math.nan, "c"),
        ("", math.nan, ""),
    ],
)
def test_parse_years_months(raw, value, marker):
    got_value, got_marker = parse_years_months(raw)
    assert got_marker == marker
    assert (math.isnan(got_value) and math.isnan(value)) or got_value == value


ADOPTION_HEAD = "time_period,time_identifier,geographic_level,country_code,country_name,cla_group,stage_of_adoption_process,age_start_poc,number\n"
ADOPTION_ENGLAND = "Reporting year,National,E92000001,England,Age on starting final period of care"


def test_adoption_timeliness(tmp_path: Path):
    rows = [
        f"2022,{ADOPTION_ENGLAND},1. Average time between entry into care and decision that child should be placed for adoption,Total,0:8",
        f"2022,{ADOPTION_ENGLAND},1. Average time between entry into care and decision that child should be placed for adoption,Aged 1,0:9",
        f"2022,{ADOPTION_ENGLAND},6. Total average time between entry into care and adoption,Total,2:3",
        f"2022,{ADOPTION_ENGLAND},3. Average time between date of matching and date placed for adoption,Total,c",
        f"2021,{ADOPTION_ENGLAND},Children adopted during the year who were placed for adoption within 12 months of an agency decision that the child should be placed for adoption,Total,2160",
    ]
    got, frame = _parse("ees_adoption_timeliness", tmp_path / "ees_2018_2022" / "national_cla_adopted_average_time_between_adoption_process_stages.csv",
                        ADOPTION_HEAD + "\n".join(rows) + "\n")  # fmt: skip
    assert got.release.name == "2022 EES"
    assert _cell(frame, "adoption_months_care_to_decision", 2022, level="National") == (8, "")  # all ages, not "Aged 1"
    assert _cell(frame, "adoption_months_care_to_adoption", 2022, level="National") == (27, "")
    assert _cell(frame, "adoption_months_match_to_placement", 2022, level="National") == (None, "c")
    assert _cell(frame, "adoption_placed_within_12_months_of_decision", 2021, level="National") == (2160, "")
    assert set(frame["geographic_level"]) == {"National"} and set(frame["new_la_code"]) == {"E92000001"}

    bad = rows + [
        f"2022,{ADOPTION_ENGLAND},2. Average time between decision that child should be placed for adoption and matching of child and adopters,Total,240"
    ]
    with pytest.raises(InputError, match="not a duration"):
        _parse("ees_adoption_timeliness", tmp_path / "bad" / "x.csv", ADOPTION_HEAD + "\n".join(bad) + "\n")


OFSTED_2018 = """
,England,East of England,Cambridgeshire,London,Inner London,Camden,London Tri-borough,Westminster
"Number of children/young people in placements (at 31 March)","53,040",2975,225,3670,1420,80,225,..
Total approved households ,43475,2140,185,2000,800,70,100,..
Number of approved foster places,87120,4000,360,4000,1500,120,200,..
Number of filled places,53205,2975,225,3670,1420,80,225,..
Number of initial enquiries from new prospective fostering households,117335,1760,525,3000,1000,100,90,..
Number of applications approved,4920,170,20,275,120,..,5,..
Total applications concluded or in progress at 31 March,14280,395,50,795,245,20,30,..
Number of family and friends households approved in year,2845,195,15,255,120,10,5,..
De-registered to facilitate a transfer to a local authority,220,0,0,0,0,0,0,..
"Total households de-registered between 1 April and 31 March""\",8740,500,15,700,300,10,10,..
"""


def test_ofsted_fostering_names_mapped_to_dfe_codes(source: Path, tmp_path: Path):
    _write(source / "ofsted-fostering-la" / "Fostering_in_England_2017-18_dataset.csv", OFSTED_2018)
    # DfE figures for 2018 so that names can be matched for that year.
    ud = source / "dfe-cla-la-level" / "sfr_2018_2019" / "CLA2019.csv"
    header, *rows = ud.read_text().splitlines()
    ud.write_text("\n".join([header, *rows, "5,E09000033,LA,213,Westminster,90,95,40000,40500,22,23"]) + "\n")
    out = tmp_path / "out"
    summary = refresh(source, out)
    table = _table(out)
    assert _get(table, "fostering_households", 2018)["value"] == "185"
    assert _get(table, "fostering_households", 2018)["release"] == "Ofsted 2017-18"
    assert _get(table, "fostering_children_placed", 2018, level="National")["value"] == "53040"
    assert _get(table, "fostering_places", 2018, "E12000006", "Regional")["value"] == "4000"
    assert _get(table, "fostering_places", 2018, "E13000001", "Regional")["region_name"] == "Inner London"
    # 2017-18: households approved in year = mainstream approvals + family and friends (a sum of published cells).
    assert _get(table, "fostering_approvals", 2018)["value"] == "35"
    assert (
        _get(table, "fostering_approvals", 2018, "202")["value"],
        _get(table, "fostering_approvals", 2018, "202")["marker"],
    ) == ("", "..")
    assert _get(table, "fostering_applications_concluded_or_in_progress", 2018)["value"] == "50"
    assert table[(table["measure"] == "fostering_applications")].empty
    assert _get(table, "fostering_deregistrations", 2018)["value"] == "15"
    westminster = _get(table, "fostering_households", 2018, "213")
    assert (westminster["value"], westminster["marker"], westminster["new_la_code"]) == ("", "..", "E09000033")
    # The combined tri-borough service is not an authority: left out and reported.
    assert any("London Tri-borough" in n for n in summary.notes)
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    assert "Ofsted" in manifest["publishers"]
    assert any(r["name"] == "Ofsted 2017-18" and r["publisher"] == "Ofsted" for r in manifest["releases"])
    assert "Ofsted" in manifest["attribution"]


def test_ofsted_file_without_expected_rows(source: Path, out_dir: Path):
    _write(source / "ofsted-fostering-la" / "Fostering_in_England_2017-18_dataset.csv", ",England\nSomething else,1\n")
    with pytest.raises(InputError, match=r"Fostering_in_England_2017-18_dataset\.csv.*missing row"):
        refresh(source, out_dir)
    _assert_untouched(out_dir)


# --------------------------------------------------------------------------- statistical neighbours: the 2018 model

SN_PRE2021_NAME = "DfE_childrens_services_statistical_neighbours_pre2021_smapey.csv"
RAW_SMAPEY_NAME = "raw_smapey_combined_long_data_2019_R_v1_postbeta_sup.csv"


def test_pre2021_neighbour_list_is_model_2018(source: Path, tmp_path: Path):
    _write(source / "statistical-neighbours" / SN_PRE2021_NAME, SN_PRE2021)
    # The raw original has none of the expected columns: it must be skipped, not read.
    _write(source / "statistical-neighbours" / RAW_SMAPEY_NAME, "LA_Name,LEA_Number,SN\nCambridgeshire,873,SN01\n")
    _write(source / "dfe-lait" / "lait_data_dictionary.csv", "Short Desc,Data item\nLAC,Children looked after\n")
    _write(source / "dfe-lait" / "SOURCES.md", "# LAIT\n")
    out = tmp_path / "out"
    summary = refresh(source, out)

    sn = pd.read_csv(out / "statistical_neighbours.csv", dtype=str, keep_default_na=False)
    assert tuple(sn.columns) == NEIGHBOUR_COLUMNS
    assert list(dict.fromkeys(sn["model"])) == ["2018", "2021", "2025"]
    old = sn[sn["model"] == "2018"]
    # SN00 (the authority itself) is dropped; no closeness in this list; names from the list itself.
    assert old.values.tolist() == [
        ["2018", "202", "Camden", "1", "873", "Cambridgeshire", ""],
        ["2018", "873", "Cambridgeshire", "1", "931", "", ""],
        ["2018", "873", "Cambridgeshire", "2", "202", "Camden", ""],
    ]

    manifest = json.loads((out / MANIFEST_FILE).read_text())
    by_path = {s["path"]: s for s in manifest["sources"]}
    entry = by_path[f"statistical-neighbours/{SN_PRE2021_NAME}"]
    assert (entry["release"], entry["output"]) == ("statistical neighbours 2018 model", "statistical_neighbours.csv")
    assert f"statistical-neighbours/{RAW_SMAPEY_NAME}" not in by_path
    skipped = {s["path"]: s for s in manifest["skipped"]}
    assert set(skipped) == {f"statistical-neighbours/{RAW_SMAPEY_NAME}", "dfe-lait/lait_data_dictionary.csv"}
    assert "derived" in skipped[f"statistical-neighbours/{RAW_SMAPEY_NAME}"]["reason"]
    assert "not derived yet" in skipped["dfe-lait/lait_data_dictionary.csv"]["reason"]
    assert all(len(s["sha256"]) == 64 and s["bytes"] > 0 for s in skipped.values())
    assert summary.skipped == 2
    assert "not read" in str(summary)


def test_small_tree_without_skipped_files_has_no_skipped_list(source: Path, tmp_path: Path):
    refresh(source, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / MANIFEST_FILE).read_text())
    assert "skipped" not in manifest


def test_pre2021_neighbour_list_sn00_must_be_the_authority(source: Path, out_dir: Path):
    _write(
        source / "statistical-neighbours" / SN_PRE2021_NAME,
        SN_PRE2021.replace("873,Cambridgeshire,SN00,873", "873,Cambridgeshire,SN00,931"),
    )
    with pytest.raises(InputError, match=r"pre2021_smapey\.csv: SN00 of 873 is 931"):
        refresh(source, out_dir)
    _assert_untouched(out_dir)


def _committed_neighbours(model: int, code: str) -> list[tuple[str, str]]:
    """(neighbour code, name) in rank order from the committed data/published/statistical_neighbours.csv."""
    sn = load_neighbours()
    rows = sn[(sn["model"] == model) & (sn["old_la_code"] == code)].sort_values("rank")
    assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
    return list(zip(rows["neighbour_old_la_code"], rows["neighbour_la_name"]))


def test_committed_2018_model_cambridgeshire_matches_the_source_file():
    expected = [
        ("931", "Oxfordshire"),
        ("916", "Gloucestershire"),
        ("850", "Hampshire"),
        ("865", "Wiltshire"),
        ("800", "Bath and North East Somerset"),
        ("869", "West Berkshire"),
        ("938", "West Sussex"),
        ("919", "Hertfordshire"),
        ("885", "Worcestershire"),
        ("803", "South Gloucestershire"),
    ]
    assert _committed_neighbours(2018, "873") == expected
    path = SHARED_DATA / "statistical-neighbours" / SN_PRE2021_NAME
    if path.is_file():  # and the list is the one in the source file, SN01..SN10 in order
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows = raw[(raw["la_number"] == "873") & (raw["sn_rank"] != "SN00")].sort_values("sn_rank")
        assert list(zip(rows["sn_la_number"], rows["sn_la_name"])) == expected
    # The April 2021 model is a different list (a 2018 paper may still choose it, with a note on the claims page).
    assert _committed_neighbours(2021, "873") != expected


def test_committed_2018_model_trafford():
    assert _committed_neighbours(2018, "358")[:4] == [
        ("334", "Solihull"),
        ("919", "Hertfordshire"),
        ("305", "Bromley"),
        ("356", "Stockport"),
    ]
    assert len(_committed_neighbours(2018, "358")) == 10
