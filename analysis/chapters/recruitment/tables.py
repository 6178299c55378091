"""The recruitment chapter's tables: areas compared side by side, and each neighbour's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters.recruitment.compute import INDICATORS, Recruitment, indicator_values
from analysis.report import charts, text
from analysis.report.text import NOT_PUBLISHED


def areas(res: Recruitment) -> list[tuple[str, str, str]]:
    """(column of the summary, label, colour) of each compared area, in page order."""
    ctx = res.ctx
    return [
        ("la", ctx.la.la_name, charts.COLOURS["la"]),
        ("england", "England", charts.COLOURS["england"]),
        ("region", ctx.la.region_name, charts.COLOURS["region"]),
        ("neighbours", "Neighbours' average", charts.COLOURS["neighbours"]),
    ]


def year_label(res: Recruitment, year: int) -> str:
    """An Ofsted year for a table row or an axis: "2017-18 (year analysed)", "2018-19 (published after the paper)"."""
    tags = []
    if year == res.year:
        tags.append("year analysed")
    if year > res.current_year or res.year is None:
        tags.append("published after the paper")
    return text.period(year) + (f" ({', '.join(tags)})" if tags else "")


def comparison_table(res: Recruitment, indicators) -> pd.DataFrame:
    """A display table: one row per indicator and year, one column per area."""
    summ = res.summary
    rows = summ.loc[[i for i in indicators if i in summ.index.get_level_values("indicator")]].reset_index()
    out = pd.DataFrame(
        {
            "Year": [year_label(res, int(y)) for y in rows["year"]],
            "Measure": [INDICATORS[k].label for k in rows["indicator"]],
        }
    )
    for col, label, _ in areas(res):
        out[label] = rows[col].to_numpy()
    out["Neighbours with data"] = rows["neighbours_with_data"].to_numpy()
    return out


def formats(res: Recruitment, digits: int) -> dict[str, str]:
    """Number formats of a :func:`comparison_table`'s area columns."""
    return {label: f",.{digits}f" for _, label, _ in areas(res)}


#: The indicators of :func:`neighbour_table`, with their column headings.
NEIGHBOUR_COLUMNS = {
    "fostering_initial_enquiries": "Initial enquiries",
    "fostering_approvals": "Households approved",
    "approvals_mainstream": "Mainstream approved",
    "conversion_rate": "Approved per 100 enquiries",
    "conversion_rate_mainstream": "Mainstream approved per 100 enquiries",
}


def neighbour_table(res: Recruitment, year: int | None) -> pd.DataFrame:
    """Enquiries, approvals and conversion rates of the authority, its comparators and each neighbour in one year.

    Returns
    -------
    pandas.DataFrame
        One row per area (the authority, England, its region, then each
        statistical neighbour by name); counts as Ofsted published them,
        rates per 100 initial enquiries; NaN where not published. Empty when
        ``year`` is None.
    """
    ctx = res.ctx
    cols = ["Area", *NEIGHBOUR_COLUMNS.values()]
    if year is None:
        return pd.DataFrame(columns=cols)
    inds = tuple(NEIGHBOUR_COLUMNS)
    vals = pd.DataFrame({i: indicator_values(res.wide, INDICATORS[i]) for i in inds})
    keyed = [(ctx.la.old_la_code, ctx.la.la_name), ("England", "England"), (ctx.la.region_code, ctx.la.region_name)]
    keyed += [(c, f"{n} (neighbour)") for c, n in zip(ctx.neighbour_codes, ctx.neighbour_names)]
    rows = []
    for key, name in keyed:
        got = vals.loc[(key, year)] if (key, year) in vals.index else pd.Series(np.nan, index=list(inds))
        rows.append([name, *[got[i] for i in inds]])
    return pd.DataFrame(rows, columns=cols)


def neighbours_display(res: Recruitment) -> dict:
    """:func:`neighbour_table` for the year analysed, with caption and formats, for :func:`analysis.report.charts.show_table`."""
    ctx, y = res.ctx, res.year
    shown = y if y is not None else (list(res.years) or [None])[0]
    late = "; published after the paper" if y is None and shown is not None else ""
    when = text.period(shown) if shown is not None else NOT_PUBLISHED
    return {
        "table": neighbour_table(res, shown),
        "caption": (
            f"Initial enquiries and households approved in {when}{late}: {ctx.la.la_name}, "
            f"England, {ctx.la.region_name} and each of the {ctx.neighbour_label}. Mainstream approvals "
            "are all approvals less family and friends approvals. A dash is a figure Ofsted did not "
            "publish. Ofsted, Fostering in England (rounded to the nearest 5 by Ofsted)."
        ),
        "formats": {
            "Initial enquiries": ",.0f",
            "Households approved": ",.0f",
            "Mainstream approved": ",.0f",
            "Approved per 100 enquiries": ".1f",
            "Mainstream approved per 100 enquiries": ".1f",
        },
    }
