"""Placement categories, age bands and provider groups as the report names them.

Shared by every chapter that counts children by placement or age (placements,
forecast, business case), so each uses the same labels, colours and bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec

#: The four kinds of foster placement, in report order (the first four placement categories).
FOSTERING = ("in-house fostering", "other LA fostering", "IFA fostering", "kinship fostering")
CATEGORIES = tuple(spec.PLACEMENT_CATEGORIES)
ALL_FOSTER = "all foster placements"
ALL_CHILDREN = "all children"

#: The released population of children at 31 March (the placements stock table) as the publish gate's marks name it.
STOCK_POPULATION = "children looked after at 31 March"
#: The released population of new foster placements in each year (the placements chapter's second table).
NEW_POPULATION = "new foster placements in the year ending 31 March"
#: The population of the placements chapter's spend table (children and days in placements during the year).
SPEND_POPULATION = "children in placements during the year ending 31 March"


def stock_key(row: str, year) -> str:
    """The publish gate's key of a cell of the released table of children at 31 March (:data:`STOCK_POPULATION`):
    the row's label on the page (``LABELS``) and the year, as the placements chapter's tables mark it.

    A table of another chapter that shows such a cell in another shape (the forecast's children at 31 March
    by year, the reconciliation's returns) names this key for it, so the gate compares the two."""
    return f"{LABELS.get(row, row)} | {year}"


#: Age bands at 31 March (DfE's), plus unknown.
AGE_BANDS = (*E.AGE_BANDS, E.AGE_UNKNOWN)
#: Row label of each age band in :func:`stock_table`.
AGE_ROWS = {band: ("age not known" if band == E.AGE_UNKNOWN else f"aged {band}") for band in AGE_BANDS}

#: Provider groups (PLACE_PROVIDER) as DfE publishes them, grouped as the paper compares them.
PROVIDER_GROUPS = {
    "own provision": ("PR1",),
    "other LA provision": ("PR2",),
    "private or voluntary provision": ("PR4", "PR5"),
    "parents (provider)": ("PR0",),
    "other public provision or not recorded": ("PR3", ""),
}

DISTANCE = ("20 miles or less", "over 20 miles", "distance not known")
LOCALITY = ("inside the authority", "outside the authority", "locality not known")
#: Columns holding the first and last of :data:`DISTANCE` (:data:`LOCALITY`) together. Suppression works on
#: the nested sums (over 20 + this = all; 20 or less + not known = this), so a small "not known" count hides
#: "20 miles or less" (the larger part) rather than "over 20 miles", the figure the chapter compares.
NEAR_OR_UNKNOWN = "20 miles or less, or not known"
INSIDE_OR_UNKNOWN = "inside the authority, or not known"
MOVES = ("3 or more placements", "1 or 2 placements")
COHORT = "in care 2.5+ years, under 16"
LONG_TERM = ("same placement 2+ years", "moved in the last 2 years")

#: Plain-English names used on the page.
LABELS = {
    "in-house fostering": "In-house foster carers (the council's own)",
    "other LA fostering": "Another council's foster carers",
    "IFA fostering": "Independent fostering agency (IFA) carers",
    "kinship fostering": "Family and friends (kinship) carers",
    "residential": "Children's homes and other residential",
    "independent living": "Independent or semi-independent living",
    "placed with parents": "Placed with parents",
    "adoption placement": "Placed for adoption",
    "other": "Other placements",
    ALL_FOSTER: "All foster placements",
    ALL_CHILDREN: "All children",
    **{row: row.capitalize() for row in AGE_ROWS.values()},
    **{group: group.capitalize() for group in PROVIDER_GROUPS},
}
#: Short names for narrow tables.
SHORT = {
    "in-house fostering": "In-house",
    "other LA fostering": "Another council",
    "IFA fostering": "IFA",
    "kinship fostering": "Kinship",
}

#: Paper-file cost field for each placement category.
COST_FIELDS = {
    "in-house fostering": "in_house_fostering",
    "other LA fostering": "other_la_fostering",
    "IFA fostering": "ifa_fostering",
    "kinship fostering": "kinship_fostering",
    "residential": "residential",
    "independent living": "independent_living",
    "placed with parents": "placed_with_parents",
    "adoption placement": "adoption_placement",
    "other": "other",
}

COLOURS = {
    "in-house fostering": "#0060A8",
    "other LA fostering": "#56B4E9",
    "IFA fostering": "#D55E00",
    "kinship fostering": "#009E73",
    "residential": "#CC79A7",
    "independent living": "#E69F00",
    "placed with parents": "#7F7F7F",
    "adoption placement": "#F0E442",
    "other": "#A8A8A8",
}


def age_band(age) -> pd.Series:
    """DfE's age band of each age in whole years (:data:`AGE_BANDS`); ``"unknown"`` where age is NA.

    Parameters
    ----------
    age : array-like of int (nullable)
        Ages in whole years, as :func:`analysis.sources.ssda903.episodes.age_in_years` returns them.

    Returns
    -------
    pandas.Series
        Labels of :data:`analysis.sources.ssda903.episodes.AGE_BANDS`, or ``"unknown"``.
    """
    a = pd.to_numeric(pd.Series(age), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(a), E.AGE_UNKNOWN, dtype=object)
    for band, (lo, hi) in E.AGE_BANDS.items():
        out[(a >= lo) & ((a <= hi) if hi is not None else np.isfinite(a))] = band
    return pd.Series(out, index=getattr(age, "index", None), dtype=object)


def provider_group(provider) -> pd.Series:
    """The :data:`PROVIDER_GROUPS` key of each PLACE_PROVIDER code (blank: not recorded)."""
    lookup = {code: group for group, codes in PROVIDER_GROUPS.items() for code in codes}
    s = pd.Series(provider, dtype=object).fillna("").astype(str).str.strip().str.upper()
    return s.map(lookup).fillna("other public provision or not recorded").astype(object)
