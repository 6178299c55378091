"""Tests of analysis.sources.ssda903.validate: a corpus of bad inputs, each one damage to a small valid return.

The baseline is a hand-built 2016-17 return (folder ``la/2017/``) of five
children that gives no errors. Each case writes it into a temporary folder,
damages one thing and checks that ``run_cli`` exits 2 without a traceback and
that the report names the rule, file, row, child, column and message.
"""

from __future__ import annotations

import copy
import csv
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.sources.ssda903.load import load_return, stack
from analysis.sources.ssda903.validate import RULES, rules_table, run_cli, summarise, validate, write_report

FAKE_DATA = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "ssda903-synthetic"
    / "csc-validator-be-903_fake_data"
)

# --------------------------------------------------------------------------- the valid baseline (2016-17)

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
AD1 = ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
PLACED = ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]
UASC = ["CHILD", "SEX", "DOB", "DUC"]

DOBS = ["14/03/2009", "02/11/2005", "20/07/2012", "05/09/2001", "30/01/2000", "12/12/2015"]
UPNS = ["A123456789012", "B234567890123", "C345678901234", "D456789012345"]
POSTCODES = ["AB1 2CD", "EF3 4GH", "GH5 6JK", "LM7 8NP", "RS9 1TU", "WX2 3YZ"]

BASELINE: dict[str, list[list[str]]] = {
    # file name -> rows (first row = column names); line numbers: header 1, first row 2
    "header": [
        HEADER,
        ["0001", "1", "14/03/2009", "WBRI", "A123456789012", "", ""],  # line 2
        ["0002", "2", "02/11/2005", "BAFR", "B234567890123", "", ""],  # line 3
        ["0003", "1", "20/07/2012", "MWBC", "C345678901234", "", ""],  # line 4
        ["0004", "1", "05/09/2001", "OOTH", "UN2", "", ""],  # line 5 (UASC)
        ["0005", "2", "30/01/2000", "WBRI", "D456789012345", "1", "12/12/2015"],  # line 6
    ],
    "episodes": [
        EPISODES,
        # 0001: entered 2015, placement change in the year, still looked after
        [
            "0001",
            "01/06/2015",
            "S",
            "C2",
            "N1",
            "U4",
            "PR1",
            "10/05/2016",
            "X1",
            "",
            "AB1 2CD",
            "EF3 4GH",
            "SC000001",
        ],  # 2
        ["0001", "10/05/2016", "P", "C2", "N1", "U5", "PR4", "", "", "CARPL", "AB1 2CD", "GH5 6JK", "SC000002"],  # 3
        # 0002: two periods of care (returned home, came back)
        ["0002", "01/07/2016", "S", "V2", "N4", "U1", "PR1", "01/12/2016", "E4A", "", "LM7 8NP", "LM7 8NP", ""],  # 4
        ["0002", "01/02/2017", "S", "C1", "N1", "R1", "PR2", "", "", "", "LM7 8NP", "RS9 1TU", "SC000003"],  # 5
        # 0003: adopted in the year
        [
            "0003",
            "05/01/2016",
            "S",
            "C2",
            "N1",
            "U4",
            "PR1",
            "01/06/2016",
            "X1",
            "",
            "WX2 3YZ",
            "EF3 4GH",
            "SC000001",
        ],  # 6
        ["0003", "01/06/2016", "P", "E1", "N1", "A4", "PR1", "20/02/2017", "E11", "CARPL", "WX2 3YZ", "", ""],  # 7
        # 0004: UASC on remand, a temporary placement (no provider) first
        ["0004", "01/10/2016", "S", "J1", "N6", "T0", "", "15/10/2016", "X1", "", "", "", ""],  # 8
        ["0004", "15/10/2016", "P", "J1", "N6", "K2", "PR4", "", "", "OTHER", "", "RS9 1TU", "SC000004"],  # 9
        # 0005: one open episode
        ["0005", "01/08/2016", "S", "V2", "N2", "P2", "PR2", "", "", "", "AB1 2CD", "WX2 3YZ", ""],  # 10
    ],
    "ad1": [AD1, ["0003", "20/07/2012", "15/03/2016", "01/05/2016", "1", "2", "MF", "L0"]],
    "placed_for_adoption": [PLACED, ["0003", "20/07/2012", "15/03/2016", "", ""]],
    "uasc": [UASC, ["0004", "1", "05/09/2001", "05/09/2019"]],
}

YEAR_DIR = "2017"

#: Personal data in the baseline (and damaged DOBs in the corpus) that no message may show.
SECRETS = (
    set(DOBS)
    | set(UPNS)
    | set(POSTCODES)
    | {f"{d[6:]}-{d[3:5]}-{d[:2]}" for d in DOBS}
    | {"2005-13-40", "01/01/2099", "06/01/2016"}
)


def baseline() -> dict[str, list[list[str]]]:
    return copy.deepcopy(BASELINE)


def write_return(root: Path, tables: dict[str, list[list[str]]], year_dir: str = YEAR_DIR) -> Path:
    """Write the tables as CSVs into ``root/la/<year_dir>/``; return ``root/la``."""
    folder = root / "la" / year_dir
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return root / "la"


def edit(tables, table: str, line: int, **values: str) -> None:
    """Set cells of the row on ``line`` of ``table`` (header = line 1)."""
    columns = tables[table][0]
    for column, value in values.items():
        tables[table][line - 1][columns.index(column)] = value


def drop_column(tables, table: str, column: str) -> None:
    i = tables[table][0].index(column)
    for row in tables[table]:
        del row[i]


def path_of(root: Path, table: str) -> Path:
    return root / "la" / YEAR_DIR / f"{table}.csv"


# --------------------------------------------------------------------------- the corpus


@dataclass
class Case:
    id: str
    damage: Callable  # (tables) -> None, or (tables, root) -> None after writing when after_write
    rule: str
    file: str
    row: int | None
    child: str | None
    column: str | None
    message: str
    after_write: bool = False
    note: str = field(default="")


def _write_bytes(table: str, data: bytes):
    def damage(tables, root):
        path_of(root, table).write_bytes(data)

    return damage


def _rewrite(table: str, change: Callable[[bytes], bytes]):
    def damage(tables, root):
        p = path_of(root, table)
        p.write_bytes(change(p.read_bytes()))

    return damage


def _delete(table: str):
    def damage(tables, root):
        path_of(root, table).unlink()

    return damage


def _append(table: str, row: list[str]):
    return lambda t: t[table].append(row)


def _remove_line(table: str, line: int):
    return lambda t: t[table].pop(line - 1)


def _do(*steps):
    def damage(t):
        for step in steps:
            step(t)

    return damage


def _edit(table, line, **values):
    return lambda t: edit(t, table, line, **values)


E = f"{YEAR_DIR}/episodes.csv"
H = f"{YEAR_DIR}/header.csv"
A = f"{YEAR_DIR}/ad1.csv"
P = f"{YEAR_DIR}/placed_for_adoption.csv"
U = f"{YEAR_DIR}/uasc.csv"
TODAY = f"{date.today():%d/%m/%Y}"
PLACES_2017 = (
    "A3, A4, A5, A6, H5, K1, K2, P1, P2, P3, R1, R2, R3, R5, S1, T0, T1, T2, T3, T4, U1, U2, U3, U4, U5, U6, Z1"
)
RECS_2017 = "E11, E12, E13, E14, E15, E16, E17, E2, E3, E41, E45, E46, E47, E48, E4A, E4B, E5, E6, E7, E8, E9, X1"

CASES = [
    # ---- files
    Case(
        "missing-table",
        _delete("episodes"),
        "missing-table",
        YEAR_DIR,
        None,
        None,
        None,
        "no Episodes file (expected episodes.csv or ssda903_episodes.csv).",
        after_write=True,
    ),
    Case(
        "missing-column",
        lambda t: drop_column(t, "episodes", "LS"),
        "missing-column",
        E,
        1,
        None,
        "LS",
        "has no LS column, which Episodes requires (expected columns: " + ", ".join(EPISODES) + ").",
    ),
    Case(
        "empty-file",
        _write_bytes("header", b""),
        "empty-file",
        H,
        None,
        None,
        None,
        "is empty: expected a header line (" + ", ".join(HEADER) + ") and a row per record.",
        after_write=True,
    ),
    Case(
        "no-rows",
        lambda t: t.__setitem__("episodes", [EPISODES]),
        "no-rows",
        E,
        None,
        None,
        None,
        "has a header line but no rows: Episodes cannot be empty.",
    ),
    Case(
        "semicolons",
        _rewrite("episodes", lambda b: b.replace(b",", b";")),
        "delimiter",
        E,
        1,
        None,
        None,
        "is separated by semicolons, not commas: save it as CSV (comma-separated) UTF-8.",
        after_write=True,
    ),
    Case(
        "tabs",
        _rewrite("header", lambda b: b.replace(b",", b"\t")),
        "delimiter",
        H,
        1,
        None,
        None,
        "is separated by tabs, not commas: save it as CSV (comma-separated) UTF-8.",
        after_write=True,
    ),
    Case(
        "xlsx-named-csv",
        _write_bytes("episodes", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200),
        "excel",
        E,
        None,
        None,
        None,
        "is an Excel file, not CSV: save it as CSV UTF-8.",
        after_write=True,
    ),
    Case(
        "xls-named-csv",
        _write_bytes("header", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200),
        "excel",
        H,
        None,
        None,
        None,
        "is an Excel file, not CSV: save it as CSV UTF-8.",
        after_write=True,
    ),
    Case(
        "cp1252",
        _rewrite("header", lambda b: b.replace(b"OOTH", b"\xc9OTH")),
        "encoding",
        H,
        5,
        None,
        None,
        "is not UTF-8 text: byte 0xC9 at byte position {pos} (line 5) looks like Windows-1252/latin-1; save it as CSV UTF-8.",
        after_write=True,
    ),
    Case(
        "utf16",
        _rewrite("header", lambda b: b.decode().encode("utf-16")),
        "encoding",
        H,
        None,
        None,
        None,
        "is UTF-16 text, not UTF-8: save it as CSV UTF-8.",
        after_write=True,
    ),
    Case(
        "ragged-line",
        _rewrite("episodes", lambda b: b.replace(b"SC000003\n", b"SC000003,EXTRA\n")),
        "csv-format",
        E,
        5,
        None,
        None,
        "line has 14 fields but the header has 13; the line is skipped.",
        after_write=True,
    ),
    Case(
        "duplicate-column",
        lambda t: [r.append(r[1]) for r in t["header"]],
        "duplicate-column",
        H,
        1,
        None,
        "SEX",
        "column SEX appears twice; the second is ignored.",
    ),
    Case(
        "year-mismatch",
        lambda t: [r.append("YEAR" if i == 0 else "2018") for i, r in enumerate(t["header"])],
        "year-mismatch",
        H,
        2,
        "0001",
        "YEAR",
        "YEAR is not 2017, the year of the folder 2017; the folder's year is used.",
    ),
    Case(
        "unparseable-date",
        _edit("episodes", 9, DECOM="32/10/2016"),
        "date-format",
        E,
        9,
        "0004",
        "DECOM",
        "DECOM '32/10/2016' is not a valid date (expected dd/mm/YYYY or YYYY-MM-DD).",
    ),
    Case(
        "unparseable-dob",
        _edit("header", 3, DOB="2005-13-40"),
        "date-format",
        H,
        3,
        "0002",
        "DOB",
        "DOB is not a valid date (expected dd/mm/YYYY or YYYY-MM-DD).",
    ),
    # ---- schema and codes
    Case(
        "blank-ls", _edit("episodes", 7, LS=""), "blank-value", E, 7, "0003", "LS", "LS is blank; Episodes requires it."
    ),
    Case(
        "blank-sex", _edit("header", 4, SEX=""), "blank-value", H, 4, "0003", "SEX", "SEX is blank; Header requires it."
    ),
    Case(
        "unknown-place",
        _edit("episodes", 10, PLACE="ZZ"),
        "invalid-place",
        E,
        10,
        "0005",
        "PLACE",
        f"PLACE 'ZZ' is not a valid code in 2016-17; expected one of {PLACES_2017}.",
    ),
    Case(
        "place-k3-too-early",
        _edit("episodes", 10, PLACE="K3"),
        "invalid-place",
        E,
        10,
        "0005",
        "PLACE",
        f"PLACE 'K3' is not a valid code in 2016-17 (it is valid from 2024-25); expected one of {PLACES_2017}.",
    ),
    Case(
        "unknown-ls",
        _edit("episodes", 3, LS="X9"),
        "invalid-ls",
        E,
        3,
        "0001",
        "LS",
        "LS 'X9' is not a valid code in 2016-17; expected one of C1, C2, D1, E1, J1, J2, J3, L1, L2, L3, V2, V3, V4.",
    ),
    Case(
        "sex-mfu-in-2017",
        _edit("header", 3, SEX="F"),
        "invalid-sex",
        H,
        3,
        "0002",
        "SEX",
        "SEX 'F' is not a valid code in 2016-17 (it is valid from 2024-25); expected one of 1, 2.",
    ),
    Case(
        "rec-e43-after-2016",
        _edit("episodes", 4, REC="E43"),
        "invalid-rec",
        E,
        4,
        "0002",
        "REC",
        f"REC 'E43' is not a valid code in 2016-17 (it is valid up to 2015-16); expected one of {RECS_2017}.",
    ),
    Case(
        "provider-for-t0",
        _edit("episodes", 8, PLACE_PROVIDER="PR1"),
        "provider-not-blank",
        E,
        8,
        "0004",
        "PLACE_PROVIDER",
        "PLACE_PROVIDER must be blank when PLACE is T0 (a placement recorded with no provider).",
    ),
    Case(
        "provider-missing",
        _edit("episodes", 10, PLACE_PROVIDER=""),
        "provider-missing",
        E,
        10,
        "0005",
        "PLACE_PROVIDER",
        "PLACE_PROVIDER is blank; PLACE P2 needs a provider (PR0, PR1, PR2, PR3, PR4, PR5).",
    ),
    Case(
        "rec-missing",
        _edit("episodes", 6, REC=""),
        "rec-missing",
        E,
        6,
        "0003",
        "REC",
        "DEC is recorded but REC (reason the episode ceased) is blank.",
    ),
    # ---- dates
    Case(
        "future-dob",
        _edit("header", 6, DOB="01/01/2099"),
        "future-date",
        H,
        6,
        "0005",
        "DOB",
        f"DOB is in the future (today is {TODAY}).",
    ),
    Case(
        "dob-after-decom",
        _edit("header", 4, DOB="06/01/2016"),
        "dob-after-decom",
        E,
        6,
        "0003",
        "DECOM",
        "DECOM 05/01/2016 is before the child's date of birth in Header.",
    ),
    Case(
        "dec-before-decom",
        _edit("episodes", 10, DEC="01/07/2016", REC="E4A"),
        "dec-before-decom",
        E,
        10,
        "0005",
        "DEC",
        "DEC 01/07/2016 is before DECOM 01/08/2016.",
    ),
    Case(
        "episode-outside-year",
        _append("episodes", ["0005", "01/10/2015", "S", "V2", "N2", "U6", "PR1", "10/01/2016", "E4A", "", "", "", ""]),
        "episode-outside-year",
        E,
        11,
        "0005",
        "DEC",
        "episode ended on 10/01/2016, before the 2016-17 collection year began on 01/04/2016: it does not belong in this return.",
    ),
    Case(
        "dec-after-year-end",
        _edit("episodes", 5, DEC="15/04/2017", REC="E4A"),
        "date-after-year-end",
        E,
        5,
        "0002",
        "DEC",
        "DEC 15/04/2017 is after 31/03/2017, the end of the 2016-17 collection year.",
    ),
    # ---- links and episode logic
    Case(
        "duplicate-child",
        _append("header", ["0005", "2", "30/01/2000", "WBRI", "D456789012345", "1", "12/12/2015"]),
        "duplicate-child",
        H,
        7,
        "0005",
        "CHILD",
        "child appears more than once in Header for 2016-17 (first at row 6).",
    ),
    Case(
        "child-not-in-header",
        _remove_line("header", 6),
        "child-not-in-header",
        E,
        10,
        "0005",
        "CHILD",
        "child is in Episodes but not in Header for 2016-17.",
    ),
    Case(
        "uasc-not-in-header",
        _append("uasc", ["0009", "1", "05/09/2001", "05/09/2019"]),
        "uasc-not-in-header",
        U,
        3,
        "0009",
        "CHILD",
        "child is in UASC but not in Header for 2016-17.",
    ),
    Case(
        "duplicate-episode",
        _append("episodes", ["0005", "01/08/2016", "S", "V2", "N2", "P2", "PR2", "", "", "", "", "", ""]),
        "duplicate-episode",
        E,
        11,
        "0005",
        "DECOM",
        "the child has another episode starting on DECOM 01/08/2016 (row 10): duplicate episode.",
    ),
    Case(
        "overlapping-episodes",
        _edit("episodes", 4, DEC="15/02/2017"),
        "overlapping-episodes",
        E,
        4,
        "0002",
        "DEC",
        "DEC 15/02/2017 is after DECOM 01/02/2017 of the child's next episode (row 5): the episodes overlap.",
    ),
    Case(
        "first-episode-not-s",
        _edit("episodes", 4, RNE="P"),
        "first-episode-not-s",
        E,
        4,
        "0002",
        "RNE",
        "RNE is 'P' but this is the child's first episode: a period of care starts with RNE S.",
    ),
    Case(
        "new-period-not-s",
        _edit("episodes", 5, RNE="L"),
        "period-start-not-s",
        E,
        5,
        "0002",
        "RNE",
        "RNE is 'L' but the child's previous episode (row 4) ended on 01/12/2016, before this one began: "
        "a new period of care must start with RNE S.",
    ),
    Case(
        "x1-not-followed",
        _edit("episodes", 4, REC="X1"),
        "x1-not-followed",
        E,
        4,
        "0002",
        "REC",
        "REC is X1 but no episode of this child starts on the DEC date 01/12/2016: X1 means a new episode starts the same day.",
    ),
    Case(
        "exit-then-same-day-episode",
        _edit("episodes", 2, REC="E4A"),
        "same-day-rec-not-x1",
        E,
        2,
        "0001",
        "REC",
        "REC 'E4A' ends the period of care but the child's next episode (row 3) starts the same day, 10/05/2016: "
        "use X1 for a change within the period, or correct the dates.",
    ),
    Case(
        "x1-then-s",
        _edit("episodes", 7, RNE="S"),
        "x1-then-s",
        E,
        7,
        "0003",
        "RNE",
        "RNE is S (a new period) but the child's previous episode (row 6) ended the same day with X1: "
        "the period continues, so RNE should not be S.",
    ),
    Case(
        "two-open-episodes",
        _edit("episodes", 2, DEC="", REC=""),
        "multiple-open-episodes",
        E,
        3,
        "0001",
        "DEC",
        "the child has 2 open episodes (no DEC) for 2016-17; at most one may be open.",
    ),
    Case(
        "open-episode-not-last",
        _edit("episodes", 2, DEC="", REC=""),
        "open-episode-not-last",
        E,
        2,
        "0001",
        "DEC",
        "episode has no DEC (open) but the child has a later episode (row 3): only the last episode can be open.",
    ),
    Case(
        "rec-without-dec",
        _edit("episodes", 10, REC="E8"),
        "rec-without-dec",
        E,
        10,
        "0005",
        "REC",
        "REC 'E8' is recorded but DEC is blank: an open episode has no reason for ending.",
    ),
    # ---- adoption
    Case(
        "ad1-not-adopted",
        _append("ad1", ["0001", "14/03/2009", "15/03/2016", "01/05/2016", "0", "1", "MM", "L0"]),
        "ad1-without-adoption",
        A,
        3,
        "0001",
        "CHILD",
        "AD1 row, but the child's last episode in 2016-17 did not end in adoption (REC E11 or E12).",
    ),
    Case(
        "date-match-before-date-int",
        _edit("ad1", 2, DATE_MATCH="01/02/2016"),
        "date-match-before-date-int",
        A,
        2,
        "0003",
        "DATE_MATCH",
        "DATE_MATCH 01/02/2016 is before DATE_INT 15/03/2016 (the decision that the child should be placed for adoption).",
    ),
    Case(
        "placed-ceased-before-placed",
        _edit("placed_for_adoption", 2, DATE_PLACED_CEASED="01/01/2016", REASON_PLACED_CEASED="RD1"),
        "placed-ceased-before-placed",
        P,
        2,
        "0003",
        "DATE_PLACED_CEASED",
        "DATE_PLACED_CEASED 01/01/2016 is before DATE_PLACED 15/03/2016.",
    ),
    Case(
        "duplicate-table",
        lambda t, root: (path_of(root, "header").parent / "SSDA903_Header.csv").write_bytes(
            path_of(root, "header").read_bytes()
        ),
        "duplicate-table",
        H,
        None,
        None,
        None,
        "holds the Header table, as does 2017/SSDA903_Header.csv; this file is ignored.",
        after_write=True,
    ),
]


def build(case: Case, root: Path) -> Path:
    tables = baseline()
    if not case.after_write:
        case.damage(tables)
    folder = write_return(root, tables)
    if case.after_write:
        case.damage(tables, root)
    return folder


def expected_message(case: Case, folder: Path) -> str:
    if "{pos}" in case.message:
        raw = (folder / YEAR_DIR / "header.csv").read_bytes()
        return case.message.format(pos=raw.index(b"\xc9"))
    return case.message


def read_report(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- tests


def test_corpus_is_large_and_covers_the_brief():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
    needed = {
        "missing-table",
        "missing-column",
        "empty-file",
        "delimiter",
        "excel",
        "encoding",
        "duplicate-child",
        "overlapping-episodes",
        "dec-before-decom",
        "invalid-place",
        "invalid-ls",
        "future-date",
        "dob-after-decom",
        "date-format",
        "first-episode-not-s",
        "period-start-not-s",
        "x1-not-followed",
        "provider-not-blank",
        "child-not-in-header",
        "duplicate-episode",
        "multiple-open-episodes",
        "ad1-without-adoption",
        "date-match-before-date-int",
        "invalid-sex",
        "episode-outside-year",
    }
    assert needed <= {c.rule for c in CASES}
    assert {c.rule for c in CASES} <= set(RULES)


def test_baseline_is_valid(tmp_path, capsys):
    folder = write_return(tmp_path, baseline())
    code = run_cli(folder, out=tmp_path / "out")
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "0 errors, 0 warnings" in out
    report = read_report(tmp_path / "out" / "validation_report.csv")
    assert report.empty
    assert list(report.columns) == ["file", "row", "child", "column", "rule", "message", "severity"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, capsys):
    folder = build(case, tmp_path)
    code = run_cli(folder, out=tmp_path / "out")
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert f"[{case.rule}]" in out  # the summary shows the first errors (warnings are in the report only)
    report = read_report(tmp_path / "out" / "validation_report.csv")
    hits = report[report["rule"] == case.rule]
    assert len(hits), f"{case.rule} not reported; got:\n{report[['rule', 'file', 'row', 'message']].to_string()}"
    want = {
        "file": case.file,
        "row": "" if case.row is None else str(case.row),
        "child": case.child or "",
        "column": case.column or "",
        "message": expected_message(case, folder),
        "severity": RULES[case.rule].severity,
    }
    got = hits[list(want)].to_dict("records")
    assert want in got, f"expected {want}\n got {got}"
    leaked = [(m, s) for m in report["message"] for s in SECRETS if s in m]
    assert not leaked, f"messages show a DOB, UPN or postcode: {leaked}"


def test_summary_lines_name_file_row_child_column(tmp_path, capsys):
    case = next(c for c in CASES if c.id == "overlapping-episodes")
    code = run_cli(build(case, tmp_path), out=tmp_path / "out")
    out, _ = capsys.readouterr()
    assert code == 2
    assert (
        "2017/episodes.csv:4 child 0002 DEC: DEC 15/02/2017 is after DECOM 01/02/2017 of the child's next episode "
        "(row 5): the episodes overlap. [overlapping-episodes]"
    ) in out.splitlines()
    assert "1 error, 0 warnings, 0 info." in out


@pytest.mark.slow  # validates every case of the corpus, one by one and stacked (about 10 s)
def test_messages_never_show_dob_upn_or_postcode(tmp_path):
    """Every message of the corpus, per year (also checked in test_bad_input) and stacked."""
    seen = 0
    for i, case in enumerate(CASES):
        ret = load_return(build(case, tmp_path / str(i)))
        for message in pd.concat([validate(ret)["message"], validate(stack(ret))["message"]]):
            seen += 1
            leaked = [s for s in SECRETS if s in message]
            assert not leaked, f"{case.id}: message shows {leaked}: {message}"
    assert seen > len(CASES)


def test_folder_not_found_exits_2_without_traceback(tmp_path, capsys):
    code = run_cli(tmp_path / "nowhere", out=tmp_path / "out")
    out, err = capsys.readouterr()
    assert code == 2
    assert "folder not found" in err and "Traceback" not in out + err


def test_default_report_goes_under_build_validation(tmp_path, capsys, monkeypatch):
    import analysis.paper

    monkeypatch.setattr(analysis.paper, "REPO_ROOT", tmp_path / "repo")
    folder = write_return(tmp_path, baseline())
    assert run_cli(folder) == 0
    assert (tmp_path / "repo" / "build" / "validation" / "la" / "validation_report.csv").is_file()
    capsys.readouterr()


def test_dfe_rules_flag_when_not_available(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "analysis.sources.ssda903.dfe_rules", None)  # import fails
    folder = write_return(tmp_path, baseline())
    code = run_cli(folder, out=tmp_path / "out", dfe_rules=True)
    out, err = capsys.readouterr()
    assert code == 0 and "DfE validation rules: not available yet." in out and "Traceback" not in out + err


def test_dfe_rules_findings_join_the_report(tmp_path, capsys, monkeypatch):
    calls = []

    def run(directory, out_dir):
        calls.append((Path(directory), Path(out_dir)))
        return pd.DataFrame(
            {
                "file": ["2017/episodes.csv"],
                "row": ["3"],
                "child": ["0001"],
                "column": ["PLACE"],
                "rule": ["dfe-1234"],
                "message": ["a DfE rule"],
                "severity": ["error"],
            }
        )

    monkeypatch.setitem(sys.modules, "analysis.sources.ssda903.dfe_rules", types.SimpleNamespace(run=run))
    folder = write_return(tmp_path, baseline())
    code = run_cli(folder, out=tmp_path / "out", dfe_rules=True)
    out, _ = capsys.readouterr()
    assert calls == [(folder, tmp_path / "out")]
    assert code == 2 and "2017/episodes.csv:3 child 0001 PLACE: a DfE rule [dfe-1234]" in out
    report = read_report(tmp_path / "out" / "validation_report.csv")
    assert report["rule"].tolist() == ["dfe-1234"]


def test_future_dates_relative_to_today(tmp_path):
    ret = load_return(write_return(tmp_path, baseline()))
    findings = validate(ret, today=date(2017, 1, 1))
    future = findings[findings["rule"] == "future-date"]
    # DECOM 01/02/2017 (0002) and DEC 20/02/2017 (0003) are after 1 January 2017
    assert set(zip(future["row"], future["column"])) == {(5, "DECOM"), (7, "DEC")}
    assert "DEC 20/02/2017 is in the future (today is 01/01/2017)." in set(future["message"])
    assert not (validate(ret)["severity"] == "error").any()


def test_first_episode_before_the_data_is_a_warning(tmp_path):
    tables = baseline()
    edit(tables, "episodes", 2, RNE="P")  # 0001 began 01/06/2015, before 2016-17: history truncated
    findings = validate(load_return(write_return(tmp_path, tables)))
    hit = findings[findings["rule"] == "first-episode-not-s-truncated"]
    assert hit[["row", "child", "severity"]].values.tolist() == [[2, "0001", "warning"]]
    assert hit["message"].iloc[0] == (
        "RNE is 'P' on the child's first episode, which began on 01/06/2015, before the data start (01/04/2016): "
        "the start of the period is not in the data."
    )
    assert not (findings["severity"] == "error").any()


def test_later_returns_do_not_repeat_the_truncation_warning(tmp_path):
    # 2017-18 holds only 0001's open episode (RNE P, began 10/05/2016): its start is in the 2016-17 return
    write_return(
        tmp_path,
        {
            "header": [HEADER, ["0001", "1", "14/03/2009", "WBRI", "A123456789012", "", ""]],
            "episodes": [EPISODES, ["0001", "10/05/2016", "P", "C2", "N1", "U5", "PR4", "", "", "CARPL", "", "", ""]],
        },
        year_dir="2018",
    )
    tables = baseline()
    edit(tables, "episodes", 2, RNE="P")  # in the earliest year the history is truncated: a warning
    ret = load_return(write_return(tmp_path, tables))
    findings = validate(ret)
    hits = findings[findings["rule"].str.startswith("first-episode")]
    assert hits[["file", "row", "severity"]].values.tolist() == [[E, 2, "warning"]]
    assert not (findings["severity"] == "error").any()


def test_adopted_child_without_ad1_is_a_warning(tmp_path):
    tables = baseline()
    tables["ad1"] = [AD1]
    findings = validate(load_return(write_return(tmp_path, tables)))
    hit = findings[findings["rule"] == "adoption-without-ad1"]
    assert hit[["file", "row", "child", "column", "severity"]].values.tolist() == [[E, 7, "0003", "REC", "warning"]]
    assert hit["message"].iloc[0] == "child was adopted (REC 'E11') in 2016-17 but has no AD1 row."


def test_missing_or_invalid_home_postcodes_are_warnings_once_per_child(tmp_path):
    tables = baseline()
    edit(tables, "episodes", 2, HOME_POST="")  # 0001: blank on both episodes, warned once (line 2)
    edit(tables, "episodes", 3, HOME_POST="")
    edit(tables, "episodes", 4, HOME_POST="LM7")  # 0002: the outward code only
    edit(tables, "episodes", 5, HOME_POST="LM78NP")  # a full postcode without its space is fine
    edit(tables, "episodes", 10, HOME_POST="")
    edit(tables, "episodes", 10, LS="V3", PLACE="U6", PLACE_PROVIDER="PR1")  # 0005: a short break has none
    findings = validate(load_return(write_return(tmp_path, tables)))
    hits = findings[findings["rule"].str.startswith("home-postcode")]
    assert hits[["file", "row", "child", "column", "rule", "severity"]].values.tolist() == [
        [E, 2, "0001", "HOME_POST", "home-postcode-missing", "warning"],
        [E, 4, "0002", "HOME_POST", "home-postcode-invalid", "warning"],
    ]
    assert hits["message"].tolist() == [
        "HOME_POST is blank for a child who is not UASC in 2016-17 (the child's first such episode): "
        "the distance from home cannot be worked out.",
        "HOME_POST is not a full postcode in 2016-17 (the child's first such episode): "
        "the distance from home cannot be worked out.",
    ]
    assert not (findings["severity"] == "error").any()  # the UASC child 0004 has none, as it should


def test_placed_for_adoption_row_missing_is_a_warning(tmp_path):
    tables = baseline()
    tables["placed_for_adoption"] = [PLACED]
    findings = validate(load_return(write_return(tmp_path, tables)))
    hit = findings[findings["rule"] == "placed-for-adoption-missing"]
    assert hit[["file", "row", "child", "column", "severity"]].values.tolist() == [[E, 7, "0003", "PLACE", "warning"]]
    assert hit["message"].iloc[0] == (
        "child is placed for adoption (PLACE A3-A6) in 2016-17 but has no Placed for Adoption row "
        "(the date of the decision to place for adoption)."
    )
    assert not (findings["severity"] == "error").any()


def test_previous_permanence_codes_and_dates_are_checked(tmp_path):
    tables = baseline()
    tables["previous_permanence"] = [
        ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
        ["0002", "02/11/2005", "P2", "873", "ZZ/ZZ/2010"],  # line 2: a valid option, a partial date
        ["0005", "30/01/2000", "P9", "999", "01/01/2099"],  # line 3: no such option; a future date
    ]
    findings = validate(load_return(write_return(tmp_path, tables)))
    pp = findings[findings["file"] == f"{YEAR_DIR}/previous_permanence.csv"]
    assert pp[["row", "child", "column", "rule", "severity"]].values.tolist() == [
        [3, "0005", "DATE_PERM", "future-date", "error"],
        [3, "0005", "PREV_PERM", "invalid-prev-perm", "warning"],
    ]
    assert pp["message"].iloc[1] == "PREV_PERM 'P9' is not a valid code; expected one of P1, P2, P3, P4, Z1."


def test_sex_codes_follow_the_collection_year(tmp_path):
    # the same child coded 1/2 is wrong in a 2024-25 return, M/F right
    tables = {
        "header": [
            HEADER,
            ["0001", "1", "14/03/2009", "WBRI", "", "", ""],
            ["0002", "F", "02/11/2005", "BAFR", "", "", ""],
        ],
        "episodes": [
            EPISODES,
            ["0001", "01/06/2024", "S", "C2", "N1", "K3", "PR1", "", "", "", "", "", ""],
            ["0002", "01/06/2024", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", ""],
        ],
    }
    findings = validate(load_return(write_return(tmp_path, tables, year_dir="2024-25")))
    errors = findings[findings["severity"] == "error"]
    assert errors[["rule", "row", "child"]].values.tolist() == [["invalid-sex", 2, "0001"]]
    assert (
        errors["message"].iloc[0]
        == "SEX '1' is not a valid code in 2024-25 (it is valid up to 2023-24); expected one of F, M, U."
    )


def test_missing_required_column_does_not_flood_blank_values(tmp_path):
    tables = baseline()
    drop_column(tables, "episodes", "PLACE")
    findings = validate(load_return(write_return(tmp_path, tables)))
    assert findings[findings["severity"] == "error"]["rule"].tolist() == ["missing-column"]


def test_rules_table_lists_every_rule_once():
    table = rules_table()
    assert list(table.columns) == ["rule", "severity", "table", "description"]
    assert table["rule"].is_unique and len(table) == len(RULES)
    assert set(table["severity"]) <= {"error", "warning", "info"}
    assert table["description"].str.len().min() > 10


def test_write_report_sorts_by_severity_file_row(tmp_path):
    tables = baseline()
    edit(tables, "episodes", 5, RNE="L")
    edit(tables, "episodes", 2, RNE="P")
    edit(tables, "header", 3, SEX="M")
    findings = validate(load_return(write_return(tmp_path, tables)))
    report = read_report(write_report(findings, tmp_path / "r"))
    assert report["severity"].tolist() == sorted(report["severity"], key=["error", "warning", "info"].index)
    errors = report[report["severity"] == "error"]
    assert errors[["file", "row"]].values.tolist() == [[E, "5"], [H, "3"]]


def test_summarise_shows_the_first_ten_errors_and_counts(tmp_path):
    tables = baseline()
    for line in range(2, 11):
        edit(tables, "episodes", line, CIN="N9")
    for line in range(2, 7):
        edit(tables, "header", line, ETHNIC="XXXX")
    findings = validate(load_return(write_return(tmp_path, tables)))
    text = summarise(findings)
    lines = text.splitlines()
    assert len(lines) == 12
    assert lines[0].startswith("2017/episodes.csv:2 child 0001 CIN: CIN 'N9' is not a valid code in 2016-17")
    assert lines[10] == "... and 4 more errors"
    assert lines[11] == "14 errors, 0 warnings, 0 info."


# --------------------------------------------------------------------------- stacked and the community fixtures


def test_stacked_return_is_checked_across_years(tmp_path):
    tables = baseline()
    folder = write_return(tmp_path, tables)
    # 2017-18: 0005's episode closed with E8 in the new year, everything else unchanged apart from the year
    t18 = {
        "header": [HEADER, ["0005", "2", "30/01/2000", "WBRI", "D456789012345", "1", "12/12/2015"]],
        "episodes": [
            EPISODES,
            ["0005", "01/08/2016", "S", "V2", "N2", "P2", "PR2", "01/06/2017", "E8", "", "", "", ""],
        ],
    }
    write_return(tmp_path, t18, year_dir="2018")
    ret = load_return(folder)
    assert ret.years == (2017, 2018)
    assert not (validate(ret)["severity"] == "error").any()
    stacked = stack(ret)
    findings = validate(stacked)
    assert not (findings["severity"] == "error").any(), summarise(findings)
    ep = stacked.tables["episodes"]
    assert ep.loc[ep["CHILD"] == "0005", ["YEAR", "REC"]].values.tolist() == [[2018, "E8"]]


def test_community_fake_data_gives_a_report_not_a_crash(tmp_path, capsys):
    if not FAKE_DATA.is_dir():
        pytest.skip(
            f"the community validator's fake data {FAKE_DATA} is absent (it sits beside the project on the build machines)"
        )
    code = run_cli(FAKE_DATA, out=tmp_path / "out")
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 2  # random fixtures: they break many rules
    report = read_report(tmp_path / "out" / "validation_report.csv")
    assert set(report["rule"]) <= set(RULES)
    counts = report["rule"].value_counts()
    assert (
        counts["year-inferred"] == 1 and "Read 5,050 episodes and 2,675 Header rows; collection years: 2017-18." in out
    )
    assert counts["provider-not-blank"] > 100  # PLACE_PROVIDER is random, also for T0-T4/Z1 placements
    assert counts["invalid-reason-placed-ceased"] == 29  # REASON_PLACED_CEASED is "XXX"
    # the same files with the year given
    ret = load_return(FAKE_DATA, year=2019)
    assert ret.years == (2019,) and len(ret.tables["episodes"]) == 5050
    stacked = validate(stack(ret))
    assert len(stacked) > 0


def test_scale_smoke(tmp_path):
    """A larger generated return (no timing asserted): vectorised paths run and a few planted errors are found."""
    import numpy as np

    n_child = 40_000
    rng = np.random.default_rng(1)
    child = np.repeat(np.arange(n_child), 3)
    k = np.tile(np.arange(3), n_child)
    start = np.datetime64("2016-04-10") + rng.integers(0, 90, n_child).astype("timedelta64[D]")
    decom = start[child] + (k * 60).astype("timedelta64[D]")
    dec = pd.Series(pd.to_datetime(decom + np.timedelta64(60, "D")).strftime("%d/%m/%Y"))
    dec[k == 2] = ""
    ids = pd.Series(child).astype(str).str.zfill(6)
    episodes = pd.DataFrame(
        {
            "CHILD": ids,
            "DECOM": pd.to_datetime(decom).strftime("%d/%m/%Y"),
            "RNE": np.where(k == 0, "S", "P"),
            "LS": "C2",
            "CIN": "N1",
            "PLACE": "U4",
            "PLACE_PROVIDER": "PR1",
            "DEC": dec,
            "REC": np.where(k == 2, "", "X1"),
            "REASON_PLACE_CHANGE": "",
            "HOME_POST": "",
            "PL_POST": "",
            "URN": "",
        }
    )
    episodes.loc[[5, 50_000], "PLACE"] = "ZZ"  # rows on lines 7 and 50,002
    episodes.loc[100_000, "RNE"] = "S"  # after an X1 episode, RNE S the same day (line 100,002)
    header = pd.DataFrame(
        {
            "CHILD": ids.drop_duplicates(),
            "SEX": "1",
            "DOB": "01/01/2010",
            "ETHNIC": "WBRI",
            "UPN": "",
            "MOTHER": "",
            "MC_DOB": "",
        }
    )
    folder = tmp_path / "big" / "2017"
    folder.mkdir(parents=True)
    episodes.to_csv(folder / "episodes.csv", index=False)
    header.to_csv(folder / "header.csv", index=False)
    ret = load_return(folder.parent)
    assert len(ret.tables["episodes"]) == 3 * n_child
    findings = validate(ret)
    errors = findings[findings["severity"] == "error"]
    assert sorted(zip(errors["rule"], errors["row"])) == [
        ("invalid-place", 7),
        ("invalid-place", 50_002),
        ("x1-then-s", 100_002),
    ]
    assert len(validate(stack(ret))) >= 3
