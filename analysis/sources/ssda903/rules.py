"""The validator's rules (id, severity, table, description) and the code and date lists they check."""

from __future__ import annotations

from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.findings import (
    LOAD_RULES,
    Rule,
)


def _rules(*rows: tuple[str, str, str, str]) -> dict[str, Rule]:
    return {r[0]: Rule(r[0], r[1], r[3], r[2]) for r in rows}


#: Checks of the content (id, severity, table, description).
VALIDATE_RULES: dict[str, Rule] = _rules(
    # schema
    (
        "blank-value",
        "error",
        "any",
        "A required value is blank: CHILD in every table; DECOM, RNE, LS, PLACE in Episodes; SEX, DOB in Header.",
    ),
    # code lists by collection year
    (
        "invalid-sex",
        "error",
        "header, uasc",
        "SEX is not valid for the collection year (1/2 to 2023-24, M/F/U from 2024-25).",
    ),
    ("invalid-ethnic", "error", "header", "ETHNIC is not a valid ethnicity code."),
    ("invalid-rne", "error", "episodes", "RNE (reason for new episode) is not S, L, P, T, B or U."),
    ("invalid-ls", "error", "episodes", "LS (legal status) is not a valid code."),
    ("invalid-cin", "error", "episodes", "CIN (category of need) is not N1-N8."),
    ("invalid-place", "error", "episodes", "PLACE is not a valid placement code for the collection year."),
    ("invalid-place-provider", "error", "episodes", "PLACE_PROVIDER is not PR0-PR5."),
    (
        "provider-not-blank",
        "error",
        "episodes",
        "PLACE_PROVIDER is recorded for a placement that has none (T0-T4, Z1; T0-T3, Z11-Z14 from 2025-26).",
    ),
    ("provider-missing", "error", "episodes", "PLACE_PROVIDER is blank for a placement that needs one."),
    ("invalid-rec", "error", "episodes", "REC (reason episode ceased) is not valid for the collection year."),
    ("rec-missing", "error", "episodes", "DEC is recorded but REC is blank."),
    ("rec-without-dec", "error", "episodes", "REC is recorded but DEC is blank."),
    ("invalid-reason-place-change", "warning", "episodes", "REASON_PLACE_CHANGE, when given, is not a valid code."),
    (
        "invalid-ad1-code",
        "warning",
        "ad1",
        "FOSTER_CARE (0/1), NB_ADOPTR (1/2), SEX_ADOPTR or LS_ADOPTR is not a valid code.",
    ),
    ("invalid-reason-placed-ceased", "warning", "placed_adoption", "REASON_PLACED_CEASED is not RD1-RD4."),
    ("invalid-prev-perm", "warning", "prev_perm", "PREV_PERM (previous permanence option) is not P1-P4 or Z1."),
    # dates
    (
        "future-date",
        "error",
        "header, episodes, uasc, ad1, placed_adoption, prev_perm",
        "A date (other than DUC) is after today.",
    ),
    ("dob-after-decom", "error", "episodes", "An episode starts before the child's date of birth."),
    ("dec-before-decom", "error", "episodes", "DEC is before DECOM."),
    ("date-after-year-end", "error", "episodes", "DECOM or DEC is after 31 March of the collection year."),
    (
        "episode-outside-year",
        "error",
        "episodes",
        "An episode ended before the collection year began (1 April of the year before).",
    ),
    ("age-18-plus", "warning", "episodes", "The child was 18 or over when the episode started."),
    # logic
    (
        "child-not-in-header",
        "error",
        "episodes",
        "A child in Episodes is not in Header (for the same collection year).",
    ),
    ("uasc-not-in-header", "error", "uasc", "A child in UASC is not in Header (for the same collection year)."),
    ("duplicate-child", "error", "header", "A child appears more than once in Header in one collection year."),
    ("duplicate-episode", "error", "episodes", "Two episodes of a child have the same DECOM in one collection year."),
    ("overlapping-episodes", "error", "episodes", "An episode ends after the child's next episode starts."),
    (
        "same-day-rec-not-x1",
        "error",
        "episodes",
        "An episode ends with a care exit (REC not X1) but the child's next episode starts the same day.",
    ),
    (
        "x1-then-s",
        "error",
        "episodes",
        "An episode ends with X1 and the next starts the same day with RNE S (a continuing period restarted).",
    ),
    ("x1-not-followed", "error", "episodes", "An episode ends with X1 but no episode of the child starts on its DEC."),
    (
        "period-start-not-s",
        "error",
        "episodes",
        "After a gap, the child's next episode starts a new period and must have RNE S.",
    ),
    ("first-episode-not-s", "error", "episodes", "A child's first episode does not have RNE S."),
    (
        "first-episode-not-s-truncated",
        "warning",
        "episodes",
        "A child's first episode is not RNE S but began before the data do "
        "(before the earliest collection year): the earlier history is missing.",
    ),
    (
        "open-episode-not-last",
        "error",
        "episodes",
        "An open episode (no DEC) is followed by another episode of the child.",
    ),
    ("multiple-open-episodes", "error", "episodes", "A child has more than one open episode."),
    # adoption
    (
        "ad1-without-adoption",
        "error",
        "ad1",
        "An AD1 row for a child whose last episode in the year did not end in adoption (E11/E12).",
    ),
    ("adoption-without-ad1", "warning", "episodes", "A child adopted in the year (E11/E12) has no AD1 row."),
    ("date-match-before-date-int", "error", "ad1", "DATE_MATCH is before DATE_INT."),
    (
        "placed-before-first-episode",
        "warning",
        "placed_adoption",
        "DATE_PLACED is before the child's first episode in the data, which starts a period (RNE S).",
    ),
    ("placed-ceased-before-placed", "error", "placed_adoption", "DATE_PLACED_CEASED is before DATE_PLACED."),
    (
        "placed-for-adoption-missing",
        "warning",
        "episodes",
        "A child placed for adoption (A3-A6) or with a placement order (E1) has no Placed for Adoption row.",
    ),
    # completeness (analysis.sources.ssda903.completeness)
    (
        "home-postcode-missing",
        "warning",
        "episodes",
        "HOME_POST is blank for a child who is not UASC (outside short breaks): no distance from home.",
    ),
    ("home-postcode-invalid", "warning", "episodes", "HOME_POST is not a full postcode: no distance from home."),
)

#: Every rule the loader and the validator report, by id.
RULES: dict[str, Rule] = {**LOAD_RULES, **VALIDATE_RULES}

#: Values that must not be blank, by table (CHILD is required in every table).
REQUIRED_VALUES: dict[str, tuple[str, ...]] = {
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE"),
    "header": ("CHILD", "SEX", "DOB"),
}

#: (table, column, attribute of spec.CodeLists, rule id) checked against the year's code list.
_YEAR_CODES = (
    ("header", "SEX", "sex", "invalid-sex"),
    ("header", "ETHNIC", "ethnic", "invalid-ethnic"),
    ("uasc", "SEX", "sex", "invalid-sex"),
    ("episodes", "RNE", "rne", "invalid-rne"),
    ("episodes", "LS", "ls", "invalid-ls"),
    ("episodes", "CIN", "cin", "invalid-cin"),
    ("episodes", "PLACE", "place", "invalid-place"),
    ("episodes", "REC", "rec", "invalid-rec"),
    ("episodes", "REASON_PLACE_CHANGE", "reason_place_change", "invalid-reason-place-change"),
)

#: Code lists not in spec (the same every year). Source: ssda903-and-measures.md section 1.2.
_FIXED_CODES = (
    ("ad1", "FOSTER_CARE", ("0", "1"), "invalid-ad1-code"),
    ("ad1", "NB_ADOPTR", ("1", "2"), "invalid-ad1-code"),
    ("ad1", "SEX_ADOPTR", ("M1", "F1", "MM", "FF", "MF"), "invalid-ad1-code"),
    ("ad1", "LS_ADOPTR", ("L0", "L11", "L12", "L2", "L3", "L4"), "invalid-ad1-code"),
    ("placed_adoption", "REASON_PLACED_CEASED", ("RD1", "RD2", "RD3", "RD4"), "invalid-reason-placed-ceased"),
    ("prev_perm", "PREV_PERM", tuple(spec.PREV_PERM), "invalid-prev-perm"),
)

#: Dates that cannot be in the future (DUC, when UASC status ceases, usually is).
_NOT_FUTURE = {
    "header": ("DOB", "MC_DOB"),
    "episodes": ("DECOM", "DEC"),
    "uasc": ("DOB",),
    "ad1": ("DOB", "DATE_INT", "DATE_MATCH"),
    "placed_adoption": ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
    "prev_perm": ("DOB", "DATE_PERM"),
}

_ADOPTED = ("E11", "E12")
#: Years over which a code's validity is described ("valid from 2024-25").
_HINT_YEARS = range(2010, 2031)
