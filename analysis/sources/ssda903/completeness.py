"""Checks of what a return leaves out that DfE asks for and the analysis can do without (warnings).

Real returns carry a few of these, and DfE's own rules flag them (392a-c, 551, 553): a home postcode
missing or not a full postcode (the distance from home cannot then be worked out) and a child placed for
adoption, or with a placement order, who has no Placed for Adoption row. They make no figure wrong, so
they are warnings, one for each child (and collection year, before stacking), on the child's first
episode concerned; the analyst's report names them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sources.ssda903.checks import _Check, _keys, _where
from analysis.sources.ssda903.geography import normalise

#: A full UK postcode, spaces removed (the outward code alone, "CB4", is not one).
_FULL_POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
_SHORT_BREAKS = ("V3", "V4")
_ADOPTIVE = ("A3", "A4", "A5", "A6")


def _first_per_child(keys: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask`` kept only at the first row of each key (``keys``: one per row; -1 for a blank CHILD)."""
    out = mask & (keys >= 0)
    hit = np.flatnonzero(out)
    _, first = np.unique(keys[hit], return_index=True)
    keep = np.zeros(len(mask), dtype=bool)
    keep[hit[first]] = True
    return keep


def _check_home_postcodes(c: _Check) -> None:
    """HOME_POST blank for a child who is not UASC (outside short breaks), or not a full postcode."""
    ep = c.ret.tables["episodes"]
    if len(ep) == 0 or "HOME_POST" not in ep:
        return
    keys = _keys(c, "episodes", ep)
    uasc = c.key["uasc"].to_numpy()
    home = normalise(ep["HOME_POST"]).to_numpy(dtype=object)
    counted = ~ep["LS"].isin(_SHORT_BREAKS).to_numpy() & c.present(ep, "HOME_POST")
    blank = counted & (home == "") & ~np.isin(keys, uasc[uasc >= 0])
    invalid = counted & (home != "") & ~pd.Series(home).str.fullmatch(_FULL_POSTCODE).to_numpy(dtype=bool)
    for rule, mask, what in (
        ("home-postcode-missing", blank, "is blank for a child who is not UASC"),
        ("home-postcode-invalid", invalid, "is not a full postcode"),
    ):
        rows = ep.loc[_first_per_child(keys, mask)]
        c.emit(
            rule,
            rows,
            "HOME_POST",
            f"HOME_POST {what}"
            + _where(c.ret.stacked, rows["YEAR"], " in")
            + " (the child's first such episode): the distance from home cannot be worked out.",
        )


def _check_placed_for_adoption(c: _Check) -> None:
    """A child placed for adoption (A3-A6) or with a placement order (E1) but no Placed for Adoption row."""
    ep = c.ret.tables["episodes"]
    if len(ep) == 0:
        return
    keys = _keys(c, "episodes", ep)
    placed = c.key["placed_adoption"].to_numpy()
    adoptive = ep["PLACE"].isin(_ADOPTIVE).to_numpy()
    decided = adoptive | (ep["LS"] == "E1").to_numpy()
    first = _first_per_child(keys, decided & ~np.isin(keys, placed[placed >= 0]))
    for column, mask, what in (
        ("PLACE", first & adoptive, "is placed for adoption (PLACE A3-A6)"),
        ("LS", first & ~adoptive, "has a placement order (LS E1)"),
    ):
        rows = ep.loc[mask]
        c.emit(
            "placed-for-adoption-missing",
            rows,
            column,
            f"child {what}"
            + _where(c.ret.stacked, rows["YEAR"], " in")
            + " but has no Placed for Adoption row (the date of the decision to place for adoption).",
        )


def check_completeness(c: _Check) -> None:
    """Every check of this module (warnings)."""
    _check_home_postcodes(c)
    _check_placed_for_adoption(c)
