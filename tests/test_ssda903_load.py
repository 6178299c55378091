"""Tests of analysis.sources.ssda903.load: file formats, folder layouts, types and stack()."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.load import FINDING_COLUMNS, Return903, load_return, parse_year, stack, year_label

EP_COLS = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
HD_COLS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def one_year(header_rows: list[str] | None = None, episode_rows: list[str] | None = None) -> dict[str, str]:
    header_rows = header_rows or ["0001,1,14/03/2009,WBRI,,,", "0002,2,02/11/2005,BAFR,,,"]
    episode_rows = episode_rows or [
        "0001,01/06/2016,S,C2,N1,U4,PR1,,,,,,",
        "0002,01/07/2016,S,V2,N4,U1,PR1,01/12/2016,E4A,,,,",
    ]
    return {
        "header.csv": "\n".join([HD_COLS, *header_rows]) + "\n",
        "episodes.csv": "\n".join([EP_COLS, *episode_rows]) + "\n",
    }


def rules(ret: Return903) -> list[str]:
    return ret.findings["rule"].tolist()


# --------------------------------------------------------------------------- formats


def test_both_date_formats_per_value_and_blank_dates(tmp_path):
    files = one_year(
        episode_rows=[
            "0001,2016-06-01,S,C2,N1,U4,PR1,2016-09-30,X1,,,,",
            "0001,30/09/2016,P,C2,N1,U5,PR1,,,,,,",
            "0002,1/7/2016,S,V2,N4,U1,PR1,2016-12-01,E4A,,,,",
        ]
    )
    ret = load_return(write(tmp_path / "la", files), year=2017)
    ep = ret.tables["episodes"]
    assert ep["DECOM"].dtype == "datetime64[ns]" and ep["DEC"].dtype == "datetime64[ns]"
    assert ep["DECOM"].tolist() == [pd.Timestamp("2016-06-01"), pd.Timestamp("2016-09-30"), pd.Timestamp("2016-07-01")]
    assert ep["DEC"].isna().tolist() == [False, True, False]
    assert ret.findings.empty or not (ret.findings["severity"] == "error").any()


def test_unparseable_dates_are_nat_and_reported(tmp_path):
    files = one_year(
        header_rows=["0001,1,31/02/2009,WBRI,,,", "0002,2,02/11/2005,BAFR,,,"],
        episode_rows=["0001,01/06/2016,S,C2,N1,U4,PR1,06/13/2016,X1,,,,", "0002,01/07/2016,S,V2,N4,U1,PR1,,,,,,"],
    )
    ret = load_return(write(tmp_path / "la", files), year=2017)
    assert pd.isna(ret.tables["episodes"]["DEC"].iloc[0]) and pd.isna(ret.tables["header"]["DOB"].iloc[0])
    bad = ret.findings[ret.findings["rule"] == "date-format"]
    assert sorted(bad[["file", "row", "child", "column", "severity"]].values.tolist()) == [
        ["episodes.csv", 2, "0001", "DEC", "error"],
        ["header.csv", 2, "0001", "DOB", "error"],
    ]
    messages = bad.sort_values("file")["message"].tolist()
    assert messages[0] == "DEC '06/13/2016' is not a valid date (expected dd/mm/YYYY or YYYY-MM-DD)."
    assert messages[1] == "DOB is not a valid date (expected dd/mm/YYYY or YYYY-MM-DD)."  # a DOB is never echoed


PP_COLS = "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM"


def test_previous_permanence_is_read_and_dfe_partial_dates_are_dates(tmp_path):
    files = one_year(header_rows=["0001,1,14/03/2009,WBRI,,,", "0002,2,ZZ/11/2005,BAFR,,,"])
    rows = [
        "0001,14/03/2009,P1,873,ZZ/05/2012",  # known to the month: read as its last day, as DfE does
        "0002,02/11/2005,P2,999,ZZ/ZZ/2013",  # known to the year: its last day
        "0003,02/11/2005,P4,999,ZZ/ZZ/ZZZZ",  # not known at all: missing, but not an invalid date
        "0004,02/11/2005,Z1,,",
        "0005,02/11/2005,P3,881,31/02/2012",  # not a date
        "0006,02/11/2005,P3,881,ZZ/13/2012",  # no such month
    ]
    files["previous_permanence.csv"] = "\n".join([PP_COLS, *rows]) + "\n"
    ret = load_return(write(tmp_path / "la", files), year=2017)
    pp = ret.tables["prev_perm"]
    assert pp["CHILD"].tolist() == ["0001", "0002", "0003", "0004", "0005", "0006"]
    assert pp["DATE_PERM"].dtype == "datetime64[ns]"
    assert pp["DATE_PERM"].iloc[:2].tolist() == [pd.Timestamp("2012-05-31"), pd.Timestamp("2013-12-31")]
    assert pp["DATE_PERM"].iloc[2:].isna().all() and pp["PREV_PERM"].tolist()[2:4] == ["P4", "Z1"]
    bad = ret.findings[ret.findings["rule"] == "date-format"]
    assert bad[["file", "row", "column", "severity"]].values.tolist() == [
        ["header.csv", 3, "DOB", "error"],  # only DATE_PERM may be a partial date
        ["previous_permanence.csv", 6, "DATE_PERM", "error"],
        ["previous_permanence.csv", 7, "DATE_PERM", "error"],
    ]


def test_bom_column_case_spaces_and_padded_values(tmp_path):
    header = "\ufeff child , Sex,dob ,Ethnic,upn,Mother,mc_dob\r\n 0001 , 1 ,14/03/2009, WBRI,,,\r\n"
    files = one_year()
    files["header.csv"] = header.encode("utf-8")
    ret = load_return(write(tmp_path / "la", files), year=2017)
    hd = ret.tables["header"]
    assert hd[["CHILD", "SEX", "ETHNIC"]].values.tolist() == [["0001", "1", "WBRI"]]
    assert hd["DOB"].tolist() == [pd.Timestamp("2009-03-14")]
    assert not ret.findings["rule"].isin(["unknown-column", "missing-column"]).any()


def test_extra_column_is_ignored_with_a_warning(tmp_path):
    files = one_year()
    files["episodes.csv"] = files["episodes.csv"].replace(EP_COLS, EP_COLS + ",LA").replace(",,,,\n", ",,,,,873\n")
    ret = load_return(write(tmp_path / "la", files), year=2017)
    assert list(ret.tables["episodes"].columns) == [*spec.TABLES["episodes"], "YEAR", "_file", "_row"]
    hit = ret.findings[ret.findings["rule"] == "unknown-column"]
    assert hit[["file", "row", "column", "severity", "message"]].values.tolist() == [
        ["episodes.csv", 1, "LA", "warning", "column LA is not part of the Episodes table and is ignored."]
    ]


def test_missing_optional_columns_are_all_na(tmp_path):
    files = one_year()
    files["episodes.csv"] = "\n".join(line.rsplit(",", 3)[0] for line in files["episodes.csv"].splitlines()) + "\n"
    ret = load_return(write(tmp_path / "la", files), year=2017)
    ep = ret.tables["episodes"]
    assert ep[["HOME_POST", "PL_POST", "URN"]].isna().all().all()
    info = ret.findings[ret.findings["rule"] == "missing-optional-column"]
    assert info["column"].tolist() == ["HOME_POST", "PL_POST", "URN"] and set(info["severity"]) == {"info"}


def test_missing_required_column_and_table_are_errors(tmp_path):
    files = one_year()
    files["header.csv"] = "CHILD,DOB\n0001,14/03/2009\n"
    del files["episodes.csv"]
    ret = load_return(write(tmp_path / "la" / "2017", files).parent)
    found = ret.findings.set_index("rule")
    assert found.loc["missing-table", "message"] == "no Episodes file (expected episodes.csv or ssda903_episodes.csv)."
    missing = ret.findings[ret.findings["rule"] == "missing-column"]
    assert missing["column"].tolist() == ["SEX", "ETHNIC"] and set(missing["row"]) == {1}
    assert ret.tables["episodes"].empty and list(ret.tables["episodes"].columns)[:2] == ["CHILD", "DECOM"]
    assert ret.tables["header"]["SEX"].isna().all()


@pytest.mark.parametrize(
    ("data", "rule", "message"),
    [
        (
            b"",
            "empty-file",
            "is empty: expected a header line (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB) and a row per record.",
        ),
        (
            b"CHILD;SEX;DOB\n1;1;01/01/2010\n",
            "delimiter",
            "is separated by semicolons, not commas: save it as CSV (comma-separated) UTF-8.",
        ),
        (b"PK\x03\x04" + b"\x00" * 64, "excel", "is an Excel file, not CSV: save it as CSV UTF-8."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "excel",
            "is an Excel file, not CSV: save it as CSV UTF-8.",
        ),
        (
            "CHILD,SEX,DOB,ETHNIC\n0001,1,14/03/2009,WBRI\n0002,2,02/11/2005,BAFR\n".encode("utf-16"),
            "encoding",
            "is UTF-16 text, not UTF-8: save it as CSV UTF-8.",
        ),
    ],
)
def test_unreadable_files_are_error_findings(tmp_path, data, rule, message):
    files = one_year()
    files["header.csv"] = data
    ret = load_return(write(tmp_path / "la", files), year=2017)
    hit = ret.findings[ret.findings["rule"] == rule]
    assert hit[["file", "severity", "message"]].values.tolist() == [["header.csv", "error", message]]
    assert ret.tables["header"].empty


def test_latin1_is_reported_with_file_and_byte_position(tmp_path):
    files = one_year()
    text = HD_COLS + "\n0001,1,14/03/2009,WBRI,,,\n0002,2,02/11/2005,BAFR,,,\n"
    raw = text.replace("BAFR", "B\xc9FR").encode("cp1252")
    files["header.csv"] = raw
    ret = load_return(write(tmp_path / "la", files), year=2017)
    hit = ret.findings[ret.findings["rule"] == "encoding"]
    pos = raw.index(b"\xc9")
    assert hit[["file", "row", "message"]].values.tolist() == [
        [
            "header.csv",
            3,
            f"is not UTF-8 text: byte 0xC9 at byte position {pos} (line 3) looks like Windows-1252/latin-1; save it as CSV UTF-8.",
        ]
    ]


def test_spreadsheet_files_and_unknown_files(tmp_path):
    files = one_year()
    files["uasc.xlsx"] = b"PK\x03\x04"
    files["notes.csv"] = "anything\n"
    files["README.txt"] = "ignored silently"
    ret = load_return(write(tmp_path / "la", files), year=2017)
    by_file = ret.findings.set_index("file")
    assert by_file.loc["uasc.xlsx", "rule"] == "excel"
    assert by_file.loc["uasc.xlsx", "message"] == "is a spreadsheet, not CSV: save it as uasc.csv (CSV UTF-8)."
    assert by_file.loc["notes.csv", "rule"] == "unknown-file" and by_file.loc["notes.csv", "severity"] == "warning"
    assert "README.txt" not in by_file.index
    # no "missing UASC" note when the table is there as a spreadsheet
    missing = ret.findings[ret.findings["rule"] == "missing-optional-table"]["message"]
    assert not missing.str.contains("UASC").any()


def test_file_names_any_case_and_alternative_names(tmp_path):
    files = one_year()
    files["SSDA903_Episodes.CSV"] = files.pop("episodes.csv")
    files["Header.csv"] = files.pop("header.csv")
    files["PlacedAdoption.csv"] = (
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n0001,14/03/2009,01/09/2016,,\n"
    )
    ret = load_return(write(tmp_path / "la", files), year=2017)
    assert len(ret.tables["episodes"]) == 2 and len(ret.tables["placed_adoption"]) == 1
    assert ret.tables["episodes"]["_file"].astype(str).unique().tolist() == ["SSDA903_Episodes.CSV"]


# --------------------------------------------------------------------------- types and line numbers


def test_types_and_line_numbers(tmp_path):
    text = (
        EP_COLS + "\n"
        "0001,01/06/2016,S,C2,N1,U4,PR1,,,,,,\n"  # line 2
        "\n"  # line 3: blank, dropped
        "007,01/07/2016,S,V2,N4,U1,PR1,,,,,,,EXTRA\n"  # line 4: too many fields, skipped (csv-format)
        ",,,,,,,,,,,,\n"  # line 5: empty row from a spreadsheet, dropped
        "0002,01/07/2016,S,V2,N4,U1,PR1,,,,,,\n"  # line 6
    )
    files = one_year()
    files["episodes.csv"] = text
    ret = load_return(write(tmp_path / "la", files), year=2017)
    ep = ret.tables["episodes"]
    assert ep["CHILD"].tolist() == ["0001", "0002"]  # leading zeros kept
    assert ep["_row"].tolist() == [2, 6]
    assert ep["_file"].astype(str).tolist() == ["episodes.csv", "episodes.csv"]
    assert ep["YEAR"].dtype == np.int64 and ep["YEAR"].tolist() == [2017, 2017]
    assert pd.api.types.is_string_dtype(ep["CHILD"]) and pd.api.types.is_string_dtype(ep["PLACE"])
    assert ep["REC"].isna().all()  # blank codes are missing values
    ragged = ret.findings[ret.findings["rule"] == "csv-format"]
    assert ragged[["row", "message"]].values.tolist() == [
        [4, "line has 14 fields but the header has 13; the line is skipped."]
    ]
    for name, frame in ret.tables.items():
        assert list(frame.columns) == [*spec.TABLES[name], "YEAR", "_file", "_row"], name
        for column in spec.TABLES[name]:
            if column in spec.DATE_COLUMNS:
                assert frame[column].dtype == "datetime64[ns]", (name, column)
    assert list(ret.findings.columns) == list(FINDING_COLUMNS)


# --------------------------------------------------------------------------- years and folders


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2017", 2017),
        ("2016-17", 2017),
        ("2016_17", 2017),
        ("2016/17", 2017),
        ("201617", 2017),
        ("2016-2017", 2017),
        ("1999/00", 2000),
        (" 2018 ", 2018),
        ("2016-18", None),
        ("17", None),
        ("abcd", None),
        ("2016", 2016),
    ],
)
def test_parse_year(text, year):
    assert parse_year(text) == year


def test_year_label():
    assert year_label(2017) == "2016-17" and year_label(2000) == "1999-00"


@pytest.mark.parametrize(
    "names", [("2017", "2018"), ("2016-17", "2017-18"), ("2016_17", "2017_18"), ("201617", "201718")]
)
def test_per_year_folders(tmp_path, names):
    root = tmp_path / "la"
    write(root / names[0], one_year())
    write(root / names[1], one_year(episode_rows=["0001,01/06/2016,S,C2,N1,U4,PR1,,,,,,"]))
    write(root / "notes", {"episodes.csv": "not a year folder\n"})
    ret = load_return(root, year=2019)
    assert ret.years == (2017, 2018)
    ep = ret.tables["episodes"]
    assert ep["YEAR"].tolist() == [2017, 2017, 2018]
    assert ep["_file"].astype(str).tolist() == [f"{names[0]}/episodes.csv"] * 2 + [f"{names[1]}/episodes.csv"]
    assert "year-argument-ignored" in rules(ret)
    assert not (ret.findings["severity"] == "error").any()


def test_files_beside_year_folders_are_ignored(tmp_path):
    root = tmp_path / "la"
    write(root / "2017", one_year())
    write(root, {"header.csv": HD_COLS + "\n"})
    ret = load_return(root)
    hit = ret.findings[ret.findings["rule"] == "ignored-file"]
    assert hit["file"].tolist() == ["header.csv"] and hit["severity"].tolist() == ["warning"]


def test_multi_year_files_with_year_column(tmp_path):
    files = {
        "header.csv": "YEAR,"
        + HD_COLS
        + "\n2016/17,0001,1,14/03/2009,WBRI,,,\n2018,0001,1,14/03/2009,WBRI,,,\n17,0002,2,02/11/2005,BAFR,,,\n",
        "episodes.csv": EP_COLS
        + ",YEAR\n0001,01/06/2016,S,C2,N1,U4,PR1,,,,,,,2016-17\n0001,01/06/2016,S,C2,N1,U4,PR1,,,,,,,2017-18\n",
    }
    ret = load_return(write(tmp_path / "la", files))
    assert ret.years == (2017, 2018)
    assert ret.tables["header"][["CHILD", "YEAR", "_row"]].values.tolist() == [["0001", 2017, 2], ["0001", 2018, 3]]
    assert ret.tables["episodes"]["YEAR"].tolist() == [2017, 2018]
    bad = ret.findings[ret.findings["rule"] == "year-format"]
    assert bad[["file", "row", "child", "column", "severity", "message"]].values.tolist() == [
        [
            "header.csv",
            4,
            "0002",
            "YEAR",
            "error",
            "YEAR '17' is not a collection year (expected e.g. 2017 or 2016/17); the row is dropped.",
        ]
    ]


def test_single_year_files_year_inferred_or_given(tmp_path):
    folder = write(tmp_path / "la", one_year())
    ret = load_return(folder)
    assert ret.years == (2017,)
    info = ret.findings[ret.findings["rule"] == "year-inferred"]
    assert info[["file", "severity", "message"]].values.tolist() == [
        [
            "episodes.csv",
            "info",
            "no YEAR column and no year given: taken as 2017 (2016-17), the year ending 31 March after the latest "
            "episode date 01/12/2016; pass --year to set it.",
        ]
    ]
    given = load_return(folder, year=2018)
    assert given.years == (2018,) and "year-inferred" not in rules(given)
    assert set(given.tables["header"]["YEAR"]) == {2018}


def test_year_after_31_march_is_the_next_year(tmp_path):
    folder = write(tmp_path / "la", one_year(episode_rows=["0001,01/04/2017,S,C2,N1,U4,PR1,,,,,,"]))
    assert load_return(folder).years == (2018,)


def test_a_stray_late_dec_does_not_move_the_year(tmp_path):
    folder = write(
        tmp_path / "la",
        one_year(
            episode_rows=[
                "0001,01/06/2016,S,C2,N1,U4,PR1,01/09/2016,E4A,,,,",
                "0002,01/07/2016,S,V2,N4,U1,PR1,01/12/2016,E4A,,,,",
                "0002,01/03/2017,S,V2,N4,U1,PR1,01/04/2017,E4A,,,,",  # DEC after 31 March 2017: an error, not a new year
            ]
        ),
    )
    ret = load_return(folder)
    assert ret.years == (2017,)
    assert ret.findings.loc[ret.findings["rule"] == "year-inferred", "message"].tolist() == [
        "no YEAR column and no year given: taken as 2017 (2016-17), the year of the latest DECOM 01/03/2017; "
        "1 DEC dates are later, but taking 2017-18 would leave 2 episodes outside the year; pass --year to set it."
    ]


def test_input_errors(tmp_path):
    with pytest.raises(InputError, match="folder not found"):
        load_return(tmp_path / "nowhere")
    (tmp_path / "file.csv").write_text("x\n")
    with pytest.raises(InputError, match="not a folder"):
        load_return(tmp_path / "file.csv")
    folder = write(tmp_path / "la", {"header.csv": HD_COLS + "\n0001,1,14/03/2009,WBRI,,,\n"})
    with pytest.raises(InputError, match=r"cannot tell the collection year.*\n.*no Episodes file"):
        load_return(folder)
    assert load_return(folder, year=2017).years == (2017,)


# --------------------------------------------------------------------------- stack


def two_years(root: Path) -> Path:
    """A hand-built 2016-17 and 2017-18 return with a known stacked answer."""
    write(
        root / "2017",
        {
            "header.csv": HD_COLS + "\nA,1,01/01/2010,NOBT,,,\nB,2,01/01/2011,WBRI,,,\nC,1,01/01/2012,WBRI,,,\n",
            "episodes.csv": EP_COLS + "\n"
            "A,01/05/2016,S,C2,N1,U4,PR1,,,,,,\n"  # open at 31 March 2017; closed in the 2018 return
            "B,01/06/2016,S,C2,N1,U4,PR1,,,,,,\n"  # open here; ended 20/03/2017 (X1) per 2018's next episode
            "C,01/01/2017,S,V2,N1,U4,PR1,,,,,,\n",  # open here; the 2018 return starts a new period
            "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\nA,01/01/2010,01/02/2017,,0,1,MF,L0\n",
        },
    )
    write(
        root / "2018",
        {
            "header.csv": HD_COLS + "\nA,1,01/01/2010,WBRI,,,\nB,2,01/01/2011,WBRI,,,\nC,1,01/01/2012,WBRI,,,\n",
            "episodes.csv": EP_COLS + "\n"
            "A,01/05/2016,S,C2,N1,U4,PR1,01/09/2017,X1,,,,\n"
            "A,01/09/2017,P,C2,N1,U5,PR1,,,,,,\n"
            "B,20/03/2017,P,C2,N1,U5,PR4,,,,,,\n"
            "C,01/02/2018,S,C1,N1,U6,PR1,,,,,,\n",
            "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\nA,01/01/2010,01/02/2017,01/03/2017,0,1,MF,L0\n",
        },
    )
    return root


def test_stack_deduplicates_and_closes_open_episodes(tmp_path):
    ret = load_return(two_years(tmp_path / "la"))
    stacked = stack(ret)
    assert stacked.stacked and not ret.stacked and stacked.years == (2017, 2018)
    ep = stacked.tables["episodes"]
    got = [
        (c, f"{d:%d/%m/%Y}", "" if pd.isna(e) else f"{e:%d/%m/%Y}", "" if pd.isna(r) else r, y)
        for c, d, e, r, y in ep[["CHILD", "DECOM", "DEC", "REC", "YEAR"]].itertuples(index=False)
    ]
    assert got == [
        ("A", "01/05/2016", "01/09/2017", "X1", 2018),  # the 2018 row of the same episode wins
        ("A", "01/09/2017", "", "", 2018),
        ("B", "01/06/2016", "20/03/2017", "X1", 2017),  # closed on the next DECOM
        ("B", "20/03/2017", "", "", 2018),
        ("C", "01/01/2017", "", "", 2017),  # followed by a new period: left open, reported
        ("C", "01/02/2018", "", "", 2018),
    ]
    hd = stacked.tables["header"]
    assert hd[["CHILD", "ETHNIC", "YEAR"]].values.tolist() == [
        ["A", "WBRI", 2018],
        ["B", "WBRI", 2018],
        ["C", "WBRI", 2018],
    ]
    ad1 = stacked.tables["ad1"]
    assert ad1[["CHILD", "YEAR"]].values.tolist() == [["A", 2018]] and ad1["DATE_MATCH"].notna().all()

    new = stacked.findings.iloc[len(ret.findings) :]
    assert new[["file", "row", "child", "column", "rule", "severity"]].values.tolist() == [
        ["2017/episodes.csv", 3, "B", "DEC", "closed-across-years", "info"],
        ["2017/episodes.csv", 4, "C", "DEC", "open-episode-before-new-period", "error"],
    ]
    assert new["message"].tolist() == [
        "open episode closed on 20/03/2017 with REC X1, when the child's next episode (2018/episodes.csv row 4) starts.",
        "episode has no DEC but the child starts a new period (RNE S) on 01/02/2018 (2018/episodes.csv row 5): "
        "when this episode ended is unknown.",
    ]
    # the input is not changed
    assert ret.tables["episodes"]["DEC"].isna().sum() == 6 and len(ret.tables["episodes"]) == 7
    assert len(ret.tables["header"]) == 6


def test_stack_keeps_each_previous_permanence_once(tmp_path):
    root = tmp_path / "la"
    for year, rows in (
        ("2017", ["A,01/01/2010,P2,873,05/05/2015", "B,01/01/2011,Z1,,"]),
        ("2018", ["A,01/01/2010,P2,873,05/05/2015", "B,01/01/2011,Z1,,", "C,01/01/2012,P1,999,ZZ/ZZ/2014"]),
    ):
        files = one_year(
            header_rows=["A,1,01/01/2010,WBRI,,,", "B,2,01/01/2011,WBRI,,,", "C,1,01/01/2012,WBRI,,,"],
            episode_rows=[f"A,01/06/{int(year) - 1},S,C2,N1,U4,PR1,,,,,,"],
        )
        files["previous_permanence.csv"] = "\n".join([PP_COLS, *rows]) + "\n"
        write(root / year, files)
    pp = stack(load_return(root)).tables["prev_perm"]
    # A's order repeated in 2018 is one record (the latest); B's Z1 rows are one per start, all kept
    assert pp[["CHILD", "PREV_PERM", "YEAR"]].values.tolist() == [
        ["B", "Z1", 2017],
        ["A", "P2", 2018],
        ["B", "Z1", 2018],
        ["C", "P1", 2018],
    ]


def test_stack_of_a_single_year_changes_nothing_but_the_flag(tmp_path):
    ret = load_return(write(tmp_path / "la", one_year()), year=2017)
    stacked = stack(ret)
    pd.testing.assert_frame_equal(stacked.tables["episodes"], ret.tables["episodes"])
    pd.testing.assert_frame_equal(stacked.findings, ret.findings)


def test_file_without_a_header_line_does_not_echo_data(tmp_path):
    files = one_year()
    files["header.csv"] = "0001,1,14/03/2009,WBRI,A123456789012,,\n0002,2,02/11/2005,BAFR,,,\n"
    ret = load_return(write(tmp_path / "la", files), year=2017)
    messages = " ".join(ret.findings["message"])
    assert "14/03/2009" not in messages and "A123456789012" not in messages
    unknown = ret.findings[ret.findings["rule"] == "unknown-column"]
    assert "column 3 is not named like a Header column and is ignored." in set(unknown["message"])
    assert {"CHILD", "SEX", "DOB"} <= set(ret.findings.loc[ret.findings["rule"] == "missing-column", "column"])


def test_blank_year_and_bad_year_argument(tmp_path):
    files = {
        "header.csv": "YEAR," + HD_COLS + "\n,0001,1,14/03/2009,WBRI,,,\n2017,0002,2,02/11/2005,BAFR,,,\n",
        "episodes.csv": "YEAR," + EP_COLS + "\n2017,0002,01/07/2016,S,V2,N4,U1,PR1,,,,,,\n",
    }
    ret = load_return(write(tmp_path / "la", files))
    hit = ret.findings[ret.findings["rule"] == "year-format"]
    assert hit[["row", "child", "message"]].values.tolist() == [
        [2, "0001", "YEAR is blank (expected e.g. 2017 or 2016/17); the row is dropped."]
    ]
    assert ret.tables["header"]["CHILD"].tolist() == ["0002"]
    with pytest.raises(InputError, match="year 17: give the collection year"):
        load_return(tmp_path / "la", year=17)


def test_byte_position_counts_the_byte_order_mark(tmp_path):
    files = one_year()
    raw = b"\xef\xbb\xbf" + (HD_COLS + "\n0001,1,14/03/2009,W\xc9RI,,,\n").encode("latin-1")
    files["header.csv"] = raw
    ret = load_return(write(tmp_path / "la", files), year=2017)
    message = ret.findings.loc[ret.findings["rule"] == "encoding", "message"].iloc[0]
    pos = raw.index(b"\xc9")
    assert f"at byte position {pos} (line 2)" in message
