"""The episode model, on hand-built histories whose answers are worked out in the comments.

Dates are written ISO (YYYY-MM-DD). Collection year Y runs 1 April Y-1 to 31 March Y.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import episodes_frame

from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec

NS = "datetime64[ns]"


# --------------------------------------------------------------------------- builders


def ep(child, decom, dec, rne, *, ls="C2", place="U4", provider="PR1", rec="", cin="N1", urn="", home="", pl=""):
    """One episode row as the loader gives it."""
    return dict(
        CHILD=child,
        DECOM=decom,
        DEC=dec,
        RNE=rne,
        LS=ls,
        CIN=cin,
        PLACE=place,
        PLACE_PROVIDER=provider,
        REC=rec,
        REASON_PLACE_CHANGE="",
        HOME_POST=home,
        PL_POST=pl,
        URN=urn,
    )


def header_frame(dobs: dict[str, str], sex: str = "1") -> pd.DataFrame:
    df = pd.DataFrame({"CHILD": list(dobs), "SEX": sex, "DOB": pd.to_datetime(list(dobs.values())).astype(NS)})
    for c in ("ETHNIC", "UPN", "MOTHER", "MC_DOB"):
        df[c] = ""
    df["YEAR"] = 2024
    return df


def prepared(rows, dobs=None):
    rows = list(rows)
    dobs = dobs if dobs is not None else {r["CHILD"]: "2010-01-01" for r in rows}
    return E.prepare(episodes_frame(rows), header_frame(dobs))


def ts(s):
    return pd.Timestamp(s)


# --------------------------------------------------------------------------- one period with L and P changes


ONE_PERIOD = [
    ep("A", "2020-01-10", "2020-03-01", "S", ls="C1", place="U4", provider="PR1", rec="X1"),
    ep("A", "2020-03-01", "2020-06-01", "L", ls="C2", place="U4", provider="PR1", rec="X1"),  # legal status only
    ep("A", "2020-06-01", "2021-02-01", "P", ls="C2", place="U6", provider="PR4", rec="X1"),  # new carer (IFA)
    ep("A", "2021-02-01", "2022-05-10", "B", ls="E1", place="A4", provider="PR1", rec="E11"),  # both; then adopted
]


def test_one_period_with_legal_status_and_placement_changes():
    p = prepared(ONE_PERIOD, {"A": "2010-06-15"})
    assert list(p.columns) == list(E.PREPARED_COLUMNS)
    assert p["period_id"].tolist() == [1, 1, 1, 1]
    assert p["episode_in_period"].tolist() == [1, 2, 3, 4]
    assert (p["period_start"] == ts("2020-01-10")).all()
    assert (p["period_end"] == ts("2022-05-10")).all()
    assert (p["period_reason"] == "E11").all() and (p["reason_group"] == "adoption").all()
    # born 15 June 2010; on 10 January 2020 the 2020 birthday has not come: 2020 - 2010 - 1 = 9
    assert (p["age_at_period_start"] == 9).all()
    assert p["new_placement"].tolist() == [True, False, True, True]  # S, L, P, B
    assert p["new_legal_status"].tolist() == [True, True, False, True]  # S, L, P, B
    assert p["placement_category"].tolist() == [
        "in-house fostering",
        "in-house fostering",
        "IFA fostering",
        "adoption placement",
    ]

    per = E.periods(p)
    assert list(per.columns) == list(E.PERIOD_COLUMNS)
    row = per.iloc[0]
    assert len(per) == 1
    assert (row["start"], row["end"]) == (ts("2020-01-10"), ts("2022-05-10"))
    assert row["reason"] == "E11" and row["reason_group"] == "adoption"
    assert row["first_rne"] == "S" and row["first_ls"] == "C1" and row["cin"] == "N1"
    assert row["first_placement_category"] == "in-house fostering"
    assert row["n_episodes"] == 4
    assert row["n_placements"] == 3  # S, P and B begin placements; L does not
    # 10 Jan 2020 -> 10 Jan 2021: 366 days (29 Feb 2020); -> 10 Jan 2022: 365;
    # -> 10 May 2022: 21 (rest of Jan) + 28 + 31 + 30 + 10 = 120
    assert row["days"] == 366 + 365 + 120
    assert row["entry_year"] == 2020  # January 2020 is in the year ending 31 March 2020
    assert row["exit_year"] == 2023  # May 2022 is in the year ending 31 March 2023
    assert row["age_at_start"] == 9 and row["SEX"] == "1" and row["DOB"] == ts("2010-06-15")


# --------------------------------------------------------------------------- two periods; open episode


TWO_PERIODS = [
    ep("B", "2019-05-01", "2019-09-01", "S", ls="V2", place="U6", provider="PR1", rec="E4A"),  # goes home
    ep("B", "2020-02-01", None, "S", ls="C1", place="U1", provider="PR1"),  # comes back; still in care
]


def test_child_who_leaves_and_returns_has_two_periods_the_second_open():
    p = prepared(TWO_PERIODS, {"B": "2015-02-01"})
    assert p["period_id"].tolist() == [1, 2]
    assert p["period_number"].tolist() == [1, 2]
    per = E.periods(p)
    assert per["reason"].tolist() == ["E4A", ""]
    assert per["reason_group"].tolist() == ["return home", "in care"]
    assert per["end"].isna().tolist() == [False, True]
    assert per["days"].isna().tolist() == [False, True]  # open: no length yet
    assert per["days"].iloc[0] == 123  # 1 May -> 1 Sep 2019: 31 (May) + 30 + 31 + 31 = 123
    assert per["exit_year"].isna().tolist() == [False, True]
    # age on 1 Feb 2020 of a child born 1 Feb 2015 is 5 (birthday that day); on 1 May 2019 it was 4
    assert per["age_at_start"].tolist() == [4, 5]
    assert per["first_placement_category"].tolist() == ["in-house fostering", "kinship fostering"]


def test_gap_without_rne_s_still_starts_a_new_period():
    # the second episode says P but starts a day after the first ended: a gap, so a new period
    rows = [ep("G", "2020-01-01", "2020-02-01", "S", rec="X1"), ep("G", "2020-02-02", None, "P")]
    per = E.periods(prepared(rows))
    assert len(per) == 2
    assert per["first_rne"].tolist() == ["S", "P"]
    assert per["reason_group"].tolist() == [E.UNKNOWN, E.IN_CARE]  # a period ending X1 has no known reason


def test_rne_s_on_the_same_day_starts_a_new_period():
    rows = [ep("H", "2020-01-01", "2020-02-01", "S", rec="E8"), ep("H", "2020-02-01", None, "S")]
    assert E.periods(prepared(rows))["period_number"].tolist() == [1, 2]


# --------------------------------------------------------------------------- short breaks


def test_short_break_child_is_excluded_and_a_move_into_care_starts_a_period():
    rows = [
        ep("C", "2020-01-01", "2020-01-03", "S", ls="V3", rec="E8"),  # short breaks only: dropped entirely
        ep("C", "2020-02-01", "2020-02-03", "S", ls="V3", rec="E8"),
        ep("D", "2020-01-01", "2020-03-01", "S", ls="V4", rec="X1"),  # short breaks, then ...
        ep("D", "2020-03-01", None, "L", ls="V2"),  # ... full-time care from 1 March 2020
        ep("F", "2020-01-01", None, "S", ls="v3 "),  # codes are compared stripped and upper-cased
    ]
    p = prepared(rows)
    assert p["CHILD"].tolist() == ["D"]
    assert p.attrs["dropped"] == {"short_breaks": 4, "no_child_or_decom": 0}
    per = E.periods(p)
    # D's period starts at the V2 episode, whatever its RNE (L); first_rne records that
    assert per[["CHILD", "start", "first_rne", "first_ls"]].values.tolist() == [["D", ts("2020-03-01"), "L", "V2"]]
    assert E.count_at_31_march(p, 2020) == 1  # D
    assert E.counts_by_year(p, [2020])["cla_started"].tolist() == [1]  # D, on 1 March 2020


def test_a_short_break_between_ordinary_episodes_splits_the_period():
    rows = [
        ep("S1", "2020-01-01", "2020-02-01", "S", ls="V2", rec="X1"),
        ep("S1", "2020-02-01", "2020-02-05", "L", ls="V3", rec="X1"),  # dropped
        ep("S1", "2020-02-05", None, "L", ls="V2"),
    ]
    per = E.periods(prepared(rows))
    assert per["start"].tolist() == [ts("2020-01-01"), ts("2020-02-05")]
    assert per["reason"].tolist() == ["X1", ""]


# --------------------------------------------------------------------------- looked after on a date; 31 March


def test_periods_straddling_31_march_and_boundaries():
    rows = [
        *ONE_PERIOD,  # A: 10 Jan 2020 to 10 May 2022, so in care on 31 March 2020, 2021 and 2022
        ep("E", "2019-01-01", "2020-03-31", "S", rec="E4A"),  # ceases on 31 March 2020: not counted that day
        ep("F", "2020-03-31", "2020-04-01", "S", rec="E4B"),  # starts on 31 March 2020: counted
    ]
    p = prepared(rows, {"A": "2010-06-15", "E": "2010-01-01", "F": "2010-01-01"})
    assert E.count_at_31_march(p, 2020) == 2  # A and F
    assert E.count_at_31_march(p, 2021) == 1  # A
    assert E.count_at_31_march(p, 2022) == 1  # A
    assert E.count_at_31_march(p, 2023) == 0
    on = E.looked_after_on(p, dt.date(2021, 3, 31))
    assert list(on.columns) == list(E.ON_DATE_COLUMNS)
    # on 31 March 2021 A is in the adoption placement that began on 1 Feb 2021 (the IFA one ended that day)
    assert on[["CHILD", "PLACE", "LS", "placement_category"]].values.tolist() == [
        ["A", "A4", "E1", "adoption placement"]
    ]
    assert on["age"].tolist() == [10]  # born 15 June 2010
    assert on["period_start"].tolist() == [ts("2020-01-10")]
    # the day A moved (1 June 2020) the new episode is the current one
    assert E.looked_after_on(p, "2020-06-01")["PLACE"].tolist() == ["U6"]


# --------------------------------------------------------------------------- a cohort with a hand-computed table

COHORT = [
    ep("K1", "2019-06-01", None, "S", place="U4", provider="PR1"),
    ep("K2", "2018-01-01", "2020-03-31", "S", place="A4", rec="E11"),
    ep("K3", "2020-03-31", None, "S", place="U1", provider="PR0"),
    ep("K4", "2019-05-01", "2019-07-01", "S", place="K2", provider="PR4", rec="E4A"),
    ep("K4", "2019-10-01", "2020-01-15", "S", place="U3", provider="PR1", rec="E45"),
    ep("K5", "2020-04-01", "2020-09-01", "S", place="R1", provider="PR4", rec="X1"),
    ep("K5", "2020-09-01", None, "L", place="R1", provider="PR4"),
    ep("K6", "2019-01-01", "2020-06-30", "S", ls="V2", place="H5", provider="PR4", rec="E5"),
    ep("K7", "2020-05-01", "2020-08-01", "S", place="P1", provider="PR0", rec="X1"),  # ends X1 with nothing after
    ep("K8", "2020-10-01", None, "S", place="U5", provider="PR5"),
]
COHORT_DOB = {
    "K1": "2015-03-31",
    "K2": "2016-01-01",
    "K3": "2019-03-31",
    "K4": "2005-01-01",
    "K5": "2004-04-01",
    "K6": "2002-07-01",
    "K7": "2010-01-01",
    "K8": "2020-04-01",
}


def test_counts_by_year_for_a_small_cohort():
    p = prepared(COHORT, COHORT_DOB)
    got = E.counts_by_year(p, [2020, 2021]).set_index("year")
    # Year 2020 (1 Apr 2019 - 31 Mar 2020)
    #   31 March 2020: K1 (open), K3 (started that day), K6 (until 30 Jun 2020) = 3;
    #     not K2 (ceased that day), K4 (left 15 Jan 2020), K5/K7/K8 (not yet started).
    #   started: K1 (1 Jun 2019), K3 (31 Mar 2020), K4 (1 May and 1 Oct 2019: counted once) = 3.
    #   ceased: K2 (31 Mar 2020, E11 adoption), K4 (1 Jul 2019 E4A and 15 Jan 2020 E45: counted once,
    #     by the last, special guardianship) = 2.
    #   placements on 31 March: K1 U4/PR1 in-house; K3 U1 kinship; K6 H5 independent living.
    #   ages on 31 March 2020: K1 born 31 Mar 2015 -> 5 (birthday); K3 born 31 Mar 2019 -> 1 (birthday);
    #     K6 born 1 Jul 2002 -> 17.
    # Year 2021 (1 Apr 2020 - 31 Mar 2021)
    #   31 March 2021: K1, K3, K5 (L episode open), K8 = 4; K6 left 30 Jun 2020, K7 1 Aug 2020.
    #   started: K5 (1 Apr 2020, first day of the year), K7 (1 May 2020), K8 (1 Oct 2020) = 3.
    #   ceased: K6 (30 Jun 2020, E5 independent living) = 1; K7's period ends X1, which is not a
    #     care exit, so K7 is not counted; K5's X1 is followed by its next episode.
    #   placements: K1 in-house, K3 kinship, K5 R1 residential, K8 U5/PR5 IFA.
    #   ages on 31 March 2021: K1 6; K3 2; K5 born 1 Apr 2004 -> 16 (17 the next day); K8 born 1 Apr 2020 -> 0.
    expected = {
        2020: dict(
            cla_31_march=3,
            cla_started=3,
            cla_ceased=2,
            ceased_adoption=1,
            ceased_special_guardianship=1,
            placement_in_house_fostering=1,
            placement_kinship_fostering=1,
            placement_independent_living=1,
            age_1_to_4=1,
            age_5_to_9=1,
            age_16_and_over=1,
        ),
        2021: dict(
            cla_31_march=4,
            cla_started=3,
            cla_ceased=1,
            ceased_independent_living=1,
            placement_in_house_fostering=1,
            placement_kinship_fostering=1,
            placement_residential=1,
            placement_ifa_fostering=1,
            age_under_1=1,
            age_1_to_4=1,
            age_5_to_9=1,
            age_16_and_over=1,
        ),
    }
    for year, values in expected.items():
        row = got.loc[year]
        full = dict.fromkeys(got.columns, 0)
        full.update(values)
        assert row.to_dict() == full, year
    assert E.count_at_31_march(p, 2020) == 3 and E.count_at_31_march(p, 2021) == 4


def test_counts_by_year_columns_and_sums():
    p = prepared(COHORT, COHORT_DOB)
    got = E.counts_by_year(p, [2019, 2020, 2021, 2022])
    assert list(got.columns) == [
        "year",
        "cla_31_march",
        "cla_started",
        "cla_ceased",
        *E.CEASED_COLUMNS.values(),
        *E.PLACEMENT_COLUMNS.values(),
        *E.AGE_BAND_COLUMNS.values(),
    ]
    assert set(E.CEASED_COLUMNS) == set(spec.REASON_GROUPS) | {E.UNKNOWN}
    assert set(E.PLACEMENT_COLUMNS) == set(spec.PLACEMENT_CATEGORIES)
    assert (got[list(E.CEASED_COLUMNS.values())].sum(axis=1) == got["cla_ceased"]).all()
    assert (got[list(E.PLACEMENT_COLUMNS.values())].sum(axis=1) == got["cla_31_march"]).all()
    assert (got[list(E.AGE_BAND_COLUMNS.values())].sum(axis=1) == got["cla_31_march"]).all()
    assert got["year"].tolist() == [2019, 2020, 2021, 2022]


def test_child_starting_twice_in_a_year_is_counted_once_and_ceased_by_last_reason():
    rows = [
        ep("T", "2021-04-10", "2021-05-01", "S", rec="E13"),  # other
        ep("T", "2021-06-01", "2021-08-01", "S", rec="E41"),  # child arrangements order
        ep("T", "2021-09-01", "2021-12-01", "S", rec="E12"),  # adoption: the last exit in the year
        ep("U", "2021-04-10", "2021-05-01", "S", rec="E2"),  # other
    ]
    got = E.counts_by_year(prepared(rows), [2022]).iloc[0]
    assert got["cla_started"] == 2  # T (three times) and U
    assert got["cla_ceased"] == 2
    assert got["ceased_adoption"] == 1 and got["ceased_other"] == 1 and got["ceased_child_arrangements_order"] == 0
    assert len(E.periods(prepared(rows))) == 4  # periods are all still there


def test_ceased_with_blank_reason_counts_as_unknown():
    rows = [ep("V", "2021-04-10", "2021-05-01", "S", rec="")]
    got = E.counts_by_year(prepared(rows), [2022]).iloc[0]
    assert got["cla_ceased"] == 1 and got["ceased_unknown"] == 1


# --------------------------------------------------------------------------- placement categories


@pytest.mark.parametrize(
    "place, provider, category",
    [
        ("U4", "PR1", "in-house fostering"),
        ("U5", "PR1", "in-house fostering"),
        ("U6", "PR1", "in-house fostering"),
        ("U6", "PR2", "other LA fostering"),
        ("U4", "PR4", "IFA fostering"),
        ("U5", "PR5", "IFA fostering"),
        ("U4", "PR0", "other"),
        ("U4", "PR3", "other"),
        ("U4", "", "other"),
        ("U4", None, "other"),
        ("U1", "PR1", "kinship fostering"),
        ("U2", "PR4", "kinship fostering"),
        ("U3", "", "kinship fostering"),
        ("K1", "PR1", "residential"),
        ("K2", "PR4", "residential"),
        ("R1", "PR5", "residential"),
        ("R2", "PR3", "residential"),
        ("R3", "PR1", "residential"),
        ("S1", "PR4", "residential"),
        ("P3", "PR4", "residential"),
        ("H5", "PR4", "independent living"),
        ("P2", "PR1", "independent living"),
        ("K3", "PR4", "independent living"),
        ("P1", "PR0", "placed with parents"),
        ("A3", "PR1", "adoption placement"),
        ("A4", "PR2", "adoption placement"),
        ("A5", "PR5", "adoption placement"),
        ("A6", "PR1", "adoption placement"),
        ("T0", "", "other"),
        ("T4", "", "other"),
        ("R5", "PR3", "other"),
        ("Z1", "", "other"),
        ("Z12", "", "other"),
        ("", "", "other"),
        (None, None, "other"),
        (" u4 ", "pr1", "in-house fostering"),  # stripped and upper-cased
    ],
)
def test_placement_category_every_path(place, provider, category):
    assert E.placement_category(place, provider) == category
    got = E.placement_category(
        pd.Series([place, "U4"], index=[7, 9], dtype=object), pd.Series([provider, "PR1"], index=[7, 9], dtype=object)
    )
    assert got.tolist() == [category, "in-house fostering"] and got.index.tolist() == [7, 9]


def test_placement_category_on_lists_and_empty():
    assert E.placement_category(["U4", "U1"], ["PR2", "PR4"]).tolist() == ["other LA fostering", "kinship fostering"]
    assert E.placement_category([], []).tolist() == []
    with pytest.raises(ValueError):
        E.placement_category(["U4"], [])


# --------------------------------------------------------------------------- ages


@pytest.mark.parametrize(
    "dob, on, age",
    [
        ("2019-03-31", "2020-03-31", 1),  # turns 1 on 31 March: is 1
        ("2019-04-01", "2020-03-31", 0),  # turns 1 the next day
        ("2004-04-01", "2021-03-31", 16),
        ("2016-02-29", "2017-02-28", 0),  # leap-day birthday: a year older on 1 March
        ("2016-02-29", "2017-03-01", 1),
        ("2016-02-29", "2020-02-29", 4),
        ("2020-06-01", "2020-06-01", 0),
    ],
)
def test_age_in_years(dob, on, age):
    assert E.age_in_years(pd.Series(pd.to_datetime([dob])), on).tolist() == [age]


def test_age_unknown_or_before_birth_is_na():
    got = E.age_in_years(pd.Series(pd.to_datetime(["2020-01-01", None])), "2019-12-31")
    assert got.isna().tolist() == [True, True]


def test_age_bands_on_birthdays():
    # On 31 March 2024: born 31 Mar 2023 -> 1; 1 Apr 2023 -> 0; 31 Mar 2019 -> 5; 1 Apr 2019 -> 4;
    # 31 Mar 2014 -> 10; 1 Apr 2014 -> 9; 31 Mar 2008 -> 16; 1 Apr 2008 -> 15; no header row -> unknown.
    dobs = {
        "a": "2023-03-31",
        "b": "2023-04-01",
        "c": "2019-03-31",
        "d": "2019-04-01",
        "e": "2014-03-31",
        "f": "2014-04-01",
        "g": "2008-03-31",
        "h": "2008-04-01",
    }
    rows = [ep(c, "2023-04-01", None, "S") for c in [*dobs, "nohead"]]
    got = E.counts_by_year(prepared(rows, dobs), [2024]).iloc[0]
    assert got["cla_31_march"] == 9
    assert [got[E.AGE_BAND_COLUMNS[b]] for b in (*E.AGE_BANDS, E.AGE_UNKNOWN)] == [1, 2, 2, 2, 1, 1]


# --------------------------------------------------------------------------- spells


SPELL_ROWS = [
    ep("P", "2020-01-01", "2020-02-01", "S", ls="C1", place="U4", rec="X1", urn="SC1"),
    ep("P", "2020-02-01", "2020-03-01", "L", ls="C2", place="U4", rec="X1", urn="SC1"),  # status only
    ep("P", "2020-03-01", "2020-04-01", "T", ls="C2", place="U5", rec="X1"),  # same carers, new placement
    ep("P", "2020-04-01", "2020-05-01", "U", ls="E1", place="A5", rec="X1"),  # status and placement, same carers
    ep("P", "2020-05-01", None, "P", ls="E1", place="A6"),  # new carers
]


def test_placement_spells_T_and_U_start_a_placement_L_does_not():
    sp = E.placement_spells(prepared(SPELL_ROWS))
    assert list(sp.columns) == list(E.PLACEMENT_SPELL_COLUMNS)
    assert sp["start"].tolist() == [ts("2020-01-01"), ts("2020-03-01"), ts("2020-04-01"), ts("2020-05-01")]
    assert sp["end"].tolist()[:3] == [ts("2020-03-01"), ts("2020-04-01"), ts("2020-05-01")]
    assert pd.isna(sp["end"].iloc[3])
    assert sp["n_episodes"].tolist() == [2, 1, 1, 1]
    assert sp["PLACE"].tolist() == ["U4", "U5", "A5", "A6"]
    assert sp["URN"].tolist() == ["SC1", "", "", ""]
    assert sp["placement_category"].tolist() == [
        "in-house fostering",
        "in-house fostering",
        "adoption placement",
        "adoption placement",
    ]


def test_legal_status_spells():
    ls = E.legal_status_spells(prepared(SPELL_ROWS))
    assert list(ls.columns) == list(E.LEGAL_STATUS_SPELL_COLUMNS)
    # S (C1) | L (C2), T continues | U (E1), P continues
    assert ls["LS"].tolist() == ["C1", "C2", "E1"]
    assert ls["n_episodes"].tolist() == [1, 2, 2]
    assert ls["start"].tolist() == [ts("2020-01-01"), ts("2020-02-01"), ts("2020-04-01")]


def test_spells_do_not_run_across_periods():
    sp = E.placement_spells(prepared(TWO_PERIODS))
    assert sp["period_id"].tolist() == [1, 2]


# --------------------------------------------------------------------------- stability


def test_placements_in_year():
    # Year 2021: 1 April 2020 to 31 March 2021.
    rows = [
        # Q1: placement a ends on 1 April 2020 (moved that day), so only b and c count -> 2
        ep("Q1", "2019-01-01", "2020-04-01", "S", place="U4", rec="X1"),
        ep("Q1", "2020-04-01", "2020-08-01", "P", place="U6", rec="X1"),
        ep("Q1", "2020-08-01", None, "P", place="U4"),
        # Q2: a runs to 2 April 2020 (in it on 1 April), then b, then c; the L change is not a move -> 3
        ep("Q2", "2019-01-01", "2020-04-02", "S", place="U4", rec="X1"),
        ep("Q2", "2020-04-02", "2020-12-01", "P", place="U6", rec="X1"),
        ep("Q2", "2020-12-01", "2021-01-01", "P", place="K2", rec="X1"),
        ep("Q2", "2021-01-01", None, "L", place="K2", ls="C1"),
        # Q3: one placement in a first period (May-June 2020), two in the second -> 3
        ep("Q3", "2020-05-01", "2020-06-01", "S", place="U4", rec="E4A"),
        ep("Q3", "2020-09-01", "2020-10-01", "S", place="U4", rec="X1"),
        ep("Q3", "2020-10-01", None, "T", place="U5"),
        # Q4: left care before 31 March 2021: not in the cohort
        ep("Q4", "2020-05-01", "2021-03-01", "S", rec="E8"),
        # Q5: one placement since 2015 -> 1
        ep("Q5", "2015-01-01", None, "S"),
    ]
    s = E.placements_in_year(prepared(rows), 2021)
    assert s.name == "placements" and s.index.name == "CHILD"
    assert s.to_dict() == {"Q1": 2, "Q2": 3, "Q3": 3, "Q5": 1}
    assert int((s >= 3).sum()) == 2  # DfE's numerator; denominator len(s) == 4


def test_long_term_stability():
    # 31 March 2024: looked after since 30 Sep 2021 or earlier (2.5 years); same placement since 31 Mar 2022.
    rows = [
        ep("L1", "2021-09-30", "2023-01-01", "S", ls="C1", rec="X1"),  # exactly 2.5 years; L change is no move
        ep("L1", "2023-01-01", None, "L", ls="C2"),
        ep("L2", "2021-10-01", None, "S"),  # one day short of 2.5 years: not in the cohort
        ep("L3", "2020-01-01", "2022-04-01", "S", rec="X1"),  # moved 1 Apr 2022: under 2 years
        ep("L3", "2022-04-01", None, "P", place="U6"),
        ep("L4", "2015-01-01", None, "S"),  # 16 on 31 March 2024: too old
        ep("L5", "2020-01-01", "2022-03-31", "S", rec="X1"),  # moved 31 Mar 2022: exactly 2 years
        ep("L5", "2022-03-31", None, "P", place="U6"),
        ep("L6", "2019-01-01", "2023-01-01", "S", place="U6", rec="X1"),  # foster carers since 2019 ...
        ep("L6", "2023-01-01", None, "T", place="A5"),  # ... who now adopt: T = same carers
    ]
    dobs = dict.fromkeys(("L1", "L2", "L3", "L5", "L6"), "2012-01-01") | {"L4": "2008-03-31"}
    p = prepared(rows, dobs)
    got = E.long_term_stability(p, 2024)
    assert list(got.columns) == list(E.STABILITY_COLUMNS)
    assert got.set_index("CHILD")["stable"].to_dict() == {"L1": True, "L3": False, "L5": True, "L6": False}
    assert got.set_index("CHILD")["placement_start"]["L6"] == ts("2023-01-01")
    carer = E.long_term_stability(p, 2024, same_carer=True).set_index("CHILD")
    assert carer["stable"].to_dict() == {"L1": True, "L3": False, "L5": True, "L6": True}
    assert carer["placement_start"]["L6"] == ts("2019-01-01")
    assert got["age"].tolist() == [12, 12, 12, 12]


def test_temporary_placements_and_same_carer_code_changes_in_stability():
    # Year 2021: 1 April 2020 to 31 March 2021. Every placement change counts, temporary ones included.
    rows = [
        # T1: fostered since 2019; a temporary placement (T4, no provider) 1-5 June 2020, back with the same
        #     carers: U6, T4, U6 -> 3 placements in the year
        ep("T1", "2019-01-01", "2020-06-01", "S", place="U6", rec="X1"),
        ep("T1", "2020-06-01", "2020-06-05", "P", place="T4", provider="", rec="X1"),
        ep("T1", "2020-06-05", None, "P", place="U6"),
        # T2: the same carers' placement becomes long-term (U6 -> U4, RNE T) on 1 Sep 2020 -> 2 placements
        ep("T2", "2019-01-01", "2020-09-01", "S", place="U6", rec="X1"),
        ep("T2", "2020-09-01", None, "T", place="U4"),
        # T3: in care since 2018, U6 -> U4 with the same carers on 1 Jan 2020: the placement changed (not
        #     stable), the carer did not (stable with same_carer)
        ep("T3", "2018-01-01", "2020-01-01", "S", place="U6", rec="X1"),
        ep("T3", "2020-01-01", None, "T", place="U4"),
        # T4: in care since 2018; carers on holiday: T3 placement 1-10 Jul 2020 (RNE P), then back (RNE P):
        #     a change of carer both ways, so not stable either way
        ep("T4", "2018-01-01", "2020-07-01", "S", place="U4", rec="X1"),
        ep("T4", "2020-07-01", "2020-07-10", "P", place="T3", provider="", rec="X1"),
        ep("T4", "2020-07-10", None, "P", place="U4"),
    ]
    p = prepared(rows, dict.fromkeys(("T1", "T2", "T3", "T4"), "2012-01-01"))
    assert E.placements_in_year(p, 2021).to_dict() == {"T1": 3, "T2": 2, "T3": 1, "T4": 3}
    assert E.counts_by_year(p, [2021])["cla_31_march"].tolist() == [4]  # a temporary placement is no exit
    # long-term cohort on 31 March 2021: in care since 30 Sep 2018 or earlier -> T3 and T4
    got = E.long_term_stability(p, 2021).set_index("CHILD")["stable"].to_dict()
    assert got == {"T3": False, "T4": False}
    carer = E.long_term_stability(p, 2021, same_carer=True).set_index("CHILD")
    assert carer["stable"].to_dict() == {"T3": True, "T4": False}
    assert carer["placement_start"]["T3"] == ts("2018-01-01")


# --------------------------------------------------------------------------- robustness


def test_empty_input_gives_empty_outputs_with_the_right_columns():
    p = E.prepare(episodes_frame([]), header_frame({}))
    assert list(p.columns) == list(E.PREPARED_COLUMNS) and len(p) == 0
    assert list(E.periods(p).columns) == list(E.PERIOD_COLUMNS)
    assert len(E.periods(p)) == 0
    assert list(E.looked_after_on(p, "2024-03-31").columns) == list(E.ON_DATE_COLUMNS)
    assert list(E.placement_spells(p).columns) == list(E.PLACEMENT_SPELL_COLUMNS)
    assert list(E.legal_status_spells(p).columns) == list(E.LEGAL_STATUS_SPELL_COLUMNS)
    assert list(E.long_term_stability(p, 2024).columns) == list(E.STABILITY_COLUMNS)
    assert len(E.placements_in_year(p, 2024)) == 0
    assert E.count_at_31_march(p, 2024) == 0
    counts = E.counts_by_year(p, [2023, 2024])
    assert counts["year"].tolist() == [2023, 2024]
    assert (counts.drop(columns="year") == 0).all().all()
    assert len(E.counts_by_year(p, [])) == 0


def test_bare_minimum_columns_and_no_header():
    df = pd.DataFrame({"CHILD": ["1", "2"], "DECOM": pd.to_datetime(["2020-01-01", "2020-02-01"])})
    p = E.prepare(df, None)
    assert list(p.columns) == list(E.PREPARED_COLUMNS)
    assert p["DOB"].isna().all() and (p["SEX"] == "").all() and (p["reason_group"] == E.IN_CARE).all()
    assert E.counts_by_year(p, [2020]).iloc[0]["age_unknown"] == 2
    with pytest.raises(ValueError, match="DECOM"):
        E.prepare(pd.DataFrame({"CHILD": ["1"]}), None)


def test_episode_ending_the_day_it_starts():
    rows = [
        ep("Z", "2020-05-05", "2020-05-05", "S", rec="E4A"),  # in and out the same day
        ep("Y", "2020-05-05", "2020-05-05", "S", rec="X1"),  # same-day episode, then the next one
        ep("Y", "2020-05-05", None, "P", place="U6"),
    ]
    p = prepared(rows)
    per = E.periods(p).set_index("CHILD")
    assert per.loc["Z", "days"] == 0 and per.loc["Z", "reason_group"] == "return home"
    assert per.loc["Y", "n_episodes"] == 2 and per.loc["Y", "n_placements"] == 2
    on = E.looked_after_on(p, "2020-05-05")
    assert on["CHILD"].tolist() == ["Y"] and on["PLACE"].tolist() == ["U6"]  # Z is never open on a day
    got = E.counts_by_year(p, [2021]).iloc[0]
    assert (got["cla_started"], got["cla_ceased"], got["cla_31_march"]) == (2, 1, 1)


def test_blanks_as_na_or_empty_and_input_order_do_not_matter():
    rows = COHORT + SPELL_ROWS + TWO_PERIODS
    a = prepared(rows, COHORT_DOB)
    df = episodes_frame(rows)
    for c in ("REC", "URN", "HOME_POST", "PL_POST", "REASON_PLACE_CHANGE", "PLACE_PROVIDER"):
        df[c] = df[c].replace("", None)
    df["RNE"] = df["RNE"].str.lower()
    df = df.sample(frac=1, random_state=3)
    b = E.prepare(df, header_frame(COHORT_DOB))
    pd.testing.assert_frame_equal(a, b)


def test_odd_data_does_not_crash():
    rows = [
        ep("O1", "2020-01-01", "2019-12-01", "S", rec="E8"),  # ends before it starts: never open
        ep("O2", "2020-01-01", None, "S"),  # left open ...
        ep("O2", "2020-06-01", None, "P"),  # ... and another starts: two open periods, child counted once
        ep("O3", "2020-01-01", "2020-03-01", "S", rec="X1"),  # duplicate start dates
        ep("O3", "2020-01-01", "2020-02-01", "S", rec="X1"),
        ep("O4", "2020-01-01", None, "S", place="ZZ", provider="PR9"),  # unknown codes
        ep(None, "2020-01-01", None, "S"),  # no child: dropped
        ep("O5", None, None, "S"),  # no start date: dropped
    ]
    p = prepared(rows, {"O1": "2010-01-01", "O2": "2030-01-01"})  # O2 "born" after its care: age NA
    assert p.attrs["dropped"] == {"short_breaks": 0, "no_child_or_decom": 2}
    assert p.loc[p["CHILD"] == "O3", "DEC"].tolist() == [ts("2020-02-01"), ts("2020-03-01")]
    assert p.loc[p["CHILD"] == "O4", "placement_category"].tolist() == ["other"]
    on = E.looked_after_on(p, "2020-07-01")
    assert on["CHILD"].tolist() == ["O2", "O4"]
    assert on.loc[on["CHILD"] == "O2", "DECOM"].tolist() == [ts("2020-06-01")]  # the later start wins
    assert on["age"].isna().all()
    assert E.count_at_31_march(p, 2020) == 2  # O2, O4
    E.periods(p), E.placement_spells(p), E.legal_status_spells(p)
    E.placements_in_year(p, 2021), E.long_term_stability(p, 2021), E.counts_by_year(p, range(2019, 2022))


def test_header_latest_year_wins_and_codes_are_normalised():
    h = pd.concat([header_frame({"A": "2010-01-01"}), header_frame({"A": "2010-06-15"}, sex="2")])
    h["YEAR"] = [2023, 2024]
    h = h.iloc[::-1]
    p = E.prepare(episodes_frame(ONE_PERIOD), h)
    assert (p["DOB"] == ts("2010-06-15")).all() and (p["SEX"] == "2").all()


def test_header_child_matches_whatever_its_type_or_padding():
    h = pd.DataFrame({"CHILD": [123, 456], "SEX": [1, 2], "DOB": pd.to_datetime(["2010-01-01", "2011-01-01"])})
    rows = [ep(" 123 ", "2020-01-01", None, "S"), ep("456", "2020-01-01", None, "S")]
    p = E.prepare(episodes_frame(rows), h)
    assert p["CHILD"].tolist() == ["123", "456"]
    assert p["DOB"].tolist() == [ts("2010-01-01"), ts("2011-01-01")] and p["SEX"].tolist() == ["1", "2"]


def test_subset_of_prepared_still_works():
    p = prepared(ONE_PERIOD + TWO_PERIODS, {"A": "2010-06-15", "B": "2015-02-01"})
    sub = p[p["CHILD"] == "B"].iloc[::-1]  # out of order on purpose
    per = E.periods(sub)
    assert per["CHILD"].tolist() == ["B", "B"] and per["n_episodes"].tolist() == [1, 1]


def test_functions_agree_on_a_random_authority():
    """Invariants across the functions on a few thousand generated episodes (checks no row is lost)."""
    rng = np.random.default_rng(7)
    n_child, per_child = 400, 6
    rows = []
    for c in range(n_child):  # building the fixture row by row is fine; the model itself is vectorised
        day = np.datetime64("2015-01-01") + int(rng.integers(0, 2500))
        for k in range(per_child):
            length = int(rng.integers(0, 300))
            last = k == per_child - 1
            dec = None if (last and rng.random() < 0.4) else str(day + length)
            rows.append(
                ep(
                    f"c{c}",
                    str(day),
                    dec,
                    "S" if k == 0 else str(rng.choice(list("LPTBU"))),
                    ls=str(rng.choice(["C1", "C2", "V2", "E1"])),
                    place=str(rng.choice(["U1", "U4", "K2", "P1", "A4", "T0"])),
                    provider=str(rng.choice(["PR0", "PR1", "PR2", "PR4", "PR5"])),
                    rec=("" if dec is None else (str(rng.choice(["E11", "E4A", "E45", "E8"])) if last else "X1")),
                )
            )
            if dec is None:
                break
            day = day + length + (int(rng.integers(1, 100)) if rng.random() < 0.1 else 0)
    p = prepared(rows)
    per = E.periods(p)
    assert per["n_episodes"].sum() == len(p)
    assert per["period_id"].is_unique
    assert E.placement_spells(p)["n_episodes"].sum() == len(p)
    assert E.legal_status_spells(p)["n_episodes"].sum() == len(p)
    assert per["n_placements"].sum() == len(E.placement_spells(p))
    counts = E.counts_by_year(p, range(2016, 2023)).set_index("year")
    for y in range(2016, 2023):
        on = E.looked_after_on(p, f"{y}-03-31")
        assert counts.loc[y, "cla_31_march"] == len(on) == E.count_at_31_march(p, y)
        assert len(E.placements_in_year(p, y)) == len(on)
        started = per[(per["start"] >= f"{y - 1}-04-01") & (per["start"] <= f"{y}-03-31")]
        assert counts.loc[y, "cla_started"] == started["CHILD"].nunique()
        assert set(E.long_term_stability(p, y)["CHILD"]) <= set(on["CHILD"])
