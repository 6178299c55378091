"""The run context: a validated paper joined to the data it names.

:func:`load` is the one place that checks a paper against the data: the local
authority exists, the year is covered, the neighbours resolve. The build calls
it before any notebook runs; every notebook calls it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import InputError
from analysis.paper import Paper, load_paper
from analysis.sources import published


@dataclass(frozen=True)
class Context:
    """Everything a chapter needs to know about the run."""

    paper: Paper
    table: pd.DataFrame
    la: published.LocalAuthority
    neighbour_codes: tuple[str, ...]
    neighbour_names: tuple[str, ...]
    neighbour_label: str

    @property
    def year(self) -> int:
        """The paper's reporting year (year ending 31 March)."""
        return self.paper.year

    @property
    def first_year(self) -> int:
        """First year shown in trends (never before the data starts)."""
        return max(self.paper.first_year, min(self.la.years))


def _name(table: pd.DataFrame, old_code: str) -> str:
    """An authority's name, or its code where it has no figures (e.g. created after the paper's year)."""
    try:
        return published.resolve_la(table, old_code).la_name
    except InputError:
        return old_code


def load(paper: str | Path | dict[str, Any] | Paper) -> Context:
    """Validate a paper and the data it names, and return the run context.

    Raises
    ------
    InputError
        Unknown local authority, a year outside the data, a neighbour that is
        not a local authority, or a missing/malformed data file.
    """
    if not isinstance(paper, Paper):
        paper = load_paper(paper)
    data_dir = paper.published_dir()
    table = published.load_published(data_dir)
    published.load_manifest(data_dir)  # provenance must be readable before anything is built
    la = published.resolve_la(table, paper.local_authority)
    years = la.years
    if paper.year not in years:
        raise InputError(
            f"year: {paper.year} is outside the data for {la.la_name}; "
            f"years with published figures: {years[0]}-{years[-1]}"
        )
    if paper.first_year > paper.year:
        raise InputError(
            f"first_year: {paper.first_year} is after year {paper.year}; it must be {paper.year} or earlier"
        )

    choice = paper.comparators.neighbours
    if isinstance(choice, int):
        codes = published.neighbours(published.load_neighbours(data_dir), la.old_la_code, choice)
        if not codes:
            raise InputError(
                f"comparators.neighbours: the {choice} statistical-neighbour model has no neighbours for "
                f"{la.la_name} ({la.old_la_code}); use the other model or an explicit list"
            )
        label = f"statistical neighbours (DfE {choice} model)"
    else:
        resolved = []
        for item in choice:
            try:
                resolved.append(published.resolve_la(table, item).old_la_code)
            except InputError as exc:
                raise InputError(f"comparators.neighbours: {exc}") from None
        codes = resolved
        label = "chosen comparator authorities"
    names = tuple(_name(table, c) for c in codes)
    return Context(
        paper=paper,
        table=table,
        la=la,
        neighbour_codes=tuple(codes),
        neighbour_names=names,
        neighbour_label=label,
    )


def area_frame(ctx: Context, values: pd.Series, years) -> pd.DataFrame:
    """One indicator set out by area, for every year in ``years``.

    Parameters
    ----------
    values : pandas.Series
        Indexed by (``key``, ``year``), the key an old LA code, a region code
        or ``"England"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``: ``la``, ``england``, ``region``, ``neighbours``
        (the simple mean over the neighbours with a value) and
        ``neighbours_with_data``; NaN where there is no value.
    """
    keys = values.index.get_level_values("key")

    def area(key):
        return values.xs(key, level="key") if key in keys else pd.Series(dtype=float)

    grouped = values[keys.isin(ctx.neighbour_codes)].dropna().groupby(level="year")
    frame = pd.DataFrame(
        {
            "la": area(ctx.la.old_la_code),
            "england": area("England"),
            "region": area(ctx.la.region_code),
            "neighbours": grouped.mean(),
            "neighbours_with_data": grouped.count(),
        }
    ).reindex(years)
    frame["neighbours_with_data"] = frame["neighbours_with_data"].fillna(0).astype(int)
    frame.index.name = "year"
    return frame
