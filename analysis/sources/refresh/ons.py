"""ONS mid-year population estimates of children aged 0 to 17 (``ons-population-0-17/``)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.sources.refresh.base import (
    ONS,
    Extracted,
    Release,
    _read,
    _require,
    _rows,
    _tidy_geography,
)


def _ons_population(path: Path, rel: str) -> Extracted:
    """ONS mid-year 0-17 estimates; mid-(YYYY-1) becomes reporting year YYYY."""
    frame = _read(path, rel)
    _require(
        frame, ["time_period", "population_estimate"], rel, "ONS mid-year population estimates of children aged 0-17"
    )
    if "age_group" in frame.columns:
        frame = frame[frame["age_group"].str.contains(r"0 to 17", case=False)]
        if frame.empty:
            raise InputError(f"{rel}: no rows with age_group 'Children aged 0 to 17 years'.")
    bad = sorted({v for v in frame["time_period"] if not re.fullmatch(r"\d{4}", v)})
    if bad:
        raise InputError(f"{rel}: column time_period should hold 4-digit mid-years; found {', '.join(bad[:5])}.")
    geo = _tidy_geography(frame, rel)
    parts = []
    for mid_year, rows in frame.loc[geo.index].groupby("time_period", sort=True):
        parts.append(_rows(geo.loc[rows.index], int(mid_year) + 1, "population_0_17_ons", rows["population_estimate"]))
    first, last = int(frame["time_period"].min()), int(frame["time_period"].max())
    release = Release(
        year=last + 1,
        kind=0,
        name=f"ONS mid-{last}",
        publisher=ONS,
        publication=(
            f"Mid-year population estimates, children aged 0 to 17, mid-{first} to mid-{last} "
            "(as used by DfE for rates per 10,000)"
        ),
    )
    return Extracted(pd.concat(parts, ignore_index=True), release)
