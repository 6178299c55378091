"""The SSDA903 return: tables, columns and code lists by collection year.

Collection years are named by the year they end: ``2017`` is the 2016-17
return (1 April 2016 to 31 March 2017), the same convention as the published
figures. Sources: the DfE CLA guidance as encoded by the community validator
(csc-validator-be-903) and liiatools' schemas; see
``../shared/reference/ssda903-and-measures.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Canonical table name -> columns, in the order DfE specifies.
TABLES: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
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
    ),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "placed_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "prev_perm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "oc2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "sw_episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "dolo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}

#: Tables the analysis cannot run without, and ones it uses when present.
REQUIRED_TABLES = ("header", "episodes")
USED_TABLES = ("header", "episodes", "uasc", "ad1", "placed_adoption")

#: File names (lower case, without extension) recognised for each table.
FILE_NAMES: dict[str, tuple[str, ...]] = {
    "header": ("header", "ssda903_header"),
    "episodes": ("episodes", "ssda903_episodes"),
    "uasc": ("uasc", "ssda903_uasc"),
    "ad1": ("ad1", "ssda903_ad1"),
    "placed_adoption": ("placed_for_adoption", "placedadoption", "placed_adoption", "ssda903_placedforadoption"),
    "prev_perm": ("previous_permanence", "prevperm", "prev_perm", "ssda903_prevperm"),
    "missing": ("missing", "ssda903_missing"),
    "reviews": ("reviews", "ssda903_reviews"),
    "oc2": ("oc2", "ssda903_oc2"),
    "oc3": ("oc3", "ssda903_oc3"),
    "sw_episodes": ("sw_episodes", "swepisodes", "ssda903_swepisodes"),
    "dolo": ("dolo", "ssda903_dolo"),
}

#: Columns holding dates (dd/mm/YYYY or ISO YYYY-MM-DD).
DATE_COLUMNS = {
    "DOB",
    "MC_DOB",
    "DECOM",
    "DEC",
    "DUC",
    "DATE_INT",
    "DATE_MATCH",
    "DATE_PLACED",
    "DATE_PLACED_CEASED",
    "DATE_PERM",
    "MIS_START",
    "MIS_END",
    "REVIEW",
    "SW_DECOM",
    "SW_DEC",
    "DOLO_START",
    "DOLO_END",
}

#: Date columns where DfE allows a partial date: ``ZZ`` for an unknown day or month, ``ZZZZ`` for an unknown
#: year (``ZZ/ZZ/2012``). The loader reads one as the latest day it can be (DfE's validator does the same), or
#: as missing when the year is unknown, and reports neither as an invalid date.
PARTIAL_DATE_COLUMNS = frozenset({"DATE_PERM"})

#: PREV_PERM, the child's permanence option before this period of care (Previous Permanence table, collected
#: for children starting to be looked after from 1 April 2016).
PREV_PERM = {
    "P1": "Adoption",
    "P2": "Special guardianship order",
    "P3": "Residence order or child arrangements order setting out with whom the child is to live",
    "P4": "Unknown",
    "Z1": "Child has not previously had a permanence option",
}

# --------------------------------------------------------------------------- code lists

RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (but same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (but same carer(s)) at the same time",
}

LS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Agreed series of short-term breaks (individual episodes recorded)",
    "V4": "Agreed series of short-term breaks (agreements recorded)",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement",
}

#: Legal statuses DfE leaves out of its figures (short breaks).
SHORT_BREAKS = frozenset({"V3", "V4"})

CIN = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

_PLACE_BASE = [
    "A3",
    "A4",
    "A5",
    "A6",
    "H5",
    "K1",
    "K2",
    "P1",
    "P2",
    "P3",
    "R1",
    "R2",
    "R3",
    "R5",
    "S1",
    "T0",
    "T1",
    "T2",
    "T3",
    "T4",
    "U1",
    "U2",
    "U3",
    "U4",
    "U5",
    "U6",
    "Z1",
]

PLACE_PROVIDER = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

REC = {
    "X1": "Episode ceases, and new episode begins on same day, for any reason",
    "E11": "Adopted - application for an adoption order unopposed",
    "E12": "Adopted - consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to live with parent(s), relative(s) or other person(s) with parental responsibility as part of the care planning process",
    "E4B": "Returned home to live with parent(s), relative(s) or other person(s) with parental responsibility not as part of the care planning process",
    "E13": "Left care to live with parent(s), relative(s), or other person(s) with no parental responsibility",
    "E41": "Residence order or child arrangements order granted",
    "E43": "Special guardianship order made to former foster carers (historic)",
    "E44": "Special guardianship order made to carers other than former foster carers (historic)",
    "E45": "Special guardianship order made to former foster carer(s) who was/are a relative(s) or friend(s)",
    "E46": "Special guardianship order made to former foster carer(s), other than relative(s) or friend(s)",
    "E47": "Special guardianship order made to carer(s), other than former foster carer(s), who was/are a relative(s) or friend(s)",
    "E48": "Special guardianship order made to carer(s), other than former foster carer(s), other than relative(s) or friend(s)",
    "E5": "Moved into independent living arrangement with supportive accommodation",
    "E6": "Moved into independent living arrangement with no formalised advice or support",
    "E7": "Transferred to residential care funded by adult social care services",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers",
}

REASON_PLACE_CHANGE = {
    "CARPL": "Change to/Implementation of Care Plan",
    "CLOSE": "Resignation/closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer(s) requests placement end due to child's behaviour",
    "CREQO": "Carer(s) requests placement end other than due to child's behaviour",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible/area authority requests placement end",
    "PLACE": "Change in the status of placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

ETHNIC = [
    "WBRI",
    "WIRI",
    "WOTH",
    "WIRT",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
]

UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN4", "UN5")


@dataclass(frozen=True)
class CodeLists:
    """The valid codes for one collection year."""

    year: int
    sex: frozenset[str]
    place: frozenset[str]
    rec: frozenset[str]
    ls: frozenset[str]
    rne: frozenset[str]
    cin: frozenset[str]
    place_provider: frozenset[str]
    reason_place_change: frozenset[str]
    ethnic: frozenset[str]
    #: PLACE codes for which no provider may be recorded.
    no_provider_place: frozenset[str]


def code_lists(year: int) -> CodeLists:
    """Valid codes for the return ending 31 March ``year``.

    Changes encoded: SEX is 1/2 until 2024 and M/F/U from 2025 (2024/25);
    PLACE gains K3 in 2025; in 2026 (2025/26) H5 and P2 go and Z1 is replaced
    by Z11-Z14; E43/E44 (special guardianship before the split into E45-E48)
    are accepted up to 2016.
    """
    place = set(_PLACE_BASE)
    no_provider = {"T0", "T1", "T2", "T3", "T4", "Z1"}
    if year >= 2025:
        place.add("K3")
    if year >= 2026:
        place -= {"H5", "P2", "Z1"}
        place |= {"Z11", "Z12", "Z13", "Z14"}
        no_provider = {"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"}
    rec = set(REC)
    if year > 2016:
        rec -= {"E43", "E44"}
    return CodeLists(
        year=year,
        sex=frozenset({"1", "2"} if year <= 2024 else {"M", "F", "U"}),
        place=frozenset(place),
        rec=frozenset(rec),
        ls=frozenset(LS),
        rne=frozenset(RNE),
        cin=frozenset(CIN),
        place_provider=frozenset(PLACE_PROVIDER),
        reason_place_change=frozenset(REASON_PLACE_CHANGE),
        ethnic=frozenset(ETHNIC),
        no_provider_place=frozenset(no_provider),
    )


# --------------------------------------------------------------------------- groupings used by the report

#: Reasons a period of care ended, grouped as the report discusses them.
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "adoption": ("E11", "E12"),
    "special guardianship": ("E43", "E44", "E45", "E46", "E47", "E48"),
    "child arrangements order": ("E41",),
    "return home": ("E4A", "E4B"),
    "independent living": ("E5", "E6"),
    "other": ("E13", "E2", "E3", "E7", "E8", "E9", "E14", "E15", "E16", "E17"),
}

#: The routes that count as permanence.
PERMANENCE_GROUPS = ("adoption", "special guardianship", "child arrangements order", "return home")

#: Placement categories, in report order.
PLACEMENT_CATEGORIES = (
    "in-house fostering",
    "other LA fostering",
    "IFA fostering",
    "kinship fostering",
    "residential",
    "independent living",
    "placed with parents",
    "adoption placement",
    "other",
)

FOSTER_MAINSTREAM = frozenset({"U4", "U5", "U6"})
FOSTER_KINSHIP = frozenset({"U1", "U2", "U3"})
RESIDENTIAL = frozenset({"K1", "K2", "R1", "R2", "R3", "S1", "P3"})
INDEPENDENT_LIVING = frozenset({"H5", "P2", "K3"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
