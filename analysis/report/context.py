"""The run context: a validated paper joined to the data it names.

:func:`load` is the one place that checks a paper against the data: the local
authority exists, the year is covered, the neighbours resolve. The build calls
it before any notebook runs; every notebook calls it first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import InputError
from analysis.paper import Paper, load_paper
from analysis.sources import published

#: Fewest neighbours with published figures for the paper's year that make a neighbours' average.
MIN_NEIGHBOURS = 3

#: How each DfE statistical-neighbour model is named in the report's text.
MODEL_NAMES: dict[int, str] = {2018: "pre-2021", 2021: "2021", 2025: "2025"}

#: The first day a paper could have used each model (None: in use before any paper the data can back).
#: The 2021 model is DfE's April 2021 list; only the year of the 2025 model is recorded in its
#: source, so it is taken from 1 January 2025 (a paper dated before 2025 is told it is newer).
MODEL_FROM: dict[int, dt.date | None] = {2018: None, 2021: dt.date(2021, 4, 1), 2025: dt.date(2025, 1, 1)}


@dataclass(frozen=True)
class Context:
    """Everything a chapter needs to know about the run.

    ``neighbour_model`` is the DfE statistical-neighbour model the neighbours
    come from (2018: the list in use before April 2021; 2021; 2025), or None
    for an explicit list; ``neighbour_label`` names it in text.
    """

    paper: Paper
    table: pd.DataFrame
    la: published.LocalAuthority
    neighbour_codes: tuple[str, ...]
    neighbour_names: tuple[str, ...]
    neighbour_label: str
    neighbour_model: int | None = None

    @property
    def year(self) -> int:
        """The paper's reporting year (year ending 31 March)."""
        return self.paper.year

    @property
    def significance_level(self) -> float:
        """Confidence level of the tests against the comparators (``comparators.significance_level``, e.g. 0.95)."""
        return self.paper.comparators.significance_level

    @property
    def alpha(self) -> float:
        """Significance level of the tests against the comparators: 1 - the confidence level (0.95 -> 0.05)."""
        return round(1.0 - self.significance_level, 10)

    @property
    def first_year(self) -> int:
        """First year shown in trends (never before the data starts)."""
        return max(self.paper.first_year, min(self.la.years))


def _describe(table: pd.DataFrame, old_code: str) -> published.LocalAuthority | None:
    """An authority as the published table knows it, or None where it has no figures at all."""
    try:
        return published.resolve_la(table, old_code)
    except InputError:
        return None


def _model_neighbours(data_dir: Path, la: published.LocalAuthority, model: int) -> list[str]:
    """The old codes of ``la``'s neighbours in a DfE model, closest first."""
    codes = published.neighbours(published.load_neighbours(data_dir), la.old_la_code, model)
    if not codes:
        raise InputError(
            f"comparators.neighbours: the {model} statistical-neighbour model has no neighbours for "
            f"{la.la_name} ({la.old_la_code}); use another model or an explicit list"
        )
    return codes


def _listed_neighbours(table: pd.DataFrame, choice: list[str], year: int) -> list[str]:
    """The old codes of an explicit list of authorities, in order, each once.

    A name two authorities have had ("Dorset" before and after 2019) is the one
    with figures for the paper's ``year``; a code is always its own authority.
    """
    in_year = table[table["year"] == year]
    resolved: list[str] = []
    for item in choice:
        try:
            code = published.resolve_la(in_year, item).old_la_code
        except InputError:
            try:
                code = published.resolve_la(table, item).old_la_code
            except InputError as exc:
                raise InputError(f"comparators.neighbours: {exc}") from None
        if code not in resolved:
            resolved.append(code)
    return resolved


def _check_enough(codes: list[str], found: dict[str, published.LocalAuthority | None], year: int, label: str) -> None:
    """Raise unless at least :data:`MIN_NEIGHBOURS` neighbours have published figures for ``year``.

    A neighbour has figures for a year when DfE published its children looked
    after at 31 March that year; an authority is matched to the figures of the
    years it existed (Poole to 2019, Northamptonshire to 2021), so a list can
    lose members in later years.
    """
    with_data = [c for c in codes if found[c] is not None and year in found[c].years]
    if len(with_data) >= MIN_NEIGHBOURS:
        return

    def named(code: str) -> str:
        la = found[code]
        if la is None:
            return f"{code} (no published figures)"
        span = f"figures {la.years[0]}-{la.years[-1]}" if la.years else "no published figures"
        return f"{la.la_name} ({code}, {span})"

    have = ", ".join(named(c) for c in with_data) or "none"
    lack = ", ".join(named(c) for c in codes if c not in with_data) or "none"
    raise InputError(
        f"comparators.neighbours: only {len(with_data)} of the {len(codes)} {label} have published figures "
        f"for {year}; at least {MIN_NEIGHBOURS} are needed for a neighbours' average. With figures: {have}. "
        f"Without: {lack}. Choose a model or a list of authorities that existed in {year} "
        "(an old code such as 835 names Dorset before 2019)."
    )


def load(paper: str | Path | dict[str, Any] | Paper) -> Context:
    """Validate a paper and the data it names, and return the run context.

    Raises
    ------
    InputError
        Unknown local authority, a year outside the data, a neighbour that is
        not a local authority, fewer than :data:`MIN_NEIGHBOURS` neighbours
        with published figures for the paper's year, or a missing/malformed
        data file.
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
        codes = _model_neighbours(data_dir, la, choice)
        model: int | None = choice
        label = f"statistical neighbours (DfE {MODEL_NAMES[choice]} model)"
    else:
        codes = _listed_neighbours(table, choice, paper.year)
        model = None
        label = "chosen comparator authorities"
    counts = table[table["measure"] == "cla_31_march"]  # the rows _describe needs, filtered once
    found = {c: _describe(counts, c) for c in codes}
    _check_enough(codes, found, paper.year, label)
    return Context(
        paper=paper,
        table=table,
        la=la,
        neighbour_codes=tuple(codes),
        neighbour_names=tuple(found[c].la_name if found[c] is not None else c for c in codes),
        neighbour_label=label,
        neighbour_model=model,
    )


def neighbour_model_note(ctx: Context) -> str | None:
    """One sentence when the neighbours come from a DfE model published after the paper's date, else None.

    A January 2018 paper compared with the 2021 model gets "The comparators are
    DfE's 2021 statistical-neighbour model, published after this paper; the
    paper's authors would have used the pre-2021 model." An explicit list, or
    a model in use at the paper's date, gets None.
    """
    model = ctx.neighbour_model
    date = ctx.paper.meeting_date
    start = MODEL_FROM.get(model) if model is not None else None
    if start is None or date >= start:
        return None
    in_use = max(m for m, since in MODEL_FROM.items() if since is None or since <= date)
    return (
        f"The comparators are DfE's {MODEL_NAMES[model]} statistical-neighbour model, published after this "
        f"paper; the paper's authors would have used the {MODEL_NAMES[in_use]} model."
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
