"""The business case chapter's tables: parameters, children (after disclosure control) and money."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.business_case.compute import (
    CHILD_LEVEL,
    IFA,
    IN_HOUSE,
    SCENARIOS,
    Results,
    children_counts,
    rounded,
)
from analysis.paper import BusinessCase
from analysis.report import disclosure, text
from analysis.report.categories import ALL_CHILDREN, LABELS, STOCK_POPULATION, stock_key


def param_value(name: str, value: float) -> str:
    """A business-case parameter as the page shows it: "50%", "£12,000", "5 years", "10 a year"."""
    if name in ("discount_rate", "conversion", "household_retention", "permanence_time_cut"):
        return text.share(value, 1 if round(value * 100, 1) % 1 else 0)
    if name in ("cost_per_approval", "support_cost_per_household", "permanence_cost_per_year"):
        return text.pounds(value)
    if name in ("horizon_years", "permanence_ramp_years"):
        return text.plural(value, "year")
    if name == "extra_households_per_year":
        return f"{value:,.4g} a year"
    if name == "children_per_household":
        return f"{value:,.4g} per household"
    raise ValueError(f"no display format for {name!r}")


def parameters_display(res: Results) -> pd.DataFrame:
    """The parameters behind the scenarios: value, meaning and source (not child-level)."""
    bc, costs = res.business_case, res.costs
    rows = []
    for cat, field in ((IN_HOUSE, "in_house_fostering"), (IFA, "ifa_fostering")):
        unit = getattr(costs, field)
        rows.append(
            {
                "Parameter": f"costs.{field}.weekly",
                "Value": f"{text.pounds(unit.weekly)} a week",
                "Meaning": f"Weekly unit cost: {LABELS[cat]} ({unit.year} figure)",
                "Source or assumption": unit.source,
            }
        )
    rows.append(
        {
            "Parameter": "costs.sensitivity",
            "Value": text.share(costs.sensitivity),
            "Meaning": "Plus or minus share applied to unit costs in the sensitivity chart",
            "Source or assumption": "paper file",
        }
    )
    rows.append(
        {
            "Parameter": "costs.price_year",
            "Value": str(costs.price_year),
            "Meaning": "Price year of all money in this chapter",
            "Source or assumption": "paper file",
        }
    )
    for name, info in BusinessCase.model_fields.items():
        if name == "sources":
            continue
        value = getattr(bc, name)
        if name in bc.sources:
            source = bc.sources[name]
        elif name == "discount_rate" and value == 0.035:
            source = "HM Treasury Green Book real discount rate"
        elif name in bc.model_fields_set:
            source = "set in the paper file, no source given (add it under business_case.sources)"
        elif name == "horizon_years":
            source = "report default"
        else:
            source = "report default, an assumption: replace with the council's own figure"
        meaning = info.description or ""
        rows.append(
            {
                "Parameter": f"business_case.{name}",
                "Value": param_value(name, value),
                "Meaning": meaning[0].upper() + meaning[1:],
                "Source or assumption": source,
            }
        )
    return pd.DataFrame(rows)


def parameters_table(res: Results) -> dict:
    """:func:`parameters_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": parameters_display(res),
        "caption": (
            f"Parameters of the business case, from the paper file (money in £ at {res.costs.price_year} prices)"
        ),
    }


def projections_population(res: Results) -> str:
    """The population the publish gate's marks name for the business case's projected numbers."""
    return f"children looked after, projected from 31 March {res.base_year} under each scenario"


def children_marks(res: Results, table: pd.DataFrame) -> dict:
    """The children chart's table for the publish gate: the base year's row is the children looked after at
    31 March then (the placements chapter's released total); the later rows are projections."""
    rows = [i for i, y in enumerate(table["Year (31 March)"]) if str(y) == str(res.base_year)]
    cells = {(i, SCENARIOS["baseline"]): stock_key(ALL_CHILDREN, res.base_year) for i in rows}
    return {"population": STOCK_POPULATION, "cells": cells}


def children_display(res: Results) -> tuple[pd.DataFrame, bool]:
    """:func:`children_counts` suppressed for the page (years as rows, one column per scenario); any hidden?"""
    sup = disclosure.suppress(children_counts(res))
    shown = sup.table()
    shown.columns = [SCENARIOS[k] for k in shown.columns]
    shown.insert(0, "Year (31 March)", [str(y) for y in shown.index])
    return shown.reset_index(drop=True), bool(sup.mask.to_numpy().any())


_MIX_COLUMNS = {
    "in-house": "In-house foster carers",
    "IFA": "IFA foster carers",
    "other": "All other placements",
    "all": "All children",
}


def mix_counts(res: Results) -> pd.DataFrame:
    """Children in each financial year by scenario: in-house, IFA, other, all.

    In-house, IFA and the total are rounded to whole children; "other" is the
    rounded total less the two (never below zero), and "all" is the sum of the
    three, so the table adds up and a move between in-house and IFA leaves the
    total as it was.
    """
    rows = []
    for key, s in res.scenarios.items():
        for year, avg in s.average.iterrows():
            inh, ifa = rounded(avg[IN_HOUSE]), rounded(avg[IFA])
            other = max(0, rounded(avg.sum()) - inh - ifa)  # so "all" is the rounded total where it can be
            rows.append(
                {
                    "scenario": key,
                    "year": int(year),
                    "in-house": inh,
                    "IFA": ifa,
                    "other": other,
                    "all": inh + ifa + other,
                }
            )
    return pd.DataFrame(rows)


def mix_display(res: Results) -> pd.DataFrame:
    """:func:`mix_counts` suppressed (the total column with secondary suppression), for the page."""
    counts = mix_counts(res)
    parts = counts[list(_MIX_COLUMNS)].astype(float)
    shown = disclosure.suppress(parts, total_col="all").table()
    shown.columns = [_MIX_COLUMNS[c] for c in shown.columns]
    shown.insert(0, "Financial year", [text.period(y) for y in counts["year"]])
    shown.insert(0, "Scenario", [SCENARIOS[k] for k in counts["scenario"]])
    return shown


def mix_table(res: Results) -> dict:
    """:func:`mix_display` with caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": mix_display(res),
        "caption": (
            "Children looked after in each financial year by type of placement and scenario: the average "
            "of the numbers at 31 March at the start and end of the year, rounded to whole children "
            f"(projected from {CHILD_LEVEL}{', SYNTHETIC' if res.synthetic else ''}; counts of 1 to 5 are suppressed "
            "as c)"
        ),
        "population": projections_population(res),
    }


_MONEY_COLUMNS = {
    "gross": "Gross placement cost (£)",
    "saving": "Saving against baseline (£)",
    "investment": "Investment (£)",
    "net": "Net position (£)",
    "cumulative": "Cumulative net (£)",
}


def money_display(res: Results) -> pd.DataFrame:
    """Each scenario's money year by year (pounds, not counts)."""
    frames = []
    for s in res.scenarios.values():
        m = s.money.rename(columns=_MONEY_COLUMNS).round(0)
        m.insert(0, "Financial year", [text.period(y) for y in m.index])
        m.insert(0, "Scenario", s.label)
        frames.append(m.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)


def money_table(res: Results) -> dict:
    """:func:`money_display` with caption and formats."""
    return {
        "table": money_display(res),
        "formats": dict.fromkeys(_MONEY_COLUMNS.values(), ",.0f"),
        "caption": (
            f"Cost, saving, investment and net position of each scenario by financial year, £ at "
            f"{res.costs.price_year} prices, undiscounted (projected from {CHILD_LEVEL}"
            f"{', SYNTHETIC' if res.synthetic else ''})"
        ),
        "population": projections_population(res),
    }


def summary_display(res: Results) -> pd.DataFrame:
    """One row per scenario (baseline left out): net over the first years, NPV, payback."""
    rows = []
    for key, s in res.scenarios.items():
        if key == "baseline":
            continue
        rows.append(
            {
                "Scenario": s.label,
                f"Net over the first {res.first_years} years, undiscounted (£)": round(
                    s.net_first_years(res.first_years)
                ),
                f"Net present value over {res.horizon} years (£)": round(s.npv),
                "Payback (years)": "not within the horizon"
                if s.payback is None
                else ("under 1" if s.payback < 1 else f"{s.payback:.1f}"),
            }
        )
    return pd.DataFrame(rows)


def summary_table(res: Results) -> dict:
    """:func:`summary_display` with caption and formats."""
    table = summary_display(res)
    bc = res.business_case
    return {
        "table": table,
        "formats": {c: ",.0f" for c in table.columns if c.endswith("(£)")},
        "caption": (
            f"The scenarios compared with no change: net position (savings minus investment), net present "
            f"value at a {text.share(bc.discount_rate, 1)} discount rate (first year undiscounted) and payback, "
            f"£ at {res.costs.price_year} prices"
        ),
    }


def _input_text(path: str, value: float) -> str:
    name = path.split(".")[1]
    if path.startswith("costs."):
        return f"{text.pounds(value)} a week"
    return param_value(name, int(value) if name == "horizon_years" else value)


def tornado_display(res: Results) -> pd.DataFrame:
    """The table behind the sensitivity chart: inputs low and high, and the NPV at each."""
    t = res.tornado
    return pd.DataFrame(
        {
            "Input": t["label"],
            "Paper file value": [_input_text(f, v) for f, v in zip(t["field"], t["value"])],
            "Low value": [_input_text(f, v) for f, v in zip(t["field"], t["low"])],
            "High value": [_input_text(f, v) for f, v in zip(t["field"], t["high"])],
            "NPV at low value (£)": t["npv_low"].round(0),
            "NPV at high value (£)": t["npv_high"].round(0),
            "Swing (£)": t["swing"].round(0),
            "How the range is set": t["why"],
        }
    )
