"""Chapter "Data quality": what the validation found in the child-level returns.

The book shows counts of findings by rule (through the suppression function:
they are derived from child-level data), the rules applied, DfE's own
rules' results with the findings judged false positives and why, the
returns' counts of children looked after, starting and ceasing set beside
DfE's published figures for the authority (:mod:`analysis.sources.ssda903.reconcile`) and, when
the data are SYNTHETIC, every figure they were calibrated to, synthetic against published, from the
folder's ``calibration.json`` (:mod:`analysis.sources.ssda903.synth.calibration`). Child IDs
never appear: the full report with IDs is the analyst's CSV
(``python -m analysis validate``), not a published page.

One call, :func:`compute` ``(ctx, data)``, returns the :class:`DataQuality` result; every page
function (:func:`key_figures`, :func:`findings_table`, :func:`dfe_table`, :func:`rules_table`,
:func:`reconciliation_table`, :func:`calibration_table`) takes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.paper import REPO_ROOT
from analysis.report import disclosure
from analysis.report.categories import ALL_CHILDREN, STOCK_POPULATION, stock_key
from analysis.report.context import Context
from analysis.sources.ssda903 import dfe_rules, reconcile, validate
from analysis.sources.ssda903.context import ChildData

#: Where the committed summaries of DfE's rules live (one CSV per data folder name).
DFE_SUMMARIES = REPO_ROOT / "data" / "ssda903" / "dfe_rules"

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class DataQuality:
    """What the data-quality page shows: the child-level data (with the validation's findings), the
    summary of DfE's rules on them (None if they were never run on this data), the returns'
    counts beside the authority's published figures (:func:`analysis.sources.ssda903.reconcile.reconcile`)
    and, for SYNTHETIC data, the folder's calibration report (None for real returns)."""

    data: ChildData
    dfe: pd.DataFrame | None
    reconciliation: pd.DataFrame
    la_name: str
    calibration: dict | None = None


def compute(ctx: Context, data: ChildData) -> DataQuality:
    """The data-quality chapter for a paper: the one call its notebook makes.

    The page depends on the child-level data the paper names (``data``, from
    :func:`analysis.sources.ssda903.context.load`) and, for the reconciliation, on the authority's
    published figures in ``ctx.table``.
    """
    rec = reconcile.compare(data.prepared, data.years, ctx.table, ctx.la.old_la_code)
    return DataQuality(
        data=data,
        dfe=dfe_summary(data),
        reconciliation=rec,
        la_name=ctx.la.la_name,
        calibration=calibration_report(data),
    )


def _signed(value: int) -> str:
    """A difference of children as the page shows it: ``+12``, ``−3`` (a minus sign), ``0``."""
    return f"{value:+,d}".replace("-", "\u2212") if value else "0"


def reconciliation_display(rec: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation for the page: returns, published, difference and difference %, small counts suppressed.

    The returns' counts come from child-level data, so they go through
    :func:`analysis.report.disclosure.suppress` (a count of 1 to 5 shows as ``c``); where a count is
    suppressed its difference and percentage are too (the published figure and the difference would
    give it back). DfE's published figures are shown as published.
    """
    if rec.empty:
        return pd.DataFrame({"Reconciliation": ["no year is in both the returns and DfE's published figures"]})
    counts = pd.DataFrame({"Returns": rec["returns"].to_numpy(dtype=float)}, index=range(len(rec)))
    sup = disclosure.suppress(counts)
    hidden = sup.mask["Returns"].to_numpy()
    out = pd.DataFrame(
        {
            "Measure": rec["measure"].map(reconcile.MEASURES).to_numpy(),
            "Year": rec["year"].astype(int).to_numpy(),
            "Returns": sup.table()["Returns"].to_numpy(),
            "Published": [f"{int(v):,}" for v in rec["published"]],
            "Difference": [_signed(int(v)) for v in rec["difference"]],
            "Difference %": [reconcile.percent_text(v) for v in rec["difference_pct"]],
        }
    )
    out.loc[hidden, ["Difference", "Difference %"]] = disclosure.MARKER
    return out


def reconciliation_caution(res: DataQuality) -> str:
    """The caution sentence for the opening page (empty when every year is close enough)."""
    return reconcile.caution_text(res.reconciliation, res.la_name)


def findings_by_rule(data: ChildData) -> pd.DataFrame:
    """Findings of the report's validation counted by severity and rule, small counts suppressed.

    Returns the display table (counts as text, ``c`` where suppressed), with a
    total row.
    """
    f = data.findings
    rules = validate.rules_table().set_index("rule")["description"]
    if f.empty:
        return pd.DataFrame({"Severity": [], "Rule": [], "What it checks": [], "Findings": []})
    counts = f.groupby(["severity", "rule"]).size().rename("Findings").reset_index()
    counts = (
        counts.assign(order=counts["severity"].map(SEVERITY_ORDER).fillna(9))
        .sort_values(["order", "rule"])
        .drop(columns="order")
    )
    grid = counts.set_index(["severity", "rule"])[["Findings"]]
    grid.loc[("all", "total"), "Findings"] = float(counts["Findings"].sum())
    grid.index = [f"{a}|{b}" for a, b in grid.index]
    shown = disclosure.suppress(grid, total_row="all|total").table()
    out = pd.DataFrame(
        {
            "Severity": [i.split("|")[0] for i in shown.index],
            "Rule": [i.split("|")[1] for i in shown.index],
            "Findings": shown["Findings"].to_numpy(),
        }
    )
    out["What it checks"] = out["Rule"].map(rules).fillna("")
    out.loc[out["Rule"] == "total", ["Severity", "Rule", "What it checks"]] = ["", "All findings", ""]
    return out[["Severity", "Rule", "What it checks", "Findings"]]


def dfe_summary(data: ChildData) -> pd.DataFrame | None:
    """DfE's rules on this data, by year and rule, from the committed summary (None if never run)."""
    path = DFE_SUMMARIES / f"{Path(data.source).name}.csv"
    if not path.exists():
        return None
    table = pd.read_csv(path, dtype={"rule": str}, keep_default_na=False)
    if "deliberate_defect" not in table:  # a summary made before deliberate defects were judged
        table["deliberate_defect"] = ""
    table = table[table["year"].astype(int) <= max(data.years)]
    table["findings"] = table["findings"].astype(float)
    return table


def _judged(false_positive: str, deliberate: str) -> str:
    """How the page judges a row of DfE's findings."""
    if false_positive:
        return "false positive: " + false_positive
    if deliberate:
        return "deliberate defect of the SYNTHETIC data: " + deliberate
    return "to investigate"


def _unexplained(table: pd.DataFrame) -> pd.Series:
    """Rows of DfE's findings neither judged false positives nor deliberate defects of SYNTHETIC data."""
    deliberate = table["deliberate_defect"] if "deliberate_defect" in table else pd.Series("", index=table.index)
    return (table["false_positive_reason"] == "") & (deliberate == "")


def dfe_display(table: pd.DataFrame | None) -> pd.DataFrame:
    """The DfE summary for the page: counts suppressed, the judgement spelled out (a false positive of the
    rule; in SYNTHETIC data, a defect made on purpose; else "to investigate")."""
    if table is None:
        return pd.DataFrame({"DfE rules": ["not run on this data: python -m analysis validate DIR --dfe-rules"]})
    if table.empty:
        return pd.DataFrame({"DfE rules": ["no findings in any year"]})
    deliberate = table["deliberate_defect"] if "deliberate_defect" in table else pd.Series("", index=table.index)
    grid = table.set_index(table["year"].astype(str) + "|" + table["rule"] + "|" + deliberate)[["findings"]]
    shown = disclosure.suppress(grid).table()
    return pd.DataFrame(
        {
            "Year": table["year"].astype(int).to_numpy(),
            "DfE rule": table["rule"].str.replace("dfe-", "", regex=False).to_numpy(),
            "Findings": shown["findings"].to_numpy(),
            "Message": table["message"].to_numpy(),
            "Judged": [_judged(f, d) for f, d in zip(table["false_positive_reason"], deliberate)],
        }
    )


def key_figures(res: DataQuality) -> list[dict]:
    """Key figures for the chapter."""
    data, dfe = res.data, res.dfe
    sev = data.findings["severity"].value_counts()
    real = 0 if dfe is None or dfe.empty else int(dfe.loc[_unexplained(dfe), "findings"].sum())
    return [
        {
            "name": "dq_years",
            "value": f"{data.years[0]}-{data.years[-1]}",
            "unit": "text",
            "label": "Collection years of the child-level returns used",
        },
        {
            "name": "dq_children",
            "value": int(data.prepared["CHILD"].nunique()),
            "unit": "children",
            "label": "Children in the child-level returns (after short breaks are excluded)",
        },
        {
            "name": "dq_episodes",
            "value": int(len(data.prepared)),
            "unit": "count",
            "label": "Episodes of care in the stacked history",
        },
        {
            "name": "dq_errors",
            "value": int(sev.get("error", 0)),
            "unit": "count",
            "label": "Validation errors (the build refuses data with any)",
        },
        {"name": "dq_warnings", "value": int(sev.get("warning", 0)), "unit": "count", "label": "Validation warnings"},
        {
            "name": "dq_dfe_findings_to_investigate",
            "value": real,
            "unit": "count",
            "label": "Findings of DfE's rules judged neither false positives nor deliberate defects of SYNTHETIC data",
        },
        *_reconciliation_figures(res),
        {
            "name": "dq_synthetic",
            "value": "synthetic" if data.synthetic else "real",
            "unit": "text",
            "label": "Whether the child-level data are synthetic",
        },
    ]


def _reconciliation_figures(res: DataQuality) -> list[dict]:
    """Key figures of the reconciliation: its years, the largest difference and the caution sentence."""
    rec = res.reconciliation
    biggest = reconcile.max_diff_pct(rec)
    return [
        {"name": "dq_la_name", "value": res.la_name, "unit": "text", "label": "The authority the paper is for"},
        {
            "name": "reconciliation_years",
            "value": reconcile.years_text(rec["year"]),
            "unit": "text",
            "label": "Years in both the child-level returns and DfE's published figures (compared)",
        },
        {
            "name": "reconciliation_max_diff_pct",
            "value": biggest,
            "unit": "percent",
            "label": "Largest difference between the returns' counts and DfE's published figures, % of published",
            "digits": 1,
        },
        {
            "name": "reconciliation_caution",
            "value": reconciliation_caution(res),
            "unit": "text",
            "label": "Caution for the opening page when a year differs by more than 5% and 5 children (empty if none)",
        },
    ]


def dfe_rules_used() -> str:
    """The pinned version of DfE's rules, for the page."""
    return ", ".join(dfe_rules.REQUIREMENTS[:1])


def findings_table(res: DataQuality) -> dict:
    """:func:`findings_by_rule` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": findings_by_rule(res.data),
        "caption": "Findings of the report's validation, by rule (child-level data)",
        "population": "findings of the report's validation of the returns",
    }


def dfe_table(res: DataQuality) -> dict:
    """:func:`dfe_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": dfe_display(res.dfe),
        "caption": "Findings of DfE's rules, by collection year and rule (child-level data)",
        "population": "findings of DfE's rules on the returns",
    }


def reconciliation_table(res: DataQuality) -> dict:
    """:func:`reconciliation_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    table = reconciliation_display(res.reconciliation)
    return {
        "table": table,
        **reconciliation_marks(table),
        "caption": (
            f"Children looked after, started and ceased: the returns (child-level data) beside "
            f"{res.la_name}'s published figures"
        ),
        "formats": {"Difference": "s", "Difference %": "s"},  # signed text, right-aligned as numbers
    }


def reconciliation_marks(table: pd.DataFrame) -> dict:
    """The reconciliation's marks for the publish gate: each year's returns at 31 March are the released
    stock table's total for the year (the placements chapter's "All children"), so the gate compares them."""
    if "Returns" not in table:
        return {"population": STOCK_POPULATION}
    stock = reconcile.MEASURES["cla_31_march"]
    cells = {
        (i, "Returns"): stock_key(ALL_CHILDREN, y)
        for i, (m, y) in enumerate(zip(table["Measure"], table["Year"]))
        if m == stock
    }
    return {"population": STOCK_POPULATION, "cells": cells}


def rules_table(res: DataQuality) -> dict:
    """The validation rules the report applies, with its caption (not child-level: the same for any data)."""
    return {"table": validate.rules_table(), "caption": "Validation rules applied to the SSDA903 returns"}


# --------------------------------------------------------------------------- the synthetic authority's calibration

#: The population the calibration table shows figures of (for the publish gate).
CALIBRATION_POPULATION = "calibrated figures of the synthetic returns"

#: calibration.json's counts, in the order the page shows them.
_CALIBRATED_COUNTS = {
    "cla_31_march": "Looked after at 31 March",
    "cla_started": "Started to be looked after",
    "cla_ceased": "Ceased to be looked after",
    "uasc_31_march": "UASC looked after at 31 March",
}
#: calibration.json's blocks of shares: block -> (what the share is of, labels of its parts).
_CALIBRATED_SHARES = {
    "ceased_reason_shares": (
        "of leavers",
        {
            "adoption": "Ceased: adopted",
            "special guardianship": "Ceased: special guardianship order",
            "child arrangements order": "Ceased: child arrangements order",
            "return home": "Ceased: returned home",
            "independent living": "Ceased: independent living",
            "other": "Ceased: other reasons",
        },
    ),
    "age_shares_31_march": (
        "at 31 March",
        {"under_1": "Aged under 1", "1_4": "Aged 1-4", "5_9": "Aged 5-9", "10_15": "Aged 10-15", "16_over": "Aged 16+"},
    ),
    "placement_shares_31_march": (
        "at 31 March",
        {
            "foster": "Placement: foster care",
            "adoption": "Placement: placed for adoption",
            "parents": "Placement: with parents",
            "residential": "Placement: residential and other",
        },
    ),
    "provider_shares_31_march": (
        "at 31 March",
        {
            "own": "Provider: own authority",
            "other_la": "Provider: other authority",
            "private_voluntary": "Provider: private or voluntary",
            "parents": "Provider: parents",
        },
    ),
}


def calibration_report(data: ChildData | None) -> dict | None:
    """The SYNTHETIC folder's ``calibration.json`` (None for real returns, or a folder without one)."""
    from analysis.sources.ssda903.synth.calibration import FILE

    if data is None or not data.synthetic:
        return None
    path = Path(data.source) / FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _count_text(value) -> str:
    return "–" if value is None else f"{round(float(value)):,}"


def _share_text(value) -> str:
    return "–" if value is None else f"{100 * float(value):.1f}%"


def calibration_display(report: dict | None, years=None) -> pd.DataFrame:
    """Every calibrated figure of a SYNTHETIC folder, one row each, one column a year: "synthetic (published)".

    ``report`` is the folder's ``calibration.json``; ``years`` (default: all) are the years shown (the
    paper's). Counts are the synthetic data's, measured as the report measures real returns; they go
    through :func:`analysis.report.disclosure.suppress` like every count from child-level data (a count
    of 1 to 5 shows as ``c``). Shares are percentages. The published figure is DfE's (the nearest year's
    where DfE published none, as calibrated).
    """
    if not report:
        return pd.DataFrame({"Calibration": ["the returns are real: no figure was calibrated"]})
    wanted = None if years is None else {int(y) for y in years}
    shown = sorted(y for y in report.get("years", {}) if wanted is None or int(y) in wanted)
    if not shown:
        return pd.DataFrame({"Calibration": ["no calibrated year is among the years used"]})
    figures = [report["years"][y] for y in shown]
    rows: dict[str, list[str]] = {}
    counts = pd.DataFrame(
        {y: [float(f.get(m, {}).get("synthetic", 0) or 0) for m in _CALIBRATED_COUNTS] for y, f in zip(shown, figures)},
        index=list(_CALIBRATED_COUNTS),
    )
    released = disclosure.suppress(counts).table()
    for m, label in _CALIBRATED_COUNTS.items():
        if not any(m in f for f in figures):
            continue
        rows[label] = [
            f"{released.loc[m, y]} ({_count_text(f[m].get('published'))})" if m in f else "–"
            for y, f in zip(shown, figures)
        ]
    for block, (of, labels) in _CALIBRATED_SHARES.items():
        for key, label in labels.items():
            cells = [f.get(block, {}).get(key) for f in figures]
            if all(c is None for c in cells):
                continue
            rows[f"{label} (% {of})"] = [
                "–" if c is None else f"{_share_text(c.get('synthetic'))} ({_share_text(c.get('published'))})"
                for c in cells
            ]
    return pd.DataFrame([[label, *cells] for label, cells in rows.items()], columns=["Figure", *shown])


def calibration_table(res: DataQuality) -> dict:
    """:func:`calibration_display` for the paper's years, with its caption, for
    :func:`analysis.report.charts.show_table`."""
    years = res.data.years if res.data is not None else None
    return {
        "table": calibration_display(res.calibration, years),
        "caption": (
            f"SYNTHETIC data: each figure the made-up history was calibrated to, synthetic (published), "
            f"{res.la_name}, by collection year (child-level data)"
        ),
        "population": CALIBRATION_POPULATION,
    }
